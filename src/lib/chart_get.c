/* chart_get.c - typed, reporting access to the members of a cJSON object for the loader.
 *
 * Every getter names what is wrong in the words of docs/flowchart-format.md and points
 * at the member (or at the object, for a missing key); the caller only decides what to
 * do with a NULL. The current JSON path lives in struct ff_ld and is extended by the key
 * for the report, then restored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart_int.h"
#include "fieldflow/mem.h"

#define ERR(x, it, ...) ff_ld_report((x), FF_SEV_ERROR, ff_ld_pos((x), (it)), NULL, __VA_ARGS__)

struct ff_pos ff_ld_pos(const struct ff_ld *x, const cJSON *item)
{
    return ff_posmap_get(x->pm, item);
}

void *ff_ld_alloc(struct ff_ld *x, size_t n)
{
    if (x->oom)
        return NULL;
    void *p = ff_arena_alloc(x->priv->arena, n);
    if (!p)
        x->oom = true;
    return p;
}

static const char *type_name(const cJSON *it)
{
    if (cJSON_IsObject(it))
        return "an object";
    if (cJSON_IsArray(it))
        return "an array";
    if (cJSON_IsString(it))
        return "a string";
    if (cJSON_IsNumber(it))
        return "a number";
    if (cJSON_IsBool(it))
        return "a boolean";
    return "null";
}

bool ff_valid_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
              s[i] == '.' || s[i] == '-'))
            return false;
    return true;
}

const cJSON *ff_get_member(struct ff_ld *x, const cJSON *obj, const char *key, bool required)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!m && required)
        ERR(x, obj, "missing-key", "missing required key \"%s\"", key);
    return m;
}

/* Looks up key, pushes it on the path and checks the type; the caller pops. */
static const cJSON *typed(struct ff_ld *x, const cJSON *obj, const char *key, bool required,
                          cJSON_bool (*is)(const cJSON *), const char *want, size_t *old)
{
    const cJSON *m = ff_get_member(x, obj, key, required);
    *old = x->plen;
    if (!m)
        return NULL;
    *old = ff_ld_push_key(x, key);
    if (!is(m)) {
        ERR(x, m, "wrong-type", "expected %s, found %s", want, type_name(m));
        return NULL;
    }
    return m;
}

const char *ff_get_string(struct ff_ld *x, const cJSON *obj, const char *key, bool required,
                          enum ff_str_kind kind)
{
    size_t old;
    const cJSON *m = typed(x, obj, key, required, cJSON_IsString, "a string", &old);
    const char *r = NULL;
    if (!m)
        goto out;
    if (kind == FF_STR_ID && !ff_valid_id(m->valuestring))
        ERR(x, m, "bad-id",
            "\"%.64s\" is not a valid id (a-z, 0-9, _ . -, starting with a letter or digit, "
            "at most 64 bytes)",
            m->valuestring);
    else if (kind == FF_STR_NONEMPTY && !*m->valuestring)
        ERR(x, m, "empty-string", "must not be empty");
    else if (!(r = ff_arena_strdup(x->priv->arena, m->valuestring)))
        x->oom = true;
out:
    ff_ld_pop(x, old);
    return r;
}

bool ff_get_int(struct ff_ld *x, const cJSON *obj, const char *key, bool required, long lo, long hi,
                long *out)
{
    size_t old;
    const cJSON *m = typed(x, obj, key, required, cJSON_IsNumber, "an integer", &old);
    bool ok = false;
    if (!m)
        goto out;
    double d = m->valuedouble;
    if (!(d >= (double)lo && d <= (double)hi))
        ERR(x, m, "out-of-range", "%g is out of range (%ld to %ld)", d, lo, hi);
    else if (d != (double)(long)d)
        ERR(x, m, "wrong-type", "expected an integer, found %g", d);
    else {
        *out = (long)d;
        ok = true;
    }
out:
    ff_ld_pop(x, old);
    return ok;
}

