/* import_mermaid.c - a Mermaid `flowchart`/`graph` read into a struct ff_imp_graph.
 *
 * Workload: flowcharts people write in Markdown documentation, tens to a few hundred lines;
 * hostile input is bounded (MM_MAX_BYTES, node, edge, label and nesting caps) and never
 * recursed on. The reader is a single pass over the bytes with a cursor that keeps the
 * line and column (in UTF-8 code points), so every finding points into the Mermaid file.
 *
 * What it reads: the header (flowchart|graph and a direction), node shapes, quoted and
 * markdown labels with Mermaid's #entity; codes and <br>, the edge operators with their
 * texts, chains (A --> B --> C) and fan-outs (A & B --> C), the v11 `A@{shape: ...}` form.
 * Subgraphs are flattened: an edge to a subgraph goes to the first node written in it, an
 * edge from one leaves its last node; each subgraph is reported. Styling statements
 * (classDef, class, style, click, linkStyle, :::class) are skipped and reported once per
 * kind. Front matter (its title kept) and %%{init}%% directives are skipped. Any other
 * diagram type is refused at the line and column of its keyword.
 *
 * Names are collected first (an id may be used before its subgraph or shape is written)
 * and the graph is built at the end, nodes in order of first mention. Labels, shapes and
 * the lines around the diagram are read in import_mermaid_text.c.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "import_mermaid_int.h"
#include "import_text.h"

static const char *const skip_words[SKIP_COUNT] = {"classDef", "class", "style", "click",
                                                   "linkStyle"};

/* ---- names ---- */

static size_t hash_str(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return (size_t)h;
}

static bool hash_grow(struct mm *m)
{
    size_t cap = m->hashcap ? m->hashcap * 2 : 64;
    size_t *h = ff_calloc(cap, sizeof *h);
    if (!h)
        return false;
    for (size_t i = 0; i < m->nnames; i++) {
        size_t k = hash_str(m->names[i].name, strlen(m->names[i].name)) & (cap - 1);
        while (h[k])
            k = (k + 1) & (cap - 1);
        h[k] = i + 1;
    }
    ff_free(m->hash);
    m->hash = h;
    m->hashcap = cap;
    return true;
}

/* Index of the name s[0..n), added at pos when new; -1 on a failure (m->err set). */
static long name_get(struct mm *m, const char *s, size_t n, struct ff_pos pos)
{
    if (m->hashcap) {
        size_t k = hash_str(s, n) & (m->hashcap - 1);
        for (; m->hash[k]; k = (k + 1) & (m->hashcap - 1)) {
            const char *name = m->names[m->hash[k] - 1].name;
            if (!strncmp(name, s, n) && name[n] == '\0')
                return (long)(m->hash[k] - 1);
        }
    }
    if (m->nnames >= MM_MAX_NAMES) {
        ff_mm_limit(m, "nodes and subgraphs", MM_MAX_NAMES);
        return -1;
    }
    if ((m->nnames + 1) * 2 > m->hashcap && !hash_grow(m))
        goto out_oom;
    if (m->nnames == m->capnames) {
        size_t cap = m->capnames ? m->capnames * 2 : 32;
        struct mm_name *v = ff_realloc(m->names, cap * sizeof *v);
        if (!v)
            goto out_oom;
        m->names = v;
        m->capnames = cap;
    }
    char *copy = ff_strndup(s, n);
    if (!copy)
        goto out_oom;
    m->names[m->nnames] = (struct mm_name){
        .name = copy, .shape = FF_IMP_SHAPE_DEFAULT, .pos = pos, .first = -1, .last = -1};
    size_t k = hash_str(s, n) & (m->hashcap - 1);
    while (m->hash[k])
        k = (k + 1) & (m->hashcap - 1);
    m->hash[k] = m->nnames + 1;
    return (long)m->nnames++;
out_oom:
    m->err = FF_ENOMEM;
    return -1;
}

