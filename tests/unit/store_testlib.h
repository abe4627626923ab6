/* store_testlib.h - helpers shared by the store's tests (header-only, static functions). */
#ifndef FF_STORE_TESTLIB_H
#define FF_STORE_TESTLIB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "fieldflow/store.h"
#include "harness.h"

static inline struct ff_store *open_store(const char *dir, const char *name, const char *device)
{
    char path[4096];
    struct ff_store *s = NULL;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct ff_store_opts o = {.path = path, .device = device};
    enum ff_err e = ff_store_open(&o, &s);
    CHECK_INT(e, FF_OK);
    return s;
}

/* Exports every event of `from` as one malloc'd buffer of JSON lines. */
static inline char *export_all(struct ff_store *from)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK_INT(ff_store_export(from, f), FF_OK);
    fclose(f);
    return buf;
}

/* Imports JSON lines into `to`; returns how many were new. */
static inline int import_lines(struct ff_store *to, const char *lines)
{
    int added = 0;
    while (lines && *lines) {
        const char *nl = strchr(lines, '\n');
        size_t n = nl ? (size_t)(nl - lines) : strlen(lines);
        bool a = false;
        enum ff_err e = ff_store_import(to, lines, n, &a);
        CHECK_MSG(e == FF_OK, ff_store_errmsg(to));
        added += a;
        lines += n + (nl != NULL);
    }
    return added;
}

/* Copies every event of `from` into `to` in one batch. */
static inline int sync_into(struct ff_store *to, struct ff_store *from)
{
    char *lines = export_all(from);
    CHECK_INT(ff_store_begin(to), FF_OK);
    int n = import_lines(to, lines);
    CHECK_MSG(ff_store_commit(to) == FF_OK, ff_store_errmsg(to));
    free(lines);
    return n;
}

static inline char *dump_of(struct ff_store *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK_INT(ff_store_dump(s, f), FF_OK);
    fclose(f);
    return buf;
}

static inline void append_ok(struct ff_store *s, const char *type, const char *id,
                             const char *payload)
{
    enum ff_err e = ff_store_append(s, type, id, payload, NULL);
    CHECK_MSG(e == FF_OK, ff_store_errmsg(s));
}

/* True if the JSON text json contains needle. */
static inline bool has(const char *json, const char *needle)
{
    return json && strstr(json, needle) != NULL;
}

/* A random event history: the generator of the convergence property tests (test_store_fold,
 * test_store_backend), which define STORE_TESTLIB_HISTORY and include sqlite3.h and
 * store_int.h first. */
#ifdef STORE_TESTLIB_HISTORY
#define ORIGINS 4

