/* import_drawio.c - a draw.io (diagrams.net) file read into a struct ff_imp_graph.
 *
 * Workload: one flowchart page of tens to a few hundred cells, written by the draw.io web
 * app, desktop app or VS Code extension: `mxfile > diagram > mxGraphModel` (plain), the
 * same with the diagram's text compressed (base64 of raw deflate of URL-encoded XML), or a
 * bare `mxGraphModel`. The first page is read; the others are reported.
 *
 * Hostile input: the file and each inflated page are bounded (DRAWIO_MAX_BYTES,
 * DRAWIO_MAX_INFLATED: a zip bomb stops at the cap), a DOCTYPE is refused before libxml2
 * sees the bytes (no entity expansion, no external DTD), the parser runs with XML_PARSE_NONET
 * and without DTD loading or entity substitution, and cells are counted.
 *
 * Mapping: vertices become nodes (name: the cell id, stable across edits of the drawing),
 * their style says the shape (style_shape()); edges need a source and a target; a vertex
 * whose parent is an edge is that edge's label; text cells, containers and groups are not
 * steps and are reported; waypoint shapes used as junctions are joined through. HTML values
 * are reduced to text. Positions: the line and column of the cell's tag in a plain page;
 * in a compressed page, the `<diagram>` tag (findings name the cell id).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zlib.h>

#include "fieldflow/mem.h"
#include "import_int.h"
#include "import_text.h"

#define DRAWIO_MAX_BYTES (4u * 1024u * 1024u)
#define DRAWIO_MAX_INFLATED (8u * 1024u * 1024u)
#define DRAWIO_MAX_CELLS 60000u
#define DRAWIO_MAX_EDGES 50000u

enum ckind { C_OTHER, C_NODE, C_EDGE, C_LABEL, C_TEXT, C_CONTAINER, C_JUNCTION };

struct cell {
    const char *id, *value, *style, *parent, *source, *target; /* borrowed from the doc */
    enum ckind kind;         /* what the cell is for the chart (classify()) */
    enum ff_imp_shape shape; /* C_NODE: from its style */
    struct ff_pos pos;       /* its tag, or the <diagram> tag of a compressed page */
    long node;               /* C_NODE: index in the graph */
    long lab;                /* C_EDGE: the first label cell, or -1 */
    long from, to;           /* C_EDGE: cell indexes, -1 when missing */
};

struct idref {
    const char *id;
    size_t cell;
};

struct dedge {
    long from, to; /* cell indexes */
    char *label;
    struct ff_pos pos;
};

struct dio {
    const char *file;       /* names the input in findings */
    struct ff_diags *diags; /* the caller's */
    const char *buf;        /* the file, for columns (borrowed) */
    size_t len;
    size_t *lines;         /* offset of each line start; lines[0] is line 1 */
    size_t nlines;         /* lines in the file */
    bool packed;           /* the page was compressed: positions are its <diagram> tag */
    struct ff_pos diagram; /* of the <diagram> tag */
    struct cell *cells;    /* the first page's cells, in document order */
    size_t ncells;
    struct idref *byid;  /* cells sorted by id */
    struct dedge *edges; /* between shapes, junctions joined through */
    size_t nedges, capedges;
    enum ff_err err; /* first hard failure: FF_ENOMEM or FF_ELIMIT */
};

static void note(struct dio *d, enum ff_severity sev, struct ff_pos pos, const char *path,
                 const char *code, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void note(struct dio *d, enum ff_severity sev, struct ff_pos pos, const char *path,
                 const char *code, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!ff_imp_note(d->diags, sev, d->file, pos, path, code, "%s", msg) && d->err == FF_OK)
        d->err = FF_ENOMEM;
}

/* ---- positions ---- */

static bool index_lines(struct dio *d)
{
    size_t n = 1;
    for (size_t i = 0; i < d->len; i++)
        n += d->buf[i] == '\n';
    d->lines = ff_malloc(n * sizeof *d->lines);
    if (!d->lines)
        return false;
    d->lines[0] = 0;
    d->nlines = 1;
    for (size_t i = 0; i < d->len; i++)
        if (d->buf[i] == '\n')
            d->lines[d->nlines++] = i + 1;
    return true;
}

