/* chart_load.c - format-1 chart JSON -> struct ff_chart (ff_chart_parse, ff_chart_load).
 *
 * Order of work: size cap, raw pre-scan (chart_pos.c), cJSON parse, position map, then a
 * schema walk that fills the model and reports every problem with its JSON path. The
 * graph checks (chart_check.c) run only when the schema walk found no error, so their
 * findings never cascade from a malformed node. Input is hostile: every count is bounded
 * before anything is allocated for it, and all model memory comes from the chart's arena.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "chart_int.h"
#include "fieldflow/mem.h"
#include "json_alloc.h"

#define ERR(x, it, ...) ff_ld_report((x), FF_SEV_ERROR, ff_ld_pos((x), (it)), NULL, __VA_ARGS__)
#define WARN(x, it, ...) ff_ld_report((x), FF_SEV_WARNING, ff_ld_pos((x), (it)), NULL, __VA_ARGS__)

#define PATTERN_MAX 256
#define PATTERN_REPEAT_MAX 10000 /* product of {n,m} bounds: glibc regcomp expands them */

static const char *const root_keys[] = {"format",      "id",       "version",     "title",
                                        "category",    "audience", "touchpoints", "locales",
                                        "time_limits", "nodes",    "countries",   NULL};
static const char *const node_common[] = {"id", "kind", "title", "body", "audience", NULL};
static const char *const *const node_keys[] = {
    [FF_NODE_START] = (const char *const[]){"next", NULL},
    [FF_NODE_STEP] = (const char *const[]){"next", "handoff", NULL},
    [FF_NODE_DECISION] = (const char *const[]){"options", NULL},
    [FF_NODE_INPUT] = (const char *const[]){"fields", "next", NULL},
    [FF_NODE_KB] = (const char *const[]){"article", "next", NULL},
    [FF_NODE_ACTION] = (const char *const[]){"actions", "next", "handoff", NULL},
    [FF_NODE_SUBCHART] = (const char *const[]){"chart", "next", NULL},
    [FF_NODE_END] = (const char *const[]){"outcome", "success", "handoff", NULL},
};
static const char *const node_any[] = {"next",  "options", "fields",  "article", "actions",
                                       "chart", "outcome", "success", "handoff", NULL};
static const char *const option_keys[] = {"id", "label", "target", NULL};
static const char *const field_keys[] = {"name", "type",     "required", "pattern",
                                         "min",  "max",      "choices",  "label",
                                         "hint", "min_days", "max_days", NULL};
static const char *const choice_keys[] = {"id", "label", NULL};
static const char *const limit_keys[] = {"id", "label", "from", "to", "seconds", NULL};
static const char *const action_any[] = {"type", "value", "level", "eta_minutes", NULL};
static const char *const *const action_keys[] = {
    [FF_ACTION_CREATE_CASE] = (const char *const[]){"type", NULL},
    [FF_ACTION_SET_CATEGORY] = (const char *const[]){"type", "value", NULL},
    [FF_ACTION_SET_PRIORITY] = (const char *const[]){"type", "value", NULL},
    [FF_ACTION_ESCALATE] = (const char *const[]){"type", "level", "eta_minutes", NULL},
    [FF_ACTION_REQUEST_VISIT] = (const char *const[]){"type", "eta_minutes", NULL},
    [FF_ACTION_RECORD_OUTCOME] = (const char *const[]){"type", "value", NULL},
    [FF_ACTION_ASK_FEEDBACK] = (const char *const[]){"type", NULL},
    [FF_ACTION_CALL_BACK] = (const char *const[]){"type", "eta_minutes", NULL},
};

/* Pushes ".key[i]" and reports a non-object element; returns false for it. */
static bool element(struct ff_ld *x, const cJSON *e, size_t i, const char *what)
{
    ff_ld_push_index(x, i);
    if (cJSON_IsObject(e))
        return true;
    ERR(x, e, "wrong-type", "expected %s (an object)", what);
    return false;
}

static struct ff_pos member_pos(struct ff_ld *x, const cJSON *obj, const char *key)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);
    return m ? ff_ld_pos(x, m) : ff_ld_pos(x, obj);
}

