#define _GNU_SOURCE /* memmem */
/* test_store.c - the device store through its API: appends, reads, sync bookkeeping, merge
 * rules (conflicts, slots, customer merge, erasure), import dedupe and refusals. */
#include <sqlite3.h>
#include <time.h>

#include "store_testlib.h"

static uint64_t fake_now = 1732440000000ull; /* 2024-11-24 09:20 UTC */
static uint64_t fake_clock(void *ctx)
{
    (void)ctx;
    return fake_now;
}

#define DAY0 1732406400000LL /* 2024-11-24 00:00 UTC */

static void seed(struct ff_store *s)
{
    append_ok(s, "customer.created", "cust-1",
              "{\"name\":\"Søren Ångström\",\"phone\":\"+45 12 34 56 78\","
              "\"email\":\"Soren@Example.DK\",\"address\":\"Nørregade 1\"}");
    append_ok(s, "customer.created", "cust-2", "{\"name\":\"María Peña\",\"phone\":\"600123123\"}");
    append_ok(s, "case.created", "case-1",
              "{\"customer_id\":\"cust-1\",\"touchpoint\":\"phone\",\"request_type\":"
              "\"service_request\",\"category\":\"boiler\",\"priority\":2,\"description\":"
              "\"no hot water\"}");
    append_ok(s, "case.note_added", "case-1", "{\"text\":\"called back\"}");
    append_ok(s, "case.escalated", "case-1", "{\"level\":2,\"reason\":\"senior\",\"eta\":5}");
    append_ok(s, "visit.requested", "visit-1",
              "{\"case_id\":\"case-1\",\"engineer_id\":\"eng-7\",\"start\":1732446000000,"
              "\"end\":1732449600000}");
    append_ok(s, "kb.published", "kb-1",
              "{\"lang\":\"da\",\"title\":\"Varmtvandsbeholder\",\"body\":\"Når kedlen støjer, "
              "luft radiatorerne ud.\"}");
    append_ok(s, "kb.published", "kb-2",
              "{\"lang\":\"es\",\"title\":\"Calefacción\",\"body\":\"La caldera no enciende: "
              "revise la presión.\"}");
}

static void test_reads(const char *dir)
{
    struct ff_store *s = open_store(dir, "reads.db", "dev-a");
    ff_store_set_clock(s, fake_clock, NULL);
    seed(s);
    char *j = NULL;
    CHECK_INT(ff_store_visits_of_day(s, "eng-7", DAY0, &j), FF_OK);
    CHECK(has(j, "\"visit_id\":\"visit-1\"") && has(j, "\"status\":\"requested\""));
    CHECK(has(j, "Søren Ångström"));
    ff_free(j);
    CHECK_INT(ff_store_visits_of_day(s, "eng-7", DAY0 + 86400000LL, &j), FF_OK);
    CHECK_STR(j, "[]");
    ff_free(j);
    CHECK_INT(ff_store_case_detail(s, "case-1", &j), FF_OK);
    CHECK(has(j, "\"status\":\"new\"") && has(j, "called back") && has(j, "\"level\":2"));
    CHECK(has(j, "\"customer\":{\"id\":\"cust-1\""));
    ff_free(j);
    CHECK_INT(ff_store_case_detail(s, "nope", &j), FF_ENOTFOUND);
    CHECK(j == NULL);
    static const struct {
        const char *q;
        const char *want;
    } searches[] = {{"soren", "cust-1"},     {"ANGSTRÖM", "cust-1"},   {"12345678", "cust-1"},
                    {"+45 12 34", "cust-1"}, {"example.dk", "cust-1"}, {"pena", "cust-2"},
                    {"Ma", "cust-2"},        {"So", "cust-1"},         {"3123", "cust-2"}};
    for (size_t i = 0; i < sizeof searches / sizeof searches[0]; i++) {
        CHECK_INT(ff_store_customer_search(s, searches[i].q, 10, &j), FF_OK);
        CHECK_MSG(has(j, searches[i].want), searches[i].q);
        ff_free(j);
    }
    CHECK_INT(ff_store_customer_search(s, "zzzz", 10, &j), FF_OK);
    CHECK_STR(j, "[]");
    ff_free(j);
    CHECK_INT(ff_store_kb_search(s, "stojer kedlen", NULL, 5, &j), FF_OK); /* diacritics */
    CHECK(has(j, "kb-1"));
    ff_free(j);
    CHECK_INT(ff_store_kb_search(s, "presion", "es", 5, &j), FF_OK);
    CHECK(has(j, "kb-2") && !has(j, "kb-1"));
    ff_free(j);
    CHECK_INT(ff_store_kb_search(s, "presion", "da", 5, &j), FF_OK);
    CHECK_STR(j, "[]");
    ff_free(j);
    CHECK_INT(ff_store_kb_search(s, "\"*(", NULL, 5, &j), FF_OK); /* nothing searchable */
    CHECK_STR(j, "[]");
    ff_free(j);
    CHECK_INT(ff_store_check(s), FF_OK);
    ff_store_close(s);
}

