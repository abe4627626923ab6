/* test_event.c - the event codec: what it accepts, what it refuses and why, round trips. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "fieldflow/event.h"
#include "fieldflow/mem.h"
#include "harness.h"

#define ENV(id, dev, seq, type, entity, payload)                                                   \
    "{\"id\":\"" id "\",\"device\":\"" dev "\",\"seq\":" seq ",\"hlc\":\"0193a1b2c3d40001\","      \
    "\"entity\":\"" entity "\",\"entity_id\":\"e-1\",\"type\":\"" type "\",\"payload\":" payload   \
    ",\"author\":\"eng-7\",\"schema\":1}"

static const struct {
    const char *json;
    enum ff_err err;
    const char *why; /* substring of the reason */
} cases[] = {
    {ENV("d1:7", "d1", "7", "feedback.given", "feedback", "{\"score\":5}"), FF_OK, ""},
    {ENV("d1:7", "d1", "7", "gizmo.frobbed", "gizmo", "{\"x\":[1,2]}"), FF_OK, ""},
    {ENV("d1:7", "d1", "7", "feedback.given", "feedback", "{\"score\":9}"), FF_EINVALID,
     "event d1:7: payload.score: must be an integer in range"},
    {ENV("d1:7", "d1", "7", "feedback.given", "feedback", "{\"score\":4.5}"), FF_EINVALID,
     "payload.score"},
    {ENV("d1:7", "d1", "7", "feedback.given", "feedback", "{}"), FF_EINVALID,
     "payload.score: is required"},
    {ENV("d1:7", "d1", "7", "feedback.given", "feedback", "[1]"), FF_EINVALID,
     "payload: must be a JSON object"},
    {ENV("d1:8", "d1", "7", "feedback.given", "feedback", "{\"score\":1}"), FF_EINVALID,
     "id: must be"},
    {ENV("d 1:7", "d 1", "7", "feedback.given", "feedback", "{\"score\":1}"), FF_EINVALID,
     "device"},
    {ENV("d1:0", "d1", "0", "feedback.given", "feedback", "{\"score\":1}"), FF_EINVALID, "seq"},
    {ENV("d1:7", "d1", "7", "feedback.given", "case", "{\"score\":1}"), FF_EINVALID,
     "entity: must be the type's prefix"},
    {ENV("d1:7", "d1", "7", "Feedback", "feedback", "{\"score\":1}"), FF_EINVALID, "type"},
    {ENV("d1:7", "d1", "7", "case.escalated", "case", "{\"level\":5,\"reason\":\"x\"}"),
     FF_EINVALID, "payload.level"},
    {ENV("d1:7", "d1", "7", "case.field_edited", "case",
         "{\"field\":\"priority\",\"value\":\"high\",\"prev\":[\"d1:1\"]}"),
     FF_EINVALID, "payload.value: priority must be"},
    {ENV("d1:7", "d1", "7", "case.field_edited", "case",
         "{\"field\":\"category\",\"value\":\"x\",\"prev\":[\"nocolon\"]}"),
     FF_EINVALID, "payload.prev"},
    {ENV("d1:7", "d1", "7", "customer.created", "customer", "{\"name\":\"a\",\"x\":1e999}"),
     FF_EINVALID, "non-finite"},
    {ENV("d1:7", "d1", "7", "customer.created", "customer", "{\"name\":\"\xc0\xaf\"}"), FF_EINVALID,
     "UTF-8"},
    {ENV("d1:7", "d1", "7", "customer.created", "customer",
         "{\"name\":\"a\",\"deep\":[[[[[[[[[[1]]]]]]]]]]}"),
     FF_EINVALID, "nested too deep"},
    {ENV("d1:7", "d1", "7", "engineer.availability_published", "engineer",
         "{\"slots\":[{\"start\":5,\"end\":5}]}"),
     FF_EINVALID, "payload.slots"},
    /* a visit request may rank up to 5 alternative slots (issue 10) */
    {ENV("d1:7", "d1", "7", "visit.requested", "visit",
         "{\"case_id\":\"c\",\"engineer_id\":\"e\",\"start\":10,\"end\":20,"
         "\"alternatives\":[{\"start\":30,\"end\":40}]}"),
     FF_OK, ""},
    {ENV("d1:7", "d1", "7", "visit.requested", "visit",
         "{\"case_id\":\"c\",\"engineer_id\":\"e\",\"start\":10,\"end\":20,"
         "\"alternatives\":[{\"start\":1,\"end\":2},{\"start\":1,\"end\":2},{\"start\":1,"
         "\"end\":2},{\"start\":1,\"end\":2},{\"start\":1,\"end\":2},{\"start\":1,"
         "\"end\":2}]}"),
     FF_EINVALID, "payload.alternatives: must be an array of at most 5 slots"},
    {ENV("d1:7", "d1", "7", "visit.requested", "visit",
         "{\"case_id\":\"c\",\"engineer_id\":\"e\",\"start\":10,\"end\":20,"
         "\"alternatives\":[{\"start\":30,\"end\":30}]}"),
     FF_EINVALID, "payload.alternatives: each slot needs"},
    {"{\"id\":", FF_EPARSE, "not valid JSON"},
    {"[]", FF_EPARSE, "must be a JSON object"},
    {"{\"id\":\"d1:1\",\"device\":\"d1\",\"seq\":1,\"hlc\":\"xyz\"}", FF_EINVALID, "hlc"},
    /* exactly one value, nothing after it but whitespace (issue 9) */
    {ENV("d1:7", "d1", "7", "feedback.given", "feedback", "{\"score\":5}") " \n", FF_OK, ""},
    {ENV("d1:7", "d1", "7", "feedback.given", "feedback", "{\"score\":5}")
         ENV("d1:8", "d1", "8", "feedback.given", "feedback", "{\"score\":1}"),
     FF_EPARSE, "more after the first JSON value"},
    {ENV("d1:7", "d1", "7", "feedback.given", "feedback", "{\"score\":5}") " junk", FF_EPARSE,
     "more after"},
    {"   ", FF_EPARSE, "ends early"},
    {"", FF_EPARSE, "ends early"},
    /* NUL: escaped it would cut the string, so it is refused in ids, keys and text */
    {"{\"id\":\"d1:7\",\"device\":\"d1\",\"seq\":7,\"hlc\":\"0193a1b2c3d40001\",\"entity\":"
     "\"case\",\"entity_id\":\"case-0\\u0000junk\",\"type\":\"case.note_added\",\"payload\":"
     "{\"text\":\"t\"},\"author\":null,\"schema\":1}",
     FF_EINVALID, "NUL"},
    {ENV("d1:7", "d1", "7", "customer.created", "customer", "{\"name\":\"a\",\"k\\u0000\":1}"),
     FF_EINVALID, "NUL"},
    {ENV("d1:7", "d1", "7", "customer.created", "customer", "{\"name\":\"Al\\u0000ice\"}"),
     FF_EINVALID, "NUL"},
    {ENV("d1:7", "d1", "7", "customer.created", "customer", "{\"name\":\"a\\\\u0000\"}"), FF_OK,
     ""}, /* an escaped backslash before u0000 is text, not a NUL */
    {ENV("d1:7", "d1", "7", "customer.created", "customer", "{\"name\":\"\\ud800x\"}"), FF_EPARSE,
     "surrogate"},
    /* duplicate keys: cJSON reads the first, Python, JavaScript and jsonb the last */
    {ENV("d1:7", "d1", "7", "customer.created", "customer",
         "{\"name\":\"Alice\",\"name\":\"Mallory\"}"),
     FF_EINVALID, "event d1:7: payload: has the key \"name\" twice"},
    {ENV("d1:7", "d1", "7", "customer.created", "customer",
         "{\"name\":\"A\",\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8,"
         "\"i\":{\"x\":1,\"x\":2}}"),
     FF_EINVALID, "\"x\" twice"},
    {"{\"id\":\"d1:7\",\"device\":\"d1\",\"device\":\"d2\",\"seq\":7,\"hlc\":"
     "\"0193a1b2c3d40001\",\"entity\":\"case\",\"entity_id\":\"k\",\"type\":"
     "\"case.note_added\",\"payload\":{\"text\":\"t\"},\"author\":null,\"schema\":1}",
     FF_EINVALID, "event d1:7: event: has the key \"device\" twice"},
    /* numbers beyond 2^53 would be rounded */
    {ENV("d1:7", "d1", "7", "customer.created", "customer",
         "{\"name\":\"a\",\"n\":9007199254740993}"),
     FF_EINVALID, "2^53"},
    {ENV("d1:7", "d1", "7", "customer.created", "customer",
         "{\"name\":\"a\",\"n\":-9007199254740992}"),
     FF_EINVALID, "2^53"},
    {ENV("d1:7", "d1", "7", "customer.created", "customer",
         "{\"name\":\"a\",\"n\":9007199254740991}"),
     FF_OK, ""},
};

