/* import_mermaid_text.c - the Mermaid reader's findings, labels, node shapes and the lines
 * around the diagram (front matter, %%{init}%%, the header, accTitle/accDescr).
 *
 * Labels are cut at their closing delimiter (a quoted label may hold any bracket and span
 * lines; others end at the line) and reduced to plain text by import_text.c. Shapes are
 * matched longest opener first, so `((` is a circle and not a rounded box holding `(`.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "import_mermaid_int.h"
#include "import_text.h"

/* ---- findings ---- */

void ff_mm_note(struct mm *m, enum ff_severity sev, struct ff_pos pos, const char *path,
                const char *code, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (sev == FF_SEV_ERROR)
        m->errors++;
    if (!ff_imp_note(m->diags, sev, m->file, pos, path, code, "%s", msg))
        m->err = FF_ENOMEM;
}

/* A syntax error at the cursor; the rest of the line is skipped. */
void ff_mm_syntax(struct mm *m, const char *msg)
{
    ff_mm_note(m, FF_SEV_ERROR, m->at, NULL, "mermaid-syntax", "%s", msg);
    skip_line(m);
}

void ff_mm_limit(struct mm *m, const char *what, unsigned max)
{
    if (m->err == FF_OK)
        ff_mm_note(m, FF_SEV_ERROR, m->at, NULL, "mermaid-limit", "more than %u %s", max, what);
    if (m->err == FF_OK)
        m->err = FF_ELIMIT;
}

/* ---- labels ---- */

/* Decodes a label written between delimiters: quotes and markdown backticks removed,
 * Mermaid #codes; and HTML reduced (import_text.h). *out NULL for an empty label. */
bool ff_mm_label(struct mm *m, const char *s, size_t n, char **out)
{
    bool markdown = false;
    *out = NULL;
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
        s++, n -= 2;
    if (n >= 2 && s[0] == '`' && s[n - 1] == '`') {
        s++, n -= 2;
        markdown = true;
    }
    enum ff_err err =
        ff_imp_text_plain(s, n, FF_IMP_TEXT_MERMAID | (markdown ? FF_IMP_TEXT_MARKDOWN : 0), out);
    if (err != FF_OK) {
        m->err = err;
        return false;
    }
    return true;
}

/* Reads delimited text ending at `close` (or `close2` when not NULL) on the cursor; a quoted
 * text may hold the closer and may span lines (markdown strings do). The cursor ends after
 * the closer. Returns false after reporting when the closer is missing. */
bool ff_mm_delimited(struct mm *m, struct ff_pos start, const char *close, const char *close2,
                     char **label, const char **which)
{
    size_t from = m->p;
    skip_blank(m);
    bool quoted = peek(m, 0) == '"';
    if (quoted) {
        adv(m, 1);
        while (m->p < m->len && m->s[m->p] != '"')
            adv(m, 1);
        adv(m, 1);
        skip_blank(m);
    }
    for (;;) {
        if (m->p >= m->len || (m->s[m->p] == '\n' && !quoted)) {
            ff_mm_note(m, FF_SEV_ERROR, start, NULL, "mermaid-syntax", "text not closed by '%s'",
                       close);
            return false;
        }
        if (m->p - from > MM_MAX_LABEL) {
            ff_mm_note(m, FF_SEV_ERROR, start, NULL, "mermaid-limit",
                       "a label longer than %u bytes", MM_MAX_LABEL);
            m->err = FF_ELIMIT;
            return false;
        }
        if (at_str(m, close) || (close2 && at_str(m, close2)))
            break;
        adv(m, 1);
    }
    *which = at_str(m, close) ? close : close2;
    if (!*which) /* the loop stops only at one of them; said for the analyzer */
        return false;
    size_t end = m->p;
    adv(m, strlen(*which));
    return ff_mm_label(m, m->s + from, end - from, label);
}

/* ---- shapes ---- */

struct shape_form {
    const char *open, *close, *close2;
    enum ff_imp_shape shape, shape2; /* shape2 when the text ends with close2 */
    const char *name, *name2;
};