bool ff_get_number(struct ff_ld *x, const cJSON *obj, const char *key, double *out)
{
    size_t old;
    const cJSON *m = typed(x, obj, key, false, cJSON_IsNumber, "a number", &old);
    if (m)
        *out = m->valuedouble;
    ff_ld_pop(x, old);
    return m != NULL;
}

bool ff_get_bool(struct ff_ld *x, const cJSON *obj, const char *key, bool required, bool *out)
{
    size_t old;
    const cJSON *m = typed(x, obj, key, required, cJSON_IsBool, "true or false", &old);
    if (m)
        *out = cJSON_IsTrue(m);
    ff_ld_pop(x, old);
    return m != NULL;
}

static void list_names(char *buf, size_t size, const char *const *v, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", v[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

bool ff_get_enum(struct ff_ld *x, const cJSON *obj, const char *key, bool required,
                 enum ff_name_set set, int *out)
{
    size_t old, n;
    const cJSON *m = typed(x, obj, key, required, cJSON_IsString, "a string", &old);
    const char *const *names = ff_names(set, &n);
    bool ok = false;
    for (size_t i = 0; m && i < n; i++)
        if (!strcmp(m->valuestring, names[i])) {
            *out = (int)i;
            ok = true;
        }
    if (m && !ok) {
        char list[256];
        list_names(list, sizeof list, names, n);
        ERR(x, m, "bad-enum", "\"%.40s\" is not one of: %s", m->valuestring, list);
    }
    ff_ld_pop(x, old);
    return ok;
}

static void text_entries(struct ff_ld *x, const cJSON *m, const char **s)
{
    unsigned char seen[FF_CHART_MAX_LOCALES] = {0};
    const struct ff_chart *c = x->chart;
    for (const cJSON *e = m->child; e && !x->oom; e = e->next) {
        if (!strncmp(e->string, "x-", 2))
            continue;
        int li = ff_chart_locale_index(c, e->string);
        size_t old = ff_ld_push_key(x, e->string);
        if (li < 0)
            ERR(x, e, "undeclared-locale", "locale \"%.40s\" is not declared in $.locales",
                e->string);
        else if (seen[li]++)
            ERR(x, e, "duplicate-key", "locale \"%s\" appears twice", e->string);
        else if (!cJSON_IsString(e))
            ERR(x, e, "wrong-type", "expected a string, found %s", type_name(e));
        else if (!(s[li] = ff_arena_strdup(x->priv->arena, e->valuestring)))
            x->oom = true;
        ff_ld_pop(x, old);
    }
}

void ff_get_text(struct ff_ld *x, const cJSON *obj, const char *key, bool required,
                 struct ff_text *out)
{
    size_t old;
    const cJSON *m =
        typed(x, obj, key, required, cJSON_IsObject, "a text (locale -> string)", &old);
    const struct ff_chart *c = x->chart;
    if (!m || !c->nlocales)
        goto out;
    const char **s = ff_ld_alloc(x, c->nlocales * sizeof *s);
    if (!s)
        goto out;
    text_entries(x, m, s);
    char missing[FF_CHART_MAX_LOCALES * 40] = "";
    size_t nmissing = 0, used = 0;
    for (size_t i = 0; i < c->nlocales; i++) {
        if (s[i] || cJSON_GetObjectItemCaseSensitive(m, c->locales[i]))
            continue;
        int w = snprintf(missing + used, sizeof missing - used, "%s\"%s\"", nmissing ? ", " : "",
                         c->locales[i]);
        used = w > 0 && (size_t)w < sizeof missing - used ? used + (size_t)w : used;
        nmissing++;
    }
    if (nmissing == 1)
        ERR(x, m, "missing-translation", "missing the %s translation", missing);
    else if (nmissing)
        ERR(x, m, "missing-translation", "missing the %s translations", missing);
    out->s = s;
out:
    ff_ld_pop(x, old);
}

const cJSON *ff_get_array(struct ff_ld *x, const cJSON *obj, const char *key, bool required,
                          size_t max, size_t *count)
{
    size_t old;
    const cJSON *m = typed(x, obj, key, required, cJSON_IsArray, "an array", &old);
    *count = 0;
    if (m) {
        size_t n = 0;
        for (const cJSON *e = m->child; e; e = e->next)
            n++;
        if (n > max) {
            ERR(x, m, "too-many", "%zu entries; at most %zu are allowed", n, max);
            x->limit = true;
            m = NULL;
        } else {
            *count = n;
        }
    }
    ff_ld_pop(x, old);
    return m;
}

static int key_index(const char *const *a, const char *const *b, const char *k)
{
    int i = 0;
    for (; a && *a; a++, i++)
        if (!strcmp(*a, k))
            return i;
    for (; b && *b; b++, i++)
        if (!strcmp(*b, k))
            return i;
    return -1;
}

/* "k1, k2, ..." of the keys an object takes, for the unknown-key message. */
static void list_keys(const char *const *a, const char *const *b, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (const char *const *l = a; l; l = l == a ? b : NULL)
        for (const char *const *k = l; *k && n < size; k++)
            n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "", *k);
}

