/* kb.c - knowledge-base files (kb.h): one language's articles per file, checked as outside
 * input, kept in one growing array.
 *
 * Workload: a few files of a few dozen short articles, read once at start-up; lookups are
 * a linear scan, which is plenty for that. The raw text goes through the chart loader's
 * pre-scan and syntax check (chart_pos.c: UTF-8, NUL, control characters, depth, 8 KiB
 * strings) before cJSON sees it, and the position map of the same file turns every cJSON
 * item back into line:column for messages. A file is added all or nothing: its articles
 * are checked into a side array first and appended only when every one passed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chart_int.h"
#include "fieldflow/kb.h"
#include "fieldflow/mem.h"
#include "json_alloc.h"

#define KB_PATH_MAX 4096

struct ff_kb {
    struct ff_kb_article *v; /* articles, in the order their files were added */
    char **blocks;           /* v[i]'s strings live in blocks[i], one allocation each */
    size_t n, cap;
    char errmsg[512]; /* the last failure's detail */
};

/* The state of one ff_kb_add. */
struct kb_parse {
    struct ff_kb *kb;
    const char *file;
    const struct ff_posmap *pm;
    const char *lang;        /* the file's language, static storage */
    struct ff_kb_article *v; /* this file's articles (strings borrowed from the cJSON tree) */
    size_t n;
};

static const char *const langs[] = {"en", "da", "es"};

static enum ff_err fail_at(struct ff_kb *kb, enum ff_err err, const char *file, struct ff_pos pos,
                           const char *path, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static enum ff_err fail_at(struct ff_kb *kb, enum ff_err err, const char *file, struct ff_pos pos,
                           const char *path, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (pos.line)
        snprintf(kb->errmsg, sizeof kb->errmsg, "%s:%u:%u: %s: %s", file, (unsigned)pos.line,
                 (unsigned)pos.col, path, msg);
    else
        snprintf(kb->errmsg, sizeof kb->errmsg, "%s: %s", file, msg);
    return err;
}

enum ff_err ff_kb_new(struct ff_kb **out)
{
    *out = ff_calloc(1, sizeof **out);
    return *out ? FF_OK : FF_ENOMEM;
}

void ff_kb_free(struct ff_kb *kb)
{
    if (!kb)
        return;
    for (size_t i = 0; i < kb->n; i++)
        ff_free(kb->blocks[i]);
    ff_free(kb->blocks);
    ff_free(kb->v);
    ff_free(kb);
}

const char *ff_kb_errmsg(const struct ff_kb *kb)
{
    return kb->errmsg;
}

static bool id_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

static bool valid_id(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (n >= FF_KB_ID_MAX || !id_char(s[n]))
            return false;
    return n > 0;
}

/* Unknown keys (other than x-...) and repeated keys of obj; `allowed` is NULL-terminated. */
static enum ff_err check_keys(struct kb_parse *p, const cJSON *obj, const char *const *allowed,
                              const char *path)
{
    for (const cJSON *m = obj->child; m; m = m->next) {
        bool known = !strncmp(m->string, "x-", 2);
        for (size_t i = 0; !known && allowed[i]; i++)
            known = !strcmp(m->string, allowed[i]);
        if (!known)
            return fail_at(p->kb, FF_EINVALID, p->file, ff_posmap_get(p->pm, m), path,
                           "unknown key \"%.64s\"", m->string);
        for (const cJSON *o = obj->child; o != m; o = o->next)
            if (!strcmp(o->string, m->string))
                return fail_at(p->kb, FF_EINVALID, p->file, ff_posmap_get(p->pm, m), path,
                               "key \"%.64s\" appears twice", m->string);
    }
    return FF_OK;
}

/* A string member no longer than max bytes; empty only when !nonempty. */
static enum ff_err get_str(struct kb_parse *p, const cJSON *obj, const char *key, bool required,
                           size_t max, const char *path, const char **out)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);
    char at[96];
    snprintf(at, sizeof at, "%s.%s", path, key);
    *out = NULL;
    if (!m)
        return required ? fail_at(p->kb, FF_EINVALID, p->file, ff_posmap_get(p->pm, obj), path,
                                  "\"%s\" is missing", key)
                        : FF_OK;
    if (!cJSON_IsString(m))
        return fail_at(p->kb, FF_EINVALID, p->file, ff_posmap_get(p->pm, m), at,
                       "must be a string");
    size_t n = strlen(m->valuestring);
    if (n > max)
        return fail_at(p->kb, FF_ELIMIT, p->file, ff_posmap_get(p->pm, m), at,
                       "%zu bytes, at most %zu", n, max);
    if (!n && required)
        return fail_at(p->kb, FF_EINVALID, p->file, ff_posmap_get(p->pm, m), at,
                       "must not be empty");
    *out = m->valuestring;
    return FF_OK;
}

