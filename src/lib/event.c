/* event.c - decode, validate and encode events (see event.h).
 *
 * Workload: every imported event and every local append passes through here once, so this is
 * the wall against hostile input: sizes are capped before parsing, every string must be
 * valid UTF-8, and the payload of each known type is checked against a table of field specs.
 * Fields not named in a spec are allowed (newer writers may add optional ones) but count
 * against the size cap. Nothing here touches the database.
 */
#include "fieldflow/event.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_int.h"
#include "fieldflow/hlc.h"
#include "fieldflow/mem.h"

#define MAX_DEPTH 8               /* nesting of objects/arrays inside an event */
#define MAX_MS 9007199254740991LL /* 2^53 - 1: exact in a JSON number */
#define NO_LIMIT MAX_MS
#define SCAN_DEPTH 32      /* nesting the scanner follows (the payload's own cap is MAX_DEPTH) */
#define NUMBER_MAX 63      /* characters of one number: cJSON 1.7.15 reads no more */
#define SMALL_OBJECT 8     /* objects up to this many keys are checked for duplicates pairwise */
#define ALTERNATIVES_MAX 5 /* slots a visit request may rank after its own */

enum kind {
    K_STR,   /* string, min..max bytes */
    K_ID,    /* an id (ff_event_id_valid) */
    K_INT,   /* an integral number in min..max */
    K_ENUM,  /* one of choices */
    K_PREV,  /* array of at most max event ids: the versions an edit replaces */
    K_OBJ,   /* any object (answers, a chart) */
    K_PARTS, /* [{part, qty}] of a report */
    K_SLOTS, /* [{start, end}] of an availability */
    K_VALUE, /* string or integer: the new value of an edited field */
};

struct field_spec {
    const char *name;           /* key in the payload; NULL ends a table */
    enum kind kind;             /* what the value must be */
    bool required;              /* must be present */
    long long min, max;         /* bounds: length for K_STR, value for K_INT, count */
    const char *const *choices; /* NULL-terminated, for K_ENUM */
};

struct type_spec {
    const char *type;                /* full type name */
    const struct field_spec *fields; /* the payload's fields */
};

static const char *const customer_fields[] = {"name", "phone", "email", "address", NULL};
static const char *const case_fields[] = {"customer_id", "category", "priority",
                                          "description", "assignee", NULL};
static const char *const touchpoints[] = {"phone",        "email",        "letter", "website",
                                          "face_to_face", "social_media", "kiosk",  NULL};
static const char *const request_types[] = {
    "information", "price_availability", "order",           "service_request", "complaint",
    "payment",     "new_application",    "technical_query", "feedback",        NULL};
static const char *const statuses[] = {"new",      "triaged", "scheduled", "in_progress",
                                       "resolved", "closed",  "reopened",  NULL};
static const char *const outcomes[] = {"fixed", "follow_up", "parts_needed", "escalate", NULL};
static const char *const langs[] = {"en", "da", "es", NULL};

#define END                                                                                        \
    {                                                                                              \
        NULL, K_STR, false, 0, 0, NULL                                                             \
    }
#define STR(n, req, mx)                                                                            \
    {                                                                                              \
        n, K_STR, req, 0, mx, NULL                                                                 \
    }
#define NSTR(n, req, mx)                                                                           \
    {                                                                                              \
        n, K_STR, req, 1, mx, NULL                                                                 \
    }
#define ID(n, req)                                                                                 \
    {                                                                                              \
        n, K_ID, req, 0, 0, NULL                                                                   \
    }
#define INT(n, req, lo, hi)                                                                        \
    {                                                                                              \
        n, K_INT, req, lo, hi, NULL                                                                \
    }
#define ENUM(n, req, c)                                                                            \
    {                                                                                              \
        n, K_ENUM, req, 0, 0, c                                                                    \
    }
#define PREV                                                                                       \
    {                                                                                              \
        "prev", K_PREV, true, 0, 16, NULL                                                          \
    }

static const struct field_spec f_customer_created[] = {
    NSTR("name", true, 200),    STR("phone", false, 40), STR("email", false, 200),
    STR("address", false, 500), STR("site", false, 100), END};
static const struct field_spec f_customer_edited[] = {ENUM("field", true, customer_fields),
                                                      STR("value", true, 500), PREV, END};
static const struct field_spec f_customer_merged[] = {ID("into", true), END};
static const struct field_spec f_reason[] = {STR("reason", false, 1000), END};
static const struct field_spec f_case_created[] = {ID("customer_id", false),
                                                   ENUM("touchpoint", true, touchpoints),
                                                   ENUM("request_type", true, request_types),
                                                   STR("category", false, 100),
                                                   INT("priority", false, 1, 4),
                                                   STR("description", false, 4000),
                                                   ID("run_id", false),
                                                   STR("chart_id", false, 100),
                                                   INT("chart_version", false, 1, 1000000),
                                                   STR("outcome", false, 100),
                                                   {"answers", K_OBJ, false, 0, 0, NULL},
                                                   STR("assignee", false, 100),
                                                   END};