/* Durability is test_store_fault's business: here fsyncs would only slow the property down. */
static inline struct ff_store *open_fast(const char *dir, const char *name, const char *device)
{
    struct ff_store *s = open_store(dir, name, device);
    if (s)
        sqlite3_exec(s->db, "PRAGMA synchronous = OFF", NULL, NULL, NULL);
    return s;
}
static inline unsigned rnd(unsigned n)
{
    static uint64_t rng = 88172645463325252ull; /* one sequence per test program */
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

struct clock {
    uint64_t base; /* shared "real" time */
    int64_t skew;  /* this device's error, may go backwards */
};
static inline uint64_t tick(void *ctx)
{
    struct clock *c = ctx;
    return (uint64_t)((int64_t)c->base + c->skew);
}

static inline void id_of(char *buf, size_t n, const char *kind, unsigned pool)
{
    snprintf(buf, n, "%s-%u", kind, rnd(pool));
}

/* One random action by origin s; failures of edits on unknown entities are expected. */
static inline void act(struct ff_store *s, bool server)
{
    char id[32], other[32], p[512];
    static const char *const cats[] = {"boiler", "washer", "billing"};
    unsigned what = rnd(server ? 4 : 18);
    if (server) {
        id_of(id, sizeof id, "visit", 6);
        if (what == 0)
            ff_store_append(s, "visit.confirmed", id, "{}", NULL);
        else if (what == 1)
            ff_store_append(s, "visit.rejected", id, "{\"reason\":\"full\"}", NULL);
        else if (what == 2) {
            id_of(id, sizeof id, "cust", 8);
            id_of(other, sizeof other, "cust", 8);
            snprintf(p, sizeof p, "{\"into\":\"%s\"}", other);
            if (strcmp(id, other))
                ff_store_append(s, "customer.merged", id, p, NULL);
        } else {
            snprintf(p, sizeof p, "{\"slots\":[{\"start\":%u,\"end\":%u}]}", rnd(100) * 10,
                     1000 + rnd(100));
            ff_store_append(s, "engineer.availability_published", "eng-1", p, NULL);
        }
        return;
    }
    switch (what) {
    case 0:
        id_of(id, sizeof id, "cust", 8);
        snprintf(p, sizeof p, "{\"name\":\"Jørgen %u Peña\",\"phone\":\"+45 %u\"}", rnd(50),
                 rnd(99999));
        ff_store_append(s, "customer.created", id, p, NULL);
        break;
    case 1:
        id_of(id, sizeof id, "cust", 8);
        snprintf(p, sizeof p, "\"Name %u\"", rnd(1000));
        ff_store_edit_field(s, "customer", id, rnd(2) ? "name" : "email", p);
        break;
    case 2:
        id_of(id, sizeof id, "cust", 8);
        if (!rnd(4))
            ff_store_append(s, "customer.erased", id, "{}", NULL);
        break;
    case 3:
    case 4:
        id_of(id, sizeof id, "case", 10);
        id_of(other, sizeof other, "cust", 8);
        snprintf(p, sizeof p,
                 "{\"customer_id\":\"%s\",\"touchpoint\":\"kiosk\",\"request_type\":"
                 "\"complaint\",\"priority\":%u,\"category\":\"%s\"}",
                 other, 1 + rnd(4), cats[rnd(3)]);
        ff_store_append(s, "case.created", id, p, NULL);
        break;
    case 5:
    case 6:
        id_of(id, sizeof id, "case", 10);
        snprintf(p, sizeof p, "%u", 1 + rnd(4));
        ff_store_edit_field(s, "case", id, "priority", p);
        break;
    case 7:
        id_of(id, sizeof id, "case", 10);
        snprintf(p, sizeof p, "\"%s\"", cats[rnd(3)]);
        if (rnd(2))
            ff_store_edit_field(s, "case", id, "category", p);
        else
            ff_store_edit_field(s, "case", id, "status", rnd(2) ? "\"triaged\"" : "\"closed\"");
        break;
    case 8:
        id_of(id, sizeof id, "case", 10);
        snprintf(p, sizeof p, "{\"text\":\"note %u\"}", rnd(1000));
        ff_store_append(s, "case.note_added", id, p, NULL);
        break;
    case 9:
        id_of(id, sizeof id, "case", 10);
        snprintf(p, sizeof p, "{\"level\":%u,\"reason\":\"r\"}", 1 + rnd(4));
        ff_store_append(s, "case.escalated", id, p, NULL);
        break;
    case 10:
        id_of(id, sizeof id, "visit", 6);
        id_of(other, sizeof other, "case", 10);
        snprintf(p, sizeof p,
                 "{\"case_id\":\"%s\",\"engineer_id\":\"eng-1\",\"start\":%u,"
                 "\"end\":%u}",
                 other, rnd(1000), 2000 + rnd(1000));
        ff_store_append(s, "visit.requested", id, p, NULL);
        break;
    case 11:
        id_of(id, sizeof id, "visit", 6);
        snprintf(p, sizeof p, "{\"at\":%u}", rnd(5000));
        ff_store_append(s, rnd(3) ? "visit.checked_in" : "visit.cancelled", id, rnd(3) ? p : "{}",
                        NULL);
        break;
    case 12:
        id_of(id, sizeof id, "report", 100);
        id_of(other, sizeof other, "case", 10);
        snprintf(p, sizeof p,
                 "{\"case_id\":\"%s\",\"work_done\":\"w\",\"minutes\":%u,\"outcome\":"
                 "\"fixed\",\"parts\":[{\"part\":\"p%u\",\"qty\":%u}]}",
                 other, rnd(90), rnd(9), 1 + rnd(3));
        ff_store_append(s, "report.submitted", id, p, NULL);
        break;
    case 13:
        id_of(id, sizeof id, "run", 5);
        snprintf(p, sizeof p, "{\"chart_id\":\"triage\",\"chart_version\":1,\"node\":\"n%u\"}",
                 rnd(9));
        ff_store_append(s, "run.step_recorded", id, p, NULL);
        break;
    case 14:
        snprintf(p, sizeof p, "{\"version\":%u,\"title\":\"T%u\"}", 1 + rnd(3), rnd(9));
        ff_store_append(s, "flowchart.published", "triage", p, NULL);
        break;
    case 15:
        id_of(id, sizeof id, "kb", 4);
        snprintf(p, sizeof p, "{\"lang\":\"da\",\"title\":\"Kedel %u\",\"body\":\"støj %u\"}",
                 rnd(9), rnd(9));
        ff_store_append(s, "kb.published", id, p, NULL);
        break;
    case 16:
        id_of(id, sizeof id, "fb", 50);
        snprintf(p, sizeof p, "{\"score\":%u,\"node\":\"n%u\"}", 1 + rnd(5), rnd(9));
        ff_store_append(s, "feedback.given", id, p, NULL);
        break;
    default:
        id_of(id, sizeof id, "widget", 3);
        ff_store_append(s, "widget.spun", id, "{\"rpm\":33}", NULL); /* unknown: kept, not folded */
        break;
    }
}

/* Splits a buffer of lines into an array of pointers (the buffer is modified). */
static inline size_t split(char *buf, char **lines, size_t cap)
{
    size_t n = 0;
    for (char *p = strtok(buf, "\n"); p && n < cap; p = strtok(NULL, "\n"))
        lines[n++] = p;
    return n;
}

/* The events of a random history: ORIGINS devices and a server act on a small pool of entities
 * (`actions` actions, partial syncs between them now and then), then a peer adds edits naming
 * versions from its future. Returns every event once, as JSON lines (free()). */
static inline char *gen_union(const char *dir, int round, int actions)
{
    struct ff_store *o[ORIGINS + 1];
    struct clock clk[ORIGINS + 1];
    char name[64], dev[32];
    uint64_t base = 1732440000000ull;
    for (int i = 0; i <= ORIGINS; i++) {
        snprintf(name, sizeof name, "r%d-origin%d.db", round, i);
        snprintf(dev, sizeof dev, i == ORIGINS ? "server" : "dev-%d", i);
        o[i] = open_fast(dir, name, dev);
        clk[i] = (struct clock){base, (int64_t)rnd(7200000) - 3600000};
        ff_store_set_clock(o[i], tick, &clk[i]);
    }
    for (int k = 0; k < actions; k++) {
        base += rnd(3); /* often the same millisecond */
        int who = (int)rnd(ORIGINS + 1);
        for (int i = 0; i <= ORIGINS; i++)
            clk[i].base = base;
        if (!rnd(50))
            clk[who].skew -= 600000; /* this device's clock jumps back 10 minutes */
        act(o[who], who == ORIGINS);
        if (!rnd(15)) /* partial sync between two origins */
            sync_into(o[rnd(ORIGINS + 1)], o[who]);
    }
    char *all = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&all, &len);
    for (int i = 0; i <= ORIGINS; i++) {
        int64_t after = 0, last = 0;
        CHECK_INT(ff_store_pending(o[i], &last), FF_OK); /* nothing was marked sent */
        while (after < last) { /* batches are capped: ask until everything came */
            char *mine = NULL;
            CHECK_INT(ff_store_events_after(o[i], after, 0, &mine), FF_OK);
            for (const char *p = mine; p && *p; p++)
                after += *p == '\n';
            fputs(mine ? mine : "", f);
            bool empty = !mine || !*mine;
            ff_free(mine);
            if (empty)
                break;
        }
    }
    /* A peer whose edits name versions from its future: older (by hlc) than what they
     * name, they supersede nothing, whatever order they arrive in. */
    for (int k = 1; k <= 12; k++) {
        char cat[16];
        snprintf(cat, sizeof cat, "\"c%u\"", rnd(9));
        fprintf(f,
                "{\"id\":\"mallory:%d\",\"device\":\"mallory\",\"seq\":%d,\"hlc\":"
                "\"%016llx\",\"entity\":\"case\",\"entity_id\":\"case-%u\",\"type\":"
                "\"case.field_edited\",\"payload\":{\"field\":\"%s\",\"value\":%s,"
                "\"prev\":[\"dev-%u:%u\",\"dev-%u:%u\",\"server:%u\"]},\"author\":null,"
                "\"schema\":1}\n",
                k, k, (unsigned long long)((1732440000000ull - 60000 + (uint64_t)k) << 16), rnd(10),
                k % 2 ? "priority" : "category", k % 2 ? "3" : cat, rnd(ORIGINS), 1 + rnd(60),
                rnd(ORIGINS), 1 + rnd(60), 1 + rnd(20));
    }
    fclose(f);
    for (int i = 0; i <= ORIGINS; i++)
        ff_store_close(o[i]);
    return all;
}
/* A hostile variant of the genuine event `line`, which the replica already has: a forged copy
 * (same id, other content), a duplicate key or a NUL in an id. Each must be refused and
 * change nothing. */
