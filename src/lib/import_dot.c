/* import_dot.c - the DOT front end: a Graphviz digraph read into a drawing (import_int.h).
 *
 * libcgraph parses; our scanner (import_dot_scan.c) bounds the text first and gives the
 * positions cgraph does not keep. Labels become plain text here: escString escapes (\N,
 * \G, \n, \l), HTML-like labels (tags dropped, entities decoded) and record labels (ports
 * and field braces dropped, fields joined by " / "). A text declaring charset=latin1 (or
 * one that is not valid UTF-8, reported) is converted to UTF-8 before cgraph sees it.
 * An undirected graph is refused: its edges have no direction to follow.
 *
 * Workload: hand-drawn charts of tens to hundreds of nodes; FF_DOT_MAX_BYTES of text at most.
 * The graph is never laid out here.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fieldflow/mem.h"
#include "graph_int.h"
#include "import_dot_int.h"
#include "import_int.h"

#define REC_NAME "ff_imp"

struct irec {
    Agrec_t h;
    size_t index; /* into the drawing's nodes */
};

struct rd {
    const char *text; /* UTF-8 DOT, NUL-terminated */
    size_t len;
    const char *file;
    struct ff_diags *diags;
    struct ff_imp_graph *out;
    struct ff_dot_scan sc;
    Agraph_t *g;
    bool oom;
};

static bool note(struct rd *r, enum ff_severity sev, struct ff_pos pos, const char *path,
                 const char *code, const char *msg)
{
    if (!ff_imp_note(r->diags, sev, r->file, pos, path, code, "%s", msg))
        r->oom = true;
    return !r->oom;
}

static struct ff_pos pos_at(const char *s, size_t off)
{
    struct ff_pos p = {1, 1};
    for (size_t i = 0; i < off; i++) {
        if (s[i] == '\n') {
            p.line++;
            p.col = 1;
        } else if (((unsigned char)s[i] & 0xC0) != 0x80) {
            p.col++;
        }
    }
    return p;
}

/* Appends code point cp as UTF-8. */
static void put_cp(struct ff_gbuf *b, unsigned long cp)
{
    char u[4];
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return;
    if (cp < 0x80) {
        u[0] = (char)cp;
        ff_gbuf_add(b, u, 1);
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        ff_gbuf_add(b, u, 2);
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        ff_gbuf_add(b, u, 3);
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        ff_gbuf_add(b, u, 4);
    }
}

/* Decodes the HTML entity at s (after '&'); returns the bytes used, 0 when it is none. */
static size_t entity(struct ff_gbuf *b, const char *s)
{
    static const struct {
        const char *name;
        unsigned long cp;
    } named[] = {{"amp;", '&'},       {"lt;", '<'},    {"gt;", '>'},       {"quot;", '"'},
                 {"apos;", '\''},     {"nbsp;", ' '},  {"ndash;", 0x2013}, {"mdash;", 0x2014},
                 {"hellip;", 0x2026}, {"copy;", 0xA9}, {"deg;", 0xB0}};
    if (*s == '#') {
        char *end = NULL;
        bool hex = s[1] == 'x' || s[1] == 'X';
        unsigned long cp = strtoul(s + 1 + hex, &end, hex ? 16 : 10);
        if (!end || *end != ';' || end == s + 1 + hex || end - s > 10)
            return 0;
        put_cp(b, cp);
        return (size_t)(end - s) + 1;
    }
    for (size_t k = 0; k < sizeof named / sizeof *named; k++) {
        size_t n = strlen(named[k].name);
        if (!strncmp(s, named[k].name, n)) {
            put_cp(b, named[k].cp);
            return n;
        }
    }
    return 0;
}

/* Collapses runs of white space to one space and trims; in place. */
static void squeeze(char *s)
{
    size_t n = 0;
    bool space = true;
    for (char *p = s; *p; p++) {
        bool ws = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
        if (ws && space)
            continue;
        s[n++] = (char)(ws ? ' ' : *p);
        space = ws;
    }
    while (n > 0 && s[n - 1] == ' ')
        n--;
    s[n] = '\0';
}

static char *take(struct rd *r, struct ff_gbuf *b)
{
    char *out = NULL;
    if (ff_gbuf_take(b, &out, NULL) != FF_OK) {
        r->oom = true;
        return NULL;
    }
    squeeze(out);
    return out;
}

/* Whether the tag at s (after '<') separates words: line breaks and table cells do, inline
 * tags (<B>, <FONT>, <I>...) do not. */