/* Line and column of the tag `<name` on the line libxml2 gives (the tag may end there). */
static struct ff_pos tag_pos(const struct dio *d, const xmlNode *n)
{
    long line = xmlGetLineNo(n);
    if (line <= 0 || (size_t)line > d->nlines)
        return (struct ff_pos){0, 0};
    size_t from = d->lines[line - 1], to = (size_t)line < d->nlines ? d->lines[line] : d->len;
    size_t k = strlen((const char *)n->name);
    uint32_t col = 1;
    for (size_t i = from; i < to; i++) {
        if (d->buf[i] == '<' && to - i > k && !memcmp(d->buf + i + 1, n->name, k))
            return (struct ff_pos){(uint32_t)line, col};
        col += ((unsigned char)d->buf[i] & 0xC0) != 0x80;
    }
    return (struct ff_pos){(uint32_t)line, 1};
}

/* ---- XML ---- */

static bool is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* An attribute's text without copying; NULL when absent. */
static const char *attr(const xmlNode *n, const char *name)
{
    if (!n)
        return NULL;
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (!strcmp((const char *)a->name, name))
            return a->children && a->children->type == XML_TEXT_NODE
                       ? (const char *)a->children->content
                       : "";
    return NULL;
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is(c, name))
            return c;
    return NULL;
}

/* A DOCTYPE could declare entities (billion laughs) or load a DTD: refused up front. */
static bool has_doctype(const char *s, size_t n, size_t *at)
{
    for (size_t i = 0; i + 2 < n; i++) {
        if (s[i] == '<' && s[i + 1] == '!' && (s[i + 2] == 'D' || s[i + 2] == 'E')) {
            *at = i;
            return true;
        }
    }
    return false;
}

static xmlDoc *parse_xml(struct dio *d, const char *s, size_t n, struct ff_pos where)
{
    size_t at;
    if (has_doctype(s, n, &at)) {
        note(d, FF_SEV_ERROR, where, NULL, "drawio-doctype",
             "a DOCTYPE or ENTITY declaration (byte %zu) is refused: draw.io never writes one", at);
        return NULL;
    }
    xmlParserCtxt *ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        d->err = FF_ENOMEM;
        return NULL;
    }
    xmlDoc *doc = xmlCtxtReadMemory(ctxt, s, (int)n, d->file, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                        XML_PARSE_NOCDATA);
    if (!doc) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        char msg[300] = "not well-formed XML";
        if (e && e->message) {
            snprintf(msg, sizeof msg, "%s", e->message);
            msg[strcspn(msg, "\n")] = '\0';
        }
        struct ff_pos pos = where;
        if (!d->packed && e && e->line > 0)
            pos = (struct ff_pos){(uint32_t)e->line, e->int2 > 0 ? (uint32_t)e->int2 : 1};
        note(d, FF_SEV_ERROR, pos, NULL, "drawio-xml", "%s%s", d->packed ? "compressed page: " : "",
             msg);
    }
    xmlFreeParserCtxt(ctxt);
    return doc;
}

/* ---- compressed pages ---- */

static int b64(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' || c == '-' ? 62 : c == '/' || c == '_' ? 63 : -1;
}

/* Base64 into a new buffer; *n its length. NULL on a bad character (reported) or no memory. */
static unsigned char *unbase64(struct dio *d, const char *s, size_t *n)
{
    size_t len = strlen(s), k = 0;
    unsigned char *out = ff_malloc(len / 4 * 3 + 3);
    if (!out) {
        d->err = FF_ENOMEM;
        return NULL;
    }
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i], v = b64(c);
        if (c == '=' || c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        if (v < 0) {
            note(d, FF_SEV_ERROR, d->diagram, NULL, "drawio-compressed",
                 "the page is neither XML nor base64 (character %zu)", i + 1);
            ff_free(out);
            return NULL;
        }
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[k++] = (unsigned char)(acc >> bits);
        }
    }
    *n = k;
    return out;
}

