/* test_srv_decode.c - the server's request decoders (srv_decode.c): a table of bodies and
 * parameters with the code and field each must give, and what an accepted push holds. */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "srv_decode.h"

#define EV(dev, seq, type, ent, id, payload)                                                       \
    "{\"id\":\"" dev ":" #seq "\",\"device\":\"" dev "\",\"seq\":" #seq                            \
    ",\"hlc\":\"0193a1b2c3d40001\",\"entity\":\"" ent "\",\"entity_id\":\"" id                     \
    "\",\"type\":\"" type "\",\"payload\":" payload ",\"author\":null,\"schema\":1}"

struct push_case {
    const char *body;
    const char *code; /* NULL: accepted */
    const char *field;
};

static const struct push_case PUSH[] = {
    {"{\"device\":\"k1\",\"count\":0}\n", NULL, NULL},
    {"{\"device\":\"k1\",\"count\":1}\n" EV("k1", 1, "customer.created", "customer", "c1",
                                            "{\"name\":\"A\"}"),
     NULL, NULL},
    {"", "bad_json", "line 1"},
    {"[]\n", "bad_json", "line 1"},
    {"{\"count\":0}\n", "bad_json", "device"},
    {"{\"device\":\"a b\",\"count\":0}\n", "bad_json", "device"},
    {"{\"device\":\"k1\",\"count\":2}\n" EV("k1", 1, "customer.created", "customer", "c1",
                                            "{\"name\":\"A\"}"),
     "bad_json", "count"},
    {"{\"device\":\"k1\",\"count\":2}\n" EV("k1", 1, "customer.created", "customer", "c1",
                                            "{\"name\":\"A\"}") "\n{\"id\":1}",
     "bad_json", "line 3"},
    {"{\"device\":\"k1\",\"count\":1}\n" EV("k1", 1, "customer.created", "customer", "c1",
                                            "{\"nome\":\"A\"}"),
     "bad_json", "line 2"},
    {"{\"device\":\"k1\",\"count\":2}\n" EV("k1", 2, "customer.created", "customer", "c1",
                                            "{\"name\":\"A\"}") "\n" EV("k1", 2, "customer.created",
                                                                        "customer", "c2",
                                                                        "{\"name\":\"B\"}"),
     "bad_json", "line 3"},
    {"{\"device\":\"k1\",\"count\":1}\n\n", "bad_json", "line 2"},
};

static void push_table(void)
{
    for (size_t i = 0; i < sizeof PUSH / sizeof PUSH[0]; i++) {
        struct srv_push_req r;
        struct srv_derr err = {0};
        enum ff_err e = srv_decode_push(PUSH[i].body, strlen(PUSH[i].body), &r, &err);
        char what[64];
        snprintf(what, sizeof what, "push case %zu", i);
        if (!PUSH[i].code) {
            CHECK_MSG(e == FF_OK, what);
        } else {
            CHECK_MSG(e != FF_OK, what);
            CHECK_STR(err.code ? err.code : "", PUSH[i].code);
            CHECK_STR(err.field, PUSH[i].field);
        }
        srv_push_req_free(&r);
    }
}

static void push_scope_keys(void)
{
    const char body[] = "{\"device\":\"k1\",\"count\":3}\n" EV(
        "k1", 1, "case.created", "case", "k9",
        "{\"customer_id\":\"c1\",\"touchpoint\":\"kiosk\",\"request_type\":\"complaint\","
        "\"assignee\":\"e1\"}") "\n" EV("k1", 2, "case.field_edited", "case", "k9",
                                        "{\"field\":\"assignee\",\"value\":\"e2\",\"prev\":"
                                        "[\"k1:1\"]}") "\n" EV("k1", 3, "visit.requested", "visit",
                                                               "v1",
                                                               "{\"case_id\":\"k9\","
                                                               "\"engineer_id\":\"e3\","
                                                               "\"start\":1796198400000,"
                                                               "\"end\":1796202000000}") "\n";
    struct srv_push_req r;
    struct srv_derr err = {0};
    CHECK(srv_decode_push(body, strlen(body), &r, &err) == FF_OK);
    CHECK_INT(r.n, 3);
    CHECK_STR(r.device, "k1");
    if (r.n == 3) {
        CHECK_STR(r.items[0].customer_id, "c1");
        CHECK_STR(r.items[0].assignee, "e1");
        CHECK_STR(r.items[1].assignee, "e2");
        CHECK_STR(r.items[1].customer_id, "");
        CHECK_STR(r.items[2].case_id, "k9");
        CHECK_STR(r.items[2].assignee, "e3");
        CHECK(r.items[0].digest != r.items[1].digest);
        CHECK(r.items[2].line[0] == '{' && r.items[2].line[r.items[2].len - 1] == '}');
    }
    srv_push_req_free(&r);
}