static bool tag_breaks(const char *s)
{
    static const char *const breaks[] = {"br", "td", "tr", "table", "hr", "vr"};
    s += *s == '/';
    for (size_t k = 0; k < sizeof breaks / sizeof *breaks; k++) {
        size_t n = strlen(breaks[k]);
        if (!strncasecmp(s, breaks[k], n) && !isalnum((unsigned char)s[n]))
            return true;
    }
    return false;
}

/* An HTML-like label as text: block tags become spaces, inline tags nothing, entities
 * characters. */
static char *html_text(struct rd *r, const char *s)
{
    struct ff_gbuf b = {0};
    for (const char *p = s; *p; p++) {
        if (*p == '<') {
            const char *end = strchr(p, '>');
            if (!end)
                break;
            if (tag_breaks(p + 1))
                ff_gbuf_add(&b, " ", 1);
            p = end;
        } else if (*p == '&') {
            size_t used = entity(&b, p + 1);
            if (!used)
                ff_gbuf_add(&b, p, 1);
            p += used;
        } else {
            ff_gbuf_add(&b, p, 1);
        }
    }
    return take(r, &b);
}

/* Text of a label being reduced: a record's field breaks are written as " / " only between
 * fields that have text. */
struct out_text {
    struct ff_gbuf b;
    bool any; /* a visible character was written */
    bool sep; /* a field break is due before the next visible character */
};

static void emit(struct out_text *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bool blank = s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r';
        if (!blank && o->sep && o->any)
            ff_gbuf_add(&o->b, " / ", 3);
        if (!blank) {
            o->sep = false;
            o->any = true;
        }
        ff_gbuf_add(&o->b, s + i, 1);
    }
}

/* An escString as text: \N the object's name, \G the graph's, \n \l \r line ends (spaces);
 * in a record label also drops <port> tags and turns field braces and bars into " / ". */
static char *esc_text(struct rd *r, const char *s, const char *self, bool record)
{
    struct out_text o = {0};
    const char *graph = agnameof(r->g);
    for (const char *p = s; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            if (*p == 'N')
                emit(&o, self, strlen(self));
            else if (*p == 'G' && graph && *graph != '%')
                emit(&o, graph, strlen(graph));
            else if (*p == 'n' || *p == 'l' || *p == 'r')
                emit(&o, " ", 1);
            else if (*p != 'E' && *p != 'T' && *p != 'H' && *p != 'G')
                emit(&o, p, 1);
        } else if (record && *p == '<') {
            const char *end = strchr(p, '>');
            p = end ? end : p + strlen(p) - 1;
        } else if (record && (*p == '{' || *p == '}' || *p == '|')) {
            o.sep = true;
        } else {
            emit(&o, p, 1);
        }
    }
    return take(r, &o.b);
}

/* The text of an object's label; NULL when it has none (then its name stands). */
static char *label_of(struct rd *r, void *obj, const char *self, bool record)
{
    char *l = agget(obj, "label");
    if (!l || !*l)
        return NULL;
    char *t = aghtmlstr(l) ? html_text(r, l) : esc_text(r, l, self, record);
    if (t && !*t) {
        ff_free(t);
        t = NULL;
    }
    return t;
}

static bool word_in(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (!strcmp(s, *words))
            return true;
    return false;
}

/* The flowchart meaning of a DOT shape (with its style and size for small filled circles). */
static enum ff_imp_shape shape_of(Agnode_t *n, const char *shape)
{
    static const char *const terminals[] = {"ellipse", "oval", "circle", "egg", NULL};
    static const char *const ends[] = {"Msquare", "doublecircle", "doubleoctagon", "tripleoctagon",
                                       NULL};
    static const char *const boxes[] = {"box",       "rect",      "rectangle", "square",
                                        "plaintext", "plain",     "none",      "record",
                                        "Mrecord",   "underline", NULL};
    static const char *const docs[] = {"note", "tab", "folder", NULL};
    static const char *const subs[] = {"component", "box3d", NULL};
    if (!shape || !*shape)
        return FF_IMP_SHAPE_DEFAULT;
    const char *style = agget(n, "style"), *width = agget(n, "width");
    bool small = width && *width && strtod(width, NULL) <= 0.3;
    if (!strcmp(shape, "point") ||
        (!strcmp(shape, "circle") && style && strstr(style, "filled") && small))
        return FF_IMP_SHAPE_START;
    if (!strcmp(shape, "Mdiamond"))
        return FF_IMP_SHAPE_START;
    if (word_in(shape, ends))
        return FF_IMP_SHAPE_END;
    if (word_in(shape, terminals))
        return FF_IMP_SHAPE_TERMINAL;
    if (word_in(shape, boxes))
        return FF_IMP_SHAPE_PROCESS;
    if (!strcmp(shape, "diamond"))
        return FF_IMP_SHAPE_DECISION;
    if (!strcmp(shape, "parallelogram"))
        return FF_IMP_SHAPE_DATA;
    if (word_in(shape, docs))
        return FF_IMP_SHAPE_DOCUMENT;
    if (word_in(shape, subs))
        return FF_IMP_SHAPE_SUBROUTINE;
    return FF_IMP_SHAPE_OTHER;
}