/* Raw deflate, stopped at DRAWIO_MAX_INFLATED. */
static char *inflate_raw(struct dio *d, const unsigned char *in, size_t n, size_t *outn)
{
    z_stream z = {0};
    size_t cap = n * 4 + 1024, len = 0;
    char *out = NULL;
    if (inflateInit2(&z, -15) != Z_OK) {
        d->err = FF_ENOMEM;
        return NULL;
    }
    z.next_in = (unsigned char *)in;
    z.avail_in = (uInt)n;
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        if (cap > DRAWIO_MAX_INFLATED + 1)
            cap = DRAWIO_MAX_INFLATED + 1;
        if (len == cap) {
            note(d, FF_SEV_ERROR, d->diagram, NULL, "drawio-limit",
                 "the compressed page inflates to more than %u bytes", DRAWIO_MAX_INFLATED);
            d->err = FF_ELIMIT;
            goto out_fail;
        }
        char *grown = ff_realloc(out, cap + 1);
        if (!grown) {
            d->err = FF_ENOMEM;
            goto out_fail;
        }
        out = grown;
        z.next_out = (unsigned char *)out + len;
        z.avail_out = (uInt)(cap - len);
        rc = inflate(&z, Z_NO_FLUSH);
        len = cap - z.avail_out;
        if (rc == Z_STREAM_END)
            break;
        if ((rc != Z_OK && rc != Z_BUF_ERROR) || (z.avail_in == 0 && z.avail_out > 0)) {
            note(d, FF_SEV_ERROR, d->diagram, NULL, "drawio-compressed",
                 "the compressed page does not inflate (%s)",
                 z.msg                             ? z.msg
                 : rc == Z_OK || rc == Z_BUF_ERROR ? "it ends early"
                                                   : "bad data");
            goto out_fail;
        }
        if (len == cap)
            cap *= 2;
    }
    inflateEnd(&z);
    out[len] = '\0';
    *outn = len;
    return out;
out_fail:
    inflateEnd(&z);
    ff_free(out);
    return NULL;
}

static int hexval(int c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* URL decoding in place (decodeURIComponent: %XX only). */
static size_t unurl(char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int h, l;
        if (s[i] == '%' && i + 2 < n && (h = hexval((unsigned char)s[i + 1])) >= 0 &&
            (l = hexval((unsigned char)s[i + 2])) >= 0) {
            s[k++] = (char)(h << 4 | l);
            i += 2;
        } else {
            s[k++] = s[i];
        }
    }
    s[k] = '\0';
    return k;
}

/* The page's model from a compressed <diagram>: its own XML document. */
static xmlDoc *unpack(struct dio *d, const char *text)
{
    size_t n = 0, xn = 0;
    d->packed = true;
    unsigned char *raw = unbase64(d, text, &n);
    if (!raw)
        return NULL;
    char *xml = inflate_raw(d, raw, n, &xn);
    ff_free(raw);
    if (!xml)
        return NULL;
    if (xn && xml[0] == '%')
        xn = unurl(xml, xn);
    xmlDoc *doc = parse_xml(d, xml, xn, d->diagram);
    ff_free(xml);
    return doc;
}

/* ---- styles ---- */

/* The value of `key` in a draw.io style ("rhombus;whiteSpace=wrap;shape=x"), copied into
 * buf; false when absent. A bare first word counts as key "" (the base style). */
static bool style_get(const char *style, const char *key, char *buf, size_t size)
{
    size_t kn = strlen(key);
    for (const char *p = style; p && *p;) {
        const char *end = strchr(p, ';');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        bool match =
            kn ? eq && (size_t)(eq - p) == kn && !memcmp(p, key, kn) : !eq && n > 0 && p == style;
        if (match) {
            const char *v = kn ? eq + 1 : p;
            size_t vn = n - (size_t)(v - p);
            snprintf(buf, size, "%.*s", (int)vn, v);
            return true;
        }
        p = end ? end + 1 : NULL;
    }
    return false;
}

