/* store_query.c - the screens' reads, as JSON documents built by SQLite's JSON functions.
 *
 * Workload: one call per screen; each is a single prepared statement over indexed columns
 * (today's visits by (engineer, start), a case by id, customers through a trigram index of
 * normalized keys, the KB through FTS5), so every screen stays in single-digit milliseconds
 * on a 100k-case store (tests/bench/bench_store.c).
 */
#include <string.h>

#include <sqlite3.h>

#include "fieldflow/mem.h"
#include "store_int.h"

#define DAY_MS (24 * 3600 * 1000LL)
#define MAX_LIMIT 200
#define MAX_QUERY 200

enum ff_err ff_store__json_result(struct ff_store *s, sqlite3_stmt *st, char **out)
{
    *out = NULL;
    if (!st)
        return ff_store__err(s);
    int rc = sqlite3_step(st);
    enum ff_err e = FF_OK;
    if (rc == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        if (!(*out = ff_strdup((const char *)sqlite3_column_text(st, 0))))
            e = ff_store__fail(s, FF_ENOMEM, "out of memory");
    } else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        e = ff_store__fail(s, FF_ENOTFOUND, "not found");
    } else {
        e = ff_store__db_fail(s, rc, "reading");
    }
    sqlite3_reset(st);
    return e;
}

static int clamp_limit(int limit)
{
    return limit < 1 ? 20 : limit > MAX_LIMIT ? MAX_LIMIT : limit;
}

enum ff_err ff_store_visits_of_day(struct ff_store *s, const char *engineer_id,
                                   int64_t day_start_ms, char **out)
{
    return ff_store__json_result(s,
                                 ff_store__query(s, S_VISITS_OF_DAY, "sii", engineer_id,
                                                 day_start_ms, day_start_ms + DAY_MS),
                                 out);
}

enum ff_err ff_store_case_detail(struct ff_store *s, const char *case_id, char **out)
{
    enum ff_err e = ff_store__json_result(s, ff_store__query(s, S_CASE_DETAIL, "s", case_id), out);
    if (e == FF_ENOTFOUND)
        ff_store__fail(s, e, "case %s: not found", case_id);
    return e;
}

static bool phone_like(const char *q)
{
    bool digit = false;
    for (; *q; q++) {
        if (*q >= '0' && *q <= '9')
            digit = true;
        else if (!strchr(" +-()./", *q))
            return false;
    }
    return digit;
}

/* Writes q as one FTS5 string ("..." with quotes doubled). */
static void fts_phrase(const char *q, char *out, size_t cap)
{
    size_t o = 0;
    out[o++] = '"';
    for (; *q && o + 3 < cap; q++) {
        if (*q == '"')
            out[o++] = '"';
        out[o++] = *q;
    }
    out[o++] = '"';
    out[o] = '\0';
}

enum ff_err ff_store_customer_search(struct ff_store *s, const char *query, int limit, char **out)
{
    char norm[MAX_QUERY + 1], phrase[2 * MAX_QUERY + 4];
    *out = NULL;
    if (!query || strlen(query) > MAX_QUERY)
        return ff_store__fail(s, FF_EINVAL, "search: 1..%d bytes", MAX_QUERY);
    ff_store__normalize(query, phone_like(query), norm, sizeof norm);
    if (!norm[0])
        return ff_store__fail(s, FF_EINVAL, "search: nothing to search for in '%s'", query);
    if (strlen(norm) < 3) /* too short for trigrams: a name prefix */
        return ff_store__json_result(
            s, ff_store__query(s, S_SEARCH_PREFIX, "si", norm, (int64_t)clamp_limit(limit)), out);
    fts_phrase(norm, phrase, sizeof phrase);
    return ff_store__json_result(
        s, ff_store__query(s, S_SEARCH_FTS, "si", phrase, (int64_t)clamp_limit(limit)), out);
}

/* Words of q as quoted FTS5 terms joined by AND, the last a prefix: `"pump" "nois"*`. */
static size_t kb_match(const char *q, char *out, size_t cap)
{
    size_t o = 0, words = 0;
    while (*q && words < 16) {
        size_t n = strcspn(q, " \t\n\r,.;:!?()[]{}\"'*^+-");
        if (n && o + n + 6 < cap) {
            out[o++] = '"';
            memcpy(out + o, q, n);
            o += n;
            out[o++] = '"';
            out[o++] = ' ';
            words++;
        }
        q += n ? n : 1;
    }
    if (o)
        out[o - 1] = '*';
    out[o] = '\0';
    return words;
}

enum ff_err ff_store_kb_search(struct ff_store *s, const char *query, const char *lang, int limit,
                               char **out)
{
    char norm[2 * MAX_QUERY + 1], match[4 * MAX_QUERY + 40];
    *out = NULL;
    if (!query || strlen(query) > MAX_QUERY)
        return ff_store__fail(s, FF_EINVAL, "search: 1..%d bytes", MAX_QUERY);
    ff_store__normalize(query, false, norm, sizeof norm);
    if (!kb_match(norm, match, sizeof match)) {
        *out = ff_strdup("[]");
        return *out ? FF_OK : ff_store__fail(s, FF_ENOMEM, "out of memory");
    }
    return ff_store__json_result(
        s, ff_store__query(s, S_KB_SEARCH, "ssi", match, lang, (int64_t)clamp_limit(limit)), out);
}

enum ff_err ff_store_conflicts(struct ff_store *s, char **out)
{
    return ff_store__json_result(s, ff_store__query(s, S_CONFLICTS, ""), out);
}

enum ff_err ff_store_forgeries(struct ff_store *s, char **out)
{
    return ff_store__json_result(s, ff_store__query(s, S_FORGERIES, ""), out);
}

enum ff_err ff_store_stats(struct ff_store *s, char **out)
{
    int64_t pending = 0, sent = 0;
    enum ff_err e = ff_store_pending(s, &pending);
    sqlite3_stmt *st = e ? NULL : ff_store__query(s, S_LOCAL_GAPS, "s", s->device);
    if (st && sqlite3_step(st) == SQLITE_ROW)
        sent = sqlite3_column_int64(st, 1) - pending;
    if (st)
        sqlite3_reset(st);
    if (e)
        return e;
    return ff_store__json_result(s, ff_store__query(s, S_STATS, "si", s->device, sent), out);
}