static const struct field_spec f_case_field_edited[] = {
    ENUM("field", true, case_fields), {"value", K_VALUE, true, 0, 4000, NULL}, PREV, END};
static const struct field_spec f_case_note[] = {NSTR("text", true, 4000), END};
static const struct field_spec f_case_escalated[] = {
    INT("level", true, 1, 4), NSTR("reason", true, 1000), INT("eta", false, 0, MAX_MS), END};
static const struct field_spec f_case_status[] = {ENUM("status", true, statuses), PREV, END};
static const struct field_spec f_case_limit_set[] = {INT("due", true, 0, MAX_MS),
                                                     STR("what", false, 200), END};
static const struct field_spec f_case_limit_breached[] = {INT("at", true, 0, MAX_MS), END};
/* alternatives: other slots the requester would take, in order of preference (the server
 * confirms the first free one of start/end, then these) */
static const struct field_spec f_visit_requested[] = {
    ID("case_id", true),
    ID("engineer_id", true),
    INT("start", true, 0, MAX_MS),
    INT("end", true, 0, MAX_MS),
    {"alternatives", K_SLOTS, false, 0, ALTERNATIVES_MAX, NULL},
    END};
static const struct field_spec f_visit_confirmed[] = {INT("start", false, 0, MAX_MS),
                                                      INT("end", false, 0, MAX_MS), END};
static const struct field_spec f_at[] = {INT("at", true, 0, MAX_MS), END};
static const struct field_spec f_report[] = {ID("case_id", true),
                                             ID("visit_id", false),
                                             NSTR("work_done", true, 8000),
                                             {"parts", K_PARTS, false, 0, 200, NULL},
                                             INT("minutes", true, 0, 100000),
                                             ENUM("outcome", true, outcomes),
                                             STR("signature", false, 400000),
                                             END};
static const struct field_spec f_feedback[] = {INT("score", true, 1, 5),
                                               STR("comment", false, 4000),
                                               STR("node", false, 100),
                                               ID("case_id", false),
                                               ID("run_id", false),
                                               STR("chart_id", false, 100),
                                               END};
static const struct field_spec f_run_step[] = {
    NSTR("chart_id", true, 100), INT("chart_version", true, 1, 1000000), NSTR("node", true, 100),
    STR("answer", false, 4000),  INT("step", false, 0, 100000),          END};
static const struct field_spec f_flowchart[] = {INT("version", true, 1, 1000000),
                                                STR("title", false, 200),
                                                {"chart", K_OBJ, false, 0, 0, NULL},
                                                END};
static const struct field_spec f_kb[] = {ENUM("lang", true, langs), NSTR("title", true, 300),
                                         NSTR("body", true, 100000), STR("tags", false, 500), END};
static const struct field_spec f_availability[] = {{"slots", K_SLOTS, true, 0, 1000, NULL}, END};

static const struct type_spec types[] = {
    {"customer.created", f_customer_created},
    {"customer.edited", f_customer_edited},
    {"customer.merged", f_customer_merged},
    {"customer.erased", f_reason},
    {"case.created", f_case_created},
    {"case.field_edited", f_case_field_edited},
    {"case.note_added", f_case_note},
    {"case.escalated", f_case_escalated},
    {"case.status_changed", f_case_status},
    {"case.time_limit_set", f_case_limit_set},
    {"case.time_limit_breached", f_case_limit_breached},
    {"visit.requested", f_visit_requested},
    {"visit.confirmed", f_visit_confirmed},
    {"visit.rejected", f_reason},
    {"visit.checked_in", f_at},
    {"visit.checked_out", f_at},
    {"visit.cancelled", f_reason},
    {"report.submitted", f_report},
    {"feedback.given", f_feedback},
    {"run.step_recorded", f_run_step},
    {"flowchart.published", f_flowchart},
    {"kb.published", f_kb},
    {"engineer.availability_published", f_availability},
};

static const struct type_spec *find_type(const char *type)
{
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (!strcmp(types[i].type, type))
            return &types[i];
    return NULL;
}

bool ff_event_type_known(const char *type)
{
    return find_type(type) != NULL;
}

static bool id_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '.' || ch == '_' || ch == '-';
}

bool ff_event_id_valid(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (n >= FF_EVENT_ID_MAX || !id_char(s[n]))
            return false;
    return n > 0;
}