static void enrol_and_token(void)
{
    struct srv_enrol_req e;
    struct srv_derr err;
    const char ok[] = "{\"code\":\"K7Q-4MZ-9PD\",\"device_id\":\"kiosk-1\",\"name\":\"K 1\","
                      "\"later\":[1]}";
    CHECK(srv_decode_enrol(ok, strlen(ok), &e, &err) == FF_OK);
    CHECK_STR(e.code, "K7Q-4MZ-9PD");
    CHECK_STR(e.device_id, "kiosk-1");
    CHECK_STR(e.name, "K 1");
    static const struct {
        const char *body, *field;
    } bad[] = {
        {"{\"device_id\":\"k\"}", "code"},
        {"{\"code\":\"x\",\"device_id\":\"a/b\"}", "device_id"},
        {"{\"code\":7,\"device_id\":\"k\"}", "code"},
        {"{\"code\":\"x\",\"device_id\":\"k\",\"name\":\"a\\nb\"}", "name"},
        {"{\"code\":\"0123456789012345678901234567890123\",\"device_id\":\"k\"}", "code"},
        {"not json", ""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(srv_decode_enrol(bad[i].body, strlen(bad[i].body), &e, &err) == FF_EPARSE);
        CHECK_STR(err.code, "bad_json");
        CHECK_STR(err.field, bad[i].field);
        CHECK_STR(e.device_id, "");
    }
    struct srv_token_req t;
    CHECK(srv_decode_token("{\"refresh_token\":\"abc\"}", 23, &t, &err) == FF_OK);
    CHECK_STR(t.refresh_token, "abc");
    CHECK(srv_decode_token("{}", 2, &t, &err) == FF_EPARSE);
    CHECK_STR(err.field, "refresh_token");
}

static void pull_params(void)
{
    struct srv_pull_req r;
    struct srv_derr err;
    CHECK(srv_decode_pull(NULL, NULL, NULL, &r, &err) == FF_OK);
    CHECK_INT(r.limit, SW_PULL_LIMIT_DEFAULT);
    CHECK_INT(r.wait_s, 0);
    CHECK(srv_decode_pull("e7.42", "5000", "30", &r, &err) == FF_OK);
    CHECK_INT(r.epoch, 7);
    CHECK_INT(r.after, 42);
    CHECK_INT(r.limit, 5000);
    CHECK_INT(r.wait_s, 30);
    static const struct {
        const char *after, *limit, *wait, *field;
    } bad[] = {
        {"x1.2", NULL, NULL, "after"}, {NULL, "0", NULL, "limit"}, {NULL, "5001", NULL, "limit"},
        {NULL, "-1", NULL, "limit"},   {NULL, NULL, "31", "wait"}, {NULL, NULL, "1s", "wait"},
        {NULL, "", NULL, "limit"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(srv_decode_pull(bad[i].after, bad[i].limit, bad[i].wait, &r, &err) == FF_EPARSE);
        CHECK_STR(err.code, "bad_request");
        CHECK_STR(err.field, bad[i].field);
    }
}

static void attachment_headers(void)
{
    struct srv_derr err;
    int64_t f, t, n;
    CHECK(srv_decode_content_range("bytes 0-9/26", &f, &t, &n, &err) == FF_OK);
    CHECK(f == 0 && t == 9 && n == 26);
    const char *bad[] = {NULL,          "bytes 9-0/26", "bytes 0-26/26", "bytes 0-1",
                         "items 0-1/2", "bytes -1-2/3", "bytes 0-1/2x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(srv_decode_content_range(bad[i], &f, &t, &n, &err) == FF_EPARSE);
    CHECK(
        srv_decode_sha256_hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    CHECK(
        !srv_decode_sha256_hex("E3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    CHECK(!srv_decode_sha256_hex("e3b0"));
    CHECK(!srv_decode_sha256_hex(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8550"));
}

int main(void)
{
    push_table();
    push_scope_keys();
    enrol_and_token();
    pull_params();
    attachment_headers();
    return ff_test_finish();
}