/* A node written while subgraphs are open belongs to each of them. */
static void mention(struct mm *m, size_t i)
{
    for (size_t d = 0; d < m->depth; d++) {
        struct mm_name *sub = &m->names[m->open[d]];
        if (sub->first < 0)
            sub->first = (long)i;
        sub->last = (long)i;
    }
}

static void add_edge(struct mm *m, size_t from, size_t to, const char *label, struct ff_pos pos)
{
    if (m->nedges >= MM_MAX_EDGES) {
        ff_mm_limit(m, "edges", MM_MAX_EDGES);
        return;
    }
    if (m->nedges == m->capedges) {
        size_t cap = m->capedges ? m->capedges * 2 : 32;
        struct mm_edge *v = ff_realloc(m->edges, cap * sizeof *v);
        if (!v) {
            m->err = FF_ENOMEM;
            return;
        }
        m->edges = v;
        m->capedges = cap;
    }
    char *copy = NULL;
    if (label && !(copy = ff_strdup(label))) {
        m->err = FF_ENOMEM;
        return;
    }
    m->edges[m->nedges++] = (struct mm_edge){.from = from, .to = to, .label = copy, .pos = pos};
}

/* ---- nodes and edges ---- */

static bool id_byte(const struct mm *m, size_t k)
{
    if (k >= m->len)
        return false;
    unsigned char c = (unsigned char)m->s[k];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
        c >= 0x80)
        return true;
    /* '-' belongs to an id (landing-sign-in) unless it starts an edge (--, -., ->). */
    return c == '-' && k + 1 < m->len && !strchr("-.>=", m->s[k + 1]);
}

/* Reads one node reference (id, optional shape, optional :::class); *out its name index. */
static bool read_node(struct mm *m, size_t *out)
{
    struct ff_pos pos = m->at;
    size_t from = m->p;
    while (id_byte(m, m->p))
        adv(m, 1);
    if (m->p == from) {
        ff_mm_syntax(m, "expected a node id");
        return false;
    }
    long i = name_get(m, m->s + from, m->p - from, pos);
    if (i < 0)
        return false;
    if (!ff_mm_shape(m, (size_t)i))
        return false;
    if (at_str(m, ":::")) {
        adv(m, 3);
        if (!m->skipped[SKIP_CLASS]++)
            m->skipped_at[SKIP_CLASS] = pos;
        while (id_byte(m, m->p))
            adv(m, 1);
    }
    if (!m->names[i].is_sub)
        mention(m, (size_t)i);
    *out = (size_t)i;
    return true;
}

#define MM_GROUP_MAX 64 /* nodes joined by & on one side of an edge */

struct group {
    size_t v[MM_GROUP_MAX];
    size_t n;
};

static bool read_group(struct mm *m, struct group *g)
{
    g->n = 0;
    for (;;) {
        if (g->n == MM_GROUP_MAX) {
            ff_mm_limit(m, "nodes joined by '&'", MM_GROUP_MAX);
            return false;
        }
        if (!read_node(m, &g->v[g->n++]))
            return false;
        skip_blank(m);
        if (peek(m, 0) != '&')
            return true;
        adv(m, 1);
        skip_blank(m);
    }
}

static bool link_start(const struct mm *m)
{
    int a = peek(m, 0), b = peek(m, 1), c = peek(m, 2);
    if (a == '<' || ((a == 'o' || a == 'x') && !id_byte(m, m->p + 1)))
        a = b, b = c;
    return (a == '-' && (b == '-' || b == '.')) || (a == '=' && b == '=');
}

/* Consumes a run of `c` and an optional arrowhead; returns the count of `c`. */
static size_t run_of(struct mm *m, int c)
{
    size_t n = 0;
    while (peek(m, 0) == c)
        adv(m, 1), n++;
    return n;
}

static void arrowhead(struct mm *m)
{
    int c = peek(m, 0);
    if (c == '>' || ((c == 'x' || c == 'o') && !id_byte(m, m->p + 1)))
        adv(m, 1);
}

