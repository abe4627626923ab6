/* graph_import.c - a DOT digraph read into a chart document (format 1 JSON text).
 *
 * Authors draw charts in Graphviz; this brings them in. Shapes say the kind (see graph.h),
 * edge labels at diamonds become options, labels become text in one locale. Whatever DOT
 * says that a chart cannot (other shapes, HTML labels, clusters, branching boxes, unlabeled
 * decision edges) is reported as a warning naming the DOT node or edge, with the fallback
 * taken. The JSON is then checked by the chart loader, which decides if it is a chart.
 *
 * Hostile input: DOT goes to libcgraph's yacc parser only after a cheap pre-scan has bounded
 * its size, its count of identifiers/strings and its brace nesting, so the parser never sees
 * more than FF_DOT_MAX_BYTES or a pathological depth. The graph is never laid out here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "graph_int.h"

#define DOT_MAX_DEPTH 64
#define ID_MAX 60
#define REC_NAME "ff_import"

/* Per-node record bound to the cgraph node, to find our entry from an edge's head. */
struct irec {
    Agrec_t h;
    int index;
};

struct inode {
    Agnode_t *n;
    char *id;    /* chart node id: sanitized, unique */
    char *title; /* label text */
    enum ff_node_kind kind;
    bool success;        /* end */
    const char *outcome; /* end: outcome code */
};

struct imp {
    Agraph_t *g;
    const char *file;
    const char *locale;
    struct ff_diags *diags;
    struct inode *nodes;
    size_t n;
    bool oom;
};

static void note(struct imp *x, const char *path, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void note(struct imp *x, const char *path, const char *code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!ff_graph_diag(x->diags, FF_SEV_WARNING, x->file, path, code, msg))
        x->oom = true;
}

static bool is_ident(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c >= 0x80;
}

/* Skips a comment or a quoted/HTML string starting at p; returns the next position (<= len).
 * The text is not NUL-terminated: every scan is bounded by len. */
static size_t skip_token(const char *s, size_t len, size_t p)
{
    if (s[p] == '"') {
        for (p++; p < len && s[p] != '"'; p++)
            p += s[p] == '\\';
        return p < len ? p + 1 : len;
    }
    if (s[p] == '<') {
        int depth = 0;
        for (; p < len; p++) {
            depth += (s[p] == '<') - (s[p] == '>');
            if (depth == 0)
                return p + 1;
        }
        return len;
    }
    if (s[p] == '#' || s[p + 1] == '/') {
        const char *nl = memchr(s + p, '\n', len - p);
        return nl ? (size_t)(nl - s) : len;
    }
    for (p += 2; p + 1 < len; p++)
        if (s[p] == '*' && s[p + 1] == '/')
            return p + 2;
    return len;
}

/* Bounds what the parser will see: bytes, tokens (an upper bound on nodes) and nesting. */
static enum ff_err prescan(struct imp *x, const char *s, size_t len)
{
    size_t tokens = 0;
    int depth = 0;
    const char *why = NULL;
    for (size_t p = 0; p < len && !why;) {
        unsigned char c = (unsigned char)s[p];
        bool comment =
            c == '#' || (c == '/' && p + 1 < len && (s[p + 1] == '/' || s[p + 1] == '*'));
        if (c == '"' || c == '<' || comment) {
            tokens += !comment;
            p = skip_token(s, len, p);
        } else if (is_ident(c) || c == '-') {
            tokens++;
            while (p < len && (is_ident((unsigned char)s[p]) || s[p] == '-'))
                p++;
        } else {
            depth += (c == '{' || c == '[') - (c == '}' || c == ']');
            p++;
        }
        if (tokens > FF_DOT_MAX_TOKENS)
            why = "too many identifiers and strings";
        else if (depth > DOT_MAX_DEPTH)
            why = "braces or brackets nested too deep";
    }
    if (!why)
        return FF_OK;
    if (!ff_graph_diag(x->diags, FF_SEV_ERROR, x->file, "graph", "dot-limit", why))
        return FF_ENOMEM;
    return FF_ELIMIT;
}