static const struct {
    const char *name;
    enum ff_imp_shape shape;
} shapes[] = {
    {"ellipse", FF_IMP_SHAPE_TERMINAL},
    {"doubleEllipse", FF_IMP_SHAPE_END},
    {"rhombus", FF_IMP_SHAPE_DECISION},
    {"parallelogram", FF_IMP_SHAPE_DATA},
    {"document", FF_IMP_SHAPE_DOCUMENT},
    {"process", FF_IMP_SHAPE_SUBROUTINE},
    {"mxgraph.flowchart.start_1", FF_IMP_SHAPE_TERMINAL},
    {"mxgraph.flowchart.start_2", FF_IMP_SHAPE_TERMINAL},
    {"mxgraph.flowchart.terminator", FF_IMP_SHAPE_TERMINAL},
    {"mxgraph.flowchart.decision", FF_IMP_SHAPE_DECISION},
    {"mxgraph.flowchart.data", FF_IMP_SHAPE_DATA},
    {"mxgraph.flowchart.manual_input", FF_IMP_SHAPE_DATA},
    {"manualInput", FF_IMP_SHAPE_DATA},
    {"mxgraph.flowchart.process", FF_IMP_SHAPE_PROCESS},
    {"mxgraph.flowchart.document", FF_IMP_SHAPE_DOCUMENT},
    {"mxgraph.flowchart.multi-document", FF_IMP_SHAPE_DOCUMENT},
    {"mxgraph.flowchart.predefined_process", FF_IMP_SHAPE_SUBROUTINE},
};

/* Kind and shape of a vertex from its style. `name` receives the shape as written. */
static enum ckind style_shape(const char *style, enum ff_imp_shape *shape, char *name, size_t size)
{
    char base[64] = "", v[64] = "";
    style = style ? style : "";
    style_get(style, "", base, sizeof base);
    if (!strcmp(base, "text") || !strcmp(base, "edgeLabel"))
        return C_TEXT;
    if (!strcmp(base, "swimlane") || !strcmp(base, "group") ||
        (style_get(style, "container", v, sizeof v) && !strcmp(v, "1")))
        return C_CONTAINER;
    if (!style_get(style, "shape", name, size))
        snprintf(name, size, "%s", base);
    if (!strcmp(name, "waypoint"))
        return C_JUNCTION;
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
        if (!strcmp(name, shapes[i].name)) {
            *shape = shapes[i].shape;
            return C_NODE;
        }
    }
    if (*name && strcmp(name, "rect") && strcmp(name, "rectangle") && strcmp(name, "label")) {
        *shape = FF_IMP_SHAPE_OTHER;
        return C_NODE;
    }
    bool rounded = style_get(style, "rounded", v, sizeof v) && !strcmp(v, "1");
    *shape = rounded ? FF_IMP_SHAPE_TERMINAL : FF_IMP_SHAPE_PROCESS;
    snprintf(name, size, "%s", rounded ? "rounded rectangle" : "rectangle");
    return C_NODE;
}

static bool html_style(const char *style)
{
    char v[8];
    return style && style_get(style, "html", v, sizeof v) && !strcmp(v, "1");
}

/* ---- cells ---- */

static int cmp_ref(const void *a, const void *b)
{
    return strcmp(((const struct idref *)a)->id, ((const struct idref *)b)->id);
}

/* The cell with `id`, or -1. */
static long find(const struct dio *d, const char *id)
{
    if (!id)
        return -1;
    struct idref key = {id, 0};
    const struct idref *r = bsearch(&key, d->byid, d->ncells, sizeof *d->byid, cmp_ref);
    return r ? (long)r->cell : -1;
}

/* The cells of the page's <root>, in document order. `object`/`UserObject` wrappers carry
 * the id and the label of the mxCell inside them. */