/* The text of `-- text -->`, `-. text .->` or `== text ==>`: up to `end` on this line. */
static bool link_text(struct mm *m, const char *end, char **label)
{
    size_t from = m->p;
    while (!at_eol(m) && !at_str(m, end))
        adv(m, 1);
    if (at_eol(m)) {
        ff_mm_note(m, FF_SEV_ERROR, m->at, NULL, "mermaid-syntax", "edge text not closed by '%s'",
                   end);
        return false;
    }
    if (m->p - from > MM_MAX_LABEL) {
        ff_mm_limit(m, "bytes in an edge text", MM_MAX_LABEL);
        return false;
    }
    size_t to = m->p;
    adv(m, 1); /* the '.' of '.-' or the first of the closing run */
    run_of(m, end[1]);
    run_of(m, end[0]);
    arrowhead(m);
    return ff_mm_label(m, m->s + from, to - from, label);
}

/* Reads one edge operator with its optional text; the cursor is on link_start(). */
static bool read_link(struct mm *m, char **label)
{
    struct ff_pos pos = m->at;
    *label = NULL;
    bool both = peek(m, 0) == '<' || peek(m, 0) == 'o' || peek(m, 0) == 'x';
    if (both) {
        adv(m, 1);
        ff_mm_note(m, FF_SEV_WARNING, pos, NULL, "mermaid-both-ways",
                   "an edge with two arrowheads is read as one from left to right");
    }
    bool ok = true;
    if (peek(m, 0) == '-' && peek(m, 1) == '.') {
        adv(m, 1);
        run_of(m, '.');
        if (peek(m, 0) == '-') {
            run_of(m, '-');
            arrowhead(m);
        } else {
            ok = link_text(m, ".-", label);
        }
    } else {
        int c = peek(m, 0);
        size_t n = run_of(m, c);
        if (peek(m, 0) == '>' || n >= 3)
            arrowhead(m);
        else if ((peek(m, 0) == 'o' || peek(m, 0) == 'x') && !id_byte(m, m->p + 1))
            adv(m, 1);
        else
            ok = link_text(m, c == '-' ? "--" : "==", label);
    }
    if (!ok)
        return false;
    skip_blank(m);
    if (peek(m, 0) == '|') {
        adv(m, 1);
        size_t from = m->p;
        while (!at_eol(m) && peek(m, 0) != '|')
            adv(m, 1);
        if (at_eol(m)) {
            ff_mm_note(m, FF_SEV_ERROR, m->at, NULL, "mermaid-syntax",
                       "edge text not closed by '|'");
            return false;
        }
        size_t to = m->p;
        adv(m, 1);
        ff_free(*label);
        if (to - from > MM_MAX_LABEL) {
            *label = NULL;
            ff_mm_limit(m, "bytes in an edge text", MM_MAX_LABEL);
            return false;
        }
        if (!ff_mm_label(m, m->s + from, to - from, label))
            return false;
    }
    return true;
}

/* A statement of nodes and edges: group (link group)*. */
static void read_chain(struct mm *m)
{
    struct group left, right;
    if (!read_group(m, &left))
        return;
    for (;;) {
        skip_blank(m);
        if (!link_start(m))
            break;
        struct ff_pos pos = m->at;
        char *label = NULL;
        if (!read_link(m, &label)) {
            ff_free(label);
            skip_line(m);
            return;
        }
        while (peek(m, 0) == ' ' || peek(m, 0) == '\t' || peek(m, 0) == '\r' || peek(m, 0) == '\n')
            adv(m, 1); /* the target may be written on the next line */
        bool ok = read_group(m, &right);
        for (size_t a = 0; ok && a < left.n; a++)
            for (size_t b = 0; b < right.n && m->err == FF_OK; b++)
                add_edge(m, left.v[a], right.v[b], label, pos);
        ff_free(label);
        if (!ok)
            return;
        left = right;
    }
    if (peek(m, 0) == ';')
        adv(m, 1);
    skip_blank(m);
    if (!at_eol(m) && !at_str(m, "%%"))
        ff_mm_syntax(m, "unexpected text after a node or edge");
}

/* ---- statements ---- */