/* Kiosk buttons are read at arm's length: long labels get cut or wrap badly. */
static void check_button_label(struct ff_ld *x, const cJSON *obj, const struct ff_text *t)
{
    const struct ff_chart *c = x->chart;
    if (c->audience != FF_AUDIENCE_KIOSK || !t->s)
        return;
    for (size_t i = 0; i < c->nlocales; i++) {
        size_t n = t->s[i] ? ff_utf8_count(t->s[i]) : 0;
        if (n <= FF_KIOSK_LABEL_MAX)
            continue;
        size_t old = ff_ld_push_key(x, "label");
        ff_ld_report(x, FF_SEV_WARNING, member_pos(x, obj, "label"), NULL, "long-label",
                     "the \"%s\" label has %zu characters; a kiosk button fits %d", c->locales[i],
                     n, FF_KIOSK_LABEL_MAX);
        ff_ld_pop(x, old);
    }
}

static void parse_options(struct ff_ld *x, const cJSON *it, struct ff_node *n,
                          struct ff_node_aux *aux)
{
    size_t cnt;
    const cJSON *arr = ff_get_array(x, it, "options", true, FF_CHART_MAX_OPTIONS, &cnt);
    if (!arr)
        return;
    size_t old = ff_ld_push_key(x, "options");
    n->options = ff_ld_alloc(x, cnt * sizeof *n->options);
    aux->target = ff_ld_alloc(x, cnt * sizeof *aux->target);
    if (!n->options || !aux->target)
        goto out;
    n->noptions = cnt;
    if (cnt < 2)
        ERR(x, arr, "too-few-options", "a decision needs at least 2 options, this has %zu", cnt);
    if (cnt > FF_DECISION_OPTIONS_WARN)
        WARN(x, arr, "many-options",
             "%zu options at one decision; more than %d are hard to "
             "choose from",
             cnt, FF_DECISION_OPTIONS_WARN);
    size_t j = 0;
    for (const cJSON *e = arr->child; e && !x->oom; e = e->next, j++) {
        struct ff_option *o = &n->options[j];
        o->target_index = -1;
        o->pos = ff_ld_pos(x, e);
        size_t o2 = x->plen;
        if (element(x, e, j, "an option")) {
            ff_check_keys(x, e, option_keys, NULL, "an option");
            o->id = ff_get_string(x, e, "id", true, FF_STR_ID);
            ff_get_text(x, e, "label", true, &o->label);
            o->target = ff_get_string(x, e, "target", true, FF_STR_ID);
            aux->target[j] = member_pos(x, e, "target");
            check_button_label(x, e, &o->label);
        }
        ff_ld_pop(x, o2);
    }
    ff_check_unique(x, arr, "id", "option id");
out:
    ff_ld_pop(x, old);
}

static void parse_choices(struct ff_ld *x, const cJSON *it, struct ff_field *f)
{
    size_t cnt;
    const cJSON *arr = ff_get_array(x, it, "choices", false, FF_CHART_MAX_OPTIONS, &cnt);
    if (!arr)
        return;
    size_t old = ff_ld_push_key(x, "choices");
    f->choices = ff_ld_alloc(x, cnt * sizeof *f->choices);
    f->choice_labels = ff_ld_alloc(x, cnt * sizeof *f->choice_labels);
    if (!f->choices || !f->choice_labels)
        goto out;
    f->nchoices = cnt;
    size_t j = 0;
    for (const cJSON *e = arr->child; e && !x->oom; e = e->next, j++) {
        size_t o2 = x->plen;
        if (element(x, e, j, "a choice")) {
            ff_check_keys(x, e, choice_keys, NULL, "a choice");
            f->choices[j] = ff_get_string(x, e, "id", true, FF_STR_ID);
            ff_get_text(x, e, "label", true, &f->choice_labels[j]);
            check_button_label(x, e, &f->choice_labels[j]);
        }
        ff_ld_pop(x, o2);
    }
    ff_check_unique(x, arr, "id", "choice id");
out:
    ff_ld_pop(x, old);
}

/* glibc's regcomp expands counted repetition, so a{255}{255}{255} would eat memory. */
static bool pattern_too_complex(const char *p)
{
    double product = 1;
    for (; *p; p++) {
        if (*p != '{')
            continue;
        long most = 0, v = 0;
        for (p++; *p && *p != '}'; p++) {
            if (*p >= '0' && *p <= '9') {
                v = v * 10 + (*p - '0');
                if (v > 100000)
                    return true;
            } else {
                most = v > most ? v : most;
                v = 0;
            }
        }
        most = v > most ? v : most;
        product *= (double)(most + 1);
        if (!*p)
            break;
    }
    return product > PATTERN_REPEAT_MAX;
}