static bool known_here(const struct kb_parse *p, const char *id, size_t upto)
{
    for (size_t i = 0; i < p->kb->n; i++)
        if (!strcmp(p->kb->v[i].id, id) && !strcmp(p->kb->v[i].lang, p->lang))
            return true;
    for (size_t i = 0; i < upto; i++)
        if (!strcmp(p->v[i].id, id))
            return true;
    return false;
}

static enum ff_err parse_article(struct kb_parse *p, const cJSON *e, size_t i)
{
    static const char *const keys[] = {"id", "title", "body", "tags", NULL};
    char path[48];
    struct ff_kb_article *a = p->v ? &p->v[i] : NULL;
    enum ff_err err;
    if (!a)
        return FF_EINVAL;
    snprintf(path, sizeof path, "$.articles[%zu]", i);
    if (!cJSON_IsObject(e))
        return fail_at(p->kb, FF_EINVALID, p->file, ff_posmap_get(p->pm, e), path,
                       "an article is an object");
    if ((err = check_keys(p, e, keys, path)) ||
        (err = get_str(p, e, "id", true, FF_KB_ID_MAX, path, &a->id)) ||
        (err = get_str(p, e, "title", true, FF_KB_TITLE_MAX, path, &a->title)) ||
        (err = get_str(p, e, "body", true, FF_KB_BODY_MAX, path, &a->body)) ||
        (err = get_str(p, e, "tags", false, FF_KB_TAGS_MAX, path, &a->tags)))
        return err;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "id");
    if (!valid_id(a->id))
        return fail_at(p->kb, FF_EINVALID, p->file, ff_posmap_get(p->pm, id), path,
                       "id \"%.64s\" may hold only letters, digits, '.', '_' and '-'", a->id);
    if (known_here(p, a->id, i))
        return fail_at(p->kb, FF_EINVALID, p->file, ff_posmap_get(p->pm, id), path,
                       "article \"%s\" is already there in \"%s\"", a->id, p->lang);
    a->lang = p->lang;
    if (!a->tags)
        a->tags = "";
    return FF_OK;
}

static enum ff_err parse_root(struct kb_parse *p, const cJSON *root)
{
    static const char *const keys[] = {"format", "lang", "articles", NULL};
    enum ff_err err;
    const char *lang;
    if (!cJSON_IsObject(root))
        return fail_at(p->kb, FF_EINVALID, p->file, ff_posmap_get(p->pm, root), "$",
                       "a knowledge-base file is a JSON object");
    if ((err = check_keys(p, root, keys, "$")))
        return err;
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (!cJSON_IsNumber(fmt) || fmt->valuedouble != FF_KB_FORMAT)
        return fail_at(p->kb, fmt ? FF_EVERSION : FF_EINVALID, p->file,
                       ff_posmap_get(p->pm, fmt ? fmt : root), "$.format",
                       "must be %d (the format this build reads)", FF_KB_FORMAT);
    if ((err = get_str(p, root, "lang", true, 8, "$", &lang)))
        return err;
    if (!lang) /* get_str refuses a missing required key; said for the analyzer */
        return FF_EINVALID;
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++)
        if (!strcmp(lang, langs[i]))
            p->lang = langs[i];
    if (!p->lang)
        return fail_at(p->kb, FF_EINVALID, p->file,
                       ff_posmap_get(p->pm, cJSON_GetObjectItemCaseSensitive(root, "lang")),
                       "$.lang", "\"%s\" is not en, da or es (the languages the store takes)",
                       lang);
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "articles");
    if (!cJSON_IsArray(arr))
        return fail_at(p->kb, FF_EINVALID, p->file, ff_posmap_get(p->pm, arr ? arr : root),
                       "$.articles", "must be a list of articles");
    size_t n = (size_t)cJSON_GetArraySize(arr);
    if (n > FF_KB_MAX_ARTICLES - p->kb->n)
        return fail_at(p->kb, FF_ELIMIT, p->file, ff_posmap_get(p->pm, arr), "$.articles",
                       "%zu articles; a knowledge base holds at most %d", n + p->kb->n,
                       FF_KB_MAX_ARTICLES);
    if (n && !(p->v = ff_calloc(n, sizeof *p->v)))
        return FF_ENOMEM;
    size_t i = 0;
    for (const cJSON *e = arr->child; e; e = e->next, i++)
        if ((err = parse_article(p, e, i)))
            return err;
    p->n = n;
    return FF_OK;
}