/* Copies a DOT escString, expanding \N and \G and reading \n \l \r as spaces. */
static char *unescape(const char *s, const char *self, const char *graph)
{
    struct ff_gbuf b = {0};
    for (const char *p = s; *p; p++) {
        if (*p == '\r' || *p == '\n') {
            ff_gbuf_add(&b, " ", 1);
            continue;
        }
        if (*p != '\\' || !p[1]) {
            ff_gbuf_add(&b, p, 1);
            continue;
        }
        p++;
        if (*p == 'N' || *p == 'T' || *p == 'H' || *p == 'E')
            ff_gbuf_puts(&b, *p == 'N' ? self : "");
        else if (*p == 'G')
            ff_gbuf_puts(&b, graph);
        else
            ff_gbuf_add(&b, *p == 'n' || *p == 'l' || *p == 'r' ? " " : p, 1);
    }
    char *out = NULL;
    if (ff_gbuf_take(&b, &out, NULL) != FF_OK)
        return NULL;
    size_t n = strlen(out);
    while (n > 0 && out[n - 1] == ' ')
        out[--n] = '\0';
    size_t lead = strspn(out, " ");
    memmove(out, out + lead, n - lead + 1);
    return out;
}

/* The text of an object's label; NULL for none (empty or HTML, the latter reported). */
static char *label_of(struct imp *x, void *obj, const char *self, const char *path)
{
    char *l = agget(obj, "label");
    if (!l || !*l)
        return NULL;
    if (aghtmlstr(l)) {
        note(x, path, "html-label", "HTML labels are not read; %s",
             agobjkind(obj) == AGNODE ? "the node name is used" : "the label is dropped");
        return NULL;
    }
    char *t = unescape(l, self, agnameof(x->g));
    if (!t)
        x->oom = true;
    else if (!*t) {
        ff_free(t);
        t = NULL;
    }
    return t;
}

/* [a-z0-9][a-z0-9_.-]*, at most ID_MAX bytes; "" when nothing usable is left. */
static void sanitize(const char *s, char *out, size_t size)
{
    size_t n = 0;
    for (const char *p = s; *p && n + 1 < size && n < ID_MAX; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!ok && n == 0)
            continue;
        bool punct = c == '_' || c == '.' || c == '-';
        out[n++] = (char)(ok || punct ? c : '_');
    }
    while (n > 0 && out[n - 1] == '_')
        n--;
    out[n] = '\0';
}

static bool id_taken(const struct imp *x, size_t upto, const char *id)
{
    for (size_t i = 0; i < upto; i++)
        if (!strcmp(x->nodes[i].id, id))
            return true;
    return false;
}

static char *node_id(struct imp *x, size_t i, const char *name)
{
    char base[ID_MAX + 1], id[ID_MAX + 16];
    sanitize(name, base, sizeof base);
    if (!*base)
        snprintf(base, sizeof base, "node");
    snprintf(id, sizeof id, "%s", base);
    for (int k = 2; id_taken(x, i, id); k++)
        snprintf(id, sizeof id, "%s-%d", base, k);
    return ff_strdup(id);
}

static bool shape_is(const char *shape, const char *const *names)
{
    for (; *names; names++)
        if (!strcmp(shape, *names))
            return true;
    return false;
}

/* End nodes written by ff_chart_to_dot carry "ff-failure" / "ff-outcome-X" in class; a
 * hand-drawn end has neither, and gets the outcome "resolved", said in a note. */
