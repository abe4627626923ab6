/* test_srv_auth.c - the parts of srv_auth.c, srv_b64.c and srv_config.c that need no
 * database: code format and hashing, base64 against RFC 4648's vectors, the per-address
 * rate windows, and config files with their error positions. */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "srv_auth.h"
#include "srv_b64.h"
#include "srv_config.h"

static void codes(void)
{
    char code[12];
    uint8_t h[32], again[32];
    CHECK(srv_auth_code_new(code, h) == FF_OK);
    CHECK_INT(strlen(code), 11);
    CHECK(code[3] == '-' && code[7] == '-');
    for (const char *p = code; *p; p++)
        CHECK(*p == '-' || strchr("23456789ABCDEFGHJKMNPQRSTUVWXYZ", *p));
    char typed[32];
    snprintf(typed, sizeof typed, " %c%c%c%c %c%c%c%c%c", code[0] | 0x20, code[1] | 0x20,
             code[2] | 0x20, code[4], code[5], code[6], code[8], code[9], code[10]);
    srv_auth_code_hash(typed, again);
    CHECK(!memcmp(h, again, 32));
    char other[12];
    CHECK(srv_auth_code_new(other, again) == FF_OK);
    CHECK(strcmp(code, other) != 0);
}

static void base64(void)
{
    static const struct {
        const char *in, *std, *url;
    } v[] = {{"", "", ""},
             {"f", "Zg==", "Zg"},
             {"fo", "Zm8=", "Zm8"},
             {"foo", "Zm9v", "Zm9v"},
             {"foob", "Zm9vYg==", "Zm9vYg"},
             {"\xfb\xff", "+/8=", "-_8"}};
    char out[16];
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        CHECK(srv_b64_encode((const uint8_t *)v[i].in, strlen(v[i].in), false, out, sizeof out));
        CHECK_STR(out, v[i].std);
        CHECK(srv_b64_encode((const uint8_t *)v[i].in, strlen(v[i].in), true, out, sizeof out));
        CHECK_STR(out, v[i].url);
    }
    CHECK(!srv_b64_encode((const uint8_t *)"foob", 4, false, out, 8));
    CHECK_STR(out, "");
}

static void rates(void)
{
    struct srv_rate *r;
    int retry;
    CHECK(srv_rate_new(3, &r) == FF_OK);
    for (int i = 0; i < 3; i++) {
        CHECK(srv_rate_allowed(r, "10.0.0.1", 1000, &retry));
        srv_rate_count(r, "10.0.0.1", 1000 + i);
    }
    CHECK(!srv_rate_allowed(r, "10.0.0.1", 2000, &retry));
    CHECK_INT(retry, 59);
    CHECK(srv_rate_allowed(r, "10.0.0.2", 2000, &retry));  /* per address */
    CHECK(srv_rate_allowed(r, "10.0.0.1", 61000, &retry)); /* a new window */
    char addr[32];
    for (int i = 0; i < 5000; i++) { /* more addresses than slots: memory stays bounded */
        snprintf(addr, sizeof addr, "10.1.%d.%d", i / 256, i % 256);
        srv_rate_count(r, addr, 70000);
    }
    srv_rate_count(r, "10.0.0.9", 70000);
    srv_rate_count(r, "10.0.0.9", 70000);
    srv_rate_count(r, "10.0.0.9", 70000);
    CHECK(!srv_rate_allowed(r, "10.0.0.9", 70001, &retry));
    srv_rate_free(r);
}

static void config(void)
{
    struct srv_config c;
    char why[512];
    srv_config_defaults(&c);
    CHECK_STR(c.host, "127.0.0.1");
    CHECK_INT(c.port, 8443);
    const char *dir = ff_test_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/a.conf", dir);
    FILE *f = fopen(path, "w");
    fputs("# fieldflow-server\nlisten = [::1]:0\n\ninstance=west\n  threads = 300\n", f);
    fclose(f);
    CHECK(srv_config_file(&c, path, why, sizeof why) == FF_EINVALID);
    CHECK_MSG(strstr(why, "a.conf:5:13: threads") != NULL, why);
    CHECK_STR(c.host, "::1");
    CHECK_INT(c.port, 0);
    CHECK_STR(c.instance, "west");
    f = fopen(path, "w");
    fputs("colour = blue\n", f);
    fclose(f);
    CHECK(srv_config_file(&c, path, why, sizeof why) == FF_ENOTFOUND);
    CHECK_MSG(strstr(why, "a.conf:1:1: unknown setting 'colour'") != NULL, why);
    CHECK(srv_config_set(&c, "listen", "127.0.0.1", why, sizeof why) == FF_EINVALID);
    CHECK(srv_config_set(&c, "listen", "localhost:80", why, sizeof why) == FF_EINVALID);
    CHECK(srv_config_set(&c, "listen", "1.2.3:80", why, sizeof why) == FF_EINVALID);
    CHECK_STR(c.host, "::1");
    CHECK(srv_config_set(&c, "instance", "a/b", why, sizeof why) == FF_EINVALID);
    CHECK(srv_config_set(&c, "data", "/srv/ff", why, sizeof why) == FF_OK);
    CHECK(srv_config_finish(&c, why, sizeof why) == FF_OK);
    CHECK_STR(c.db, "sqlite:/srv/ff/server.db");
    CHECK(srv_config_set(&c, "cert", "/x.pem", why, sizeof why) == FF_OK);
    CHECK(srv_config_finish(&c, why, sizeof why) == FF_EINVALID);
}

int main(void)
{
    codes();
    base64();
    rates();
    config();
    return ff_test_finish();
}