static void read_subgraph(struct mm *m)
{
    struct ff_pos pos = m->at;
    adv(m, strlen("subgraph"));
    skip_blank(m);
    size_t from = m->p;
    char *title = NULL;
    long i;
    if (peek(m, 0) == '"') {
        const char *which;
        adv(m, 1);
        if (!ff_mm_delimited(m, pos, "\"", NULL, &title, &which))
            return;
        i = title ? name_get(m, title, strlen(title), pos) : -1;
    } else {
        while (id_byte(m, m->p))
            adv(m, 1);
        if (m->p == from) {
            ff_mm_syntax(m, "'subgraph' needs an id or a title");
            return;
        }
        i = name_get(m, m->s + from, m->p - from, pos);
        skip_blank(m);
        if (i >= 0 && peek(m, 0) == '[') {
            const char *which;
            adv(m, 1);
            if (!ff_mm_delimited(m, pos, "]", NULL, &title, &which))
                return;
        } else if (i >= 0) {
            skip_line(m); /* `subgraph Two words` titles: the first word names it */
        }
    }
    if (i < 0) {
        ff_free(title);
        if (m->err == FF_OK)
            ff_mm_syntax(m, "'subgraph' needs an id or a title");
        return;
    }
    if (m->depth == MM_MAX_DEPTH) {
        ff_free(title);
        ff_mm_limit(m, "nested subgraphs", MM_MAX_DEPTH);
        return;
    }
    m->names[i].is_sub = true;
    m->names[i].pos = pos;
    ff_free(m->names[i].label);
    m->names[i].label = title;
    m->open[m->depth++] = (size_t)i;
}

static void read_statement(struct mm *m)
{
    if (ff_mm_accessibility(m))
        return;
    if (ff_mm_keyword(m, "subgraph")) {
        read_subgraph(m);
        return;
    }
    if (ff_mm_keyword(m, "end")) {
        if (!m->depth)
            ff_mm_syntax(m, "'end' without a subgraph");
        else
            m->depth--;
        adv(m, 3);
        return;
    }
    if (ff_mm_keyword(m, "direction")) {
        skip_line(m);
        return;
    }
    for (size_t k = 0; k < SKIP_COUNT; k++) {
        if (ff_mm_keyword(m, skip_words[k])) {
            if (!m->skipped[k]++)
                m->skipped_at[k] = m->at;
            skip_line(m);
            return;
        }
    }
    read_chain(m);
}

/* Copies s[from..to) into *dst (replacing it); false on failure (m->err set). */
static bool keep(struct mm *m, char **dst, size_t from, size_t to)
{
    ff_free(*dst);
    if (!(*dst = ff_strndup(m->s + from, to - from)))
        m->err = FF_ENOMEM;
    return *dst != NULL;
}

/* Our own export's marks, which carry what Mermaid cannot show (import_int.h):
 *   %% ff-chart {json}           the chart's members
 *   %% ff-node ID id=CHARTID WORDS {json}   a node's id, kind marks and members
 *   %% ff-edge {json}            the option of the edge written just before
 * Any other comment is skipped. The cursor is on "%%". */