static void end_tags(struct imp *x, struct inode *in, const char *path)
{
    static const char *const outcomes[] = {"resolved",  "case_created", "visit_requested",
                                           "escalated", "referred",     "abandoned"};
    const char *cls = agget(in->n, "class");
    in->success = !cls || !strstr(cls, "ff-failure");
    in->outcome = outcomes[0];
    const char *o = cls ? strstr(cls, "ff-outcome-") : NULL;
    for (size_t k = 0; o && k < sizeof outcomes / sizeof *outcomes; k++) {
        size_t n = strlen(outcomes[k]);
        if (!strncmp(o + 11, outcomes[k], n) && (o[11 + n] == '\0' || o[11 + n] == ' '))
            in->outcome = outcomes[k];
    }
    if (!o)
        note(x, path, "outcome-assumed",
             "an end with no outcome (class \"ff-outcome-...\"): read as \"resolved\", %s",
             in->success ? "success" : "failure");
}

/* kb, action and subchart nodes that ff_chart_to_dot wrote (class "ff-kb"...): DOT does not
 * carry their article, actions or called chart, so they come back as steps. */
static bool kind_lost(struct imp *x, const struct inode *in, const char *path)
{
    static const char *const lost[][2] = {{"ff-kb", "a kb node (DOT has no article id)"},
                                          {"ff-action", "an action node (DOT has no actions)"},
                                          {"ff-subchart", "a subchart node (DOT has no chart id)"}};
    const char *cls = agget(in->n, "class");
    for (size_t k = 0; cls && k < sizeof lost / sizeof *lost; k++) {
        if (strstr(cls, lost[k][0])) {
            note(x, path, "kind-lost", "%s: read as a step", lost[k][1]);
            return true;
        }
    }
    return false;
}

static void classify(struct imp *x, struct inode *in, const char *path)
{
    static const char *const ovals[] = {"ellipse", "oval", NULL};
    static const char *const boxes[] = {"box", "rect", "rectangle", "square", NULL};
    const char *shape = agget(in->n, "shape");
    int nin = agdegree(x->g, in->n, 1, 0), nout = agdegree(x->g, in->n, 0, 1);
    if (!shape || !*shape)
        shape = "ellipse";
    in->kind = FF_NODE_STEP;
    if (kind_lost(x, in, path))
        return;
    if (shape_is(shape, ovals)) {
        if (nin == 0 || nout == 0) {
            in->kind = nin == 0 ? FF_NODE_START : FF_NODE_END;
            if (in->kind == FF_NODE_END)
                end_tags(x, in, path);
        } else {
            note(x, path, "oval-in-middle",
                 "an oval with incoming and outgoing edges is neither start nor end; read as a "
                 "step");
        }
    } else if (!strcmp(shape, "diamond")) {
        in->kind = FF_NODE_DECISION;
    } else if (!strcmp(shape, "parallelogram")) {
        in->kind = FF_NODE_INPUT;
        note(x, path, "fields-assumed",
             "DOT has no input fields: one optional text field \"answer\" is made, labelled "
             "with the node's title");
    } else if (!shape_is(shape, boxes)) {
        note(x, path, "unknown-shape",
             "shape '%.40s' has no flowchart meaning here; read as a step", shape);
    }
}

static enum ff_err read_nodes(struct imp *x)
{
    x->nodes = ff_calloc((size_t)agnnodes(x->g), sizeof *x->nodes);
    if (!x->nodes)
        return FF_ENOMEM;
    for (Agnode_t *n = agfstnode(x->g); n && !x->oom; n = agnxtnode(x->g, n)) {
        struct inode *in = &x->nodes[x->n];
        struct irec *r = agbindrec(n, REC_NAME, sizeof *r, 0);
        char path[128];
        const char *name = agnameof(n);
        snprintf(path, sizeof path, "node %.100s", name);
        if (!r)
            return FF_ENOMEM;
        r->index = (int)x->n;
        in->n = n;
        in->id = node_id(x, x->n, name);
        in->title = label_of(x, n, name, path);
        if (!in->title && !x->oom)
            in->title = ff_strdup(name);
        x->n++;
        if (!in->id || !in->title)
            return FF_ENOMEM;
        classify(x, in, path);
    }
    return x->oom ? FF_ENOMEM : FF_OK;
}