static void test_domain(const char *dir)
{
    struct ff_store *s = open_store(dir, "domain.db", "dev-b");
    ff_store_set_clock(s, fake_clock, NULL);
    char case_id[37], first_case[37], report_id[37], *j = NULL;
    struct ff_run_outcome run = {"run-9", "kiosk-triage", 3, "service_request",
                                 "{\"category\":\"washer\",\"priority\":3,\"touchpoint\":"
                                 "\"kiosk\",\"model\":\"WX-1\"}"};
    CHECK_INT(ff_store_case_from_run(s, &run, case_id), FF_OK);
    CHECK_INT(strlen(case_id), 36);
    CHECK_INT(ff_store_record_report(s, case_id,
                                     "{\"work_done\":\"replaced pump\",\"parts\":[{\"part\":"
                                     "\"pump\",\"qty\":1}],\"minutes\":45,\"outcome\":\"fixed\","
                                     "\"signature\":\"iVBORw0KGgo=\"}",
                                     report_id),
              FF_OK);
    CHECK_INT(ff_store_close_case(s, case_id), FF_OK);
    memcpy(first_case, case_id, sizeof case_id);
    CHECK_INT(ff_store_case_detail(s, case_id, &j), FF_OK);
    CHECK(has(j, "\"status\":\"closed\"") && has(j, "\"run_id\":\"run-9\""));
    CHECK(has(j, "\"chart_version\":3") && has(j, "\"model\":\"WX-1\"") && has(j, "replaced pump"));
    CHECK(has(j, "\"part\":\"pump\",\"qty\":1") && has(j, "\"signed\":1"));
    ff_free(j);
    CHECK_INT(ff_store_close_case(s, "missing-case"), FF_ENOTFOUND);
    run.answers_json = "[1]";
    CHECK_INT(ff_store_case_from_run(s, &run, case_id), FF_EPARSE);
    run.answers_json = "{\"priority\":9}";
    CHECK_INT(ff_store_case_from_run(s, &run, case_id), FF_EINVALID);
    CHECK(has(ff_store_errmsg(s), "payload.priority"));
    CHECK_INT(ff_store_record_report(s, "case-x", "{\"work_done\":\"x\"}", report_id), FF_EINVALID);
    CHECK(has(ff_store_errmsg(s), "dev-b:4") && has(ff_store_errmsg(s), "payload.minutes"));
    int64_t pending = -1, seq = 0;
    CHECK_INT(ff_store_pending(s, &pending), FF_OK);
    CHECK_INT(pending, 3); /* refusals used no seq */
    CHECK_INT(ff_store_append(s, "gadget.zapped", "g-1", "{\"volts\":3}", &seq), FF_OK);
    CHECK_INT(seq, 4); /* unknown types are kept, with a seq, and sent on */
    CHECK_INT(ff_store_mark_sent(s, 2), FF_OK);
    CHECK_INT(ff_store_pending(s, &pending), FF_OK);
    CHECK_INT(pending, 2);
    CHECK_INT(ff_store_mark_sent(s, 1), FF_OK); /* never backwards */
    CHECK_INT(ff_store_pending(s, &pending), FF_OK);
    CHECK_INT(pending, 2);
    CHECK_INT(ff_store_mark_sent(s, 99), FF_EINVAL);
    CHECK_INT(ff_store_events_after(s, 2, 100, &j), FF_OK);
    CHECK(has(j, "\"id\":\"dev-b:3\"") && has(j, "\"type\":\"gadget.zapped\"") &&
          !has(j, "dev-b:2\""));
    ff_free(j);
    CHECK_INT(ff_store_stats(s, &j), FF_OK);
    CHECK(has(j, "\"unknown\":1") && has(j, "\"pending\":2"));
    ff_free(j);
    ff_store_close(s);
    struct ff_store_opts o = {.path = NULL, .device = "someone-else"};
    char path[4096], why[256] = "";
    snprintf(path, sizeof path, "%s/domain.db", dir);
    o.path = path;
    o.why = why;
    o.why_len = sizeof why;
    CHECK_INT(ff_store_open(&o, &s), FF_ESTATE);
    CHECK(s == NULL && has(why, "dev-b"));
    s = open_store(dir, "domain.db", NULL); /* seq carries on after a reopen */
    CHECK_INT(ff_store_append(s, "case.note_added", first_case, "{\"text\":\"after\"}", &seq),
              FF_OK);
    CHECK_INT(seq, 5);
    CHECK_INT(ff_store_check(s), FF_OK);
    ff_store_close(s);
}

static void test_conflict(const char *dir)
{
    struct ff_store *a = open_store(dir, "ca.db", "dev-a");
    struct ff_store *b = open_store(dir, "cb.db", "dev-b");
    char *j = NULL;
    append_ok(a, "case.created", "case-c",
              "{\"touchpoint\":\"email\",\"request_type\":"
              "\"complaint\",\"priority\":1}");
    CHECK_INT(sync_into(b, a), 1);
    CHECK_INT(sync_into(b, a), 0); /* importing twice never duplicates */
    CHECK_INT(ff_store_edit_field(a, "case", "case-c", "priority", "2"), FF_OK);
    nanosleep(&(struct timespec){0, 2000000}, NULL);
    CHECK_INT(ff_store_edit_field(b, "case", "case-c", "priority", "4"), FF_OK);
    sync_into(a, b);
    sync_into(b, a);
    char *da = dump_of(a), *db = dump_of(b);
    CHECK_STR(da, db);
    CHECK(has(da, "conflicts|\"case\"|\"case-c\"|\"priority\""));
    free(da);
    free(db);
    CHECK_INT(ff_store_conflicts(a, &j), FF_OK);
    CHECK(has(j, "\"version\":\"dev-b:1\",\"value\":4") && has(j, "\"version\":\"dev-a:2\""));
    ff_free(j);
    CHECK_INT(ff_store_case_detail(a, "case-c", &j), FF_OK);
    CHECK(has(j, "\"priority\":4")); /* the head with the highest hlc is shown */
    ff_free(j);
    CHECK_INT(ff_store_edit_field(a, "case", "case-c", "priority", "3"), FF_OK); /* resolves */
    sync_into(b, a);
    CHECK_INT(ff_store_conflicts(b, &j), FF_OK);
    CHECK_STR(j, "[]");
    ff_free(j);
    CHECK_INT(ff_store_case_detail(b, "case-c", &j), FF_OK);
    CHECK(has(j, "\"priority\":3"));
    ff_free(j);
    ff_store_close(a);
    ff_store_close(b);
}

