/* test_import_drawio.c - the draw.io front end (ff_imp_read_drawio) on the drawing it
 * produces: style -> shape mapping, HTML values, edge labels from values and label cells,
 * positions, the same page compressed (base64, raw deflate, URL encoding), pages, free
 * text, junctions, refusals (DOCTYPE, bad XML, not draw.io, zip bomb, size) and failed
 * allocations through ff_import().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "fieldflow/chart.h"
#include "fieldflow/import.h"
#include "fieldflow/mem.h"
#include "harness.h"
#include "import_int.h"
#include "import_testlib.h"

static void read_dio(struct imp_read *r, const char *text, size_t len)
{
    imp_read(r, ff_imp_read_drawio, text, len, "t.drawio");
}

/* The model of one page: a cell per shape style, edges labelled by value, by a label cell
 * and not at all, free text, a junction. Line numbers matter: the test checks them. */
static const char model[] =
    "<mxGraphModel dx=\"1\"><root>\n"                     /* 1 */
    "<mxCell id=\"0\"/><mxCell id=\"1\" parent=\"0\"/>\n" /* 2 */
    "<mxCell id=\"s\" value=\"Start\" style=\"ellipse;html=1;\" vertex=\"1\" parent=\"1\"/>\n"
    "<mxCell id=\"q\" value=\"&lt;div&gt;Is it&lt;/div&gt;&lt;div&gt;on?&amp;nbsp;&lt;br&gt;"
    "&lt;/div&gt;\" style=\"rhombus;whiteSpace=wrap;html=1;\" vertex=\"1\" parent=\"1\"/>\n"
    "  <mxCell id=\"in\" value=\"Type &lt;b&gt;it&lt;/b&gt;\" "
    "style=\"shape=parallelogram;perimeter=parallelogramPerimeter;html=1;\" vertex=\"1\" "
    "parent=\"1\"/>\n" /* 5 */
    "<mxCell id=\"p\" value=\"Plain&#xa;lines\" style=\"whiteSpace=wrap;\" vertex=\"1\" "
    "parent=\"1\"/>\n"
    "<mxCell id=\"t\" value=\"Stop\" style=\"shape=mxgraph.flowchart.terminator;\" vertex=\"1\" "
    "parent=\"1\"/>\n"
    "<mxCell id=\"d\" value=\"Doc\" style=\"shape=mxgraph.flowchart.decision;\" vertex=\"1\" "
    "parent=\"1\"/>\n"
    "<mxCell id=\"r\" value=\"Round\" style=\"rounded=1;\" vertex=\"1\" parent=\"1\"/>\n"
    "<mxCell id=\"x\" value=\"Odd\" style=\"shape=hexagon;\" vertex=\"1\" parent=\"1\"/>\n" /* 10 */
    "<UserObject label=\"Wrapped\" id=\"u\"><mxCell style=\"shape=document;\" vertex=\"1\" "
    "parent=\"1\"/></UserObject>\n"
    "<mxCell id=\"e1\" style=\"edgeStyle=none;\" edge=\"1\" parent=\"1\" source=\"s\" "
    "target=\"q\"/>\n"
    "<mxCell id=\"e2\" value=\"Yes\" edge=\"1\" parent=\"1\" source=\"q\" target=\"in\"/>\n"
    "<mxCell id=\"e3\" value=\"\" edge=\"1\" parent=\"1\" source=\"q\" target=\"w\"/>\n"
    "<mxCell id=\"l3\" value=\"No\" style=\"edgeLabel;html=1;\" vertex=\"1\" connectable=\"0\" "
    "parent=\"e3\"/>\n" /* 15 */
    "<mxCell id=\"w\" style=\"shape=waypoint;\" vertex=\"1\" parent=\"1\"/>\n"
    "<mxCell id=\"e4\" edge=\"1\" parent=\"1\" source=\"w\" target=\"t\"/>\n"
    "<mxCell id=\"e5\" edge=\"1\" parent=\"1\" source=\"in\" target=\"nowhere\"/>\n"
    "<mxCell id=\"txt\" value=\"TRUE\" style=\"text;html=1;\" vertex=\"1\" parent=\"1\"/>\n"
    "</root></mxGraphModel>\n"; /* 20 */