static void note_clusters(struct imp *x, Agraph_t *g, int depth)
{
    for (Agraph_t *s = agfstsubg(g); s && depth < DOT_MAX_DEPTH; s = agnxtsubg(s)) {
        const char *name = agnameof(s);
        if (name && !strncmp(name, "cluster", 7)) {
            char path[128];
            snprintf(path, sizeof path, "subgraph %.100s", name);
            note(x, path, "cluster-ignored",
                 "clusters have no meaning in a chart; the grouping is dropped, its nodes kept");
        }
        note_clusters(x, s, depth + 1);
    }
}

static const struct inode *head_of(const struct imp *x, Agedge_t *e)
{
    struct irec *r = (struct irec *)aggetrec(aghead(e), REC_NAME, 0);
    return &x->nodes[r->index];
}

static void edge_path(char *buf, size_t size, Agedge_t *e)
{
    snprintf(buf, size, "edge %.60s -> %.60s", agnameof(agtail(e)), agnameof(aghead(e)));
}

static int cmp_edge_seq(const void *a, const void *b)
{
    unsigned long x = AGSEQ(*(Agedge_t *const *)a), y = AGSEQ(*(Agedge_t *const *)b);
    return (x > y) - (x < y);
}

/* The node's outgoing edges in file order (cgraph keeps them ordered by head node).
 * Caller frees *out; returns the count, or -1 when out of memory. */
static int out_edges(struct imp *x, Agnode_t *n, Agedge_t ***out)
{
    int count = agdegree(x->g, n, 0, 1), k = 0;
    *out = ff_calloc((size_t)count, sizeof(Agedge_t *));
    if (!*out) {
        x->oom = true;
        return -1;
    }
    for (Agedge_t *e = agfstout(x->g, n); e && k < count; e = agnxtout(x->g, e))
        (*out)[k++] = e;
    qsort(*out, (size_t)k, sizeof(Agedge_t *), cmp_edge_seq);
    return k;
}

static void json_text(struct ff_gbuf *b, const struct imp *x, const char *text)
{
    ff_gbuf_puts(b, "{");
    ff_gbuf_json_str(b, x->locale);
    ff_gbuf_puts(b, ": ");
    ff_gbuf_json_str(b, text);
    ff_gbuf_puts(b, "}");
}

static bool id_listed(const char *taken, const char *id)
{
    char probe[ID_MAX + 24];
    snprintf(probe, sizeof probe, "\"%s\"", id);
    return strstr(taken, probe) != NULL;
}

/* Option ids from labels, unique within the decision: yes, no, no-2... `taken` lists the
 * ids given so far, each in quotes. */
static void option_id(char *id, size_t size, const char *label, size_t k, const char *taken)
{
    char base[ID_MAX + 1];
    sanitize(label ? label : "", base, sizeof base);
    if (!*base)
        snprintf(base, sizeof base, "option-%zu", k + 1);
    snprintf(id, size, "%s", base);
    for (int j = 2; id_listed(taken, id); j++)
        snprintf(id, size, "%s-%d", base, j);
}

static void write_options(struct imp *x, struct ff_gbuf *b, const struct inode *in)
{
    struct ff_gbuf taken = {0};
    Agedge_t **edges;
    int n = out_edges(x, in->n, &edges);
    ff_gbuf_puts(b, ",\n     \"options\": [");
    for (size_t k = 0; n > 0 && k < (size_t)n; k++) {
        Agedge_t *e = edges[k];
        char path[160], id[ID_MAX + 16];
        const struct inode *to = head_of(x, e);
        edge_path(path, sizeof path, e);
        char *label = label_of(x, e, agnameof(e) ? agnameof(e) : "", path);
        if (!label)
            note(x, path, "unlabeled-option",
                 "a decision edge has no label; the target's title is used as the option");
        option_id(id, sizeof id, label ? label : to->title, k, taken.p ? taken.p : "");
        ff_gbuf_printf(&taken, "\"%s\"", id);
        ff_gbuf_puts(b, k ? ",\n       {\"id\": " : "\n       {\"id\": ");
        ff_gbuf_json_str(b, id);
        ff_gbuf_puts(b, ", \"label\": ");
        json_text(b, x, label ? label : to->title);
        ff_gbuf_puts(b, ", \"target\": ");
        ff_gbuf_json_str(b, to->id);
        ff_gbuf_puts(b, "}");
        ff_free(label);
    }
    ff_gbuf_puts(b, "]");
    x->oom |= taken.oom;
    ff_gbuf_free(&taken);
    ff_free(edges);
}