static void check_pattern(struct ff_ld *x, const cJSON *it, const char *pattern)
{
    size_t old = ff_ld_push_key(x, "pattern");
    struct ff_pos pos = member_pos(x, it, "pattern");
    regex_t re;
    int rc;
    if (strlen(pattern) > PATTERN_MAX || pattern_too_complex(pattern)) {
        ff_ld_report(x, FF_SEV_ERROR, pos, NULL, "bad-regex",
                     "pattern is too long or repeats too much (at most %d bytes)", PATTERN_MAX);
    } else if ((rc = regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB)) != 0) {
        char msg[128];
        regerror(rc, &re, msg, sizeof msg);
        if (rc == REG_ESPACE)
            x->oom = true;
        ff_ld_report(x, FF_SEV_ERROR, pos, NULL, "bad-regex", "pattern does not compile: %s", msg);
    } else {
        regfree(&re);
    }
    ff_ld_pop(x, old);
}

static void report_at(struct ff_ld *x, const cJSON *it, const char *key, const char *code,
                      const char *msg)
{
    size_t old = ff_ld_push_key(x, key);
    ff_ld_report(x, FF_SEV_ERROR, member_pos(x, it, key), NULL, code, "%s", msg);
    ff_ld_pop(x, old);
}

/* A length bound: a whole number from 0 to 1e9 (checked before any cast to an integer). */
static bool whole_length(double v)
{
    return v >= 0 && v <= 1e9 && v == (double)(long)v;
}

static void check_field(struct ff_ld *x, const cJSON *it, const struct ff_field *f)
{
    enum ff_field_type t = f->type;
    bool lengths = t == FF_FIELD_TEXT || t == FF_FIELD_PHONE;
    bool bounds = f->has_min || f->has_max;
    const char *bkey = f->has_min ? "min" : "max";
    if (f->pattern && !lengths)
        report_at(x, it, "pattern", "pattern-type", "pattern is only for text and phone fields");
    else if (f->pattern)
        check_pattern(x, it, f->pattern);
    if (bounds && !lengths && t != FF_FIELD_NUMBER)
        report_at(x, it, bkey, "bounds-type", "min and max are only for number, text and phone");
    else if (bounds && lengths && f->has_min && !whole_length(f->min))
        report_at(x, it, "min", "bad-bounds",
                  "length bounds must be whole numbers from 0 to 1000000000");
    else if (bounds && lengths && f->has_max && !whole_length(f->max))
        report_at(x, it, "max", "bad-bounds",
                  "length bounds must be whole numbers from 0 to 1000000000");
    else if (f->has_min && f->has_max && f->min > f->max)
        report_at(x, it, "min", "min-max", "min is greater than max");
    if ((f->has_min_days || f->has_max_days) && t != FF_FIELD_DATE)
        report_at(x, it, f->has_min_days ? "min_days" : "max_days", "days-type",
                  "min_days and max_days are only for date fields");
    else if (f->has_min_days && f->has_max_days && f->min_days > f->max_days)
        report_at(x, it, "min_days", "min-max", "min_days is greater than max_days");
    if (f->choices && t != FF_FIELD_CHOICE)
        report_at(x, it, "choices", "choices-type", "choices are only for choice fields");
    else if (t == FF_FIELD_CHOICE && !f->nchoices)
        ERR(x, it, "no-choices", "a choice field needs at least one choice");
}

static void parse_field(struct ff_ld *x, const cJSON *e, struct ff_field *f)
{
    int type;
    ff_check_keys(x, e, field_keys, NULL, "a field");
    f->pos = ff_ld_pos(x, e);
    f->name = ff_get_string(x, e, "name", true, FF_STR_ID);
    bool have_type = ff_get_enum(x, e, "type", true, FF_NAMES_FIELD_TYPE, &type);
    f->type = have_type ? (enum ff_field_type)type : FF_FIELD_TEXT;
    ff_get_bool(x, e, "required", false, &f->required);
    f->pattern = ff_get_string(x, e, "pattern", false, FF_STR_NONEMPTY);
    f->has_min = ff_get_number(x, e, "min", &f->min);
    f->has_max = ff_get_number(x, e, "max", &f->max);
    long days;
    if ((f->has_min_days =
             ff_get_int(x, e, "min_days", false, -FF_FIELD_MAX_DAYS, FF_FIELD_MAX_DAYS, &days)))
        f->min_days = (int)days;
    if ((f->has_max_days =
             ff_get_int(x, e, "max_days", false, -FF_FIELD_MAX_DAYS, FF_FIELD_MAX_DAYS, &days)))
        f->max_days = (int)days;
    parse_choices(x, e, f);
    ff_get_text(x, e, "label", true, &f->label);
    ff_get_text(x, e, "hint", false, &f->hint);
    if (have_type && !x->oom)
        check_field(x, e, f);
}