static bool type_valid(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char ch = s[n];
        if (n >= FF_EVENT_TYPE_MAX ||
            !((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.'))
            return false;
    }
    return n > 0 && s[0] != '.' && strchr(s, '.') != NULL;
}

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF, no NUL. */
static bool utf8_valid(const unsigned char *s)
{
    while (*s) {
        unsigned c = *s;
        int n = c < 0x80             ? 0
                : (c & 0xE0) == 0xC0 ? 1
                : (c & 0xF0) == 0xE0 ? 2
                : (c & 0xF8) == 0xF0 ? 3
                                     : -1;
        if (n < 0 || (n == 1 && c < 0xC2) || (n == 3 && c > 0xF4))
            return false;
        unsigned cp = n ? c & (0x3Fu >> n) : c;
        for (int i = 1; i <= n; i++) {
            if ((s[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i] & 0x3Fu);
        }
        if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return false;
        s += n + 1;
    }
    return true;
}

/* Every string (keys included) valid UTF-8, nesting at most MAX_DEPTH. */
static bool tree_sane(const cJSON *j, int depth)
{
    if (depth > MAX_DEPTH)
        return false;
    if (j->string && !utf8_valid((const unsigned char *)j->string))
        return false;
    if (cJSON_IsString(j) && !utf8_valid((const unsigned char *)j->valuestring))
        return false;
    if (cJSON_IsNumber(j) && !(fabs(j->valuedouble) <= (double)MAX_MS))
        return false; /* beyond 2^53 a JSON number is rounded: refused, not kept wrong */
    for (const cJSON *c = j->child; c; c = c->next)
        if (!tree_sane(c, depth + 1))
            return false;
    return true;
}

/* The strict reader. cJSON accepts a prefix ("{}{}" and "{} junk" parse as "{}"), cuts
 * strings at \u0000, and fails the same way on bad input and on a failed allocation. So the
 * text is first checked by a scanner that allocates nothing: exactly one JSON value, then
 * only whitespace; no NUL, raw or escaped; surrogates paired as cJSON wants them. After it,
 * a NULL from cJSON can only mean out of memory. */
struct scan {
    const unsigned char *p;   /* next byte */
    const unsigned char *end; /* one past the last byte */
    const char *err;          /* the first problem, NULL while there is none */
};

static bool scan_fail(struct scan *sc, const char *msg)
{
    if (!sc->err)
        sc->err = msg;
    return false;
}

static void scan_ws(struct scan *sc)
{
    while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\t' || *sc->p == '\n' || *sc->p == '\r'))
        sc->p++;
}

static int hex4(const unsigned char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int c = p[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* One \uXXXX escape at sc->p (just past the 'u'); a high surrogate needs its low half. */
static bool scan_unicode(struct scan *sc)
{
    int cp = sc->end - sc->p >= 4 ? hex4(sc->p) : -1;
    if (cp < 0)
        return scan_fail(sc, "is not valid JSON (a bad \\u escape)");
    if (cp == 0)
        return scan_fail(sc, "contains a NUL character (\\u0000)");
    sc->p += 4;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return scan_fail(sc, "is not valid JSON (a lone surrogate)");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        int lo = sc->end - sc->p >= 6 && sc->p[0] == '\\' && sc->p[1] == 'u' ? hex4(sc->p + 2) : -1;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return scan_fail(sc, "is not valid JSON (a lone surrogate)");
        sc->p += 6;
    }
    return true;
}

static bool scan_string(struct scan *sc)
{
    sc->p++; /* the opening quote */
    while (sc->p < sc->end) {
        unsigned char c = *sc->p++;
        if (c == '"')
            return true;
        if (c == 0)
            return scan_fail(sc, "contains a NUL character");
        if (c < 0x20)
            return scan_fail(sc, "is not valid JSON (a control character in a string)");
        if (c != '\\')
            continue;
        if (sc->p >= sc->end)
            break;
        c = *sc->p++;
        if (c == 'u') {
            if (!scan_unicode(sc))
                return false;
        } else if (!strchr("\"\\/bfnrt", c) || c == 0) {
            return scan_fail(sc, "is not valid JSON (a bad escape)");
        }
    }
    return scan_fail(sc, "is not valid JSON (an unterminated string)");
}

static bool scan_digits(struct scan *sc)
{
    const unsigned char *start = sc->p;
    while (sc->p < sc->end && *sc->p >= '0' && *sc->p <= '9')
        sc->p++;
    return sc->p > start;
}

static bool scan_number(struct scan *sc)
{
    const unsigned char *start = sc->p;
    if (*sc->p == '-')
        sc->p++;
    if (sc->p < sc->end && *sc->p == '0')
        sc->p++;
    else if (!scan_digits(sc))
        return scan_fail(sc, "is not valid JSON (a bad number)");
    if (sc->p < sc->end && *sc->p == '.' && (sc->p++, !scan_digits(sc)))
        return scan_fail(sc, "is not valid JSON (a bad number)");
    if (sc->p < sc->end && (*sc->p == 'e' || *sc->p == 'E')) {
        sc->p++;
        if (sc->p < sc->end && (*sc->p == '+' || *sc->p == '-'))
            sc->p++;
        if (!scan_digits(sc))
            return scan_fail(sc, "is not valid JSON (a bad number)");
    }
    if (sc->p - start > NUMBER_MAX)
        return scan_fail(sc, "has a number longer than 63 characters");
    return true;
}

static bool scan_word(struct scan *sc, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(sc->end - sc->p) < n || memcmp(sc->p, w, n))
        return scan_fail(sc, "is not valid JSON");
    sc->p += n;
    return true;
}

static bool scan_value(struct scan *sc, int depth);

/* An object or array at sc->p: members separated by commas, keys for an object. */
static bool scan_members(struct scan *sc, int depth, bool object)
{
    unsigned char close = object ? '}' : ']';
    if (depth > SCAN_DEPTH)
        return scan_fail(sc, "is nested too deep");
    sc->p++;
    scan_ws(sc);
    if (sc->p < sc->end && *sc->p == close) {
        sc->p++;
        return true;
    }
    for (;;) {
        scan_ws(sc);
        if (object) {
            if (sc->p >= sc->end || *sc->p != '"' || !scan_string(sc))
                return scan_fail(sc, "is not valid JSON (an object key must be a string)");
            scan_ws(sc);
            if (sc->p >= sc->end || *sc->p++ != ':')
                return scan_fail(sc, "is not valid JSON (a ':' is missing)");
        }
        if (!scan_value(sc, depth + 1))
            return false;
        scan_ws(sc);
        if (sc->p < sc->end && *sc->p == ',') {
            sc->p++;
            continue;
        }
        if (sc->p < sc->end && *sc->p == close) {
            sc->p++;
            return true;
        }
        return scan_fail(sc, "is not valid JSON (a ',' or a closing bracket is missing)");
    }
}

static bool scan_value(struct scan *sc, int depth)
{
    scan_ws(sc);
    if (sc->p >= sc->end)
        return scan_fail(sc, "is not valid JSON (it ends early)");
    switch (*sc->p) {
    case '{':
        return scan_members(sc, depth, true);
    case '[':
        return scan_members(sc, depth, false);
    case '"':
        return scan_string(sc);
    case 't':
        return scan_word(sc, "true");
    case 'f':
        return scan_word(sc, "false");
    case 'n':
        return scan_word(sc, "null");
    case 0:
        return scan_fail(sc, "contains a NUL character");
    default:
        if (*sc->p == '-' || (*sc->p >= '0' && *sc->p <= '9'))
            return scan_number(sc);
        return scan_fail(sc, "is not valid JSON");
    }
}

/* NULL if json[0..len) is exactly one JSON value with only whitespace around it. */
static const char *scan_json(const char *json, size_t len)
{
    struct scan sc = {(const unsigned char *)json, (const unsigned char *)json + len, NULL};
    if (!scan_value(&sc, 1))
        return sc.err;
    scan_ws(&sc);
    if (sc.p < sc.end)
        return *sc.p ? "has more after the first JSON value" : "contains a NUL character";
    return NULL;
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A key that appears twice in one object of j (or NULL); *oom on a failed allocation. Other
 * JSON readers keep the last of two equal keys and cJSON the first, so none is accepted. */
static const char *duplicate_key(const cJSON *j, bool *oom)
{
    size_t n = 0;
    for (const cJSON *c = j->child; c; c = c->next) {
        const char *d = duplicate_key(c, oom);
        if (d || *oom)
            return d;
        n++;
    }
    if (!cJSON_IsObject(j) || n < 2)
        return NULL;
    if (n <= SMALL_OBJECT) {
        for (const cJSON *a = j->child; a; a = a->next)
            for (const cJSON *b = a->next; b; b = b->next)
                if (!strcmp(a->string, b->string))
                    return a->string;
        return NULL;
    }
    const char **keys = ff_malloc(n * sizeof *keys);
    if (!keys) {
        *oom = true;
        return NULL;
    }
    n = 0;
    for (const cJSON *c = j->child; c; c = c->next)
        keys[n++] = c->string;
    qsort(keys, n, sizeof *keys, key_cmp);
    const char *dup = NULL;
    for (size_t i = 1; i < n && !dup; i++)
        if (!strcmp(keys[i - 1], keys[i]))
            dup = keys[i];
    ff_free(keys);
    return dup;
}

static bool int_in(const cJSON *j, long long lo, long long hi)
{
    if (!cJSON_IsNumber(j))
        return false;
    double d = j->valuedouble;
    return d == floor(d) && d >= (double)lo && d <= (double)hi;
}

static bool str_in(const cJSON *j, long long lo, long long hi)
{
    if (!cJSON_IsString(j))
        return false;
    size_t n = strlen(j->valuestring);
    return (long long)n >= lo && (long long)n <= hi;
}

static bool event_ref_valid(const char *s)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || (size_t)(colon - s) > FF_EVENT_ID_MAX || !colon[1])
        return false;
    for (const char *p = s; p < colon; p++)
        if (!id_char(*p))
            return false;
    for (const char *p = colon + 1; *p; p++)
        if (*p < '0' || *p > '9' || p - colon > 18)
            return false;
    return colon[1] != '0';
}

static bool enum_has(const char *const *choices, const char *v)
{
    for (; *choices; choices++)
        if (!strcmp(*choices, v))
            return true;
    return false;
}

static const char *check_prev(const cJSON *j, long long max)
{
    if (!cJSON_IsArray(j) || cJSON_GetArraySize(j) > max)
        return "must be an array of at most 16 event ids";
    for (const cJSON *c = j->child; c; c = c->next)
        if (!cJSON_IsString(c) || !event_ref_valid(c->valuestring))
            return "must hold event ids \"<device>:<seq>\"";
    return NULL;
}

static const char *check_pairs(const cJSON *j, long long max, const char *a, const char *b,
                               bool parts)
{
    if (!cJSON_IsArray(j) || cJSON_GetArraySize(j) > max)
        return parts                     ? "must be an array of at most 200 parts"
               : max == ALTERNATIVES_MAX ? "must be an array of at most 5 slots"
                                         : "must be an array of at most 1000 slots";
    for (const cJSON *c = j->child; c; c = c->next) {
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(c, a);
        const cJSON *y = cJSON_GetObjectItemCaseSensitive(c, b);
        if (parts && (!str_in(x, 1, 200) || !int_in(y, 1, 10000)))
            return "each part needs \"part\" (1..200 bytes) and \"qty\" (1..10000)";
        if (!parts &&
            (!int_in(x, 0, MAX_MS) || !int_in(y, 0, MAX_MS) || y->valuedouble <= x->valuedouble))
            return "each slot needs integer \"start\" < \"end\" (ms)";
    }
    return NULL;
}

/* NULL if j satisfies f, else why not. */
static const char *check_field(const struct field_spec *f, const cJSON *j)
{
    switch (f->kind) {
    case K_STR:
        return str_in(j, f->min, f->max) ? NULL : "must be a string of bounded length";
    case K_ID:
        return cJSON_IsString(j) && ff_event_id_valid(j->valuestring)
                   ? NULL
                   : "must be an id [A-Za-z0-9._-]{1,64}";
    case K_INT:
        return int_in(j, f->min, f->max) ? NULL : "must be an integer in range";
    case K_ENUM:
        return cJSON_IsString(j) && enum_has(f->choices, j->valuestring)
                   ? NULL
                   : "is not one of the allowed values";
    case K_PREV:
        return check_prev(j, f->max);
    case K_OBJ:
        return cJSON_IsObject(j) ? NULL : "must be an object";
    case K_PARTS:
        return check_pairs(j, f->max, "part", "qty", true);
    case K_SLOTS:
        return check_pairs(j, f->max, "start", "end", false);
    case K_VALUE:
        return str_in(j, 0, f->max) || int_in(j, -MAX_MS, MAX_MS)
                   ? NULL
                   : "must be a string or an integer";
    }
    return "has an unknown kind";
}

/* Cross-field rules the table cannot say. */
static const char *check_rules(const char *type, const cJSON *p, const char **field)
{
    if (!strcmp(type, "case.field_edited")) {
        const char *name = cJSON_GetObjectItemCaseSensitive(p, "field")->valuestring;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, "value");
        *field = "value";
        if (!strcmp(name, "priority") && !int_in(v, 1, 4))
            return "priority must be an integer 1..4";
        if (!strcmp(name, "customer_id") &&
            !(cJSON_IsString(v) && ff_event_id_valid(v->valuestring)))
            return "customer_id must be an id";
        if (strcmp(name, "priority") && !cJSON_IsString(v))
            return "must be a string for this field";
    }
    if (!strcmp(type, "visit.requested")) {
        *field = "end";
        if (cJSON_GetObjectItemCaseSensitive(p, "end")->valuedouble <=
            cJSON_GetObjectItemCaseSensitive(p, "start")->valuedouble)
            return "must be after start";
    }
    return NULL;
}

static enum ff_err refuse(const struct ff_event *ev, char *why, size_t n, enum ff_err e,
                          const char *field, const char *msg)
{
    if (ev->device[0] && ev->seq > 0)
        snprintf(why, n, "event %s:%lld: %s: %s", ev->device, (long long)ev->seq, field, msg);
    else
        snprintf(why, n, "event: %s: %s", field, msg);
    return e;
}

/* refuse() for "payload.<field>"; the path is formatted only when something is refused. */
static enum ff_err refuse_field(const struct ff_event *ev, char *why, size_t n, const char *field,
                                const char *msg)
{
    char path[96];
    snprintf(path, sizeof path, "payload.%s", field);
    return refuse(ev, why, n, FF_EINVALID, path, msg);
}

static enum ff_err check_payload(const struct ff_event *ev, const cJSON *p, char *why, size_t n)
{
    const struct type_spec *t = find_type(ev->type);
    if (!t || !ev->known)
        return FF_OK;
    for (const struct field_spec *f = t->fields; f->name; f++) {
        const cJSON *j = cJSON_GetObjectItemCaseSensitive(p, f->name);
        if (!j) {
            if (f->required)
                return refuse_field(ev, why, n, f->name, "is required");
            continue;
        }
        const char *msg = check_field(f, j);
        if (msg)
            return refuse_field(ev, why, n, f->name, msg);
    }
    const char *field = "payload";
    const char *msg = check_rules(ev->type, p, &field);
    if (msg)
        return refuse_field(ev, why, n, field, msg);
    if (!strcmp(ev->type, "customer.merged") &&
        !strcmp(cJSON_GetObjectItemCaseSensitive(p, "into")->valuestring, ev->entity_id))
        return refuse(ev, why, n, FF_EINVALID, "payload.into",
                      "a customer cannot merge into itself");
    return FF_OK;
}

static enum ff_err check_envelope(struct ff_event *ev, char *why, size_t n)
{
    if (!ff_event_id_valid(ev->device))
        return refuse(ev, why, n, FF_EINVALID, "device", "must be an id [A-Za-z0-9._-]{1,64}");
    if (ev->seq < 1 || ev->seq > MAX_MS)
        return refuse(ev, why, n, FF_EINVALID, "seq", "must be an integer >= 1");
    if (ev->hlc == 0 || ev->hlc >> 63)
        return refuse(ev, why, n, FF_EINVALID, "hlc", "must be 16 hex digits, non-zero");
    if (!type_valid(ev->type))
        return refuse(ev, why, n, FF_EINVALID, "type", "must be [a-z0-9_.]{1,64} with a '.'");
    size_t elen = (size_t)(strchr(ev->type, '.') - ev->type);
    if (strlen(ev->entity) != elen || strncmp(ev->entity, ev->type, elen))
        return refuse(ev, why, n, FF_EINVALID, "entity", "must be the type's prefix");
    if (!ff_event_id_valid(ev->entity_id))
        return refuse(ev, why, n, FF_EINVALID, "entity_id", "must be an id [A-Za-z0-9._-]{1,64}");
    if (ev->schema < 1 || ev->schema > 1000)
        return refuse(ev, why, n, FF_EINVALID, "schema", "must be an integer 1..1000");
    if (ev->author && (strlen(ev->author) > 128 || !utf8_valid((unsigned char *)ev->author)))
        return refuse(ev, why, n, FF_EINVALID, "author", "must be UTF-8, at most 128 bytes");
    ev->known = ff_event_type_known(ev->type) && ev->schema <= FF_EVENT_SCHEMA;
    return FF_OK;
}

static enum ff_err set_canonical(struct ff_event *ev, const cJSON *p)
{
    char *txt = cJSON_PrintUnformatted(p);
    if (!txt)
        return FF_ENOMEM;
    char *mine = ff_strdup(txt);
    cJSON_free(txt);
    if (!mine)
        return FF_ENOMEM;
    ff_free(ev->payload);
    ev->payload = mine;
    return FF_OK;
}

/* Validates a parsed payload and stores its canonical text. */
static enum ff_err check_parsed(struct ff_event *ev, const cJSON *p, char *why, size_t n)
{
    enum ff_err e = check_envelope(ev, why, n);
    if (e)
        return e;
    if (!cJSON_IsObject(p))
        return refuse(ev, why, n, FF_EINVALID, "payload", "must be a JSON object");
    if (!tree_sane(p, 1))
        return refuse(ev, why, n, FF_EINVALID, "payload",
                      "invalid UTF-8, a non-finite number or one beyond 2^53, or nested too deep");
    e = check_payload(ev, p, why, n);
    return e ? e : set_canonical(ev, p);
}

/* Parses json[0..len) strictly (scan_json, then cJSON, then no duplicate keys); `what` names
 * it in a refusal. */
static enum ff_err parse_strict(const struct ff_event *ev, const char *json, size_t len,
                                const char *what, cJSON **out, char *why, size_t n)
{
    *out = NULL;
    const char *msg = scan_json(json, len);
    if (msg)
        return refuse(ev, why, n,
                      strstr(msg, "deep") || strstr(msg, "longer") ? FF_ELIMIT
                      : strstr(msg, "(\\u0000)")                   ? FF_EINVALID
                                                                   : FF_EPARSE,
                      what, msg);
    cJSON *j = cJSON_ParseWithLength(json, len);
    if (!j) /* the scanner accepted it: only an allocation can have failed */
        return refuse(ev, why, n, FF_ENOMEM, what, "out of memory while parsing");
    *out = j;
    return FF_OK;
}

/* Refuses a key that appears twice in one object of j, naming `what` it is in. */
static enum ff_err unique_keys(const struct ff_event *ev, const cJSON *j, const char *what,
                               char *why, size_t n)
{
    bool oom = false;
    const char *dup = duplicate_key(j, &oom);
    if (oom)
        return refuse(ev, why, n, FF_ENOMEM, what, "out of memory while parsing");
    if (!dup)
        return FF_OK;
    char m[FF_EVENT_ID_MAX + 48];
    snprintf(m, sizeof m, "has the key \"%.64s\" twice", dup);
    return refuse(ev, why, n, FF_EINVALID, what, m);
}

enum ff_err ff_event_check_parsed(struct ff_event *ev, char *why, size_t why_len,
                                  struct cJSON **out_payload)
{
    *out_payload = NULL;
    if (!ev->payload)
        return refuse(ev, why, why_len, FF_EINVALID, "payload", "is required");
    size_t len = strlen(ev->payload);
    if (len > FF_EVENT_MAX_BYTES)
        return refuse(ev, why, why_len, FF_ELIMIT, "payload", "is larger than 512 KiB");
    cJSON *p;
    enum ff_err e = parse_strict(ev, ev->payload, len, "payload", &p, why, why_len);
    if (e)
        return e;
    e = unique_keys(ev, p, "payload", why, why_len);
    if (!e)
        e = check_parsed(ev, p, why, why_len);
    if (e)
        cJSON_Delete(p);
    else
        *out_payload = p;
    return e;
}

enum ff_err ff_event_check(struct ff_event *ev, char *why, size_t why_len)
{
    cJSON *p;
    enum ff_err e = ff_event_check_parsed(ev, why, why_len, &p);
    cJSON_Delete(p);
    return e;
}

static bool copy_str(char *dst, size_t cap, const cJSON *j)
{
    if (!cJSON_IsString(j) || strlen(j->valuestring) >= cap)
        return false;
    memcpy(dst, j->valuestring, strlen(j->valuestring) + 1);
    return true;
}

/* Exactly 16 hex digits, any 64-bit value. */
static bool hex64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (strlen(s) != 16)
        return false;
    for (int i = 0; i < 16; i += 4) {
        int q = hex4((const unsigned char *)s + i);
        if (q < 0)
            return false;
        v = (v << 16) | (uint64_t)q;
    }
    *out = v;
    return true;
}

