/* chart.h - the flowchart model (format 1), its loader and validator.
 *
 * A chart is loaded from JSON (docs/flowchart-format.md) into an immutable model owned by
 * a struct ff_chart. The model structs below are read-only views for callers (runner,
 * layout, app); only the loader fills them. All strings belong to the chart and live
 * until ff_chart_free().
 *
 * Charts that call each other (subchart nodes) are checked together in a struct
 * ff_library, which also answers "which chart has this id and version".
 */
#ifndef FIELDFLOW_CHART_H
#define FIELDFLOW_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fieldflow/err.h"

#define FF_CHART_FORMAT 1

/* Bounds on hostile input; exceeding one is an FF_ELIMIT error, never a crash. */
#define FF_CHART_MAX_BYTES (4u * 1024u * 1024u)
#define FF_CHART_MAX_DEPTH 32
#define FF_CHART_MAX_NODES 10000
#define FF_CHART_MAX_LOCALES 16
#define FF_CHART_MAX_OPTIONS 32
#define FF_CHART_MAX_FIELDS 32
#define FF_CHART_MAX_STRING 8192
#define FF_CHART_MAX_COUNTRIES 32
#define FF_FIELD_MAX_DAYS 36600 /* |min_days|, |max_days|: about a hundred years */

/* Warning thresholds. */
#define FF_KIOSK_LABEL_MAX 40 /* characters (UTF-8 code points) on a kiosk button */
#define FF_DECISION_OPTIONS_WARN 7
#define FF_PATH_DEPTH_WARN 15

enum ff_audience { FF_AUDIENCE_ANY, FF_AUDIENCE_KIOSK, FF_AUDIENCE_ENGINEER, FF_AUDIENCE_DESK };

enum ff_node_kind {
    FF_NODE_START,
    FF_NODE_STEP,
    FF_NODE_DECISION,
    FF_NODE_INPUT,
    FF_NODE_KB,
    FF_NODE_ACTION,
    FF_NODE_SUBCHART,
    FF_NODE_END,
};

enum ff_field_type {
    FF_FIELD_TEXT,
    FF_FIELD_NUMBER,
    FF_FIELD_PHONE,
    FF_FIELD_EMAIL,
    FF_FIELD_DATE,
    FF_FIELD_CHOICE,
    FF_FIELD_YES_NO,
    FF_FIELD_POSTCODE, /* checked against the chart's countries */
};

enum ff_action_kind {
    FF_ACTION_CREATE_CASE,
    FF_ACTION_SET_CATEGORY,
    FF_ACTION_SET_PRIORITY,
    FF_ACTION_ESCALATE,
    FF_ACTION_REQUEST_VISIT,
    FF_ACTION_RECORD_OUTCOME,
    FF_ACTION_ASK_FEEDBACK,
    FF_ACTION_CALL_BACK,
};

enum ff_outcome {
    FF_OUTCOME_RESOLVED,
    FF_OUTCOME_CASE_CREATED,
    FF_OUTCOME_VISIT_REQUESTED,
    FF_OUTCOME_ESCALATED,
    FF_OUTCOME_REFERRED,
    FF_OUTCOME_ABANDONED,
};
#define FF_OUTCOME_COUNT 6

/* A human-readable string in every locale of its chart: s[i] is the text in
 * chart->locales[i], or NULL where the chart lacks it (which validation reports). */
struct ff_text {
    const char **s; /* chart->nlocales entries; NULL when the text is absent altogether */
};

/* Where a JSON value began in its file, 1-based; 0 when the model was not read from a file. */
struct ff_pos {
    uint32_t line;
    uint32_t col;
};

struct ff_option {
    const char *id; /* stable within its decision; recorded in transcripts */
    struct ff_text label;
    const char *target; /* node id */
    int target_index;   /* index into chart->nodes, -1 when the target is missing */
    struct ff_pos pos;
};

struct ff_field {
    const char *name; /* key of the value in the run's answers */
    enum ff_field_type type;
    bool required;
    const char *pattern;   /* POSIX extended regex the whole value must match, or NULL */
    bool has_min, has_max; /* number: value bounds; text/phone: length bounds; date: none */
    double min, max;
    bool has_min_days, has_max_days; /* date: bounds in days relative to the run's today */
    int min_days, max_days;          /* -FF_FIELD_MAX_DAYS..FF_FIELD_MAX_DAYS; 0 = today */
    struct ff_text label;
    struct ff_text hint;  /* may be absent (s == NULL) */
    const char **choices; /* choice: option ids */
    struct ff_text *choice_labels;
    size_t nchoices;
    struct ff_pos pos;
};

struct ff_action {
    enum ff_action_kind kind;
    const char *value; /* set_category: category; set_priority: low|normal|high|urgent;
                          record_outcome: outcome code; otherwise NULL */
    int level;         /* escalate: 1..4 */
    int eta_minutes;   /* escalate, call_back, request_visit: estimated time, 0 = none */
};

struct ff_node {
    const char *id; /* stable across versions: analytics key on it */
    enum ff_node_kind kind;
    struct ff_text title;      /* the box text / the question */
    struct ff_text body;       /* longer text under the title; may be absent */
    const char *next;          /* start, step, input, kb, action, subchart: the following node */
    int next_index;            /* index into chart->nodes, -1 when none or missing */
    struct ff_option *options; /* decision */
    size_t noptions;
    struct ff_field *fields; /* input */
    size_t nfields;
    const char *kb_article;    /* kb: article id in the knowledge base */
    struct ff_action *actions; /* action: one or more, performed in order */
    size_t nactions;
    const char *subchart;      /* subchart: the called chart's id */
    enum ff_outcome outcome;   /* end */
    bool success;              /* end: tagged success (true) or failure */
    enum ff_audience audience; /* effective: the node's "audience" key, else the chart's */
    bool handoff;              /* step, action, end: a kiosk session hands over to staff here */
    struct ff_pos pos;
};