static void check_model(const struct imp_read *r)
{
    CHECK_INT(r->err, FF_OK);
    CHECK_INT(r->g.nnodes, 9); /* s q in p t d r x u: not the waypoint, label or text */
    static const struct {
        const char *id;
        enum ff_imp_shape shape;
        const char *label;
    } want[] = {
        {"s", FF_IMP_SHAPE_TERMINAL, "Start"},   {"q", FF_IMP_SHAPE_DECISION, "Is it\non?"},
        {"in", FF_IMP_SHAPE_DATA, "Type it"},    {"p", FF_IMP_SHAPE_PROCESS, "Plain\nlines"},
        {"t", FF_IMP_SHAPE_TERMINAL, "Stop"},    {"d", FF_IMP_SHAPE_DECISION, "Doc"},
        {"r", FF_IMP_SHAPE_TERMINAL, "Round"},   {"x", FF_IMP_SHAPE_OTHER, "Odd"},
        {"u", FF_IMP_SHAPE_DOCUMENT, "Wrapped"},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const struct ff_imp_node *n = imp_node(r, want[i].id);
        if (!n)
            continue;
        CHECK_INT(n->shape, want[i].shape);
        CHECK_STR(n->label ? n->label : "(none)", want[i].label);
    }
    CHECK_INT(r->g.nedges, 3); /* s->q, q->in "Yes", q->t "No" through the waypoint */
    if (r->g.nedges == 3) {
        CHECK_STR(r->g.edges[1].label ? r->g.edges[1].label : "", "Yes");
        CHECK_STR(r->g.nodes[r->g.edges[2].to].name, "t");
        CHECK_STR(r->g.edges[2].label ? r->g.edges[2].label : "", "No");
    }
    CHECK(imp_finding(r, "drawio-junction") != NULL);
    CHECK(imp_finding(r, "drawio-text-ignored") != NULL);
    CHECK(imp_finding(r, "drawio-edge-dropped") != NULL);
}

static void test_plain(void)
{
    struct imp_read r;
    char file[sizeof model + 200];
    int n = snprintf(file, sizeof file,
                     "<mxfile host=\"test\">\n<diagram id=\"a\" name=\"Page-1\">%s</diagram>\n"
                     "<diagram id=\"b\" name=\"Two\"><mxGraphModel/></diagram></mxfile>\n",
                     model);
    read_dio(&r, file, (size_t)n);
    check_model(&r);
    const struct ff_imp_node *x = imp_node(&r, "in");
    if (x) { /* line 5 of the model is line 6 of the file, indented by two */
        CHECK_INT(x->pos.line, 6);
        CHECK_INT(x->pos.col, 3);
        CHECK_STR(x->shape_name ? x->shape_name : "", "parallelogram");
    }
    const struct ff_diag *d = imp_finding(&r, "drawio-page-ignored");
    CHECK(d != NULL);
    if (d)
        CHECK_INT(d->pos.line, 23);
    CHECK_STR(r.g.name ? r.g.name : "", "t");
    imp_read_free(&r);

    read_dio(&r, model, sizeof model - 1); /* a bare mxGraphModel */
    check_model(&r);
    imp_read_free(&r);
}

static void base64(const unsigned char *in, size_t n, char *out)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t k = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) |
                     (i + 2 < n ? in[i + 2] : 0);
        out[k++] = abc[v >> 18 & 63];
        out[k++] = abc[v >> 12 & 63];
        out[k++] = i + 1 < n ? abc[v >> 6 & 63] : '=';
        out[k++] = i + 2 < n ? abc[v & 63] : '=';
    }
    out[k] = '\0';
}

/* draw.io's compression: encodeURIComponent, raw deflate, base64. */
static char *pack(const char *xml, size_t n, bool urlencode)
{
    char *url = malloc(n * 3 + 1);
    size_t un = 0;
    for (size_t i = 0; url && i < n; i++) {
        unsigned char c = (unsigned char)xml[i];
        if (urlencode && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || strchr("-_.!~*'()", c)))
            un += (size_t)snprintf(url + un, 4, "%%%02X", c);
        else
            url[un++] = (char)c;
    }
    uLong cap = compressBound((uLong)un) + 64;
    unsigned char *z = malloc(cap);
    char *b = malloc(cap * 2 + 8);
    z_stream s = {0};
    if (!url || !z || !b || deflateInit2(&s, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(url), free(z), free(b);
        return NULL;
    }
    s.next_in = (unsigned char *)url;
    s.avail_in = (uInt)un;
    s.next_out = z;
    s.avail_out = (uInt)cap;
    deflate(&s, Z_FINISH);
    base64(z, s.total_out, b);
    deflateEnd(&s);
    free(url);
    free(z);
    return b;
}