static void parse_fields(struct ff_ld *x, const cJSON *it, struct ff_node *n)
{
    size_t cnt;
    const cJSON *arr = ff_get_array(x, it, "fields", true, FF_CHART_MAX_FIELDS, &cnt);
    if (!arr)
        return;
    size_t old = ff_ld_push_key(x, "fields");
    if (!cnt)
        ERR(x, arr, "no-fields", "an input node needs at least one field");
    n->fields = ff_ld_alloc(x, cnt * sizeof *n->fields);
    n->nfields = n->fields ? cnt : 0;
    size_t j = 0;
    for (const cJSON *e = arr->child; e && n->fields && !x->oom; e = e->next, j++) {
        size_t o2 = x->plen;
        if (element(x, e, j, "a field"))
            parse_field(x, e, &n->fields[j]);
        ff_ld_pop(x, o2);
    }
    ff_check_unique(x, arr, "name", "field name");
    ff_ld_pop(x, old);
}

static void parse_action(struct ff_ld *x, const cJSON *e, struct ff_action *a)
{
    int type;
    long v = 0;
    char what[40];
    bool have = ff_get_enum(x, e, "type", true, FF_NAMES_ACTION, &type);
    if (have)
        snprintf(what, sizeof what, "a %s action", ff_action_kind_name((enum ff_action_kind)type));
    ff_check_keys(x, e, have ? action_keys[type] : action_any, NULL, have ? what : "an action");
    if (!have)
        return;
    a->kind = (enum ff_action_kind)type;
    if (a->kind == FF_ACTION_SET_CATEGORY)
        a->value = ff_get_string(x, e, "value", true, FF_STR_ID);
    if (a->kind == FF_ACTION_SET_PRIORITY || a->kind == FF_ACTION_RECORD_OUTCOME) {
        enum ff_name_set set =
            a->kind == FF_ACTION_SET_PRIORITY ? FF_NAMES_PRIORITY : FF_NAMES_OUTCOME;
        size_t n;
        int i;
        if (ff_get_enum(x, e, "value", true, set, &i))
            a->value = ff_names(set, &n)[i];
    }
    if (a->kind == FF_ACTION_ESCALATE && ff_get_int(x, e, "level", true, 1, 4, &v))
        a->level = (int)v;
    if (ff_get_int(x, e, "eta_minutes", false, 0, 1000000, &v))
        a->eta_minutes = (int)v;
}

static void parse_actions(struct ff_ld *x, const cJSON *it, struct ff_node *n)
{
    size_t cnt;
    const cJSON *arr = ff_get_array(x, it, "actions", true, FF_CHART_MAX_OPTIONS, &cnt);
    if (!arr)
        return;
    size_t old = ff_ld_push_key(x, "actions");
    if (!cnt)
        ERR(x, arr, "no-actions", "an action node needs at least one action");
    n->actions = ff_ld_alloc(x, cnt * sizeof *n->actions);
    n->nactions = n->actions ? cnt : 0;
    size_t j = 0;
    for (const cJSON *e = arr->child; e && n->actions && !x->oom; e = e->next, j++) {
        size_t o2 = x->plen;
        if (element(x, e, j, "an action"))
            parse_action(x, e, &n->actions[j]);
        ff_ld_pop(x, o2);
    }
    ff_ld_pop(x, old);
}

static void parse_kind_keys(struct ff_ld *x, const cJSON *it, struct ff_node *n,
                            struct ff_node_aux *aux)
{
    int i;
    switch (n->kind) {
    case FF_NODE_DECISION:
        parse_options(x, it, n, aux);
        return;
    case FF_NODE_END:
        if (ff_get_enum(x, it, "outcome", true, FF_NAMES_OUTCOME, &i))
            n->outcome = (enum ff_outcome)i;
        ff_get_bool(x, it, "success", true, &n->success);
        return;
    case FF_NODE_INPUT:
        parse_fields(x, it, n);
        break;
    case FF_NODE_KB:
        n->kb_article = ff_get_string(x, it, "article", true, FF_STR_NONEMPTY);
        break;
    case FF_NODE_ACTION:
        parse_actions(x, it, n);
        break;
    case FF_NODE_SUBCHART:
        n->subchart = ff_get_string(x, it, "chart", true, FF_STR_ID);
        aux->chart = member_pos(x, it, "chart");
        break;
    case FF_NODE_START:
    case FF_NODE_STEP:
        break;
    }
    n->next = ff_get_string(x, it, "next", false, FF_STR_ID);
    aux->next = member_pos(x, it, "next");
}