static void test_slots_merge_erase(const char *dir)
{
    struct ff_store *d = open_store(dir, "dev.db", "kiosk-1");
    struct ff_store *srv = open_store(dir, "srv.db", "server");
    char *j = NULL;
    append_ok(d, "customer.created", "c-a", "{\"name\":\"Ana Ruiz\",\"phone\":\"111222333\"}");
    append_ok(d, "customer.created", "c-b", "{\"name\":\"Ana Ruiz Dup\",\"email\":\"a@r.es\"}");
    append_ok(d, "case.created", "k-1",
              "{\"customer_id\":\"c-b\",\"touchpoint\":\"kiosk\","
              "\"request_type\":\"service_request\"}");
    append_ok(d, "visit.requested", "v-1",
              "{\"case_id\":\"k-1\",\"engineer_id\":\"e1\","
              "\"start\":1000,\"end\":2000}");
    CHECK_INT(ff_store_visits_of_day(d, "e1", 0, &j), FF_OK);
    CHECK(has(j, "\"status\":\"requested\""));
    ff_free(j);
    sync_into(srv, d);
    append_ok(srv, "visit.confirmed", "v-1", "{}");
    append_ok(srv, "customer.merged", "c-b", "{\"into\":\"c-a\"}");
    sync_into(d, srv);
    CHECK_INT(ff_store_visits_of_day(d, "e1", 0, &j), FF_OK);
    CHECK(has(j, "\"status\":\"confirmed\"") && has(j, "\"id\":\"c-a\""));
    ff_free(j);
    CHECK_INT(ff_store_customer_search(d, "dup", 10, &j), FF_OK);
    CHECK_STR(j, "[]"); /* the merged duplicate is gone from search */
    ff_free(j);
    append_ok(d, "case.created", "k-2",
              "{\"customer_id\":\"c-a\",\"touchpoint\":\"phone\","
              "\"request_type\":\"order\"}");
    CHECK_INT(ff_store_case_detail(d, "k-2", &j), FF_OK);
    CHECK(has(j, "\"history\":[{\"id\":\"k-1\"")); /* the duplicate's cases are history */
    ff_free(j);
    append_ok(d, "customer.erased", "c-a", "{\"reason\":\"request\"}");
    CHECK_INT(ff_store_case_detail(d, "k-1", &j), FF_OK);
    CHECK(!has(j, "Ana") && !has(j, "111222333") && has(j, "\"erased\":1"));
    ff_free(j);
    CHECK_INT(ff_store_customer_search(d, "ana", 10, &j), FF_OK);
    CHECK_STR(j, "[]");
    ff_free(j);
    CHECK_INT(ff_store_check(d), FF_OK);
    ff_store_close(d);
    ff_store_close(srv);
}