static void test_table(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ff_event ev;
        char why[384] = "";
        enum ff_err e = ff_event_decode(cases[i].json, strlen(cases[i].json), &ev, why, sizeof why);
        CHECK_INT(e, cases[i].err);
        CHECK_MSG(strstr(why, cases[i].why) != NULL, why);
        if (e)
            CHECK(ev.payload == NULL && ev.author == NULL);
        ff_event_clear(&ev);
    }
}

static void test_round_trip(void)
{
    const char *in = ENV("d1:7", "d1", "7", "report.submitted", "report",
                         "{ \"case_id\" : \"k\", \"work_done\":\"ok\", \"minutes\":5,"
                         "\"outcome\":\"fixed\",\"parts\":[{\"part\":\"valve\",\"qty\":2}]}");
    struct ff_event ev, again;
    char why[256] = "", *out = NULL, *out2 = NULL;
    CHECK_INT(ff_event_decode(in, strlen(in), &ev, why, sizeof why), FF_OK);
    CHECK(ev.known);
    CHECK_STR(ev.author, "eng-7");
    CHECK_STR(ev.payload, "{\"case_id\":\"k\",\"work_done\":\"ok\",\"minutes\":5,\"outcome\":"
                          "\"fixed\",\"parts\":[{\"part\":\"valve\",\"qty\":2}]}");
    CHECK_INT(ff_event_encode(&ev, &out), FF_OK);
    CHECK_INT(ff_event_decode(out, strlen(out), &again, why, sizeof why), FF_OK);
    CHECK_INT(ff_event_encode(&again, &out2), FF_OK);
    CHECK_STR(out, out2);
    ff_free(out);
    ff_free(out2);
    ff_event_clear(&ev);
    ff_event_clear(&again);
    const char *newer = "{\"id\":\"d1:1\",\"device\":\"d1\",\"seq\":1,\"hlc\":\"0000000000010000\","
                        "\"entity\":\"case\",\"entity_id\":\"k\",\"type\":\"case.created\","
                        "\"payload\":{\"shape\":\"v2\"},\"author\":null,\"schema\":2}";
    CHECK_INT(ff_event_decode(newer, strlen(newer), &ev, why, sizeof why), FF_OK);
    CHECK(!ev.known); /* a newer schema is kept, not folded */
    ff_event_clear(&ev);
}