/* The node's audience (the chart's unless it says otherwise) and its hand-off mark. A
 * hand-off speaks to the customer, so it cannot itself be a staff node. */
static void parse_audience(struct ff_ld *x, const cJSON *it, struct ff_node *n)
{
    int i;
    n->audience = x->chart->audience;
    if (ff_get_enum(x, it, "audience", false, FF_NAMES_AUDIENCE, &i))
        n->audience = (enum ff_audience)i;
    if (n->kind != FF_NODE_STEP && n->kind != FF_NODE_ACTION && n->kind != FF_NODE_END)
        return;
    ff_get_bool(x, it, "handoff", false, &n->handoff);
    if (n->handoff && ff_audience_is_staff(n->audience))
        report_at(x, it, "handoff", "handoff-audience",
                  "a hand-off tells the customer what happens next, so its audience cannot be "
                  "engineer or desk");
}

static void parse_node(struct ff_ld *x, const cJSON *it, struct ff_node *n, struct ff_node_aux *aux)
{
    int kind;
    char what[32];
    n->next_index = -1;
    n->pos = ff_ld_pos(x, it);
    n->id = ff_get_string(x, it, "id", true, FF_STR_ID);
    aux->id = member_pos(x, it, "id");
    x->node = n->id;
    bool have = ff_get_enum(x, it, "kind", true, FF_NAMES_NODE_KIND, &kind);
    if (have)
        snprintf(what, sizeof what, "%s %s node",
                 kind == FF_NODE_ACTION || kind == FF_NODE_INPUT ? "an" : "a",
                 ff_node_kind_name((enum ff_node_kind)kind));
    ff_check_keys(x, it, node_common, have ? node_keys[kind] : node_any, have ? what : "a node");
    ff_get_text(x, it, "title", true, &n->title);
    ff_get_text(x, it, "body", false, &n->body);
    if (!have)
        return;
    n->kind = (enum ff_node_kind)kind;
    parse_kind_keys(x, it, n, aux);
    parse_audience(x, it, n);
}

static void parse_nodes(struct ff_ld *x, const cJSON *root)
{
    struct ff_chart *c = x->chart;
    size_t cnt;
    const cJSON *arr = ff_get_array(x, root, "nodes", true, FF_CHART_MAX_NODES, &cnt);
    x->priv->nodes_pos = member_pos(x, root, "nodes");
    if (!arr)
        return;
    size_t old = ff_ld_push_key(x, "nodes");
    c->nodes = ff_ld_alloc(x, cnt * sizeof *c->nodes);
    x->priv->node_aux = ff_ld_alloc(x, cnt * sizeof *x->priv->node_aux);
    if (c->nodes && x->priv->node_aux) {
        c->nnodes = cnt;
        size_t j = 0;
        for (const cJSON *e = arr->child; e && !x->oom; e = e->next, j++) {
            size_t o2 = x->plen;
            c->nodes[j].next_index = -1;
            if (element(x, e, j, "a node"))
                parse_node(x, e, &c->nodes[j], &x->priv->node_aux[j]);
            x->node = NULL;
            ff_ld_pop(x, o2);
        }
    }
    ff_ld_pop(x, old);
}

static void parse_limits(struct ff_ld *x, const cJSON *root)
{
    struct ff_chart *c = x->chart;
    size_t cnt;
    long v;
    const cJSON *arr = ff_get_array(x, root, "time_limits", false, FF_CHART_MAX_NODES, &cnt);
    if (!arr)
        return;
    size_t old = ff_ld_push_key(x, "time_limits");
    c->limits = ff_ld_alloc(x, cnt * sizeof *c->limits);
    x->priv->limit_aux = ff_ld_alloc(x, cnt * sizeof *x->priv->limit_aux);
    if (c->limits && x->priv->limit_aux) {
        c->nlimits = cnt;
        size_t j = 0;
        for (const cJSON *e = arr->child; e && !x->oom; e = e->next, j++) {
            struct ff_time_limit *l = &c->limits[j];
            size_t o2 = x->plen;
            l->from_index = l->to_index = -1;
            l->pos = ff_ld_pos(x, e);
            if (element(x, e, j, "a time limit")) {
                ff_check_keys(x, e, limit_keys, NULL, "a time limit");
                l->id = ff_get_string(x, e, "id", true, FF_STR_ID);
                ff_get_text(x, e, "label", true, &l->label);
                l->from = ff_get_string(x, e, "from", true, FF_STR_ID);
                l->to = ff_get_string(x, e, "to", false, FF_STR_ID);
                if (ff_get_int(x, e, "seconds", true, 1, 1000000000L, &v))
                    l->seconds = v;
                x->priv->limit_aux[j].from = member_pos(x, e, "from");
                x->priv->limit_aux[j].to = member_pos(x, e, "to");
            }
            ff_ld_pop(x, o2);
        }
        ff_check_unique(x, arr, "id", "time limit id");
    }
    ff_ld_pop(x, old);
}