static void read_comment(struct mm *m)
{
    struct ff_pos pos = m->at;
    adv(m, 2);
    skip_blank(m);
    bool chart = at_str(m, "ff-chart "), node = at_str(m, "ff-node "), edge = at_str(m, "ff-edge ");
    size_t from = m->p;
    skip_line(m);
    size_t end = m->p;
    if (!chart && !node && !edge)
        return;
    while (end > from && (m->s[end - 1] == '\r' || m->s[end - 1] == ' '))
        end--;
    if (end - from > MM_MAX_MARK) {
        ff_mm_note(m, FF_SEV_WARNING, pos, NULL, "mermaid-mark-ignored",
                   "a fieldflow mark longer than %u bytes is ignored", MM_MAX_MARK);
        return;
    }
    const char *json = memchr(m->s + from, '{', end - from);
    size_t j = json ? (size_t)(json - m->s) : end;
    if (chart) {
        keep(m, &m->extra, j, end);
    } else if (edge) {
        if (m->nedges)
            keep(m, &m->edges[m->nedges - 1].extra, j, end);
    } else {
        size_t id = from + strlen("ff-node "), idend = id;
        while (idend < end && m->s[idend] != ' ')
            idend++;
        long i = idend > id ? name_get(m, m->s + id, idend - id, pos) : -1;
        if (i < 0)
            return;
        json = memchr(m->s + idend, '{', end - idend); /* after the id, not inside it */
        j = json ? (size_t)(json - m->s) : end;
        size_t hint = idend;
        while (hint < j && m->s[hint] == ' ')
            hint++;
        if (j - hint > 3 && !memcmp(m->s + hint, "id=", 3)) {
            size_t cid = hint + 3;
            for (hint = cid; hint < j && m->s[hint] != ' ';)
                hint++;
            if (!keep(m, &m->names[i].id, cid, hint))
                return;
            while (hint < j && m->s[hint] == ' ')
                hint++;
        }
        size_t hintend = j;
        while (hintend > hint && m->s[hintend - 1] == ' ')
            hintend--;
        if (keep(m, &m->names[i].hint, hint, hintend) && j < end)
            keep(m, &m->names[i].extra, j, end);
    }
}

/* ---- the graph ---- */

static void report_skipped(struct mm *m)
{
    for (size_t k = 0; k < SKIP_COUNT; k++) {
        if (!m->skipped[k])
            continue;
        const char *w = k == SKIP_CLASS ? "class and :::class" : skip_words[k];
        ff_mm_note(
            m, FF_SEV_WARNING, m->skipped_at[k], NULL, "mermaid-style-ignored",
            "%zu %s statement%s ignored (styling has no meaning in a chart); the first is here",
            m->skipped[k], w, m->skipped[k] == 1 ? "" : "s");
    }
    for (size_t i = 0; i < m->nnames; i++) {
        const struct mm_name *n = &m->names[i];
        if (n->is_sub)
            ff_mm_note(m, FF_SEV_WARNING, n->pos, n->name, "mermaid-subgraph",
                       "subgraph '%s' flattened: its nodes join the chart; edges to it go to its "
                       "first node, edges from it leave its last node",
                       n->label ? n->label : n->name);
    }
}

/* An edge end that names a subgraph goes to its first (to) or last (from) node. */
static long resolve(struct mm *m, size_t i, bool from, struct ff_pos pos)
{
    const struct mm_name *sub = &m->names[i];
    /* A name used as a node before it was opened as a subgraph may be another's member. */
    for (int hops = 0; hops <= MM_MAX_DEPTH && m->names[i].is_sub; hops++) {
        long next = from ? m->names[i].last : m->names[i].first;
        if (next < 0)
            break;
        i = (size_t)next;
    }
    if (m->names[i].is_sub) {
        ff_mm_note(m, FF_SEV_WARNING, pos, sub->name, "mermaid-empty-subgraph",
                   "edge %s subgraph '%s' dropped: it holds no node", from ? "from" : "to",
                   sub->name);
        return -1;
    }
    return (long)i;
}

static enum ff_err build(struct mm *m, struct ff_imp_graph *g)
{
    long *map = ff_calloc(m->nnames ? m->nnames : 1, sizeof *map);
    if (!map)
        return FF_ENOMEM;
    enum ff_err err = FF_OK;
    for (size_t i = 0; i < m->nnames; i++) {
        const struct mm_name *n = &m->names[i];
        map[i] = -1;
        if (n->is_sub)
            continue;
        map[i] =
            ff_imp_add_node(g, n->id ? n->id : n->name, n->label, n->shape, n->shape_name, n->pos);
        if (map[i] < 0)
            goto out_oom;
        if (n->hint && !(g->nodes[map[i]].hint = ff_strdup(n->hint)))
            goto out_oom;
        if (n->extra && !(g->nodes[map[i]].extra = ff_strdup(n->extra)))
            goto out_oom;
    }
    for (size_t e = 0; e < m->nedges; e++) {
        const struct mm_edge *x = &m->edges[e];
        long a = resolve(m, x->from, true, x->pos), b = resolve(m, x->to, false, x->pos);
        if (a < 0 || b < 0)
            continue;
        if (!ff_imp_add_edge(g, (size_t)map[a], (size_t)map[b], x->label, x->pos))
            goto out_oom;
        if (x->extra && !(g->edges[g->nedges - 1].extra = ff_strdup(x->extra)))
            goto out_oom;
    }
    if (m->err == FF_ENOMEM)
        err = FF_ENOMEM;
    ff_free(map);
    return err;
out_oom:
    ff_free(map);
    return FF_ENOMEM;
}