/* Longest openers first. */
static const struct shape_form forms[] = {
    {"(((", ")))", NULL, FF_IMP_SHAPE_END, 0, "double circle", NULL},
    {"((", "))", NULL, FF_IMP_SHAPE_TERMINAL, 0, "circle", NULL},
    {"([", "])", NULL, FF_IMP_SHAPE_TERMINAL, 0, "stadium", NULL},
    {"[(", ")]", NULL, FF_IMP_SHAPE_OTHER, 0, "cylinder", NULL},
    {"[[", "]]", NULL, FF_IMP_SHAPE_SUBROUTINE, 0, "subroutine", NULL},
    {"[/", "/]", "\\]", FF_IMP_SHAPE_DATA, FF_IMP_SHAPE_OTHER, "parallelogram", "trapezoid"},
    {"[\\", "\\]", "/]", FF_IMP_SHAPE_DATA, FF_IMP_SHAPE_OTHER, "parallelogram (alt)",
     "trapezoid (alt)"},
    {"{{", "}}", NULL, FF_IMP_SHAPE_OTHER, 0, "hexagon", NULL},
    {"[", "]", NULL, FF_IMP_SHAPE_PROCESS, 0, "rectangle", NULL},
    {"(", ")", NULL, FF_IMP_SHAPE_TERMINAL, 0, "rounded rectangle", NULL},
    {"{", "}", NULL, FF_IMP_SHAPE_DECISION, 0, "rhombus", NULL},
    {">", "]", NULL, FF_IMP_SHAPE_OTHER, 0, "asymmetric", NULL},
};

/* The v11 shape names (`A@{ shape: diam }`), short and long. */
static const struct {
    const char *name;
    enum ff_imp_shape shape;
} v11_shapes[] = {
    {"rect", FF_IMP_SHAPE_PROCESS},          {"proc", FF_IMP_SHAPE_PROCESS},
    {"process", FF_IMP_SHAPE_PROCESS},       {"rectangle", FF_IMP_SHAPE_PROCESS},
    {"rounded", FF_IMP_SHAPE_TERMINAL},      {"event", FF_IMP_SHAPE_TERMINAL},
    {"stadium", FF_IMP_SHAPE_TERMINAL},      {"terminal", FF_IMP_SHAPE_TERMINAL},
    {"pill", FF_IMP_SHAPE_TERMINAL},         {"circle", FF_IMP_SHAPE_TERMINAL},
    {"circ", FF_IMP_SHAPE_TERMINAL},         {"sm-circ", FF_IMP_SHAPE_START},
    {"start", FF_IMP_SHAPE_START},           {"small-circle", FF_IMP_SHAPE_START},
    {"dbl-circ", FF_IMP_SHAPE_END},          {"double-circle", FF_IMP_SHAPE_END},
    {"fr-circ", FF_IMP_SHAPE_END},           {"stop", FF_IMP_SHAPE_END},
    {"diam", FF_IMP_SHAPE_DECISION},         {"diamond", FF_IMP_SHAPE_DECISION},
    {"decision", FF_IMP_SHAPE_DECISION},     {"question", FF_IMP_SHAPE_DECISION},
    {"lean-r", FF_IMP_SHAPE_DATA},           {"lean-right", FF_IMP_SHAPE_DATA},
    {"in-out", FF_IMP_SHAPE_DATA},           {"lean-l", FF_IMP_SHAPE_DATA},
    {"lean-left", FF_IMP_SHAPE_DATA},        {"out-in", FF_IMP_SHAPE_DATA},
    {"doc", FF_IMP_SHAPE_DOCUMENT},          {"document", FF_IMP_SHAPE_DOCUMENT},
    {"subproc", FF_IMP_SHAPE_SUBROUTINE},    {"subprocess", FF_IMP_SHAPE_SUBROUTINE},
    {"subroutine", FF_IMP_SHAPE_SUBROUTINE}, {"fr-rect", FF_IMP_SHAPE_SUBROUTINE},
};