static void test_compressed(void)
{
    char *b = pack(model, sizeof model - 1, true);
    CHECK(b != NULL);
    if (!b)
        return;
    size_t cap = strlen(b) + 200;
    char *file = malloc(cap);
    if (file) {
        struct imp_read r;
        int n = snprintf(file, cap, "<mxfile>\n  <diagram name=\"P\">%s</diagram>\n</mxfile>", b);
        read_dio(&r, file, (size_t)n);
        check_model(&r);
        const struct ff_imp_node *x = imp_node(&r, "in");
        if (x) { /* the <diagram> tag, since the cell has no line of its own in the file */
            CHECK_INT(x->pos.line, 2);
            CHECK_INT(x->pos.col, 3);
        }
        const struct ff_diag *d = imp_finding(&r, "drawio-text-ignored");
        CHECK(d && strstr(d->path, "cell \"txt\" (compressed page)"));
        imp_read_free(&r);
        free(file);
    }
    free(b);
}

/* The model written as escaped text inside <diagram> (neither a child element nor
 * compressed) reads the same. */
static void test_escaped(void)
{
    size_t cap = sizeof model * 6 + 64, k = 0;
    char *file = malloc(cap);
    if (!file)
        return;
    k += (size_t)snprintf(file, cap, "<mxfile><diagram>");
    for (const char *p = model; *p; p++) {
        const char *e = *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : *p == '&' ? "&amp;" : NULL;
        if (e)
            k += (size_t)snprintf(file + k, cap - k, "%s", e);
        else
            file[k++] = *p;
    }
    k += (size_t)snprintf(file + k, cap - k, "</diagram></mxfile>");
    struct imp_read r;
    read_dio(&r, file, k);
    check_model(&r);
    imp_read_free(&r);
    free(file);
}