/* Fills ev's envelope from the object o; returns the field that is wrong, or NULL. */
static const char *read_envelope(struct ff_event *ev, const cJSON *o)
{
    const cJSON *seq = cJSON_GetObjectItemCaseSensitive(o, "seq");
    const cJSON *hlc = cJSON_GetObjectItemCaseSensitive(o, "hlc");
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(o, "schema");
    const cJSON *author = cJSON_GetObjectItemCaseSensitive(o, "author");
    if (!copy_str(ev->device, sizeof ev->device, cJSON_GetObjectItemCaseSensitive(o, "device")))
        return "device";
    if (!int_in(seq, 1, MAX_MS))
        return "seq";
    ev->seq = (int64_t)seq->valuedouble;
    if (!cJSON_IsString(hlc) || !ff_hlc_parse(hlc->valuestring, &ev->hlc))
        return "hlc";
    if (!copy_str(ev->type, sizeof ev->type, cJSON_GetObjectItemCaseSensitive(o, "type")))
        return "type";
    if (!copy_str(ev->entity, sizeof ev->entity, cJSON_GetObjectItemCaseSensitive(o, "entity")))
        return "entity";
    if (!copy_str(ev->entity_id, sizeof ev->entity_id,
                  cJSON_GetObjectItemCaseSensitive(o, "entity_id")))
        return "entity_id";
    if (!int_in(schema, 1, 1000))
        return "schema";
    ev->schema = (int)schema->valuedouble;
    if (author && !cJSON_IsNull(author) && !cJSON_IsString(author))
        return "author";
    const cJSON *red = cJSON_GetObjectItemCaseSensitive(o, "redacted");
    if (red && (!cJSON_IsString(red) || !hex64(red->valuestring, &ev->redacted_from) ||
                !ev->redacted_from))
        return "redacted";
    return NULL;
}