static void set_shape(struct mm *m, size_t i, enum ff_imp_shape shape, const char *shape_name,
                      char *label)
{
    struct mm_name *n = &m->names[i];
    ff_free(n->label);
    n->label = label;
    n->shape = shape;
    n->shape_name = shape_name;
}

/* `@{ shape: diam, label: "text" }`: the cursor is on '@'. */
static bool read_v11(struct mm *m, size_t i)
{
    struct ff_pos start = m->at;
    size_t from = m->p + 2, end;
    adv(m, 2);
    while (m->p < m->len && m->s[m->p] != '}') {
        if (m->s[m->p] == '"') {
            adv(m, 1);
            while (m->p < m->len && m->s[m->p] != '"')
                adv(m, 1);
        }
        adv(m, 1);
    }
    if (m->p >= m->len || m->p - from > MM_MAX_LABEL) {
        ff_mm_note(m, FF_SEV_ERROR, start, m->names[i].name, "mermaid-syntax",
                   "'@{' not closed by '}'");
        return false;
    }
    end = m->p;
    adv(m, 1);
    enum ff_imp_shape shape = FF_IMP_SHAPE_PROCESS;
    const char *shape_name = "rect";
    char *label = NULL;
    for (size_t k = from; k < end;) {
        while (k < end && strchr(" \t\r\n,", m->s[k]))
            k++;
        size_t key = k;
        while (k < end && m->s[k] != ':')
            k++;
        size_t keyend = k++;
        while (k < end && strchr(" \t", m->s[k]))
            k++;
        size_t val = k;
        if (k < end && m->s[k] == '"') {
            for (k++; k < end && m->s[k] != '"'; k++)
                ;
            k++;
        } else {
            while (k < end && m->s[k] != ',' && m->s[k] != '\n')
                k++;
        }
        size_t valend = k < end ? k : end;
        while (keyend > key && m->s[keyend - 1] == ' ')
            keyend--;
        if (keyend - key == 5 && !memcmp(m->s + key, "shape", 5)) {
            shape = FF_IMP_SHAPE_OTHER;
            shape_name = "v11 shape";
            for (size_t s = 0; s < sizeof v11_shapes / sizeof *v11_shapes; s++) {
                size_t n = strlen(v11_shapes[s].name);
                if (valend - val >= n && !memcmp(m->s + val, v11_shapes[s].name, n) &&
                    (valend - val == n || strchr(" \t\r", m->s[val + n]))) {
                    shape = v11_shapes[s].shape;
                    shape_name = v11_shapes[s].name;
                }
            }
        } else if (keyend - key == 5 && !memcmp(m->s + key, "label", 5)) {
            ff_free(label);
            if (!ff_mm_label(m, m->s + val, valend - val, &label))
                return false;
        }
    }
    set_shape(m, i, shape, shape_name, label);
    return true;
}

/* The shape after a node id, if any; the cursor is right after the id. */
bool ff_mm_shape(struct mm *m, size_t i)
{
    if (peek(m, 0) == '@' && peek(m, 1) == '{')
        return read_v11(m, i);
    for (size_t f = 0; f < sizeof forms / sizeof *forms; f++) {
        if (!at_str(m, forms[f].open))
            continue;
        char *label = NULL;
        const char *which = NULL;
        struct ff_pos open = m->at;
        adv(m, strlen(forms[f].open));
        if (!ff_mm_delimited(m, open, forms[f].close, forms[f].close2, &label, &which))
            return false;
        bool alt = forms[f].close2 && which == forms[f].close2;
        set_shape(m, i, alt ? forms[f].shape2 : forms[f].shape,
                  alt ? forms[f].name2 : forms[f].name, label);
        return true;
    }
    return true;
}

/* The keyword at the cursor when it is followed by a blank, ';' or the end of the line. */
bool ff_mm_keyword(const struct mm *m, const char *w)
{
    size_t n = strlen(w);
    if (!at_str(m, w))
        return false;
    int c = peek(m, n);
    return c < 0 || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';';
}