static bool collect(struct dio *d, const xmlNode *root)
{
    size_t n = 0;
    for (const xmlNode *c = root->children; c; c = c->next)
        n += c->type == XML_ELEMENT_NODE;
    if (n > DRAWIO_MAX_CELLS) {
        note(d, FF_SEV_ERROR, d->packed ? d->diagram : tag_pos(d, root), NULL, "drawio-limit",
             "%zu cells: more than %u", n, DRAWIO_MAX_CELLS);
        d->err = FF_ELIMIT;
        return false;
    }
    d->cells = ff_calloc(n ? n : 1, sizeof *d->cells);
    d->byid = ff_calloc(n ? n : 1, sizeof *d->byid);
    if (!d->cells || !d->byid) {
        d->err = FF_ENOMEM;
        return false;
    }
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        const xmlNode *mx = is(c, "mxCell") ? c : child(c, "mxCell");
        const char *id = attr(c, "id");
        if (!mx || !id)
            continue;
        struct cell *x = &d->cells[d->ncells];
        *x = (struct cell){.id = id,
                           .value = mx == c ? attr(c, "value") : attr(c, "label"),
                           .style = attr(mx, "style"),
                           .parent = attr(mx, "parent"),
                           .source = attr(mx, "source"),
                           .target = attr(mx, "target"),
                           .pos = d->packed ? d->diagram : tag_pos(d, c),
                           .node = -1,
                           .lab = -1,
                           .from = -1,
                           .to = -1};
        const char *v = attr(mx, "vertex"), *e = attr(mx, "edge");
        x->kind = e && !strcmp(e, "1") ? C_EDGE : v && !strcmp(v, "1") ? C_NODE : C_OTHER;
        d->byid[d->ncells] = (struct idref){id, d->ncells};
        d->ncells++;
    }
    qsort(d->byid, d->ncells, sizeof *d->byid, cmp_ref);
    for (size_t i = 1; i < d->ncells; i++) {
        if (!strcmp(d->byid[i].id, d->byid[i - 1].id)) {
            note(d, FF_SEV_ERROR, d->cells[d->byid[i].cell].pos, NULL, "drawio-duplicate-id",
                 "two cells have the id \"%.60s\"", d->byid[i].id);
            return false;
        }
    }
    return true;
}

/* A cell named in findings: its id, and its page when positions cannot show it. */
static void cell_path(const struct dio *d, const struct cell *x, char *buf, size_t size)
{
    snprintf(buf, size, "cell \"%.60s\"%s", x->id, d->packed ? " (compressed page)" : "");
}

static char *text_of(struct dio *d, const char *value, const char *style)
{
    char *t = NULL;
    if (!value)
        return NULL;
    enum ff_err err =
        ff_imp_text_plain(value, strlen(value), html_style(style) ? FF_IMP_TEXT_HTML : 0, &t);
    if (err != FF_OK)
        d->err = err;
    return t;
}

/* Kinds of vertices; labels attached to their edges. */
static void classify(struct dio *d)
{
    char path[100];
    for (size_t i = 0; i < d->ncells; i++) {
        struct cell *x = &d->cells[i];
        if (x->kind == C_EDGE) {
            x->from = find(d, x->source);
            x->to = find(d, x->target);
            continue;
        }
        if (x->kind != C_NODE)
            continue;
        long p = find(d, x->parent);
        if (p >= 0 && d->cells[p].kind == C_EDGE) {
            x->kind = C_LABEL;
            if (d->cells[p].lab < 0)
                d->cells[p].lab = (long)i;
            continue;
        }
        char name[64] = "";
        x->kind = style_shape(x->style, &x->shape, name, sizeof name);
        cell_path(d, x, path, sizeof path);
        if (x->kind == C_TEXT) {
            char *t = text_of(d, x->value, x->style);
            if (t)
                note(d, FF_SEV_WARNING, x->pos, path, "drawio-text-ignored",
                     "free text \"%.60s\" is not attached to an edge or a shape: ignored", t);
            ff_free(t);
        } else if (x->kind == C_CONTAINER) {
            note(d, FF_SEV_WARNING, x->pos, path, "drawio-container",
                 "a container or group: its shapes join the chart, the container is dropped");
        }
    }
}

static bool add_dedge(struct dio *d, long from, long to, const char *label, struct ff_pos pos)
{
    if (d->nedges >= DRAWIO_MAX_EDGES) {
        note(d, FF_SEV_ERROR, pos, NULL, "drawio-limit", "more than %u edges", DRAWIO_MAX_EDGES);
        d->err = FF_ELIMIT;
        return false;
    }
    if (d->nedges == d->capedges) {
        size_t cap = d->capedges ? d->capedges * 2 : 32;
        struct dedge *v = ff_realloc(d->edges, cap * sizeof *v);
        if (!v) {
            d->err = FF_ENOMEM;
            return false;
        }
        d->edges = v;
        d->capedges = cap;
    }
    char *copy = NULL;
    if (label && !(copy = ff_strdup(label))) {
        d->err = FF_ENOMEM;
        return false;
    }
    d->edges[d->nedges++] = (struct dedge){from, to, copy, pos};
    return true;
}