static enum ff_err check_id(const struct ff_event *ev, const cJSON *o, char *why, size_t n)
{
    char want[FF_EVENT_ID_MAX + 24];
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
    snprintf(want, sizeof want, "%s:%lld", ev->device, (long long)ev->seq);
    if (!cJSON_IsString(id) || strcmp(id->valuestring, want))
        return refuse(ev, why, n, FF_EINVALID, "id", "must be \"<device>:<seq>\"");
    return FF_OK;
}

static enum ff_err decode_object(const cJSON *o, struct ff_event *ev, char *why, size_t n)
{
    if (!cJSON_IsObject(o))
        return refuse(ev, why, n, FF_EPARSE, "event", "must be a JSON object");
    const char *bad = read_envelope(ev, o);
    if (bad)
        return refuse(ev, why, n, FF_EINVALID, bad, "is missing or has the wrong type/size");
    enum ff_err e = check_id(ev, o, why, n);
    if (e)
        return e;
    const cJSON *author = cJSON_GetObjectItemCaseSensitive(o, "author");
    if (cJSON_IsString(author)) {
        if (strlen(author->valuestring) > 128)
            return refuse(ev, why, n, FF_EINVALID, "author", "must be at most 128 bytes");
        if (!(ev->author = ff_strdup(author->valuestring)))
            return FF_ENOMEM;
    }
    return check_parsed(ev, cJSON_GetObjectItemCaseSensitive(o, "payload"), why, n);
}