void ff_check_keys(struct ff_ld *x, const cJSON *obj, const char *const *a, const char *const *b,
                   const char *what)
{
    unsigned char seen[64] = {0};
    for (const cJSON *e = obj->child; e && !x->oom; e = e->next) {
        if (!strncmp(e->string, "x-", 2))
            continue;
        int i = key_index(a, b, e->string);
        if (i >= 0 && !seen[i]++)
            continue;
        char keys[320];
        size_t old = ff_ld_push_key(x, e->string);
        if (i < 0) {
            list_keys(a, b, keys, sizeof keys);
            ERR(x, e, "unknown-key", "unknown key \"%.40s\" in %s (it takes %s, or x-...)",
                e->string, what, keys);
        } else {
            ERR(x, e, "duplicate-key", "key \"%s\" appears twice", e->string);
        }
        ff_ld_pop(x, old);
    }
}

struct keyed {
    const cJSON *key;   /* the member holding the id */
    size_t index;       /* of the element in its array */
    const cJSON *first; /* the member of the earliest element with the same id, or NULL */
};

static int keyed_cmp(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    int c = strcmp(x->key->valuestring, y->key->valuestring);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

static int index_cmp(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    return (x->index > y->index) - (x->index < y->index);
}

/* Sorting keeps this O(n log n) (a file may hold 10 000 time limits); findings still come
 * out in file order. */
void ff_check_unique(struct ff_ld *x, const cJSON *arr, const char *key, const char *what)
{
    size_t n = 0, j = 0;
    for (const cJSON *e = arr->child; e; e = e->next)
        n++;
    struct keyed *v = ff_malloc((n ? n : 1) * sizeof *v);
    if (!v) {
        x->oom = true;
        return;
    }
    n = 0;
    for (const cJSON *e = arr->child; e; e = e->next, j++) {
        const cJSON *k = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, key) : NULL;
        if (cJSON_IsString(k))
            v[n++] = (struct keyed){k, j, NULL};
    }
    qsort(v, n, sizeof *v, keyed_cmp);
    for (size_t a = 0, b = 1; b < n; b++) {
        if (strcmp(v[a].key->valuestring, v[b].key->valuestring))
            a = b;
        else
            v[b].first = v[a].key;
    }
    qsort(v, n, sizeof *v, index_cmp);
    for (size_t b = 0; b < n && !x->oom; b++) {
        if (!v[b].first)
            continue;
        struct ff_pos first = ff_ld_pos(x, v[b].first);
        size_t old = ff_ld_push_index(x, v[b].index);
        ff_ld_push_key(x, key);
        ERR(x, v[b].key, "duplicate-id", "duplicate %s \"%.64s\" (first at %u:%u)", what,
            v[b].key->valuestring, (unsigned)first.line, (unsigned)first.col);
        ff_ld_pop(x, old);
    }
    ff_free(v);
}