/* Copies an attribute our own export writes (class "ff-...", ff_data) when present. */
static char *own_attr(struct rd *r, void *obj, const char *attr, const char *must)
{
    const char *v = agget(obj, (char *)attr);
    if (!v || !*v || (must && !strstr(v, must)))
        return NULL;
    char *c = ff_strdup(v);
    if (!c)
        r->oom = true;
    return c;
}

static bool read_node(struct rd *r, Agnode_t *n)
{
    const char *name = agnameof(n), *shape = agget(n, "shape");
    bool record = shape && (!strcmp(shape, "record") || !strcmp(shape, "Mrecord"));
    char *label = label_of(r, n, name, record);
    if (r->oom)
        return false;
    long i = ff_imp_add_node(r->out, name, label, shape_of(n, shape),
                             shape && *shape ? shape : NULL, ff_dot_node_pos(&r->sc, name));
    ff_free(label);
    struct irec *rec = agbindrec(n, REC_NAME, sizeof *rec, 0);
    if (i < 0 || !rec)
        return false;
    rec->index = (size_t)i;
    r->out->nodes[i].hint = own_attr(r, n, "class", "ff-");
    r->out->nodes[i].extra = own_attr(r, n, "ff_data", NULL);
    return !r->oom;
}

static int cmp_seq(const void *a, const void *b)
{
    unsigned long x = AGSEQ(*(Agedge_t *const *)a), y = AGSEQ(*(Agedge_t *const *)b);
    return (x > y) - (x < y);
}

/* Edges in the order written (cgraph keeps each node's edges ordered by head). */
static bool read_edges(struct rd *r)
{
    size_t n = (size_t)agnedges(r->g), k = 0;
    Agedge_t **v = ff_calloc(n ? n : 1, sizeof(Agedge_t *));
    if (!v)
        return false;
    for (Agnode_t *a = agfstnode(r->g); a; a = agnxtnode(r->g, a))
        for (Agedge_t *e = agfstout(r->g, a); e && k < n; e = agnxtout(r->g, e))
            v[k++] = e;
    qsort(v, k, sizeof(Agedge_t *), cmp_seq);
    bool ok = true;
    for (size_t i = 0; i < k && ok; i++) {
        Agedge_t *e = v[i];
        struct irec *t = (struct irec *)aggetrec(agtail(e), REC_NAME, 0);
        struct irec *h = (struct irec *)aggetrec(aghead(e), REC_NAME, 0);
        struct ff_pos pos =
            ff_dot_edge_pos(&r->sc, agnameof(agtail(e)), agnameof(aghead(e)), !agisdirected(r->g));
        char *label = label_of(r, e, "", false);
        ok = !r->oom && ff_imp_add_edge(r->out, t->index, h->index, label, pos);
        ff_free(label);
        if (ok)
            r->out->edges[r->out->nedges - 1].extra = own_attr(r, e, "ff_data", NULL);
        ok = ok && !r->oom;
    }
    ff_free(v);
    return ok;
}

static void note_clusters(struct rd *r, Agraph_t *g, int depth)
{
    for (Agraph_t *s = agfstsubg(g); s && depth < 64; s = agnxtsubg(s)) {
        const char *name = agnameof(s);
        if (name && !strncmp(name, "cluster", 7)) {
            char path[128];
            snprintf(path, sizeof path, "subgraph %.100s", name);
            note(r, FF_SEV_WARNING, ff_dot_sub_pos(&r->sc, name), path, "cluster-ignored",
                 "a chart has no groups: the cluster is dropped, its nodes kept");
        }
        note_clusters(r, s, depth + 1);
    }
}

/* cgraph's message says "syntax error in line N near 'x'": point at line N. */
static struct ff_pos syntax_pos(const char *msg)
{
    const char *l = strstr(msg, "line ");
    unsigned long line = l ? strtoul(l + 5, NULL, 10) : 0;
    return (struct ff_pos){(uint32_t)(line > 0 && line < 0xFFFFFFFF ? line : 0), line ? 1 : 0};
}