static inline void hostile(struct ff_store *r, const char *line)
{
    static const char *const kinds[3][2] = {
        {"\"payload\":{", "\"payload\":{\"forged\":1,"},
        {"\"payload\":{", "\"payload\":{\"dup\":1,\"dup\":2,"},
        {"\"entity_id\":\"", "\"entity_id\":\"x\\u0000"},
    };
    unsigned k = rnd(3);
    const char *at = strstr(line, kinds[k][0]);
    if (!at)
        return;
    size_t head = (size_t)(at - line), from = strlen(kinds[k][0]), to = strlen(kinds[k][1]);
    char *bad = malloc(strlen(line) + to + 1);
    memcpy(bad, line, head);
    memcpy(bad + head, kinds[k][1], to);
    memcpy(bad + head + to, line + head + from, strlen(line + head + from) + 1);
    bool added = true;
    enum ff_err e = ff_store_import(r, bad, strlen(bad), &added);
    /* a copy of a redacted event is known by the digest it claims: a duplicate, still nothing */
    bool claims = k == 0 && strstr(line, "\"redacted\":") != NULL;
    bool refused = e == FF_EINVALID || e == FF_EPARSE; /* "{...,}" where the payload was {} */
    CHECK_MSG((refused || (claims && e == FF_OK)) && !added, bad);
    free(bad);
}

static inline void deliver(struct ff_store *r, char **lines, size_t n)
{
    for (size_t i = n; i > 1; i--) { /* shuffle */
        size_t j = rnd((unsigned)i);
        char *t = lines[i - 1];
        lines[i - 1] = lines[j];
        lines[j] = t;
    }
    size_t i = 0;
    while (i < n) {
        size_t batch = 1 + rnd(40);
        bool use_batch = rnd(4) != 0; /* single imports are durable commits: fewer */
        if (use_batch)
            CHECK_INT(ff_store_begin(r), FF_OK);
        for (size_t k = 0; k < batch && i < n; k++, i++) {
            enum ff_err e = ff_store_import(r, lines[i], strlen(lines[i]), NULL);
            CHECK_MSG(e == FF_OK, ff_store_errmsg(r));
            if (!rnd(10)) /* a duplicate delivery */
                ff_store_import(r, lines[rnd((unsigned)i + 1)], strlen(lines[rnd((unsigned)i + 1)]),
                                NULL);
            if (!rnd(8)) /* a lie about something already here */
                hostile(r, lines[rnd((unsigned)i + 1)]);
        }
        if (use_batch)
            CHECK_INT(ff_store_commit(r), FF_OK);
    }
}

#endif

#endif