/* Locale tags: a 2-3 letter language, then -subtags (en, da, pt-BR, zh-Hant). */
static bool valid_locale(const char *s)
{
    size_t i = 0, run = 0;
    while (s[i] >= 'a' && s[i] <= 'z')
        i++;
    if (i < 2 || i > 3)
        return false;
    for (; s[i]; i++) {
        bool alnum = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                     (s[i] >= '0' && s[i] <= '9');
        if (s[i] == '-' && run != 1 && s[i + 1])
            run = 1;
        else if (alnum && run && run <= 8)
            run++;
        else
            return false;
    }
    return run != 1;
}

static void parse_locales(struct ff_ld *x, const cJSON *root)
{
    struct ff_chart *c = x->chart;
    size_t cnt, j = 0, before = x->nerrors;
    const cJSON *arr = ff_get_array(x, root, "locales", true, FF_CHART_MAX_LOCALES, &cnt);
    if (!arr)
        return;
    size_t old = ff_ld_push_key(x, "locales");
    const char **v = ff_ld_alloc(x, (cnt ? cnt : 1) * sizeof *v);
    if (!cnt)
        ERR(x, arr, "no-locales", "a chart needs at least one locale");
    for (const cJSON *e = arr->child; e && v && !x->oom; e = e->next, j++) {
        size_t o2 = ff_ld_push_index(x, j);
        if (!cJSON_IsString(e) || !valid_locale(e->valuestring))
            ERR(x, e, "bad-locale", "expected a locale tag such as \"en\" or \"pt-BR\"");
        else if (!(v[j] = ff_arena_strdup(x->priv->arena, e->valuestring)))
            x->oom = true;
        for (size_t k = 0; v[j] && k < j; k++)
            if (v[k] && !strcmp(v[k], v[j]))
                ERR(x, e, "duplicate-locale", "locale \"%s\" is listed twice", v[j]);
        ff_ld_pop(x, o2);
    }
    bool sound = v && !x->oom && x->nerrors == before && ff_check_locale_use(x, root, arr, v, cnt);
    ff_ld_pop(x, old);
    if (sound) { /* texts are checked only against a sound locale list */
        c->locales = v;
        c->nlocales = cnt;
    }
}

/* Countries: ISO 3166-1 alpha-2 codes, upper case, each once. Whether the field checks know
 * a country is the validator's business (chart_check.c), not the shape's. */
