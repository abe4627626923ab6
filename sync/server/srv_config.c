/* srv_config.c - settings from defaults, a file and flags (srv_config.h). Values are checked
 * when set, so a bad file stops the start with its line and column and nothing else ran. */
#include "srv_config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/event.h"

void srv_config_defaults(struct srv_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->host, sizeof c->host, "127.0.0.1");
    c->port = 8443;
    c->threads = 8;
    c->access_ttl = 3600;
    snprintf(c->instance, sizeof c->instance, "main");
    const char *state = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    if (state && state[0] == '/')
        snprintf(c->data, sizeof c->data, "%s/fieldflow-server", state);
    else
        snprintf(c->data, sizeof c->data, "%s/.local/state/fieldflow-server",
                 home && home[0] ? home : ".");
}

static bool number(const char *s, long lo, long hi, long *out)
{
    char *end;
    if (!s[0] || s[0] == '-' || s[0] == '+' || s[0] == ' ')
        return false;
    long v = strtol(s, &end, 10);
    if (*end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static enum ff_err set_listen(struct srv_config *c, const char *v, char *why, size_t why_len)
{
    const char *colon = strrchr(v, ':');
    long port;
    size_t hl = colon ? (size_t)(colon - v) : 0;
    if (!colon || hl == 0 || hl >= sizeof c->host || !number(colon + 1, 0, 65535, &port)) {
        snprintf(why, why_len, "listen: want HOST:PORT, got '%s'", v);
        return FF_EINVALID;
    }
    if (v[0] == '[' && v[hl - 1] == ']') { /* [::1]:8443 */
        v++;
        hl -= 2;
    }
    char host[sizeof c->host];
    memcpy(host, v, hl);
    host[hl] = '\0';
    unsigned char addr[sizeof(struct in6_addr)];
    if (inet_pton(AF_INET, host, addr) != 1 && inet_pton(AF_INET6, host, addr) != 1) {
        snprintf(why, why_len, "listen: '%s' is not a numeric IPv4 or IPv6 address", host);
        return FF_EINVALID;
    }
    memcpy(c->host, host, hl + 1);
    c->port = (int)port;
    return FF_OK;
}

static enum ff_err set_path(char *dst, const char *key, const char *v, char *why, size_t why_len)
{
    if (!v[0] || strlen(v) >= SRV_PATH_MAX) {
        snprintf(why, why_len, "%s: empty or too long", key);
        return FF_EINVALID;
    }
    snprintf(dst, SRV_PATH_MAX, "%s", v);
    return FF_OK;
}

enum ff_err srv_config_set(struct srv_config *c, const char *key, const char *value, char *why,
                           size_t why_len)
{
    long n;
    if (!strcmp(key, "listen"))
        return set_listen(c, value, why, why_len);
    if (!strcmp(key, "db"))
        return set_path(c->db, key, value, why, why_len);
    if (!strcmp(key, "data"))
        return set_path(c->data, key, value, why, why_len);
    if (!strcmp(key, "cert"))
        return set_path(c->cert, key, value, why, why_len);
    if (!strcmp(key, "key"))
        return set_path(c->key, key, value, why, why_len);
    if (!strcmp(key, "instance")) {
        if (strlen(value) > SRV_NAME_MAX - 7 || !ff_event_id_valid(value)) {
            snprintf(why, why_len, "instance: want [A-Za-z0-9._-]{1,57}, got '%s'", value);
            return FF_EINVALID;
        }
        snprintf(c->instance, sizeof c->instance, "%s", value);
        return FF_OK;
    }
    if (!strcmp(key, "threads")) {
        if (!number(value, 1, 256, &n)) {
            snprintf(why, why_len, "threads: want 1 to 256, got '%s'", value);
            return FF_EINVALID;
        }
        c->threads = (int)n;
        return FF_OK;
    }
    if (!strcmp(key, "access-ttl")) {
        if (!number(value, 1, 24 * 3600, &n)) {
            snprintf(why, why_len, "access-ttl: want 1 to 86400 seconds, got '%s'", value);
            return FF_EINVALID;
        }
        c->access_ttl = (int)n;
        return FF_OK;
    }
    snprintf(why, why_len, "unknown setting '%s'", key);
    return FF_ENOTFOUND;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

enum ff_err srv_config_file(struct srv_config *c, const char *path, char *why, size_t why_len)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(why, why_len, "%s: cannot open", path);
        return FF_EIO;
    }
    char line[2 * SRV_PATH_MAX];
    enum ff_err e = FF_OK;
    for (int no = 1; !e && fgets(line, sizeof line, f); no++) {
        char *key = trim(line);
        int col = (int)(key - line) + 1;
        if (!key[0] || key[0] == '#')
            continue;
        char *eq = strchr(key, '=');
        if (!eq) {
            snprintf(why, why_len, "%s:%d:%d: want key = value", path, no, col);
            e = FF_EPARSE;
            break;
        }
        *eq = '\0';
        char *value = trim(eq + 1);
        key = trim(key);
        char detail[512];
        e = srv_config_set(c, key, value, detail, sizeof detail);
        if (e)
            snprintf(why, why_len, "%s:%d:%d: %s", path, no,
                     e == FF_ENOTFOUND ? col : (int)(value - line) + 1, detail);
    }
    fclose(f);
    return e;
}

enum ff_err srv_config_finish(struct srv_config *c, char *why, size_t why_len)
{
    if (!c->cert[0] != !c->key[0]) {
        snprintf(why, why_len, "--cert and --key go together");
        return FF_EINVALID;
    }
    if (!c->db[0] &&
        snprintf(c->db, sizeof c->db, "sqlite:%s/server.db", c->data) >= (int)sizeof c->db) {
        snprintf(why, why_len, "data: path too long");
        return FF_EINVALID;
    }
    return FF_OK;
}