/* `next` is the first outgoing edge; a second one cannot be said outside a decision. */
static void write_next(struct imp *x, struct ff_gbuf *b, const struct inode *in)
{
    Agedge_t **edges;
    int n = out_edges(x, in->n, &edges);
    for (int k = 0; k < n; k++) {
        Agedge_t *e = edges[k];
        char path[160];
        edge_path(path, sizeof path, e);
        char *label = label_of(x, e, agnameof(e) ? agnameof(e) : "", path);
        if (k > 0)
            note(x, path, "extra-edge",
                 "only a decision (diamond) may branch; this edge is dropped (the first edge "
                 "is the way on)");
        else if (label)
            note(x, path, "label-ignored",
                 "only edges out of a decision (diamond) carry labels; the label is dropped");
        ff_free(label);
        if (k == 0) {
            ff_gbuf_puts(b, ", \"next\": ");
            ff_gbuf_json_str(b, head_of(x, e)->id);
        }
    }
    ff_free(edges);
}

static void write_node(struct imp *x, struct ff_gbuf *b, const struct inode *in)
{
    ff_gbuf_puts(b, "    {\"id\": ");
    ff_gbuf_json_str(b, in->id);
    ff_gbuf_printf(b, ", \"kind\": \"%s\", \"title\": ", ff_node_kind_name(in->kind));
    json_text(b, x, in->title);
    if (in->kind == FF_NODE_DECISION) {
        write_options(x, b, in);
    } else if (in->kind == FF_NODE_END) {
        ff_gbuf_printf(b, ", \"outcome\": \"%s\", \"success\": %s", in->outcome,
                       in->success ? "true" : "false");
    } else {
        if (in->kind == FF_NODE_INPUT) {
            ff_gbuf_puts(b, ",\n     \"fields\": [{\"name\": \"answer\", \"type\": \"text\", "
                            "\"label\": ");
            json_text(b, x, in->title);
            ff_gbuf_puts(b, "}]");
        }
        write_next(x, b, in);
    }
    ff_gbuf_puts(b, "}");
}

static void write_header(struct imp *x, struct ff_gbuf *b)
{
    char id[ID_MAX + 1];
    const char *name = agnameof(x->g);
    sanitize(name && *name != '%' ? name : "", id, sizeof id);
    char *title = label_of(x, x->g, "", "graph");
    ff_gbuf_puts(b, "{\n  \"format\": 1,\n  \"id\": ");
    ff_gbuf_json_str(b, *id ? id : "imported");
    ff_gbuf_puts(b, ",\n  \"version\": 1,\n  \"title\": ");
    json_text(b, x, title ? title : (name && *name != '%' ? name : "Imported chart"));
    ff_gbuf_puts(b, ",\n  \"category\": \"imported\",\n  \"audience\": \"any\",\n"
                    "  \"touchpoints\": [\"telephone\"],\n  \"locales\": [");
    ff_gbuf_json_str(b, x->locale);
    ff_gbuf_puts(b, "],\n  \"nodes\": [\n");
    note(x, "graph", "chart-defaults",
         "DOT has no category, audience, touchpoints, time limits or translations: the chart "
         "gets category \"imported\", audience \"any\", touchpoint \"telephone\" and the one "
         "locale \"%s\"",
         x->locale);
    ff_free(title);
}

