/* chart_int.h - internals shared by the chart loader's files (chart_*.c, diag.c).
 *
 * The loader works in passes: chart_pos.c checks the raw bytes (size, depth, UTF-8) and
 * maps every cJSON item to its line:column; chart_load.c turns the JSON into the model;
 * chart_check.c runs the graph checks on the model. They share one struct ff_ld, which
 * carries the current JSON path and a sticky out-of-memory flag so that deep helpers
 * need not thread error codes through every call.
 */
#ifndef FF_CHART_INT_H
#define FF_CHART_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "fieldflow/chart.h"

/* At most this many errors per chart are recorded; then one "too-many-errors" finding. */
#define FF_LD_MAX_ERRORS 100
#define FF_LD_PATH_MAX 256

/* ---- arena (chart_model.c): every model allocation of one chart, freed at once ---- */
struct ff_arena;
struct ff_arena *ff_arena_new(void);
void ff_arena_free(struct ff_arena *a);
void *ff_arena_alloc(struct ff_arena *a, size_t n); /* zeroed; NULL on ENOMEM */
char *ff_arena_strdup(struct ff_arena *a, const char *s);

/* The JSON spellings of the model's enums, in enum order (chart_model.c). */
enum ff_name_set {
    FF_NAMES_NODE_KIND,
    FF_NAMES_FIELD_TYPE,
    FF_NAMES_ACTION,
    FF_NAMES_OUTCOME,
    FF_NAMES_AUDIENCE,
    FF_NAMES_TOUCHPOINT,
    FF_NAMES_PRIORITY,
};
const char *const *ff_names(enum ff_name_set set, size_t *n);

/* Positions of keys the graph checks point at, parallel to the model arrays. */
struct ff_node_aux {
    struct ff_pos id;      /* the "id" key */
    struct ff_pos next;    /* the "next" key (or the node when absent) */
    struct ff_pos chart;   /* subchart: the "chart" key */
    struct ff_pos *target; /* decision: each option's "target" key */
};
struct ff_limit_aux {
    struct ff_pos from, to;
};

/* What hangs on chart->priv. */
struct ff_chart_priv {
    struct ff_arena *arena;
    struct ff_node_aux *node_aux;   /* chart->nnodes entries */
    struct ff_limit_aux *limit_aux; /* chart->nlimits entries */
    int *by_id;                     /* node indices sorted by id, for ff_chart_find_node */
    struct ff_pos id_pos;           /* the chart's "id" key */
    struct ff_pos nodes_pos;        /* the "nodes" key */
    struct ff_pos countries_pos;    /* the "countries" key */
};

/* ---- raw text (chart_pos.c) ---- */
struct ff_scan_error {
    size_t off;
    enum ff_err err; /* FF_EPARSE or FF_ELIMIT */
    const char *code;
    char message[96];
};
/* Checks bytes before cJSON sees them: NUL bytes, invalid UTF-8, control characters,
 * string length and nesting depth. Returns false with *e filled at the first problem. */
bool ff_json_prescan(const char *buf, size_t len, struct ff_scan_error *e);
/* A strict JSON syntax check (RFC 8259), run after the pre-scan and before cJSON, so that
 * a syntax error is reported at the exact token; depth is already bounded by the pre-scan. */
bool ff_json_syntax(const char *buf, size_t len, struct ff_scan_error *e);
/* Line and column (code points, 1-based) of byte offset `off`. */
struct ff_pos ff_json_pos_at(const char *buf, size_t len, size_t off);

struct ff_posmap;
/* Walks `text` (which cJSON parsed into `root`) and records where every item starts:
 * an object member at its key, an array element at its value. */
enum ff_err ff_posmap_build(const char *text, size_t len, const cJSON *root,
                            struct ff_posmap **out);
struct ff_pos ff_posmap_get(const struct ff_posmap *m, const cJSON *item);
void ff_posmap_free(struct ff_posmap *m);

/* ---- the loader's shared state ---- */
struct ff_ld {
    const char *file;           /* name shown in findings */
    struct ff_diags *diags;     /* where findings go (the caller's) */
    const struct ff_posmap *pm; /* item -> line:column */
    struct ff_chart *chart;     /* the model being filled */
    struct ff_chart_priv *priv; /* chart->priv */
    char path[FF_LD_PATH_MAX];  /* JSON path of the value being read, "$..." */
    size_t plen;                /* strlen(path) */
    const char *node;           /* id of the node being read or checked (named in messages) */
    size_t nerrors;             /* errors reported for this chart (capped) */
    bool oom;                   /* an allocation failed: unwind, return FF_ENOMEM */
    bool limit;                 /* a bound was exceeded: return FF_ELIMIT */
};

/* diag.c */
enum ff_err ff_diags_add(struct ff_diags *d, enum ff_severity sev, const char *file,
                         struct ff_pos pos, const char *path, const char *code,
                         const char *message);