/* Edges between shapes, with their labels; dangling ones reported. */
static void gather_edges(struct dio *d)
{
    char path[100];
    for (size_t i = 0; i < d->ncells && d->err == FF_OK; i++) {
        const struct cell *x = &d->cells[i];
        if (x->kind != C_EDGE)
            continue;
        cell_path(d, x, path, sizeof path);
        bool ok_from = x->from >= 0 &&
                       (d->cells[x->from].kind == C_NODE || d->cells[x->from].kind == C_JUNCTION);
        bool ok_to =
            x->to >= 0 && (d->cells[x->to].kind == C_NODE || d->cells[x->to].kind == C_JUNCTION);
        if (!ok_from || !ok_to) {
            long end = !ok_from ? x->from : x->to;
            note(d, FF_SEV_WARNING, x->pos, path, "drawio-edge-dropped",
                 "an edge whose %s %s: dropped", !ok_from ? "source" : "target",
                 end < 0 ? "is not connected to a shape" : "is free text or a container");
            continue;
        }
        char *label = text_of(d, x->value, x->style);
        if (!label && x->lab >= 0)
            label = text_of(d, d->cells[x->lab].value, d->cells[x->lab].style);
        add_dedge(d, x->from, x->to, label, x->pos);
        ff_free(label);
    }
}

/* A waypoint used as a junction: every edge in is joined to every edge out. */
static void join_junctions(struct dio *d)
{
    for (size_t j = 0; j < d->ncells && d->err == FF_OK; j++) {
        if (d->cells[j].kind != C_JUNCTION)
            continue;
        size_t n = d->nedges;
        for (size_t a = 0; a < n && d->err == FF_OK; a++) {
            if (d->edges[a].to != (long)j || d->edges[a].from == (long)j)
                continue;
            for (size_t b = 0; b < n && d->err == FF_OK; b++) {
                if (d->edges[b].from != (long)j || d->edges[b].to == (long)j)
                    continue;
                const char *label = d->edges[b].label ? d->edges[b].label : d->edges[a].label;
                add_dedge(d, d->edges[a].from, d->edges[b].to, label, d->edges[a].pos);
            }
        }
        size_t k = 0;
        for (size_t e = 0; e < d->nedges; e++) {
            if (d->edges[e].from == (long)j || d->edges[e].to == (long)j)
                ff_free(d->edges[e].label);
            else
                d->edges[k++] = d->edges[e];
        }
        d->nedges = k;
        char path[100];
        cell_path(d, &d->cells[j], path, sizeof path);
        note(d, FF_SEV_WARNING, d->cells[j].pos, path, "drawio-junction",
             "a waypoint joins edges: each edge in now goes to each target after it");
    }
}

static enum ff_err build(struct dio *d, struct ff_imp_graph *g)
{
    for (size_t i = 0; i < d->ncells && d->err == FF_OK; i++) {
        struct cell *x = &d->cells[i];
        if (x->kind != C_NODE)
            continue;
        char name[64] = "";
        enum ff_imp_shape shape = FF_IMP_SHAPE_PROCESS;
        style_shape(x->style, &shape, name, sizeof name);
        char *label = text_of(d, x->value, x->style);
        if (d->err != FF_OK)
            break;
        x->node = ff_imp_add_node(g, x->id, label, shape, name, x->pos);
        ff_free(label);
        if (x->node < 0)
            d->err = FF_ENOMEM;
    }
    for (size_t e = 0; e < d->nedges && d->err == FF_OK; e++) {
        const struct dedge *x = &d->edges[e];
        long a = d->cells[x->from].node, b = d->cells[x->to].node;
        if (a >= 0 && b >= 0 && !ff_imp_add_edge(g, (size_t)a, (size_t)b, x->label, x->pos))
            d->err = FF_ENOMEM;
    }
    return d->err;
}

/* ---- pages ---- */