/* Copies p's articles (borrowed strings) into kb, one block each; all or nothing. */
static enum ff_err append(struct kb_parse *p)
{
    struct ff_kb *kb = p->kb;
    if (kb->n + p->n > kb->cap) {
        size_t cap = kb->n + p->n + 16;
        struct ff_kb_article *v = ff_realloc(kb->v, cap * sizeof *v);
        if (!v)
            return FF_ENOMEM;
        kb->v = v;
        char **b = ff_realloc(kb->blocks, cap * sizeof *b);
        if (!b)
            return FF_ENOMEM;
        kb->blocks = b;
        kb->cap = cap;
    }
    size_t done = 0;
    for (; done < p->n; done++) {
        const struct ff_kb_article *a = &p->v[done];
        size_t li = strlen(a->id) + 1, lt = strlen(a->title) + 1, lb = strlen(a->body) + 1;
        size_t lg = strlen(a->tags) + 1;
        char *blk = ff_malloc(li + lt + lb + lg);
        if (!blk)
            break;
        struct ff_kb_article *to = &kb->v[kb->n + done];
        to->id = memcpy(blk, a->id, li);
        to->title = memcpy(blk + li, a->title, lt);
        to->body = memcpy(blk + li + lt, a->body, lb);
        to->tags = memcpy(blk + li + lt + lb, a->tags, lg);
        to->lang = a->lang;
        kb->blocks[kb->n + done] = blk;
    }
    if (done < p->n) {
        while (done)
            ff_free(kb->blocks[kb->n + --done]);
        return FF_ENOMEM;
    }
    kb->n += p->n;
    return FF_OK;
}

/* cJSON through the library's allocation seam (json_alloc.h), as chart_load.c does. */
static cJSON *parse_json(const char *text, size_t len, bool *oom)
{
    ff_json_seam_enter();
    cJSON *root = cJSON_ParseWithLengthOpts(text, len + 1, NULL, 1);
    *oom = ff_json_seam_leave();
    return root;
}

enum ff_err ff_kb_add(struct ff_kb *kb, const char *buf, size_t len, const char *file)
{
    struct kb_parse p = {.kb = kb, .file = file ? file : "<input>"};
    struct ff_scan_error se;
    struct ff_posmap *pm = NULL;
    enum ff_err err;
    bool oom;
    kb->errmsg[0] = '\0';
    if (len > FF_KB_MAX_BYTES)
        return fail_at(kb, FF_ELIMIT, p.file, (struct ff_pos){1, 1}, "$",
                       "the file is larger than %u bytes", FF_KB_MAX_BYTES);
    if (!ff_json_prescan(buf, len, &se) || !ff_json_syntax(buf, len, &se))
        return fail_at(kb, se.err, p.file, ff_json_pos_at(buf, len, se.off), "$", "%s", se.message);
    char *text = ff_malloc(len + 1);
    if (!text)
        return FF_ENOMEM;
    memcpy(text, buf, len);
    text[len] = '\0';
    cJSON *root = parse_json(text, len, &oom);
    err = FF_ENOMEM;
    if (!root) {
        if (!oom) /* the syntax check passed, so cJSON should have too */
            err = fail_at(kb, FF_EPARSE, p.file, (struct ff_pos){0, 0}, "$", "malformed JSON");
        goto out_free_text;
    }
    if ((err = ff_posmap_build(text, len, root, &pm)) != FF_OK)
        goto out_free_json;
    p.pm = pm;
    if ((err = parse_root(&p, root)) == FF_OK)
        err = append(&p);
    ff_free(p.v);
    ff_posmap_free(pm);
out_free_json:
    cJSON_Delete(root);
out_free_text:
    ff_free(text);
    return err;
}