enum ff_err ff_event_decode(const char *json, size_t len, struct ff_event *ev, char *why,
                            size_t why_len)
{
    memset(ev, 0, sizeof *ev);
    if (len > FF_EVENT_MAX_BYTES)
        return refuse(ev, why, why_len, FF_ELIMIT, "event", "is larger than 512 KiB");
    cJSON *o;
    enum ff_err e = parse_strict(ev, json, len, "event", &o, why, why_len);
    if (e)
        return e;
    e = decode_object(o, ev, why, why_len);
    if (!e) /* the payload first, so that a refusal says where the key is */
        e = unique_keys(ev, cJSON_GetObjectItemCaseSensitive(o, "payload"), "payload", why,
                        why_len);
    if (!e)
        e = unique_keys(ev, o, "event", why, why_len);
    cJSON_Delete(o);
    if (e)
        ff_event_clear(ev);
    return e;
}

static uint64_t fnv(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return (h ^ 0xFFu) * 1099511628211u; /* a separator no UTF-8 text contains */
}

uint64_t ff_event_digest(const struct ff_event *ev)
{
    char num[48];
    uint64_t h = 1469598103934665603u;
    snprintf(num, sizeof num, "%lld %016llx %d", (long long)ev->seq, (unsigned long long)ev->hlc,
             ev->schema);
    h = fnv(h, ev->device);
    h = fnv(h, num);
    h = fnv(h, ev->entity);
    h = fnv(h, ev->entity_id);
    h = fnv(h, ev->type);
    h = fnv(h, ev->payload ? ev->payload : "");
    return ev->author ? fnv(fnv(h, "a"), ev->author) : fnv(h, "-");
}