/* Refusals: the result, the code and the position of the first error. */
static void test_refused(void)
{
    static const struct {
        const char *src;
        enum ff_err err;
        const char *code;
        unsigned line, col;
    } cases[] = {
        {"<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"aaaa\">]>\n<mxfile/>", FF_EPARSE,
         "drawio-doctype", 1, 1},
        {"<mxfile>\n  <diagram>\n</mxfile>", FF_EPARSE, "drawio-xml", 3, 10},
        {"<svg/>", FF_EPARSE, "drawio-not-drawio", 1, 1},
        {"not xml at all", FF_EPARSE, "drawio-xml", 1, 1},
        {"<mxfile>\n</mxfile>", FF_EPARSE, "drawio-empty", 1, 1},
        {"<mxfile>\n<diagram>@@@@</diagram></mxfile>", FF_EPARSE, "drawio-compressed", 2, 1},
        {"<mxfile>\n<diagram>AAAA</diagram></mxfile>", FF_EPARSE, "drawio-compressed", 2, 1},
        {"<mxfile>\n<diagram>&lt;svg/&gt;</diagram></mxfile>", FF_EPARSE, "drawio-not-drawio", 2,
         1},
        {"<mxGraphModel><root><mxCell id=\"0\"/></root></mxGraphModel>", FF_EPARSE, "drawio-empty",
         1, 1},
        {"<mxGraphModel><root>\n<mxCell id=\"a\" vertex=\"1\"/>\n<mxCell id=\"a\" "
         "vertex=\"1\"/></root></mxGraphModel>",
         FF_EPARSE, "drawio-duplicate-id", 3, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct imp_read r;
        read_dio(&r, cases[i].src, strlen(cases[i].src));
        CHECK_MSG(r.err == cases[i].err, cases[i].src);
        CHECK_MSG(r.d.nerrors > 0, cases[i].src);
        if (r.d.nerrors > 0) {
            CHECK_STR(r.d.v[0].code, cases[i].code);
            CHECK_MSG(r.d.v[0].pos.line == cases[i].line && r.d.v[0].pos.col == cases[i].col,
                      cases[i].src);
        }
        imp_read_free(&r);
    }
}

/* A page that inflates past the cap stops there; a file past the size cap is not read. */
static void test_bounds(void)
{
    size_t n = 9u * 1024u * 1024u;
    char *spaces = malloc(n);
    if (!spaces)
        return;
    memset(spaces, ' ', n);
    memcpy(spaces, "<mxGraphModel>", 14);
    char *b = pack(spaces, n, false);
    CHECK(b != NULL);
    if (b) {
        size_t cap = strlen(b) + 64;
        char *file = malloc(cap);
        if (file) {
            struct imp_read r;
            int len = snprintf(file, cap, "<mxfile><diagram>%s</diagram></mxfile>", b);
            CHECK(len < 100000); /* a few kilobytes that would inflate to 9 MB */
            read_dio(&r, file, (size_t)len);
            CHECK_INT(r.err, FF_ELIMIT);
            CHECK(imp_finding(&r, "drawio-limit") != NULL);
            imp_read_free(&r);
            free(file);
        }
        free(b);
    }
    struct imp_read r;
    memcpy(spaces, "<mxfile>", 8);
    read_dio(&r, spaces, 5u * 1024u * 1024u);
    CHECK_INT(r.err, FF_ELIMIT);
    imp_read_free(&r);
    free(spaces);
}

/* The whole import: the model above becomes a chart that validates. */
static void test_import(void)
{
    struct ff_diags d;
    char *json = NULL;
    struct ff_chart *c = NULL;
    ff_diags_init(&d);
    static const char flow[] =
        "<mxGraphModel><root><mxCell id=\"0\"/><mxCell id=\"1\" parent=\"0\"/>\n"
        "<mxCell id=\"s\" value=\"Start\" style=\"ellipse;\" vertex=\"1\" parent=\"1\"/>\n"
        "<mxCell id=\"q\" value=\"Power on?\" style=\"rhombus;\" vertex=\"1\" parent=\"1\"/>\n"
        "<mxCell id=\"y\" value=\"Done\" style=\"ellipse;\" vertex=\"1\" parent=\"1\"/>\n"
        "<mxCell id=\"n\" value=\"Switch it on\" vertex=\"1\" parent=\"1\"/>\n"
        "<mxCell id=\"1a\" edge=\"1\" source=\"s\" target=\"q\" parent=\"1\"/>\n"
        "<mxCell id=\"1b\" value=\"Yes\" edge=\"1\" source=\"q\" target=\"y\" parent=\"1\"/>\n"
        "<mxCell id=\"1c\" value=\"No\" edge=\"1\" source=\"q\" target=\"n\" parent=\"1\"/>\n"
        "<mxCell id=\"1d\" edge=\"1\" source=\"n\" target=\"q\" parent=\"1\"/>\n"
        "</root></mxGraphModel>";
    CHECK_INT(ff_import(FF_IMPORT_DRAWIO, flow, sizeof flow - 1, "f.drawio", "en", &d, &json),
              FF_OK);
    if (json && ff_chart_parse(json, strlen(json), "f.json", &d, &c) == FF_OK) {
        int q = ff_chart_find_node(c, "q");
        CHECK(q >= 0);
        if (q >= 0) {
            CHECK_INT(c->nodes[q].kind, FF_NODE_DECISION);
            CHECK_INT(c->nodes[q].noptions, 2);
        }
        CHECK_INT(c->nodes[c->start_index].kind, FF_NODE_START);
    }
    ff_chart_free(c);
    ff_free(json);
    ff_diags_free(&d);
}

static enum ff_err fault_import(const char *src, size_t n)
{
    struct ff_diags d;
    char *out = NULL;
    ff_diags_init(&d);
    enum ff_err err = ff_import(FF_IMPORT_DRAWIO, src, n, "f.drawio", "en", &d, &out);
    CHECK((err == FF_OK) == (out != NULL));
    ff_free(out);
    ff_diags_free(&d);
    return err;
}

/* Fails the Nth allocation for N = 0, 1, 2... until the import of the compressed model
 * succeeds (the back end may refuse the drawing: FF_EINVALID is its success here). */
static void test_faults(void)
{
    char *b = pack(model, sizeof model - 1, true);
    size_t cap = b ? strlen(b) + 64 : 0;
    char *file = b ? malloc(cap) : NULL;
    if (!file) {
        free(b);
        return;
    }
    int len = snprintf(file, cap, "<mxfile><diagram>%s</diagram></mxfile>", b);
    for (long n = 0; n < 100000; n++) {
        ff_mem_fail_after(n);
        enum ff_err err = fault_import(file, (size_t)len);
        ff_mem_fail_after(-1);
        if (err != FF_ENOMEM) {
            CHECK(err == FF_OK || err == FF_EINVALID);
            break;
        }
    }
    free(file);
    free(b);
}

int main(void)
{
    test_plain();
    test_compressed();
    test_escaped();
    test_refused();
    test_bounds();
    test_import();
    test_faults();
    return ff_test_finish();
}