static void parse_countries(struct ff_ld *x, const cJSON *root)
{
    struct ff_chart *c = x->chart;
    size_t cnt, j = 0;
    const cJSON *arr = ff_get_array(x, root, "countries", false, FF_CHART_MAX_COUNTRIES, &cnt);
    x->priv->countries_pos = member_pos(x, root, "countries");
    if (!arr || !cnt)
        return;
    size_t old = ff_ld_push_key(x, "countries");
    const char **v = ff_ld_alloc(x, cnt * sizeof *v);
    for (const cJSON *e = arr->child; e && v && !x->oom; e = e->next, j++) {
        size_t o2 = ff_ld_push_index(x, j);
        const char *s = cJSON_IsString(e) ? e->valuestring : "";
        if (strlen(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z')
            ERR(x, e, "bad-country", "expected an ISO 3166-1 alpha-2 country code such as \"DK\"");
        else if (!(v[j] = ff_arena_strdup(x->priv->arena, s)))
            x->oom = true;
        for (size_t k = 0; v[j] && k < j; k++)
            if (v[k] && !strcmp(v[k], v[j]))
                ERR(x, e, "duplicate-country", "country \"%s\" is listed twice", v[j]);
        ff_ld_pop(x, o2);
    }
    ff_ld_pop(x, old);
    c->countries = v;
    c->ncountries = v ? cnt : 0;
}

static void parse_touchpoints(struct ff_ld *x, const cJSON *root)
{
    struct ff_chart *c = x->chart;
    size_t cnt, j = 0, n;
    const char *const *names = ff_names(FF_NAMES_TOUCHPOINT, &n);
    const cJSON *arr = ff_get_array(x, root, "touchpoints", true, n, &cnt);
    if (!arr)
        return;
    size_t old = ff_ld_push_key(x, "touchpoints");
    c->touchpoints = ff_ld_alloc(x, (cnt ? cnt : 1) * sizeof *c->touchpoints);
    if (!cnt)
        ERR(x, arr, "no-touchpoints", "a chart needs at least one touchpoint");
    for (const cJSON *e = arr->child; e && c->touchpoints && !x->oom; e = e->next, j++) {
        size_t o2 = ff_ld_push_index(x, j);
        const char *t = NULL;
        for (size_t k = 0; cJSON_IsString(e) && k < n; k++)
            if (!strcmp(e->valuestring, names[k]))
                t = names[k];
        for (size_t k = 0; t && k < j; k++)
            if (c->touchpoints[k] == t)
                ERR(x, e, "duplicate-touchpoint", "touchpoint \"%s\" is listed twice", t);
        if (!t)
            ERR(x, e, "bad-enum",
                "expected a touchpoint: telephone, email, letter, website, "
                "face_to_face, social_media or kiosk");
        c->touchpoints[j] = t;
        ff_ld_pop(x, o2);
    }
    c->ntouchpoints = c->touchpoints ? cnt : 0;
    ff_ld_pop(x, old);
}

static void parse_root(struct ff_ld *x, const cJSON *root)
{
    struct ff_chart *c = x->chart;
    long v;
    int i;
    if (!cJSON_IsObject(root)) {
        ERR(x, root, "wrong-type", "a chart is a JSON object");
        return;
    }
    ff_check_keys(x, root, root_keys, NULL, "the chart");
    if (ff_get_int(x, root, "format", true, INT_MIN, INT_MAX, &v)) {
        c->format = (int)v;
        if (v != FF_CHART_FORMAT)
            report_at(x, root, "format", "bad-format",
                      "unsupported format (this build reads format 1)");
    }
    c->id = ff_get_string(x, root, "id", true, FF_STR_ID);
    x->priv->id_pos = member_pos(x, root, "id");
    if (ff_get_int(x, root, "version", true, 1, INT_MAX, &v))
        c->version = (int)v;
    parse_locales(x, root);
    ff_get_text(x, root, "title", true, &c->title);
    c->category = ff_get_string(x, root, "category", true, FF_STR_ID);
    if (ff_get_enum(x, root, "audience", true, FF_NAMES_AUDIENCE, &i))
        c->audience = (enum ff_audience)i;
    parse_touchpoints(x, root);
    parse_countries(x, root);
    parse_limits(x, root);
    parse_nodes(x, root);
}

/* Parses text[0..len] (NUL at text[len]); on a syntax error reports where cJSON stopped. */
static enum ff_err parse_json(struct ff_ld *x, const char *text, size_t len, cJSON **out)
{
    const char *end = NULL;
    /* Inside a seam cJSON allocates through ff_malloc, so allocation-failure tests reach it
     * and an out-of-memory NULL is told apart from a syntax error (json_alloc.h). */
    ff_json_seam_enter();
    *out = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
    bool json_oom = ff_json_seam_leave();
    if (*out)
        return FF_OK;
    if (json_oom)
        return FF_ENOMEM;
    size_t off = end && end >= text && end <= text + len ? (size_t)(end - text) : len;
    while (off < len && (unsigned char)text[off] <= 32) /* point at the offending token */
        off++;
    struct ff_pos pos = ff_json_pos_at(text, len, off);
    unsigned char ch = off < len ? (unsigned char)text[off] : 0;
    if (off >= len)
        ff_ld_report(x, FF_SEV_ERROR, pos, NULL, "json-syntax",
                     "malformed JSON: unexpected end of file");
    else if (ch > 32 && ch < 127)
        ff_ld_report(x, FF_SEV_ERROR, pos, NULL, "json-syntax", "malformed JSON: unexpected '%c'",
                     ch);
    else
        ff_ld_report(x, FF_SEV_ERROR, pos, NULL, "json-syntax", "malformed JSON");
    return x->oom ? FF_ENOMEM : FF_EPARSE;
}

static enum ff_err new_chart(struct ff_ld *x, const char *buf, size_t len)
{
    struct ff_chart *c = ff_calloc(1, sizeof *c);
    struct ff_chart_priv *priv = ff_calloc(1, sizeof *priv);
    struct ff_arena *a = ff_arena_new();
    if (!c || !priv || !a) {
        ff_free(c);
        ff_free(priv);
        ff_arena_free(a);
        return FF_ENOMEM;
    }
    priv->arena = a;
    c->priv = priv;
    c->start_index = -1;
    x->chart = c;
    x->priv = priv;
    uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)buf[i]) * 0x100000001b3u;
    snprintf(c->digest, sizeof c->digest, "%016" PRIx64, h);
    if (!(c->file = ff_arena_strdup(a, x->file)))
        return FF_ENOMEM;
    return FF_OK;
}