/* Reports at the current path of x (plus `suffix` when not NULL); respects the error cap. */
void ff_ld_report(struct ff_ld *x, enum ff_severity sev, struct ff_pos pos, const char *suffix,
                  const char *code, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
size_t ff_ld_push_key(struct ff_ld *x, const char *key); /* returns the length to pop to */
size_t ff_ld_push_index(struct ff_ld *x, size_t i);
void ff_ld_pop(struct ff_ld *x, size_t len);

/* chart_get.c: typed access to JSON members. Each reports what is wrong (missing required
 * key, wrong type, bad id or enum, out of range) at the member and returns NULL/false. */
enum ff_str_kind { FF_STR_ID, FF_STR_NONEMPTY, FF_STR_ANY };
struct ff_pos ff_ld_pos(const struct ff_ld *x, const cJSON *item);
void *ff_ld_alloc(struct ff_ld *x, size_t n); /* from the chart's arena; sets x->oom */
const cJSON *ff_get_member(struct ff_ld *x, const cJSON *obj, const char *key, bool required);
const char *ff_get_string(struct ff_ld *x, const cJSON *obj, const char *key, bool required,
                          enum ff_str_kind kind);
bool ff_get_int(struct ff_ld *x, const cJSON *obj, const char *key, bool required, long lo, long hi,
                long *out);
bool ff_get_number(struct ff_ld *x, const cJSON *obj, const char *key, double *out);
bool ff_get_bool(struct ff_ld *x, const cJSON *obj, const char *key, bool required, bool *out);
bool ff_get_enum(struct ff_ld *x, const cJSON *obj, const char *key, bool required,
                 enum ff_name_set set, int *out);
void ff_get_text(struct ff_ld *x, const cJSON *obj, const char *key, bool required,
                 struct ff_text *out);
/* An array member with at most `max` elements (more is an FF_ELIMIT error). */
const cJSON *ff_get_array(struct ff_ld *x, const cJSON *obj, const char *key, bool required,
                          size_t max, size_t *count);
/* Reports keys of obj that are in neither NULL-terminated list and do not start "x-",
 * and keys that appear twice; `what` names the object in messages ("a step node"). */
void ff_check_keys(struct ff_ld *x, const cJSON *obj, const char *const *a, const char *const *b,
                   const char *what);
/* Reports elements of the array (at the current path) whose `key` repeats an earlier one. */
void ff_check_unique(struct ff_ld *x, const cJSON *arr, const char *key, const char *what);
bool ff_valid_id(const char *s);

/* chart_load.c -> chart_check.c: graph checks on a model without schema errors. */
void ff_chart_check_graph(struct ff_ld *x);

/* chart_handoff.c: staff nodes a kiosk customer reaches before a hand-off. */
#define FF_HANDOFF_PATH_MAX 384
/* What a called chart does to a caller that has not handed off yet. */
struct ff_callee_reach {
    bool leaks;        /* it reaches a staff node before a hand-off */
    bool returns;      /* it can reach an end before a hand-off */
    const char *chart; /* leaks: the called chart's id */
    const char *node;  /* leaks: the staff node it reaches, the chart holding it, and that
                          node's audience */
    const char *node_chart;
    enum ff_audience audience;
    const char *path; /* leaks: "start -> ... -> node" inside the called chart */
};
/* Summarises the chart a subchart node calls; an unknown id is { .returns = true }. */
typedef struct ff_callee_reach (*ff_callee_fn)(void *ctx, const char *chart_id);
/* One staff node (callee NULL) or leaking subchart node (callee set) reached from the start
 * by `path`; returns FF_OK or FF_ENOMEM, which stops the scan. */
typedef enum ff_err (*ff_found_fn)(void *ctx, size_t node, const char *path,
                                   const struct ff_callee_reach *callee);
/* Breadth-first from the start over the nodes reached before any hand-off; calls found()
 * for each staff node and each subchart whose callee leaks (not going past either), and
 * sets *returns when an end can be reached before a hand-off. callee may be NULL (every
 * call returns). FF_OK, FF_ENOMEM, or found()'s error. */
enum ff_err ff_handoff_scan(const struct ff_chart *c, ff_callee_fn callee, void *cctx,
                            ff_found_fn found, void *fctx, bool *returns);

/* chart_locale.c: with the path at $.locales, checks the declared locales v[0..n) against
 * the locales the texts under root use. Reports one "locale-mismatch" error (did you mean)
 * when a declared locale is in no text but an undeclared one is in at least half of them,
 * and returns false then (the texts are not checked against the list); warns about a
 * country code used as a language ("dk"). */
bool ff_check_locale_use(struct ff_ld *x, const cJSON *root, const cJSON *arr, const char **v,
                         size_t n);

/* Counts UTF-8 code points in a valid string. */
size_t ff_utf8_count(const char *s);

/* strerror(e) without strerror's shared buffer (files load on any thread); returns buf. */
const char *ff_errno_text(int e, char *buf, size_t size);

#endif