void ff_event_clear(struct ff_event *ev)
{
    if (!ev)
        return;
    ff_free(ev->payload);
    ff_free(ev->author);
    memset(ev, 0, sizeof *ev);
}

static cJSON *build_object(const struct ff_event *ev, cJSON *payload)
{
    char id[FF_EVENT_ID_MAX + 24], hlc[17];
    snprintf(id, sizeof id, "%s:%lld", ev->device, (long long)ev->seq);
    ff_hlc_format(ev->hlc, hlc);
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    bool ok = cJSON_AddStringToObject(o, "id", id) &&
              cJSON_AddStringToObject(o, "device", ev->device) &&
              cJSON_AddNumberToObject(o, "seq", (double)ev->seq) &&
              cJSON_AddStringToObject(o, "hlc", hlc) &&
              cJSON_AddStringToObject(o, "entity", ev->entity) &&
              cJSON_AddStringToObject(o, "entity_id", ev->entity_id) &&
              cJSON_AddStringToObject(o, "type", ev->type);
    if (ok)
        ok = cJSON_AddItemToObject(o, "payload", payload);
    else
        cJSON_Delete(payload);
    ok = ok && (ev->author ? cJSON_AddStringToObject(o, "author", ev->author) != NULL
                           : cJSON_AddNullToObject(o, "author") != NULL);
    ok = ok && cJSON_AddNumberToObject(o, "schema", ev->schema);
    if (ok && ev->redacted_from) {
        char red[17];
        snprintf(red, sizeof red, "%016llx", (unsigned long long)ev->redacted_from);
        ok = cJSON_AddStringToObject(o, "redacted", red) != NULL;
    }
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

enum ff_err ff_event_encode(const struct ff_event *ev, char **out)
{
    *out = NULL;
    cJSON *payload = cJSON_Parse(ev->payload ? ev->payload : "{}");
    if (!payload)
        return FF_EINVAL;
    cJSON *o = build_object(ev, payload);
    if (!o)
        return FF_ENOMEM;
    char *txt = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!txt)
        return FF_ENOMEM;
    *out = ff_strdup(txt);
    cJSON_free(txt);
    return *out ? FF_OK : FF_ENOMEM;
}