static enum ff_err write_json(struct imp *x, char **out, size_t *len)
{
    struct ff_gbuf b = {0};
    write_header(x, &b);
    for (size_t i = 0; i < x->n; i++) {
        write_node(x, &b, &x->nodes[i]);
        ff_gbuf_puts(&b, i + 1 < x->n ? ",\n" : "\n");
    }
    ff_gbuf_puts(&b, "  ]\n}\n");
    if (x->oom)
        b.oom = true;
    return ff_gbuf_take(&b, out, len);
}

static Agraph_t *parse(struct imp *x, const char *dot, size_t len, enum ff_err *err)
{
    char *copy = ff_strndup(dot, len);
    if (!copy) {
        *err = FF_ENOMEM;
        return NULL;
    }
    ff_gv_capture_begin();
    Agraph_t *g = agmemread(copy);
    const char *msg = ff_gv_capture_end();
    ff_free(copy);
    if (g) {
        ff_gv_capture_to_diags(msg, x->file, FF_SEV_WARNING, x->diags);
        return g;
    }
    *err = FF_EPARSE;
    if (!ff_graph_diag(x->diags, FF_SEV_ERROR, x->file, "graph", "dot-syntax",
                       *msg ? msg : "not a DOT graph"))
        *err = FF_ENOMEM;
    return NULL;
}

/* The loader has the last word on whether the document is a chart. */
static enum ff_err check_chart(struct imp *x, const char *json, size_t len)
{
    struct ff_chart *chart = NULL;
    enum ff_err err = ff_chart_parse(json, len, x->file, x->diags, &chart);
    ff_chart_free(chart);
    return err == FF_ENOMEM ? FF_ENOMEM : err == FF_OK ? FF_OK : FF_EINVALID;
}

static enum ff_err convert(struct imp *x, char **json_out)
{
    char *json = NULL;
    size_t len = 0;
    if (agnnodes(x->g) > FF_CHART_MAX_NODES) {
        return ff_graph_diag(x->diags, FF_SEV_ERROR, x->file, "graph", "dot-limit",
                             "more nodes than a chart may have")
                   ? FF_ELIMIT
                   : FF_ENOMEM;
    }
    if (!agisdirected(x->g))
        note(x, "graph", "undirected",
             "an undirected graph: each edge is read from its first "
             "node to its second");
    note_clusters(x, x->g, 0);
    enum ff_err err = read_nodes(x);
    if (err == FF_OK)
        err = write_json(x, &json, &len);
    if (err == FF_OK)
        err = check_chart(x, json, len);
    if (err != FF_OK) {
        ff_free(json);
        return err;
    }
    *json_out = json;
    return FF_OK;
}

enum ff_err ff_dot_import(const char *dot, size_t len, const char *name, const char *locale,
                          struct ff_diags *diags, char **json_out)
{
    struct imp x = {
        .file = name ? name : "<dot>", .locale = locale ? locale : "en", .diags = diags};
    enum ff_err err = FF_OK;

    if (!json_out)
        return FF_EINVAL;
    *json_out = NULL;
    if (!dot || !diags)
        return FF_EINVAL;
    if (len > FF_DOT_MAX_BYTES)
        return ff_graph_diag(diags, FF_SEV_ERROR, x.file, "graph", "dot-limit", "larger than 1 MiB")
                   ? FF_ELIMIT
                   : FF_ENOMEM;
    if (memchr(dot, '\0', len))
        return ff_graph_diag(diags, FF_SEV_ERROR, x.file, "graph", "dot-syntax",
                             "a NUL byte in DOT text")
                   ? FF_EPARSE
                   : FF_ENOMEM;
    err = prescan(&x, dot, len);
    if (err == FF_OK)
        x.g = parse(&x, dot, len, &err);
    if (err == FF_OK)
        err = convert(&x, json_out);
    for (size_t i = 0; i < x.n; i++) {
        ff_free(x.nodes[i].id);
        ff_free(x.nodes[i].title);
    }
    ff_free(x.nodes);
    if (x.g)
        agclose(x.g);
    return err;
}