enum ff_err ff_chart_parse(const char *buf, size_t len, const char *file, struct ff_diags *diags,
                           struct ff_chart **out)
{
    struct ff_ld x = {.file = file ? file : "<input>", .diags = diags, .path = "$", .plen = 1};
    struct ff_scan_error se;
    cJSON *root = NULL;
    struct ff_posmap *pm = NULL;
    enum ff_err err;
    *out = NULL;
    if (len > FF_CHART_MAX_BYTES) {
        ff_ld_report(&x, FF_SEV_ERROR, (struct ff_pos){1, 1}, NULL, "file-too-large",
                     "the file is larger than %u bytes, the most a chart may have",
                     FF_CHART_MAX_BYTES);
        return x.oom ? FF_ENOMEM : FF_ELIMIT;
    }
    if (!ff_json_prescan(buf, len, &se) || !ff_json_syntax(buf, len, &se)) {
        ff_ld_report(&x, FF_SEV_ERROR, ff_json_pos_at(buf, len, se.off), NULL, se.code, "%s",
                     se.message);
        return x.oom ? FF_ENOMEM : se.err;
    }
    char *text = ff_malloc(len + 1);
    if (!text)
        return FF_ENOMEM;
    memcpy(text, buf, len);
    text[len] = '\0';
    if ((err = parse_json(&x, text, len, &root)) != FF_OK)
        goto out_free_text;
    if ((err = ff_posmap_build(text, len, root, &pm)) != FF_OK)
        goto out_free_json;
    x.pm = pm;
    if ((err = new_chart(&x, buf, len)) != FF_OK)
        goto out_free_chart;
    parse_root(&x, root);
    if (!x.oom && !x.nerrors)
        ff_chart_check_graph(&x);
    err = x.oom ? FF_ENOMEM : x.limit ? FF_ELIMIT : x.nerrors ? FF_EINVALID : FF_OK;
out_free_chart:
    if (err == FF_OK)
        *out = x.chart;
    else
        ff_chart_free(x.chart);
    ff_posmap_free(pm);
out_free_json:
    cJSON_Delete(root);
out_free_text:
    ff_free(text);
    return err;
}

const char *ff_errno_text(int e, char *buf, size_t size)
{
    if (strerror_r(e, buf, size))
        snprintf(buf, size, "error %d", e);
    return buf;
}

enum ff_err ff_chart_load(const char *path, struct ff_diags *diags, struct ff_chart **out)
{
    struct ff_ld x = {.file = path, .diags = diags, .path = "$", .plen = 1};
    enum ff_err err = FF_EIO;
    char why[128];
    char *buf = NULL;
    size_t len = 0;
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        ff_ld_report(&x, FF_SEV_ERROR, (struct ff_pos){0, 0}, NULL, "unreadable",
                     "cannot open the file: %s", ff_errno_text(errno, why, sizeof why));
        return x.oom ? FF_ENOMEM : FF_EIO;
    }
    /* Read one byte past the cap so ff_chart_parse sees an oversized file as such; size the
     * buffer from the file when it says how big it is (a pipe or /proc file may not). */
    size_t want = (size_t)FF_CHART_MAX_BYTES + 1;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0 &&
        (uintmax_t)st.st_size < want)
        want = (size_t)st.st_size + 1;
    if (!(buf = ff_malloc(want))) {
        err = FF_ENOMEM;
        goto out_close;
    }
    errno = 0;
    len = fread(buf, 1, want, f);
    if (ferror(f)) {
        ff_ld_report(&x, FF_SEV_ERROR, (struct ff_pos){0, 0}, NULL, "unreadable",
                     "cannot read the file: %s",
                     errno ? ff_errno_text(errno, why, sizeof why) : "read error");
        goto out_free;
    }
    err = ff_chart_parse(buf, len, path, diags, out); /* over the cap: FF_ELIMIT there */
out_free:
    ff_free(buf);
out_close:
    fclose(f);
    return x.oom ? FF_ENOMEM : err;
}
