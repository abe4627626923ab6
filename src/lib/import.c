/* import.c - ff_import(): picks the front end for a format, then runs the one back end.
 *
 * Each front end is one line of the dispatch table in ff_import(); everything else
 * (format names, guessing) is format-independent and stays here.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fieldflow/import.h"
#include "fieldflow/mem.h"
#include "import_int.h"

static const char *const names[] = {"dot", "mermaid", "drawio"};

typedef enum ff_err (*reader_fn)(const char *buf, size_t len, const char *file,
                                 struct ff_diags *diags, struct ff_imp_graph *out);

/* One front end a line; a format without one here is FF_EINVAL. */
static const reader_fn readers[] = {
    [FF_IMPORT_DOT] = ff_imp_read_dot,
    [FF_IMPORT_MERMAID] = ff_imp_read_mermaid,
    [FF_IMPORT_DRAWIO] = ff_imp_read_drawio,
};

enum ff_err ff_import_format_parse(const char *name, enum ff_import_format *out)
{
    static const struct {
        const char *name;
        enum ff_import_format fmt;
    } table[] = {{"dot", FF_IMPORT_DOT},
                 {"gv", FF_IMPORT_DOT},
                 {"mermaid", FF_IMPORT_MERMAID},
                 {"mmd", FF_IMPORT_MERMAID},
                 {"drawio", FF_IMPORT_DRAWIO}};
    for (size_t i = 0; name && i < sizeof table / sizeof *table; i++) {
        if (!strcmp(name, table[i].name)) {
            *out = table[i].fmt;
            return FF_OK;
        }
    }
    return FF_EINVAL;
}

const char *ff_import_format_name(enum ff_import_format fmt)
{
    return (size_t)fmt < sizeof names / sizeof *names ? names[fmt] : "unknown";
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && !strcasecmp(s + n - t, tail);
}

/* The first word of the text after white space, comments ("//", "%%") and a BOM. */
static size_t first_word(const char *buf, size_t len, size_t *start)
{
    size_t p = len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0;
    while (p < len) {
        char c = buf[p];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            p++;
        } else if (p + 1 < len &&
                   ((c == '/' && buf[p + 1] == '/') || (c == '%' && buf[p + 1] == '%'))) {
            while (p < len && buf[p] != '\n')
                p++;
        } else if (p + 1 < len && c == '/' && buf[p + 1] == '*') {
            for (p += 2; p + 1 < len && !(buf[p] == '*' && buf[p + 1] == '/'); p++)
                ;
            p += 2;
        } else {
            break;
        }
    }
    *start = p < len ? p : len;
    size_t n = 0;
    while (*start + n < len && buf[*start + n] != ' ' && buf[*start + n] != '\t' &&
           buf[*start + n] != '\n' && buf[*start + n] != '\r' && buf[*start + n] != '{')
        n++;
    return n;
}

static bool word_is(const char *w, size_t n, const char *kw)
{
    return strlen(kw) == n && !strncasecmp(w, kw, n);
}

enum ff_err ff_import_format_guess(const char *path, const char *buf, size_t len,
                                   enum ff_import_format *out)
{
    static const struct {
        const char *ext;
        enum ff_import_format fmt;
    } exts[] = {{".dot", FF_IMPORT_DOT},       {".gv", FF_IMPORT_DOT},
                {".mmd", FF_IMPORT_MERMAID},   {".mermaid", FF_IMPORT_MERMAID},
                {".drawio", FF_IMPORT_DRAWIO}, {".xml", FF_IMPORT_DRAWIO}};
    for (size_t i = 0; path && i < sizeof exts / sizeof *exts; i++) {
        if (ends_with(path, exts[i].ext)) {
            *out = exts[i].fmt;
            return FF_OK;
        }
    }
    if (!buf)
        return FF_EINVAL;
    size_t at = 0, n = first_word(buf, len, &at);
    const char *w = buf + at;
    const char *eol = memchr(w, '\n', len - at);
    bool brace = memchr(w, '{', eol ? (size_t)(eol - w) : len - at) != NULL;
    if (word_is(w, n, "digraph") || word_is(w, n, "strict") || (word_is(w, n, "graph") && brace))
        *out = FF_IMPORT_DOT;
    else if (word_is(w, n, "flowchart") || word_is(w, n, "graph") || word_is(w, n, "---"))
        *out = FF_IMPORT_MERMAID;
    else if (n > 0 && w[0] == '<')
        *out = FF_IMPORT_DRAWIO;
    else
        return FF_EINVAL;
    return FF_OK;
}

struct ranked {
    struct ff_diag d;
    size_t i; /* keeps findings at one position in the order they were made */
};

static int cmp_pos(const void *x, const void *y)
{
    const struct ranked *a = x, *b = y;
    if (a->d.pos.line != b->d.pos.line)
        return a->d.pos.line < b->d.pos.line ? -1 : 1;
    if (a->d.pos.col != b->d.pos.col)
        return a->d.pos.col < b->d.pos.col ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

/* The findings from `from` on in source order, so an author reads the file top down. Left
 * as made when out of memory. */
static void sort_findings(struct ff_diags *diags, size_t from)
{
    size_t n = diags->n - from;
    struct ranked *r = n > 1 ? ff_malloc(n * sizeof *r) : NULL;
    if (!r)
        return;
    for (size_t k = 0; k < n; k++)
        r[k] = (struct ranked){diags->v[from + k], k};
    qsort(r, n, sizeof *r, cmp_pos);
    for (size_t k = 0; k < n; k++)
        diags->v[from + k] = r[k].d;
    ff_free(r);
}

enum ff_err ff_import(enum ff_import_format fmt, const char *buf, size_t len, const char *name,
                      const char *locale, struct ff_diags *diags, char **json_out)
{
    struct ff_imp_graph g = {0};
    enum ff_err err = FF_EINVAL;
    if (!json_out)
        return FF_EINVAL;
    *json_out = NULL;
    if (!buf || !diags)
        return FF_EINVAL;
    name = name ? name : "<input>";
    size_t first = diags->n;
    if ((size_t)fmt < sizeof readers / sizeof *readers && readers[fmt])
        err = readers[fmt](buf, len, name, diags, &g);
    if (err == FF_OK)
        err = ff_imp_build(&g, locale, diags, json_out);
    ff_imp_graph_free(&g);
    sort_findings(diags, first);
    return err;
}