static void test_limits(void)
{
    size_t n = FF_EVENT_MAX_BYTES + 100;
    char *big = malloc(n + 1);
    memset(big, ' ', n);
    big[n] = '\0';
    struct ff_event ev;
    char why[256] = "";
    CHECK_INT(ff_event_decode(big, n, &ev, why, sizeof why), FF_ELIMIT);
    free(big);
    for (long k = 0;; k++) { /* every allocation failure is a clean FF_ENOMEM */
        const char *in = ENV("d1:7", "d1", "7", "feedback.given", "feedback", "{\"score\":5}");
        ff_mem_fail_after(k);
        enum ff_err e = ff_event_decode(in, strlen(in), &ev, why, sizeof why);
        ff_mem_fail_after(-1);
        ff_event_clear(&ev);
        CHECK(e == FF_OK || e == FF_ENOMEM);
        if (e == FF_OK)
            break;
    }
}

/* Bytes JSON text cannot carry raw: a NUL inside a string, or after the value. */
static void test_raw_nul(void)
{
    static const char with_nul[] = "{\"id\":\"d1:7\",\"device\":\"d1\",\"seq\":7,\"hlc\":"
                                   "\"0193a1b2c3d40001\",\"entity\":\"case\",\"entity_id\":"
                                   "\"case-0\0junk\",\"type\":\"case.note_added\",\"payload\":"
                                   "{\"text\":\"t\"},\"author\":null,\"schema\":1}";
    struct ff_event ev;
    char why[256] = "";
    CHECK_INT(ff_event_decode(with_nul, sizeof with_nul - 1, &ev, why, sizeof why), FF_EPARSE);
    CHECK_MSG(strstr(why, "NUL") != NULL, why);
    const char *ok = ENV("d1:7", "d1", "7", "feedback.given", "feedback", "{\"score\":5}");
    char buf[512];
    size_t n = strlen(ok);
    memcpy(buf, ok, n);
    memcpy(buf + n, "\0{}", 3);
    CHECK_INT(ff_event_decode(buf, n + 3, &ev, why, sizeof why), FF_EPARSE);
    CHECK_MSG(strstr(why, "NUL") != NULL, why);
}

static void *no_malloc(size_t n)
{
    (void)n;
    return NULL;
}

/* cJSON failing to allocate is out of memory, not "not valid JSON": a good event must not be
 * refused as bad (sync retries one, drops the other). */
static void test_oom_is_not_parse(void)
{
    const char *in = ENV("d1:7", "d1", "7", "feedback.given", "feedback", "{\"score\":5}");
    struct ff_event ev;
    char why[256] = "";
    cJSON_Hooks hooks = {no_malloc, free};
    cJSON_InitHooks(&hooks); /* this test is single-threaded */
    enum ff_err e = ff_event_decode(in, strlen(in), &ev, why, sizeof why);
    cJSON_InitHooks(NULL);
    CHECK_INT(e, FF_ENOMEM);
    CHECK_MSG(strstr(why, "out of memory") != NULL, why);
    ff_event_clear(&ev);
}

int main(void)
{
    test_table();
    test_raw_nul();
    test_oom_is_not_parse();
    test_round_trip();
    test_limits();
    return ff_test_finish();
}