static void mm_free(struct mm *m)
{
    for (size_t i = 0; i < m->nnames; i++) {
        ff_free(m->names[i].name);
        ff_free(m->names[i].label);
        ff_free(m->names[i].hint);
        ff_free(m->names[i].extra);
        ff_free(m->names[i].id);
    }
    for (size_t e = 0; e < m->nedges; e++) {
        ff_free(m->edges[e].label);
        ff_free(m->edges[e].extra);
    }
    ff_free(m->names);
    ff_free(m->hash);
    ff_free(m->edges);
    ff_free(m->title);
    ff_free(m->extra);
}

static enum ff_err parse(struct mm *m)
{
    ff_mm_preamble(m);
    if (m->err != FF_OK)
        return m->err;
    if (!ff_mm_header(m))
        return m->err != FF_OK ? m->err : FF_EPARSE;
    while (m->p < m->len && m->err == FF_OK && m->errors < MM_MAX_ERRORS) {
        skip_blank(m);
        if (peek(m, 0) == '\n' || peek(m, 0) == ';')
            adv(m, 1);
        else if (at_str(m, "%%"))
            read_comment(m);
        else if (m->p < m->len)
            read_statement(m);
    }
    if (m->err != FF_OK)
        return m->err;
    if (m->depth)
        ff_mm_note(m, FF_SEV_ERROR, m->names[m->open[m->depth - 1]].pos, NULL, "mermaid-syntax",
                   "subgraph '%s' has no 'end'", m->names[m->open[m->depth - 1]].name);
    if (!m->errors && !m->nnames)
        ff_mm_note(m, FF_SEV_ERROR, m->at, NULL, "mermaid-empty", "the flowchart has no nodes");
    return m->errors ? FF_EPARSE : m->err;
}

enum ff_err ff_imp_read_mermaid(const char *buf, size_t len, const char *file,
                                struct ff_diags *diags, struct ff_imp_graph *out)
{
    struct mm m = {.s = buf, .len = len, .at = {1, 1}, .file = file, .diags = diags};
    out->file = file;
    out->format = "mermaid";
    if (len > MM_MAX_BYTES) {
        ff_mm_note(&m, FF_SEV_ERROR, (struct ff_pos){0, 0}, NULL, "mermaid-limit",
                   "%zu bytes: larger than the %u bytes a Mermaid flowchart may have", len,
                   MM_MAX_BYTES);
        return m.err == FF_ENOMEM ? FF_ENOMEM : FF_ELIMIT;
    }
    size_t bad = ff_imp_utf8_check(buf, len);
    if (bad < len) {
        adv(&m, bad);
        ff_mm_note(&m, FF_SEV_ERROR, m.at, NULL, "mermaid-encoding", "not UTF-8 (byte 0x%02x)",
                   (unsigned char)buf[bad]);
        return m.err == FF_ENOMEM ? FF_ENOMEM : FF_EPARSE;
    }
    enum ff_err err = parse(&m);
    if (err == FF_OK) {
        report_skipped(&m);
        err = m.err;
    }
    if (err == FF_OK)
        err = build(&m, out);
    if (err == FF_OK) {
        out->title = m.title;
        out->extra = m.extra;
        out->pos = m.head;
        m.title = m.extra = NULL;
        err = ff_imp_file_stem(file, &out->name);
    }
    mm_free(&m);
    return err;
}
