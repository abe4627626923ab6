/* store_query.c - the screens' reads: arguments checked and normalized here, the JSON
 * documents built by the backend (store_backend.h, enum ff_read; on SQLite by its JSON
 * functions).
 *
 * Workload: one call per screen; each is a single prepared statement over indexed columns
 * (today's visits by (engineer, start), a case by id, customers through a trigram index of
 * normalized keys, the KB through FTS5), so every screen stays in single-digit milliseconds
 * on a 100k-case store (tests/bench/bench_store.c).
 */
#include <string.h>

#include "fieldflow/mem.h"
#include "store_int.h"

#define DAY_MS (24 * 3600 * 1000LL)
#define MAX_LIMIT 200
#define MAX_QUERY 200

static int clamp_limit(int limit)
{
    return limit < 1 ? 20 : limit > MAX_LIMIT ? MAX_LIMIT : limit;
}

enum ff_err ff_store_visits_of_day(struct ff_store *s, const char *engineer_id,
                                   int64_t day_start_ms, char **out)
{
    return ff_store__read(s, FF_READ_VISITS_OF_DAY, out, "sii", engineer_id, day_start_ms,
                          day_start_ms + DAY_MS);
}

enum ff_err ff_store_case_detail(struct ff_store *s, const char *case_id, char **out)
{
    enum ff_err e = ff_store__read(s, FF_READ_CASE_DETAIL, out, "s", case_id);
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

enum ff_err ff_store_customer_search(struct ff_store *s, const char *query, int limit, char **out)
{
    char norm[MAX_QUERY + 1];
    *out = NULL;
    if (!query || strlen(query) > MAX_QUERY)
        return ff_store__fail(s, FF_EINVAL, "search: 1..%d bytes", MAX_QUERY);
    ff_store__normalize(query, phone_like(query), norm, sizeof norm);
    if (!norm[0])
        return ff_store__fail(s, FF_EINVAL, "search: nothing to search for in '%s'", query);
    return ff_store__read(s, FF_READ_CUSTOMERS, out, "si", norm, (int64_t)clamp_limit(limit));
}

enum ff_err ff_store_kb_search(struct ff_store *s, const char *query, const char *lang, int limit,
                               char **out)
{
    char norm[2 * MAX_QUERY + 1];
    *out = NULL;
    if (!query || strlen(query) > MAX_QUERY)
        return ff_store__fail(s, FF_EINVAL, "search: 1..%d bytes", MAX_QUERY);
    ff_store__normalize(query, false, norm, sizeof norm);
    return ff_store__read(s, FF_READ_KB, out, "ssi", norm, lang, (int64_t)clamp_limit(limit));
}

enum ff_err ff_store_conflicts(struct ff_store *s, char **out)
{
    return ff_store__read(s, FF_READ_CONFLICTS, out, "");
}

enum ff_err ff_store_forgeries(struct ff_store *s, char **out)
{
    return ff_store__read(s, FF_READ_FORGERIES, out, "");
}

enum ff_err ff_store_stats(struct ff_store *s, char **out)
{
    int64_t pending = 0, max = 0;
    *out = NULL;
    enum ff_err e = ff_store_pending(s, &pending);
    if (!e)
        e = s->be->device_seq(s, s->device, &max, NULL);
    return e ? e : ff_store__read(s, FF_READ_STATS, out, "si", s->device, max - pending);
}