enum ff_err ff_kb_load_file(struct ff_kb *kb, const char *path)
{
    char ebuf[128];
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail_at(kb, FF_EIO, path, (struct ff_pos){0, 0}, "$", "cannot open: %s",
                       ff_errno_text(errno, ebuf, sizeof ebuf));
    size_t want = (size_t)FF_KB_MAX_BYTES + 1, len;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0 &&
        (uintmax_t)st.st_size < want)
        want = (size_t)st.st_size + 1;
    char *buf = ff_malloc(want);
    enum ff_err err = FF_ENOMEM;
    if (!buf)
        goto out_close;
    len = fread(buf, 1, want, f);
    if (ferror(f))
        err = fail_at(kb, FF_EIO, path, (struct ff_pos){0, 0}, "$", "cannot read the file");
    else
        err = ff_kb_add(kb, buf, len, path);
    ff_free(buf);
out_close:
    fclose(f);
    return err;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

enum ff_err ff_kb_load_dir(struct ff_kb *kb, const char *dir)
{
    char *names[64];
    size_t n = 0;
    DIR *dh = opendir(dir);
    struct dirent *de;
    enum ff_err err = FF_OK;
    char ebuf[128];
    if (!dh)
        return fail_at(kb, FF_EIO, dir, (struct ff_pos){0, 0}, "$", "cannot open: %s",
                       ff_errno_text(errno, ebuf, sizeof ebuf));
    while ((de = readdir(dh)) && !err) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".json") || de->d_name[0] == '.')
            continue;
        if (n == sizeof names / sizeof names[0])
            err = fail_at(kb, FF_ELIMIT, dir, (struct ff_pos){0, 0}, "$",
                          "more than %zu knowledge-base files", n);
        else if (!(names[n] = ff_strdup(de->d_name)))
            err = FF_ENOMEM;
        else
            n++;
    }
    closedir(dh);
    qsort(names, n, sizeof names[0], name_cmp);
    for (size_t i = 0; i < n && !err; i++) {
        char path[KB_PATH_MAX];
        int len = snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        err = len < 0 || (size_t)len >= sizeof path
                  ? fail_at(kb, FF_EIO, dir, (struct ff_pos){0, 0}, "$", "path too long")
                  : ff_kb_load_file(kb, path);
    }
    for (size_t i = 0; i < n; i++)
        ff_free(names[i]);
    return err;
}

const struct ff_kb_article *ff_kb_find(const struct ff_kb *kb, const char *id, const char *lang)
{
    const struct ff_kb_article *en = NULL, *any = NULL;
    if (!kb || !id)
        return NULL;
    for (size_t i = 0; i < kb->n; i++) {
        const struct ff_kb_article *a = &kb->v[i];
        if (strcmp(a->id, id))
            continue;
        if (lang && !strncmp(lang, a->lang, 2) && (!lang[2] || lang[2] == '-' || lang[2] == '_'))
            return a;
        if (!strcmp(a->lang, "en") && !en)
            en = a;
        if (!any)
            any = a;
    }
    return en ? en : any;
}

size_t ff_kb_count(const struct ff_kb *kb)
{
    return kb->n;
}

const struct ff_kb_article *ff_kb_at(const struct ff_kb *kb, size_t i)
{
    return i < kb->n ? &kb->v[i] : NULL;
}