/* Staff nodes (audience engineer or desk) are not for a customer at the kiosk. */
static inline bool ff_audience_is_staff(enum ff_audience a)
{
    return a == FF_AUDIENCE_ENGINEER || a == FF_AUDIENCE_DESK;
}

/* A time limit runs from entering node `from` until reaching node `to` (or any end node
 * when `to` is NULL). Exceeding it is reported by the runner as a breach. */
struct ff_time_limit {
    const char *id;
    struct ff_text label;
    const char *from;
    const char *to;
    int from_index, to_index; /* -1 for to == NULL */
    int64_t seconds;
    struct ff_pos pos;
};

struct ff_chart {
    int format;     /* FF_CHART_FORMAT */
    const char *id; /* [a-z0-9_.-]+ */
    int version;    /* >= 1 */
    struct ff_text title;
    const char *category;
    enum ff_audience audience;
    const char *
        *touchpoints; /* telephone, email, letter, website, face_to_face, social_media, kiosk */
    size_t ntouchpoints;
    const char **locales; /* first = fallback */
    size_t nlocales;
    const char **countries; /* ISO 3166-1 alpha-2 ("DK"), whose phones and postcodes the
                               chart's fields accept; NULL/0 when the chart declares none */
    size_t ncountries;
    struct ff_time_limit *limits;
    size_t nlimits;
    struct ff_node *nodes; /* in file order */
    size_t nnodes;
    int start_index;  /* index of the start node, -1 when absent */
    const char *file; /* the name it was loaded under */
    char digest[17];  /* hex of a 64-bit hash of the source bytes */
    void *priv;       /* the loader's storage; not for callers */
};

enum ff_severity { FF_SEV_ERROR, FF_SEV_WARNING };

/* One finding of the loader or validator. */
struct ff_diag {
    enum ff_severity severity;
    const char *file;
    struct ff_pos pos;
    const char *path;    /* JSON path, e.g. $.nodes[3].options[1].target */
    const char *code;    /* stable short code, e.g. "missing-target" */
    const char *message; /* plain English */
};

/* A growing list of findings; owns its strings. */
struct ff_diags {
    struct ff_diag *v;
    size_t n, cap;
    size_t nerrors, nwarnings;
};

void ff_diags_init(struct ff_diags *d);
void ff_diags_free(struct ff_diags *d);
/* Formats one finding as "file:line:col: error: path: message [code]" into buf; a finding
 * with line 0 (no position: an unreadable file, a DOT item) drops ":line:col". */
void ff_diag_format(const struct ff_diag *d, char *buf, size_t size);

/* Parses and checks one chart held in memory. Every finding is appended to diags.
 * Returns FF_OK with *out set when the chart has no error (warnings allowed);
 * FF_EPARSE / FF_ELIMIT / FF_EINVALID with *out NULL otherwise; FF_ENOMEM.
 * Cross-chart checks (subcharts) need a library: see ff_library_check(). */
enum ff_err ff_chart_parse(const char *buf, size_t len, const char *file, struct ff_diags *diags,
                           struct ff_chart **out);

/* Reads a file and calls ff_chart_parse(); FF_EIO (with a finding) if it cannot be read. */
enum ff_err ff_chart_load(const char *path, struct ff_diags *diags, struct ff_chart **out);

void ff_chart_free(struct ff_chart *chart); /* NULL is fine */

/* The text in `locale`, else in the chart's first locale, else "". Never NULL. */
const char *ff_text_get(const struct ff_chart *chart, const struct ff_text *t, const char *locale);
/* Index of node `id`, or -1. */
int ff_chart_find_node(const struct ff_chart *chart, const char *id);
/* Index of locale, or -1. */
int ff_chart_locale_index(const struct ff_chart *chart, const char *locale);

/* Longest path from the start, in nodes, on the chart with its cycles cut where a
 * depth-first walk from the start closes them (so each node counts once): *longest over
 * all paths, *to_end over paths that finish at an end node (0 when there is none).
 * FF_OK, or FF_ENOMEM with both 0. */
enum ff_err ff_chart_depth(const struct ff_chart *chart, size_t *longest, size_t *to_end);

const char *ff_node_kind_name(enum ff_node_kind kind);
const char *ff_outcome_name(enum ff_outcome outcome);
const char *ff_action_kind_name(enum ff_action_kind kind);
const char *ff_field_type_name(enum ff_field_type type);
const char *ff_audience_name(enum ff_audience audience);

/* A set of charts that may call each other. Owns the charts added to it. */
struct ff_library;

enum ff_err ff_library_new(struct ff_library **out);
void ff_library_free(struct ff_library *lib); /* NULL is fine; frees its charts */
/* Takes ownership of chart (also on failure). Two charts with the same id and version
 * are an error (FF_EINVALID, reported in diags). */
enum ff_err ff_library_add(struct ff_library *lib, struct ff_chart *chart, struct ff_diags *diags);
/* Checks subchart references across the library: unknown chart ids and call cycles.
 * Returns FF_EINVALID when it found an error. */
enum ff_err ff_library_check(struct ff_library *lib, struct ff_diags *diags);
/* The chart with `id` and `version`, or the highest version when version is 0; NULL if none. */
const struct ff_chart *ff_library_find(const struct ff_library *lib, const char *id, int version);
size_t ff_library_count(const struct ff_library *lib);
const struct ff_chart *ff_library_at(const struct ff_library *lib, size_t i);

#endif