static enum ff_err parse(struct rd *r)
{
    ff_gv_capture_begin();
    r->g = agmemread(r->text);
    const char *msg = ff_gv_capture_end();
    if (r->g) {
        ff_gv_capture_to_diags(msg, r->file, FF_SEV_WARNING, r->diags);
        return FF_OK;
    }
    char text[600];
    snprintf(text, sizeof text, "%.500s", *msg ? msg : "not a DOT graph");
    text[strcspn(text, "\n")] = '\0';
    return note(r, FF_SEV_ERROR, syntax_pos(msg), "graph", "dot-syntax", text) ? FF_EPARSE
                                                                               : FF_ENOMEM;
}

static enum ff_err read_graph(struct rd *r)
{
    struct ff_imp_graph *out = r->out;
    const char *name = agnameof(r->g);
    out->pos = r->sc.graph_pos;
    if (!agisdirected(r->g))
        return note(r, FF_SEV_ERROR, out->pos, "graph", "undirected",
                    "an undirected graph (graph, --) has no direction to follow: a flowchart "
                    "is a digraph (digraph, ->)")
                   ? FF_EINVALID
                   : FF_ENOMEM;
    if (agnnodes(r->g) > FF_CHART_MAX_NODES)
        return note(r, FF_SEV_ERROR, out->pos, "graph", "dot-limit",
                    "more nodes than a chart may have")
                   ? FF_ELIMIT
                   : FF_ENOMEM;
    out->name = name && *name && *name != '%' ? ff_strdup(name) : NULL;
    out->title = label_of(r, r->g, "", false);
    out->extra = own_attr(r, r->g, "ff_data", NULL);
    if (r->oom || (name && *name && *name != '%' && !out->name))
        return FF_ENOMEM;
    note_clusters(r, r->g, 0);
    for (Agnode_t *n = agfstnode(r->g); n; n = agnxtnode(r->g, n))
        if (!read_node(r, n))
            return FF_ENOMEM;
    return read_edges(r) && !r->oom ? FF_OK : FF_ENOMEM;
}

/* UTF-8 text for cgraph: Latin-1 converted (declared, or assumed for invalid UTF-8). */
static enum ff_err to_utf8(struct rd *r, const char *buf, size_t len, char **owned)
{
    size_t bad = ff_utf8_invalid_at(buf, len);
    bool latin1 = ff_dot_declares_latin1(buf, len);
    if (!latin1 && bad < len &&
        !note(r, FF_SEV_WARNING, pos_at(buf, bad), "graph", "charset-assumed",
              "not valid UTF-8 and no charset declared: read as Latin-1 (ISO-8859-1)"))
        return FF_ENOMEM;
    if (latin1 || bad < len) {
        *owned = ff_latin1_to_utf8(buf, len, &r->len);
    } else {
        *owned = ff_strndup(buf, len);
        r->len = len;
    }
    r->text = *owned;
    return *owned ? FF_OK : FF_ENOMEM;
}

enum ff_err ff_imp_read_dot(const char *buf, size_t len, const char *file, struct ff_diags *diags,
                            struct ff_imp_graph *out)
{
    struct rd r = {.file = file ? file : "<dot>", .diags = diags, .out = out};
    const char *why = NULL;
    struct ff_pos where = {0, 0};
    char *text = NULL;
    out->file = r.file;
    out->format = "dot";
    if (len > FF_DOT_MAX_BYTES)
        return note(&r, FF_SEV_ERROR, where, "graph", "dot-limit", "larger than 1 MiB") ? FF_ELIMIT
                                                                                        : FF_ENOMEM;
    const char *nul = memchr(buf, '\0', len);
    if (nul)
        return note(&r, FF_SEV_ERROR, pos_at(buf, (size_t)(nul - buf)), "graph", "dot-syntax",
                    "a NUL byte in DOT text")
                   ? FF_EPARSE
                   : FF_ENOMEM;
    enum ff_err err = to_utf8(&r, buf, len, &text);
    if (err == FF_OK)
        err = ff_dot_scan(r.text, r.len, &r.sc, &why, &where);
    if (err == FF_ELIMIT && !note(&r, FF_SEV_ERROR, where, "graph", "dot-limit", why))
        err = FF_ENOMEM;
    if (err == FF_OK)
        err = parse(&r);
    if (err == FF_OK)
        err = read_graph(&r);
    if (r.g)
        agclose(r.g);
    ff_dot_scan_free(&r.sc);
    ff_free(text);
    return err;
}