/* `accTitle: text` becomes the title when front matter gave none; `accDescr: text` and
 * `accDescr { ... }` are skipped (a chart has no description). True when it was one. */
bool ff_mm_accessibility(struct mm *m)
{
    bool title = at_str(m, "accTitle"), descr = at_str(m, "accDescr");
    if (!title && !descr)
        return false;
    size_t save = m->p;
    struct ff_pos at = m->at;
    adv(m, 8);
    skip_blank(m);
    if (peek(m, 0) == ':') {
        adv(m, 1);
        size_t from = m->p;
        skip_line(m);
        if (title && !m->title)
            ff_mm_label(m, m->s + from, m->p - from, &m->title);
        return true;
    }
    if (descr && peek(m, 0) == '{') {
        while (m->p < m->len && m->s[m->p] != '}')
            adv(m, 1);
        adv(m, 1);
        return true;
    }
    m->p = save; /* an id that begins with the word */
    m->at = at;
    return false;
}

/* Front matter `--- ... ---` (its title: kept) and blank or %% lines before the header. */
void ff_mm_preamble(struct mm *m)
{
    if (at_str(m, "\xEF\xBB\xBF"))
        adv(m, 3);
    skip_blank(m);
    if (at_str(m, "---")) {
        skip_line(m);
        while (m->p < m->len) {
            adv(m, 1);
            skip_blank(m);
            if (at_str(m, "---")) {
                skip_line(m);
                break;
            }
            if (at_str(m, "title:") && !m->title) {
                adv(m, 6);
                size_t from = m->p;
                skip_line(m);
                if (!ff_mm_label(m, m->s + from, m->p - from, &m->title))
                    return;
            }
            skip_line(m);
        }
    }
    for (;;) {
        while (peek(m, 0) == ' ' || peek(m, 0) == '\t' || peek(m, 0) == '\r' || peek(m, 0) == '\n')
            adv(m, 1);
        if (at_str(m, "%%{")) {
            while (m->p < m->len && !at_str(m, "}%%"))
                adv(m, 1);
            adv(m, 3);
        } else if (at_str(m, "%%")) {
            skip_line(m);
        } else {
            return;
        }
    }
}

bool ff_mm_header(struct mm *m)
{
    struct ff_pos pos = m->head = m->at;
    if (!ff_mm_keyword(m, "flowchart") && !ff_mm_keyword(m, "graph") &&
        !at_str(m, "flowchart-elk")) {
        size_t n = 0;
        while (m->p + n < m->len && n < 40 && !strchr(" \t\r\n;", m->s[m->p + n]))
            n++;
        if (m->p >= m->len)
            ff_mm_note(m, FF_SEV_ERROR, pos, NULL, "mermaid-not-flowchart",
                       "no diagram: a Mermaid flowchart begins with 'flowchart' or 'graph'");
        else
            ff_mm_note(m, FF_SEV_ERROR, pos, NULL, "mermaid-not-flowchart",
                       "'%.*s' is not a Mermaid flowchart (only 'flowchart' and 'graph' are read)",
                       (int)n, m->s + m->p);
        return false;
    }
    while (!at_eol(m) && !strchr(" \t\r;", m->s[m->p]))
        adv(m, 1);
    skip_blank(m);
    static const char *const dirs[] = {"TD", "TB", "BT", "LR", "RL", "v", "^", "<", ">"};
    for (size_t k = 0; k < sizeof dirs / sizeof *dirs; k++) {
        if (at_str(m, dirs[k])) {
            adv(m, strlen(dirs[k]));
            break;
        }
    }
    skip_blank(m);
    if (peek(m, 0) == ';')
        adv(m, 1);
    skip_blank(m);
    if (!at_eol(m) && !at_str(m, "%%")) {
        ff_mm_syntax(m, "unexpected text after the flowchart header");
        return false;
    }
    return true;
}