static void test_refusals(const char *dir)
{
    struct ff_store *s = open_store(dir, "ref.db", "dev-r");
    ff_store_set_clock(s, fake_clock, NULL);
    static const struct {
        const char *type, *payload, *why;
        enum ff_err err;
    } bad[] = {
        {"feedback.given", "{\"score\":6}", "payload.score", FF_EINVALID},
        {"feedback.given", "{\"score\":", "payload", FF_EPARSE},
        {"case.escalated", "{\"level\":0,\"reason\":\"x\"}", "payload.level", FF_EINVALID},
        {"case.status_changed", "{\"status\":\"lost\",\"prev\":[]}", "payload.status", FF_EINVALID},
        {"visit.requested", "{\"case_id\":\"c\",\"engineer_id\":\"e\",\"start\":5,\"end\":4}",
         "payload.end", FF_EINVALID},
        {"customer.created", "{\"name\":\"\\u0000\"}", "payload", FF_EINVALID},
        {"customer.created", "{\"name\":\"\xff\xfe\"}", "payload", FF_EINVALID},
        {"customer.merged", "{\"into\":\"x-1\"}", "itself", FF_EINVALID},
        {"report.submitted",
         "{\"case_id\":\"c\",\"work_done\":\"w\",\"minutes\":1,"
         "\"outcome\":\"fixed\",\"parts\":[{\"part\":\"p\",\"qty\":0}]}",
         "payload.parts", FF_EINVALID},
        {"noentity", "{}", "type", FF_EINVAL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        enum ff_err e = ff_store_append(s, bad[i].type, "x-1", bad[i].payload, NULL);
        CHECK_INT(e, bad[i].err);
        CHECK_MSG(has(ff_store_errmsg(s), bad[i].why), ff_store_errmsg(s));
    }
    int64_t pending;
    CHECK_INT(ff_store_pending(s, &pending), FF_OK);
    CHECK_INT(pending, 0);
    char line[512];
    snprintf(line, sizeof line,
             "{\"id\":\"peer:1\",\"device\":\"peer\",\"seq\":1,\"hlc\":\"%016llx\",\"entity\":"
             "\"case\",\"entity_id\":\"k\",\"type\":\"case.note_added\",\"payload\":{\"text\":"
             "\"t\"},\"author\":null,\"schema\":1}",
             (unsigned long long)((fake_now + 25ull * 3600 * 1000) << 16));
    CHECK_INT(ff_store_import(s, line, strlen(line), NULL), FF_EINVALID);
    CHECK(has(ff_store_errmsg(s), "event peer:1: hlc") && has(ff_store_errmsg(s), "24 h"));
    snprintf(line, sizeof line,
             "{\"id\":\"peer:1\",\"device\":\"peer\",\"seq\":1,\"hlc\":\"%016llx\",\"entity\":"
             "\"case\",\"entity_id\":\"k\",\"type\":\"case.note_added\",\"payload\":{\"text\":"
             "\"t\"},\"author\":null,\"schema\":1}",
             (unsigned long long)((fake_now + 23ull * 3600 * 1000) << 16));
    CHECK_INT(ff_store_import(s, line, strlen(line), NULL), FF_OK);
    uint64_t before = fake_now;
    int64_t seq;
    CHECK_INT(ff_store_append(s, "case.note_added", "k", "{\"text\":\"mine\"}", &seq), FF_OK);
    char *j = NULL;
    CHECK_INT(ff_store_events_after(s, 0, 10, &j), FF_OK);
    char want[40];
    snprintf(want, sizeof want, "\"hlc\":\"%012llx",
             (unsigned long long)(before + 23ull * 3600 * 1000));
    CHECK_MSG(has(j, want), j); /* local events order after what was seen */
    ff_free(j);
    ff_store_close(s);
}

/* One event as a peer would send it. */
static const char *peer_line(char *buf, size_t n, const char *dev, int seq, uint64_t hlc,
                             const char *type, const char *id, const char *payload)
{
    char entity[32];
    snprintf(entity, sizeof entity, "%.*s", (int)strcspn(type, "."), type);
    snprintf(buf, n,
             "{\"id\":\"%s:%d\",\"device\":\"%s\",\"seq\":%d,\"hlc\":\"%016llx\",\"entity\":"
             "\"%s\",\"entity_id\":\"%s\",\"type\":\"%s\",\"payload\":%s,\"author\":null,"
             "\"schema\":1}",
             dev, seq, dev, seq, (unsigned long long)hlc, entity, id, type, payload);
    return buf;
}

static uint64_t hlc_at(uint64_t ms)
{
    return ms << 16;
}

/* The wall part of the hlc the next local event gets: shows where the clock stands. */
static uint64_t next_wall(struct ff_store *s, const char *case_id)
{
    int64_t seq = 0;
    char *j = NULL;
    append_ok(s, "case.note_added", case_id, "{\"text\":\"probe\"}");
    CHECK_INT(ff_store_pending(s, &seq), FF_OK);
    CHECK_INT(ff_store_events_after(s, seq - 1, 1, &j), FF_OK);
    const char *h = j ? strstr(j, "\"hlc\":\"") : NULL;
    char hex[13] = "0";
    if (h)
        snprintf(hex, sizeof hex, "%.12s", h + 7);
    uint64_t wall = strtoull(hex, NULL, 16);
    ff_free(j);
    return wall;
}

/* Same id, other content: refused by id, recorded as a forgery, nothing else changes (not
 * the clock either, even for a copy stamped 23 h ahead); in either arrival order. */
static void test_forgery(const char *dir)
{
    struct ff_store *a = open_store(dir, "forge-a.db", "dev-a");
    struct ff_store *b = open_store(dir, "forge-b.db", "dev-b");
    ff_store_set_clock(a, fake_clock, NULL);
    ff_store_set_clock(b, fake_clock, NULL);
    char real[512], forged[512], *j = NULL;
    peer_line(real, sizeof real, "peer", 1, hlc_at(fake_now - 1000), "case.created", "k-f",
              "{\"touchpoint\":\"kiosk\",\"request_type\":\"order\",\"priority\":1}");
    peer_line(forged, sizeof forged, "peer", 1, hlc_at(fake_now + 23ull * 3600 * 1000),
              "case.created", "k-f",
              "{\"touchpoint\":\"kiosk\",\"request_type\":\"order\",\"priority\":4}");
    bool added = false;
    CHECK_INT(ff_store_import(a, real, strlen(real), &added), FF_OK);
    CHECK(added);
    char *before = dump_of(a);
    CHECK_INT(ff_store_import(a, forged, strlen(forged), &added), FF_EINVALID);
    CHECK(!added);
    CHECK_MSG(has(ff_store_errmsg(a), "event peer:1: forged"), ff_store_errmsg(a));
    char *after = dump_of(a);
    CHECK_STR(after, before);
    free(after);
    CHECK_INT(ff_store_forgeries(a, &j), FF_OK);
    CHECK_MSG(has(j, "\"id\":\"peer:1\"") && has(j, "\\\"priority\\\":4"), j);
    ff_free(j);
    CHECK_INT(ff_store_stats(a, &j), FF_OK);
    CHECK_MSG(has(j, "\"forgeries\":1"), j);
    ff_free(j);
    CHECK_INT(ff_store_import(a, real, strlen(real), &added), FF_OK); /* a true duplicate */
    CHECK(!added);
    CHECK_INT(next_wall(a, "k-f"), fake_now); /* the forged hlc did not move the clock */
    /* the other order: the replica keeps what came first and records the other */
    CHECK_INT(ff_store_begin(b), FF_OK);
    CHECK_INT(ff_store_import(b, forged, strlen(forged), &added), FF_OK);
    CHECK_INT(ff_store_import(b, real, strlen(real), &added), FF_EINVALID);
    CHECK_INT(ff_store_commit(b), FF_OK); /* a batch survives the refusal and keeps the record */
    CHECK_INT(ff_store_forgeries(b, &j), FF_OK);
    CHECK_MSG(has(j, "\"id\":\"peer:1\"") && has(j, "\\\"priority\\\":1"), j);
    ff_free(j);
    CHECK_INT(ff_store_check(a), FF_OK);
    CHECK_INT(ff_store_check(b), FF_OK);
    free(before);
    ff_store_close(a);
    ff_store_close(b);
}

/* Nothing a refused or duplicate import carries moves the clock. */
static void test_refused_keeps_clock(const char *dir)
{
    struct ff_store *s = open_store(dir, "clock.db", "dev-c");
    ff_store_set_clock(s, fake_clock, NULL);
    char line[512];
    uint64_t ahead = hlc_at(fake_now + 23ull * 3600 * 1000);
    peer_line(line, sizeof line, "peer", 1, ahead, "feedback.given", "f-1", "{\"score\":9}");
    CHECK_INT(ff_store_import(s, line, strlen(line), NULL), FF_EINVALID);
    peer_line(line, sizeof line, "dev-c", 7, ahead, "case.note_added", "k", "{\"text\":\"x\"}");
    CHECK_INT(ff_store_import(s, line, strlen(line), NULL), FF_EINVALID);
    CHECK_INT(ff_store_begin(s), FF_OK);
    CHECK_INT(ff_store_import(s, line, strlen(line), NULL), FF_EINVALID);
    CHECK_INT(ff_store_commit(s), FF_OK);
    CHECK_INT(next_wall(s, "k"), fake_now);
    ff_store_close(s);
}

/* A peer cannot write under this device's id: check and the pending count stay right. */
static void test_own_device_refused(const char *dir)
{
    struct ff_store *s = open_store(dir, "own.db", "dev-o");
    ff_store_set_clock(s, fake_clock, NULL);
    append_ok(s, "case.note_added", "k", "{\"text\":\"mine\"}");
    char line[512];
    peer_line(line, sizeof line, "dev-o", 40, hlc_at(fake_now - 5000), "case.note_added", "k",
              "{\"text\":\"planted\"}");
    CHECK_INT(ff_store_import(s, line, strlen(line), NULL), FF_EINVALID);
    CHECK_MSG(has(ff_store_errmsg(s), "event dev-o:40: device: this store's own id"),
              ff_store_errmsg(s));
    int64_t pending = 0, seq = 0;
    CHECK_INT(ff_store_pending(s, &pending), FF_OK);
    CHECK_INT(pending, 1);
    CHECK_INT(ff_store_check(s), FF_OK);
    CHECK_INT(ff_store_append(s, "case.note_added", "k", "{\"text\":\"next\"}", &seq), FF_OK);
    CHECK_INT(seq, 2);
    peer_line(line, sizeof line, "peer", 1, hlc_at(fake_now - 5000), "case.note_added", "k",
              "{\"text\":\"theirs\"}");
    CHECK_INT(ff_store_restore(s, line, strlen(line), NULL), FF_EINVALID); /* not ours */
    ff_store_close(s);
}

/* An edit naming an id that comes later (with a higher hlc) supersedes nothing: whichever
 * arrives first, both are heads, the later one shown, and the conflict listed. */
static void test_prev_future(const char *dir)
{
    char edit[512], real[512], created[512], *j = NULL;
    peer_line(created, sizeof created, "p1", 1, hlc_at(fake_now - 9000), "case.created", "k-p",
              "{\"touchpoint\":\"kiosk\",\"request_type\":\"order\",\"priority\":1}");
    peer_line(edit, sizeof edit, "p2", 1, hlc_at(fake_now - 8000), "case.field_edited", "k-p",
              "{\"field\":\"priority\",\"value\":2,\"prev\":[\"p1:1\",\"p1:2\"]}");
    peer_line(real, sizeof real, "p1", 2, hlc_at(fake_now - 7000), "case.field_edited", "k-p",
              "{\"field\":\"priority\",\"value\":3,\"prev\":[\"p1:1\"]}");
    const char *orders[2][3] = {{created, edit, real}, {created, real, edit}};
    char *dumps[2];
    for (int o = 0; o < 2; o++) {
        char name[32];
        snprintf(name, sizeof name, "prev%d.db", o);
        struct ff_store *s = open_store(dir, name, "dev-p");
        ff_store_set_clock(s, fake_clock, NULL);
        for (int i = 0; i < 3; i++)
            CHECK_MSG(ff_store_import(s, orders[o][i], strlen(orders[o][i]), NULL) == FF_OK,
                      ff_store_errmsg(s));
        CHECK_INT(ff_store_case_detail(s, "k-p", &j), FF_OK);
        CHECK_MSG(has(j, "\"priority\":3"), j);
        ff_free(j);
        CHECK_INT(ff_store_conflicts(s, &j), FF_OK);
        CHECK_MSG(has(j, "\"version\":\"p1:2\"") && has(j, "\"version\":\"p2:1\""), j);
        ff_free(j);
        dumps[o] = dump_of(s);
        CHECK_INT(ff_store_check(s), FF_OK);
        ff_store_close(s);
    }
    CHECK_STR(dumps[0], dumps[1]);
    free(dumps[0]);
    free(dumps[1]);
}

/* Sync batches are capped by count and by bytes, whatever limit is asked for. */
static void test_batch_caps(const char *dir)
{
    struct ff_store *s = open_store(dir, "caps.db", "dev-k");
    char *j = NULL;
    CHECK_INT(ff_store_begin(s), FF_OK);
    for (int i = 0; i < FF_STORE_BATCH_MAX_EVENTS + 200; i++)
        append_ok(s, "case.note_added", "k", "{\"text\":\"n\"}");
    size_t sig_len = 390000;
    char *big = malloc(sig_len + 200);
    int n = snprintf(big, 200,
                     "{\"case_id\":\"k\",\"work_done\":\"w\",\"minutes\":1,\"outcome\":\"fixed\","
                     "\"signature\":\"");
    memset(big + n, 'A', sig_len);
    memcpy(big + n + sig_len, "\"}", 3);
    for (int i = 0; i < 12; i++) /* 12 x 390 KB: more than one batch holds */
        append_ok(s, "report.submitted", i % 2 ? "r-1" : "r-2", big);
    CHECK_INT(ff_store_commit(s), FF_OK);
    free(big);
    CHECK_INT(ff_store_events_after(s, 0, 1000000, &j), FF_OK);
    size_t lines = 0;
    for (const char *p = j; p && *p; p++)
        lines += *p == '\n';
    CHECK_INT(lines, FF_STORE_BATCH_MAX_EVENTS);
    ff_free(j);
    int64_t after = FF_STORE_BATCH_MAX_EVENTS + 200, total = 0;
    for (int round = 0; round < 20; round++) { /* the reports, in byte-capped batches */
        CHECK_INT(ff_store_events_after(s, after, 0, &j), FF_OK);
        size_t len = j ? strlen(j) : 0;
        if (!len) {
            ff_free(j);
            break;
        }
        CHECK_MSG(len <= FF_STORE_BATCH_MAX_BYTES, "a batch over the byte cap");
        for (const char *p = j; *p; p++)
            if (*p == '\n')
                total++, after++;
        ff_free(j);
    }
    CHECK_INT(total, 12);
    ff_store_close(s);
}

/* A statement that cannot be prepared for lack of memory is FF_ENOMEM, not a bare FF_EDB:
 * sync retries the one and gives up on the other. */
static void test_error_classes(const char *dir)
{
    struct ff_store *s = open_store(dir, "classes.db", "dev-e");
    char *j = NULL;
    sqlite3_int64 used = sqlite3_memory_used();
    CHECK(used > 0);
    sqlite3_int64 old = sqlite3_hard_heap_limit64(used + 512);
    enum ff_err e = ff_store_stats(s, &j);
    sqlite3_hard_heap_limit64(old);
    CHECK_INT(e, FF_ENOMEM);
    CHECK(j == NULL);
    CHECK_INT(ff_store_stats(s, &j), FF_OK); /* and it works again once memory is back */
    ff_free(j);
    ff_store_close(s);
}

/* Values that belong to the person erased in test_erasure, and where they are first said. */
static const char *const secrets[] = {
    "Zebulon Quixotic", "55501234",           "zq@secret.example", "Hemmeligvej", "SECRETDESC",
    "SECRETANSWER",     "SECRETNOTE",         "SECRETREASON",      "SECRETWORK",  "U0VDUkVUU0lH",
    "SECRETCOMMENT",    "Quixotic Duplicate", "SECRETDUP",         "SECRETLATE",  "Renamed Zeb",
    "zebulon quixotic", "SECRETEDIT",
};

/* How many of the secrets the bytes of file `path` (and its -wal) hold; names them. */
static int secrets_in_file(const char *path, char *found, size_t cap)
{
    int n = 0;
    found[0] = '\0';
    for (int w = 0; w < 2; w++) {
        char name[4200];
        size_t len = 0;
        snprintf(name, sizeof name, "%s%s", path, w ? "-wal" : "");
        char *bytes = ff_test_slurp(name, &len);
        for (size_t i = 0; bytes && i < sizeof secrets / sizeof secrets[0]; i++) {
            if (memmem(bytes, len, secrets[i], strlen(secrets[i]))) {
                n++;
                size_t used = strlen(found);
                snprintf(found + used, cap - used, "%s%s in %s", used ? ", " : "", secrets[i],
                         w ? "-wal" : "the file");
            }
        }
        free(bytes);
    }
    return n;
}

/* After customer.erased no personal value of the customer is anywhere in the SQLite file or
 * its WAL: not in projections of any entity, not in the FTS index, not in the log. */
static void test_erasure(const char *dir)
{
    char path[4096], found[2048], line[1024], p[512];
    snprintf(path, sizeof path, "%s/erase.db", dir);
    struct ff_store *s = open_store(dir, "erase.db", "kiosk-e");
    ff_store_set_clock(s, fake_clock, NULL);
    for (int i = 0; i < 40; i++) { /* other people, one FTS segment each */
        char id[32];
        snprintf(id, sizeof id, "other-%d", i);
        snprintf(p, sizeof p, "{\"name\":\"Other Person %d\",\"phone\":\"+34 600%06d\"}", i, i);
        append_ok(s, "customer.created", id, p);
    }
    append_ok(s, "customer.created", "c-z",
              "{\"name\":\"Zebulon Quixotic\",\"phone\":\"+45 55501234\",\"email\":"
              "\"zq@secret.example\",\"address\":\"Hemmeligvej 77\",\"site\":\"Hemmeligvej\"}");
    append_ok(s, "customer.created", "c-dup", "{\"name\":\"Quixotic Duplicate\"}");
    append_ok(s, "case.created", "k-z",
              "{\"customer_id\":\"c-z\",\"touchpoint\":\"phone\",\"request_type\":\"complaint\","
              "\"description\":\"boiler SECRETDESC\",\"answers\":{\"phone\":\"+45 55501234\","
              "\"extra\":\"SECRETANSWER\"}}");
    append_ok(s, "case.note_added", "k-z", "{\"text\":\"called SECRETNOTE\"}");
    append_ok(s, "case.escalated", "k-z", "{\"level\":2,\"reason\":\"SECRETREASON\"}");
    CHECK_INT(ff_store_edit_field(s, "case", "k-z", "description", "\"SECRETEDIT\""), FF_OK);
    CHECK_INT(ff_store_edit_field(s, "customer", "c-z", "name", "\"Renamed Zeb\""), FF_OK);
    append_ok(s, "report.submitted", "r-z",
              "{\"case_id\":\"k-z\",\"work_done\":\"SECRETWORK at Hemmeligvej\",\"minutes\":5,"
              "\"outcome\":\"fixed\",\"signature\":\"U0VDUkVUU0lH\"}");
    append_ok(s, "feedback.given", "f-z",
              "{\"score\":2,\"case_id\":\"k-z\",\"comment\":"
              "\"SECRETCOMMENT\"}");
    append_ok(s, "case.created", "k-dup",
              "{\"customer_id\":\"c-dup\",\"touchpoint\":\"kiosk\",\"request_type\":\"order\","
              "\"description\":\"SECRETDUP\"}");
    append_ok(s, "customer.merged", "c-dup", "{\"into\":\"c-z\"}");
    CHECK_MSG(secrets_in_file(path, found, sizeof found) > 5, found); /* the grep can see */
    char *originals = export_all(s);
    append_ok(s, "customer.erased", "c-z", "{\"reason\":\"request\"}");
    /* after the erasure, a late note from another device, and a report for the duplicate */
    peer_line(line, sizeof line, "peer", 1, hlc_at(fake_now - 100), "case.note_added", "k-dup",
              "{\"text\":\"SECRETLATE\"}");
    CHECK_MSG(ff_store_import(s, line, strlen(line), NULL) == FF_OK, ff_store_errmsg(s));
    CHECK_MSG(secrets_in_file(path, found, sizeof found) == 0, found);
    char *j = NULL;
    CHECK_INT(ff_store_customer_search(s, "quixotic", 10, &j), FF_OK);
    CHECK_STR(j, "[]");
    ff_free(j);
    CHECK_INT(ff_store_customer_search(s, "Other Person 7", 10, &j), FF_OK);
    CHECK(has(j, "other-7")); /* everyone else is still found */
    ff_free(j);
    CHECK_INT(ff_store_case_detail(s, "k-z", &j), FF_OK);
    CHECK_MSG(has(j, "\"erased\":1") && has(j, "\"notes\":[{") && has(j, "\"minutes\":5"), j);
    ff_free(j);
    char *before = dump_of(s);
    CHECK_INT(ff_store_check(s), FF_OK); /* the redacted log rebuilds to the same projections */
    CHECK_INT(ff_store_rebuild(s), FF_OK);
    char *after = dump_of(s);
    CHECK_STR(after, before);
    free(before);
    free(after);
    /* the original events arriving again (a peer's copy) are duplicates, not forgeries */
    CHECK_INT(import_lines(s, originals), 0);
    CHECK_INT(ff_store_forgeries(s, &j), FF_OK);
    CHECK_STR(j, "[]");
    ff_free(j);
    CHECK_MSG(secrets_in_file(path, found, sizeof found) == 0, found);
    char *work = strstr(originals, "SECRETWORK"), *five = work ? strstr(work, ":5,") : NULL;
    char *start = work, *end = work ? strchr(work, '\n') : NULL;
    while (start && start > originals && start[-1] != '\n')
        start--;
    if (five && end) { /* a forged copy of a redacted event is still told apart */
        five[1] = '6';
        CHECK_INT(ff_store_import(s, start, (size_t)(end - start), NULL), FF_EINVALID);
        CHECK_MSG(has(ff_store_errmsg(s), "forged"), ff_store_errmsg(s));
    }
    CHECK(five && end);
    free(originals);
    /* and the redacted copies travel: a peer takes them, and the erasure with them */
    char *all = export_all(s);
    struct ff_store *o = open_store(dir, "erase-peer.db", "peer-2");
    CHECK_INT(import_lines(o, all), 53);
    free(all);
    snprintf(path, sizeof path, "%s/erase-peer.db", dir);
    CHECK_MSG(secrets_in_file(path, found, sizeof found) == 0, found);
    ff_store_close(o);
    snprintf(path, sizeof path, "%s/erase.db", dir);
    ff_store_close(s);
    CHECK_MSG(secrets_in_file(path, found, sizeof found) == 0, found);
}

/* A device reinstalled: its own events come back from the server, and it carries on. */
static void test_restore(const char *dir)
{
    struct ff_store *a = open_store(dir, "orig.db", "dev-x");
    for (int i = 0; i < 3; i++)
        append_ok(a, "case.note_added", "k", "{\"text\":\"n\"}");
    struct ff_store *b = open_store(dir, "restored.db", "dev-x");
    char *lines = export_all(a);
    int64_t seq = 0;
    CHECK_INT(ff_store_begin(b), FF_OK);
    CHECK_INT(ff_store_import(b, lines, strcspn(lines, "\n"), NULL), FF_EINVALID); /* not so */
    for (const char *l = lines; *l; l += strcspn(l, "\n") + 1) {
        bool added = false;
        CHECK_INT(ff_store_restore(b, l, strcspn(l, "\n"), &added), FF_OK);
        CHECK(added);
    }
    CHECK_INT(ff_store_append(b, "case.note_added", "k", "{\"text\":\"new\"}", &seq), FF_OK);
    CHECK_INT(ff_store_commit(b), FF_OK);
    CHECK_INT(seq, 4);
    CHECK_INT(ff_store_check(b), FF_OK);
    free(lines);
    ff_store_close(a);
    ff_store_close(b);
}

/* The fold's shortcuts (new events from memory, nothing deleted for a new entity, rows of
 * old events not rewritten): entities that get events over several transactions, including
 * an older one arriving late, must still equal a rebuild, and replaced search entries go. */
static void test_refold(const char *dir)
{
    struct ff_store *s = open_store(dir, "refold.db", "dev-r");
    struct ff_store *o = open_store(dir, "refold-other.db", "dev-o");
    char *j = NULL;
    append_ok(o, "case.note_added", "case-r", "{\"text\":\"from the other device\"}");
    append_ok(s, "customer.created", "cust-r", "{\"name\":\"Gammelnavn Hansen\"}");
    append_ok(s, "case.created", "case-r",
              "{\"customer_id\":\"cust-r\",\"touchpoint\":\"phone\",\"request_type\":"
              "\"order\"}");
    append_ok(s, "case.note_added", "case-r", "{\"text\":\"first\"}");
    append_ok(s, "run.step_recorded", "run-r",
              "{\"chart_id\":\"triage\",\"chart_version\":1,\"node\":\"a\"}");
    append_ok(s, "engineer.availability_published", "eng-r",
              "{\"slots\":[{\"start\":10,\"end\":20},{\"start\":30,\"end\":40}]}");
    append_ok(s, "kb.published", "kb-r", "{\"lang\":\"en\",\"title\":\"Oldword\",\"body\":\"b\"}");
    CHECK_INT(ff_store_begin(s), FF_OK); /* a batch touching every entity again */
    append_ok(s, "case.note_added", "case-r", "{\"text\":\"second\"}");
    append_ok(s, "case.escalated", "case-r", "{\"level\":2,\"reason\":\"r\"}");
    append_ok(s, "run.step_recorded", "run-r",
              "{\"chart_id\":\"triage\",\"chart_version\":1,\"node\":\"b\"}");
    append_ok(s, "engineer.availability_published", "eng-r",
              "{\"slots\":[{\"start\":50,\"end\":60}]}");
    append_ok(s, "kb.published", "kb-r", "{\"lang\":\"en\",\"title\":\"Newword\",\"body\":\"b\"}");
    CHECK_INT(ff_store_commit(s), FF_OK);
    CHECK_INT(ff_store_edit_field(s, "customer", "cust-r", "name", "\"Nytnavn Hansen\""), FF_OK);
    CHECK_INT(sync_into(s, o), 1); /* the oldest note of the case arrives last */
    CHECK_INT(ff_store_case_detail(s, "case-r", &j), FF_OK);
    CHECK(has(j, "from the other device") && has(j, "first") && has(j, "second"));
    ff_free(j);
    CHECK_INT(ff_store_customer_search(s, "gammel", 10, &j), FF_OK);
    CHECK(!has(j, "cust-r"));
    ff_free(j);
    CHECK_INT(ff_store_customer_search(s, "nytnavn", 10, &j), FF_OK);
    CHECK(has(j, "cust-r"));
    ff_free(j);
    CHECK_INT(ff_store_kb_search(s, "oldword", NULL, 10, &j), FF_OK);
    CHECK(!has(j, "kb-r"));
    ff_free(j);
    CHECK_INT(ff_store_check(s), FF_OK); /* equal to a rebuild: slots shrank, steps kept */
    char p[64];
    CHECK_INT(ff_store_begin(s), FF_OK); /* more events than a batch keeps for the fold */
    for (int i = 0; i < 5000; i++) {
        snprintf(p, sizeof p, "{\"text\":\"bulk %d\"}", i);
        append_ok(s, "case.note_added", i % 2 ? "case-r" : "case-bulk", p);
    }
    CHECK_INT(ff_store_commit(s), FF_OK);
    CHECK_INT(ff_store_case_detail(s, "case-r", &j), FF_OK);
    CHECK(has(j, "\"bulk 4999\"") && has(j, "\"bulk 1\"") && has(j, "first"));
    ff_free(j);
    CHECK_INT(ff_store_check(s), FF_OK);
    ff_store_close(o);
    ff_store_close(s);
}

int main(void)
{
    const char *dir = ff_test_tmpdir();
    test_reads(dir);
    test_domain(dir);
    test_conflict(dir);
    test_slots_merge_erase(dir);
    test_refusals(dir);
    test_restore(dir);
    test_forgery(dir);
    test_refused_keeps_clock(dir);
    test_own_device_refused(dir);
    test_prev_future(dir);
    test_batch_caps(dir);
    test_error_classes(dir);
    test_erasure(dir);
    test_refold(dir);
    return ff_test_finish();
}
