/* runner_input.c - one submit of an input node: pairing the given values with the node's
 * fields, checking each in the run's language, countries and local day (field.h), and the
 * normal forms that the runner then records (history values and the transcript's JSON).
 *
 * Nothing here changes the run's position, history or transcript: runner.c calls
 * ff_run__input_take() before it begins the operation, so a refused or failed submit leaves
 * only the messages (run->errmsg, run->field_msg) behind.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fieldflow/mem.h"
#include "runner_int.h"

__attribute__((format(printf, 2, 3))) static void set_err(struct ff_run *run, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(run->errmsg, sizeof run->errmsg, fmt, ap);
    va_end(ap);
}

/* Pairs each given value with its field: at[i] is the value index for field i, or -1. */
static enum ff_err match_values(struct ff_run *run, const struct ff_node *n,
                                const struct ff_run_value *values, size_t nvalues, int *at)
{
    for (size_t i = 0; i < n->nfields; i++)
        at[i] = -1;
    for (size_t v = 0; v < nvalues; v++) {
        if (!values[v].name) {
            set_err(run, "value %zu has no name", v);
            return FF_EINVAL;
        }
        size_t i = 0;
        while (i < n->nfields && strcmp(n->fields[i].name, values[v].name))
            i++;
        if (i == n->nfields) {
            set_err(run, "field \"%.64s\" does not exist at node \"%s\"", values[v].name, n->id);
            return FF_ENOTFOUND;
        }
        if (at[i] >= 0) {
            set_err(run, "field \"%s\" is given twice", n->fields[i].name);
            return FF_EINVAL;
        }
        at[i] = (int)v;
    }
    return FF_OK;
}

/* The user's date at now_ms: days since 1970-01-01 at the run's UTC offset, rounded down
 * (so that times before 1970 fall on the right day too). */
static int64_t run_today(const struct ff_run *run, int64_t now_ms)
{
    const int64_t day = 86400000;
    int64_t t = now_ms + (int64_t)run->utc_offset_min * 60000;
    return t / day - (t % day < 0);
}

/* Checks every field; fills run->field_msg and, for the values that pass, norm[i] with the
 * normal form (owned; NULL when the field is empty). FF_EINVALID when a field failed (the
 * errmsg names them), FF_ENOMEM; norm is then all NULL. */
static enum ff_err check_fields(struct ff_run *run, const struct ff_chart *chart,
                                const struct ff_node *n, const struct ff_run_value *values,
                                const int *at, int64_t now_ms, char **norm)
{
    size_t bad = 0;
    bool oom = false;
    char *buf = ff_malloc(FF_FIELD_NORM_MAX);
    const struct ff_field_ctx ctx = {run->locale, chart, run_today(run, now_ms)};
    size_t len = (size_t)snprintf(run->errmsg, sizeof run->errmsg,
                                  "input at node \"%s\" refused; invalid:", n->id);
    for (size_t i = 0; i < n->nfields; i++) {
        const char *v = at[i] >= 0 ? values[at[i]].value : NULL;
        norm[i] = NULL;
        run->field_msg[i][0] = '\0';
        if (!buf)
            continue;
        if (ff_field_normalize(&n->fields[i], v, &ctx, buf, FF_FIELD_NORM_MAX, run->field_msg[i],
                               RUN_FIELD_MSG_MAX)) {
            if (buf[0] && !(norm[i] = ff_strdup(buf)))
                oom = true;
            continue;
        }
        bad++;
        if (len < sizeof run->errmsg)
            len += (size_t)snprintf(run->errmsg + len, sizeof run->errmsg - len, " %s",
                                    n->fields[i].name);
    }
    ff_free(buf);
    run->nfield_msgs = bad ? n->nfields : 0;
    if (!bad)
        run->errmsg[0] = '\0';
    if (!buf || oom || bad) {
        for (size_t i = 0; i < n->nfields; i++) {
            ff_free(norm[i]);
            norm[i] = NULL;
        }
    }
    if (!buf || oom) {
        run->nfield_msgs = 0;
        set_err(run, "out of memory checking the input at node \"%s\"", n->id);
        return FF_ENOMEM;
    }
    return bad ? FF_EINVALID : FF_OK;
}

static void values_free(struct run_value *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ff_free(v[i].name);
        ff_free(v[i].value);
    }
    ff_free(v);
}

/* The accepted values in normal form, owned, in field order, empty ones left out; and as
 * compact JSON. */
static enum ff_err keep_values(const struct ff_node *n, char *const *norm, struct run_value **out,
                               size_t *nout, char **json)
{
    enum ff_err err = FF_ENOMEM;
    struct run_value *kept = ff_calloc(n->nfields, sizeof *kept);
    cJSON *obj = cJSON_CreateObject();
    size_t k = 0;
    if (!kept || !obj)
        goto out_free;
    for (size_t i = 0; i < n->nfields; i++) {
        if (!norm[i])
            continue;
        kept[k].name = ff_strdup(n->fields[i].name);
        kept[k].value = ff_strdup(norm[i]);
        k++;
        if (!kept[k - 1].name || !kept[k - 1].value ||
            !cJSON_AddStringToObject(obj, n->fields[i].name, norm[i]))
            goto out_free;
    }
    *json = cJSON_PrintUnformatted(obj);
    if (!*json)
        goto out_free;
    cJSON_Delete(obj);
    *out = kept;
    *nout = k;
    return FF_OK;
out_free:
    cJSON_Delete(obj);
    if (kept)
        values_free(kept, k);
    return err;
}

static void norm_free(char **norm, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ff_free(norm[i]);
}

enum ff_err ff_run__input_take(struct ff_run *run, const struct ff_chart *chart,
                               const struct ff_node *n, const struct ff_run_value *values,
                               size_t nvalues, int64_t now_ms, struct run_value **kept,
                               size_t *nkept, char **json)
{
    int at[FF_CHART_MAX_FIELDS];
    char *norm[FF_CHART_MAX_FIELDS];
    enum ff_err err;
    if (n->nfields > FF_CHART_MAX_FIELDS || (nvalues && !values)) {
        set_err(run, "node \"%s\": too many fields or no values", n->id);
        return n->nfields > FF_CHART_MAX_FIELDS ? FF_ELIMIT : FF_EINVAL;
    }
    if ((err = match_values(run, n, values, nvalues, at)))
        return err;
    if ((err = check_fields(run, chart, n, values, at, now_ms, norm)))
        return err;
    err = keep_values(n, norm, kept, nkept, json);
    norm_free(norm, n->nfields);
    if (err)
        set_err(run, "out of memory keeping the input at node \"%s\"", n->id);
    return err;
}

const char *ff_run_field_error(const struct ff_run *run, size_t field_index)
{
    if (field_index >= run->nfield_msgs || !run->field_msg[field_index][0])
        return NULL;
    return run->field_msg[field_index];
}