/* The first page's <root>; *doc2 is set when it had to be inflated into its own document. */
static const xmlNode *first_page(struct dio *d, const xmlNode *top, xmlDoc **doc2)
{
    const xmlNode *model = NULL;
    if (is(top, "mxGraphModel")) {
        model = top;
    } else if (is(top, "mxfile")) {
        const xmlNode *page = child(top, "diagram");
        if (!page) {
            note(d, FF_SEV_ERROR, tag_pos(d, top), NULL, "drawio-empty",
                 "the file has no <diagram> page");
            return NULL;
        }
        d->diagram = tag_pos(d, page);
        int k = 1;
        for (const xmlNode *p = page->next; p; p = p->next) {
            if (!is(p, "diagram"))
                continue;
            const char *name = attr(p, "name");
            note(d, FF_SEV_WARNING, tag_pos(d, p), NULL, "drawio-page-ignored",
                 "page %d \"%.60s\" ignored: only the first page is read", ++k, name ? name : "");
        }
        model = child(page, "mxGraphModel");
        if (!model) {
            xmlChar *text = xmlNodeGetContent(page);
            if (!text) {
                d->err = FF_ENOMEM;
                return NULL;
            }
            const char *t = (const char *)text;
            t += strspn(t, " \t\r\n");
            if (!*t) {
                note(d, FF_SEV_ERROR, d->diagram, NULL, "drawio-empty", "the first page is empty");
            } else if (*t == '<') { /* the model as escaped text, not compressed */
                d->packed = true;
                *doc2 = parse_xml(d, t, strlen(t), d->diagram);
            } else {
                *doc2 = unpack(d, t);
            }
            model = *doc2 ? xmlDocGetRootElement(*doc2) : NULL;
            if (*doc2 && !is(model, "mxGraphModel")) {
                note(d, FF_SEV_ERROR, d->diagram, NULL, "drawio-not-drawio",
                     "the page holds no <mxGraphModel>");
                model = NULL;
            }
            xmlFree(text);
        }
    } else {
        note(d, FF_SEV_ERROR, tag_pos(d, top), NULL, "drawio-not-drawio",
             "<%.40s> is not a draw.io file (expected <mxfile> or <mxGraphModel>)",
             (const char *)top->name);
        return NULL;
    }
    const xmlNode *root = model ? child(model, "root") : NULL;
    if (model && !root)
        note(d, FF_SEV_ERROR, d->packed ? d->diagram : tag_pos(d, model), NULL, "drawio-empty",
             "<mxGraphModel> has no <root>");
    return root;
}

static void dio_free(struct dio *d)
{
    for (size_t e = 0; e < d->nedges; e++)
        ff_free(d->edges[e].label);
    ff_free(d->edges);
    ff_free(d->cells);
    ff_free(d->byid);
    ff_free(d->lines);
}

enum ff_err ff_imp_read_drawio(const char *buf, size_t len, const char *file,
                               struct ff_diags *diags, struct ff_imp_graph *out)
{
    struct dio d = {.file = file, .diags = diags, .buf = buf, .len = len};
    out->file = file;
    out->format = "drawio";
    if (len > DRAWIO_MAX_BYTES) {
        note(&d, FF_SEV_ERROR, (struct ff_pos){0, 0}, NULL, "drawio-limit",
             "%zu bytes: larger than the %u bytes a draw.io file may have", len, DRAWIO_MAX_BYTES);
        return d.err == FF_ENOMEM ? FF_ENOMEM : FF_ELIMIT;
    }
    if (!index_lines(&d))
        return FF_ENOMEM;
    xmlDoc *doc = parse_xml(&d, buf, len, (struct ff_pos){1, 1}), *doc2 = NULL;
    enum ff_err err = FF_EPARSE;
    if (doc) {
        const xmlNode *root = first_page(&d, xmlDocGetRootElement(doc), &doc2);
        if (root && collect(&d, root)) {
            classify(&d);
            gather_edges(&d);
            join_junctions(&d);
            err = d.err == FF_OK ? build(&d, out) : d.err;
            if (err == FF_OK && !out->nnodes) {
                note(&d, FF_SEV_ERROR, d.packed ? d.diagram : (struct ff_pos){1, 1}, NULL,
                     "drawio-empty", "the page has no shapes");
                err = d.err == FF_OK ? FF_EPARSE : d.err;
            }
        }
        out->pos = d.diagram;
    }
    if (err == FF_EPARSE && d.err != FF_OK)
        err = d.err;
    if (err == FF_OK)
        err = ff_imp_file_stem(file, &out->name);
    xmlFreeDoc(doc2);
    xmlFreeDoc(doc);
    dio_free(&d);
    return err;
}
