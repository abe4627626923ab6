/* import_dot_scan.c - where things stand in a DOT text, and the bounds cgraph parses within.
 *
 * libcgraph's parser records no positions, so this scanner reads the text first with the
 * same lexical rules (comments, '#' lines, quoted strings with '+', HTML strings, numerals,
 * ports) and a statement walk just deep enough to tell node names from attribute names
 * and graph names: it records each node mention, each edge operator with the tail and head
 * sets it joins (subgraph braces expand to the nodes inside), and each named subgraph.
 *
 * Hostile input: every scan is bounded by len (the text is not NUL-terminated); tokens,
 * nesting and the edges a statement expands to are capped before anything is allocated for
 * them, so cgraph never sees a text past these bounds. Columns count code points.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fieldflow/graph.h"
#include "fieldflow/mem.h"
#include "import_dot_int.h"

#define DOT_MAX_DEPTH 64

enum tok { T_END, T_ID, T_STR, T_HTML, T_EDGE, T_PUNCT };

struct token {
    enum tok type;
    size_t off, len;   /* the token's text (strings: inside the quotes) */
    struct ff_pos pos; /* where it begins */
    char c;            /* T_PUNCT: the character */
};

struct lexer {
    const char *s;
    size_t len, p;
    struct ff_pos pos; /* of s[p] */
    size_t ntokens;    /* identifiers and strings so far */
    struct token peek; /* one token of lookahead */
    bool peeked;
};

/* One open brace: what its statements add up to, and the chain it interrupts. */
struct frame {
    size_t mstart;       /* first mention inside the braces */
    bool chain, pending; /* the enclosing chain: an operand seen; an edge operator after it */
    size_t plo, phi;     /* the enclosing chain's last operand (mention range) */
    struct ff_pos oppos; /* its pending edge operator */
};

struct walk {
    struct lexer lx;
    struct ff_dot_scan *sc;
    struct frame stack[DOT_MAX_DEPTH + 1];
    int depth;
    struct frame cur; /* the chain at the current level */
    const char *why;  /* a bound exceeded */
    struct ff_pos where;
    bool oom;
};

static void step(struct lexer *lx)
{
    unsigned char c = (unsigned char)lx->s[lx->p++];
    if (c == '\n') {
        lx->pos.line++;
        lx->pos.col = 1;
    } else if ((c & 0xC0) != 0x80) {
        lx->pos.col++;
    }
}

static bool at(const struct lexer *lx, size_t k, char c)
{
    return lx->p + k < lx->len && lx->s[lx->p + k] == c;
}

static void skip_space(struct lexer *lx)
{
    while (lx->p < lx->len) {
        char c = lx->s[lx->p];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
            step(lx);
        } else if (c == '#' || (c == '/' && at(lx, 1, '/'))) {
            while (lx->p < lx->len && lx->s[lx->p] != '\n')
                step(lx);
        } else if (c == '/' && at(lx, 1, '*')) {
            step(lx);
            step(lx);
            while (lx->p < lx->len && !(lx->s[lx->p] == '*' && at(lx, 1, '/')))
                step(lx);
            for (int k = 0; k < 2 && lx->p < lx->len; k++)
                step(lx);
        } else {
            return;
        }
    }
}

static bool id_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c >= 0x80;
}

static void lex_string(struct lexer *lx, struct token *t)
{
    step(lx);
    t->off = lx->p;
    while (lx->p < lx->len && lx->s[lx->p] != '"') {
        if (lx->s[lx->p] == '\\' && lx->p + 1 < lx->len)
            step(lx);
        step(lx);
    }
    t->len = lx->p - t->off;
    if (lx->p < lx->len)
        step(lx);
}

static void lex_html(struct lexer *lx, struct token *t)
{
    int depth = 0;
    t->off = lx->p + 1;
    while (lx->p < lx->len) {
        char c = lx->s[lx->p];
        depth += (c == '<') - (c == '>');
        step(lx);
        if (depth == 0)
            break;
    }
    t->len = lx->p > t->off ? lx->p - t->off - (depth == 0) : 0;
}

static void lex(struct lexer *lx, struct token *t)
{
    skip_space(lx);
    memset(t, 0, sizeof *t);
    t->pos = lx->pos;
    t->off = lx->p;
    if (lx->p >= lx->len)
        return;
    unsigned char c = (unsigned char)lx->s[lx->p];
    if (c == '"') {
        t->type = T_STR;
        lex_string(lx, t);
    } else if (c == '<') {
        t->type = T_HTML;
        lex_html(lx, t);
    } else if (c == '-' && (at(lx, 1, '>') || at(lx, 1, '-'))) {
        t->type = T_EDGE;
        step(lx);
        step(lx);
    } else if (id_char(c) || c == '.' || c == '-') {
        t->type = T_ID;
        step(lx);
        while (lx->p < lx->len && (id_char((unsigned char)lx->s[lx->p]) || lx->s[lx->p] == '.'))
            step(lx);
    } else {
        t->type = T_PUNCT;
        t->c = (char)c;
        step(lx);
    }
    t->len = t->type == T_ID || t->type == T_EDGE || t->type == T_PUNCT ? lx->p - t->off : t->len;
    lx->ntokens += t->type == T_ID || t->type == T_STR || t->type == T_HTML;
}

static void next(struct walk *w, struct token *t)
{
    if (w->lx.peeked) {
        *t = w->lx.peek;
        w->lx.peeked = false;
    } else {
        lex(&w->lx, t);
    }
    if (w->lx.ntokens > FF_DOT_MAX_TOKENS && !w->why) {
        w->why = "too many identifiers and strings";
        w->where = t->pos;
    }
}

static const struct token *peek(struct walk *w)
{
    if (!w->lx.peeked) {
        lex(&w->lx, &w->lx.peek);
        w->lx.peeked = true;
    }
    return &w->lx.peek;
}

static bool is_punct(const struct token *t, char c)
{
    return t->type == T_PUNCT && t->c == c;
}

static bool keyword(const struct walk *w, const struct token *t, const char *kw)
{
    size_t n = strlen(kw);
    return t->type == T_ID && t->len == n && !strncasecmp(w->lx.s + t->off, kw, n);
}

/* A name as cgraph stores it: strings lose \" escapes and line continuations and are
 * joined by '+'. Consumes the continuation tokens. NULL when out of memory. */
static char *name_of(struct walk *w, const struct token *first)
{
    const char *s = w->lx.s;
    struct token t = *first;
    char *out = NULL;
    size_t n = 0;
    for (;;) {
        char *grown = ff_realloc(out, n + t.len + 1);
        if (!grown) {
            ff_free(out);
            return NULL;
        }
        out = grown;
        size_t end = t.off + t.len;
        for (size_t i = t.off; i < end; i++) {
            bool esc = t.type == T_STR && s[i] == '\\' && i + 1 < end &&
                       (s[i + 1] == '"' || s[i + 1] == '\n');
            if (esc && s[++i] == '\n')
                continue;
            out[n++] = s[i];
        }
        if (t.type != T_STR || !is_punct(peek(w), '+'))
            break;
        struct token plus;
        next(w, &plus);
        if (peek(w)->type != T_STR)
            break;
        next(w, &t);
    }
    out[n] = '\0';
    return out;
}

static bool grow(void **v, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return true;
    size_t ncap = *cap ? *cap * 2 : 64;
    void *p = ff_realloc(*v, ncap * size);
    if (!p)
        return false;
    *v = p;
    *cap = ncap;
    return true;
}

static bool add_mention(struct ff_dot_mention **v, size_t *n, size_t *cap, char *name,
                        struct ff_pos pos)
{
    if (!name || !grow((void **)v, *n, cap, sizeof **v)) {
        ff_free(name);
        return false;
    }
    (*v)[(*n)++] = (struct ff_dot_mention){.name = name, .pos = pos};
    return true;
}

/* An operand (mention range) completes: join it to the chain's last one if an edge
 * operator stands between them. */
static void operand(struct walk *w, size_t lo, size_t hi)
{
    struct frame *f = &w->cur;
    if (f->chain && f->pending) {
        size_t add = (f->phi - f->plo) * (hi - lo);
        if (w->sc->ne + add > FF_DOT_MAX_EDGES) {
            if (!w->why) {
                w->why = "too many edges";
                w->where = f->oppos;
            }
            return;
        }
        for (size_t a = f->plo; a < f->phi; a++)
            for (size_t b = lo; b < hi; b++) {
                if (!grow((void **)&w->sc->e, w->sc->ne, &w->sc->cape, sizeof *w->sc->e)) {
                    w->oom = true;
                    return;
                }
                w->sc->e[w->sc->ne++] = (struct ff_dot_pair){.tail = a, .head = b, .pos = f->oppos};
            }
    }
    f->chain = true;
    f->pending = false;
    f->plo = lo;
    f->phi = hi;
}

static void skip_attrs(struct walk *w)
{
    struct token t;
    int depth = 1;
    while (depth > 0 && !w->why) {
        next(w, &t);
        if (t.type == T_END)
            return;
        depth += is_punct(&t, '[') - is_punct(&t, ']');
    }
}

static void open_brace(struct walk *w, struct ff_pos pos)
{
    if (w->depth >= DOT_MAX_DEPTH) {
        w->why = "braces or brackets nested too deep";
        w->where = pos;
        return;
    }
    w->stack[w->depth++] = w->cur;
    w->cur = (struct frame){.mstart = w->sc->nm};
}

static void close_brace(struct walk *w)
{
    if (w->depth == 0)
        return;
    size_t lo = w->cur.mstart, hi = w->sc->nm;
    w->cur = w->stack[--w->depth];
    operand(w, lo, hi);
}

static void node_operand(struct walk *w, const struct token *t)
{
    char *name = name_of(w, t);
    if (!add_mention(&w->sc->m, &w->sc->nm, &w->sc->capm, name, t->pos)) {
        w->oom = true;
        return;
    }
    while (is_punct(peek(w), ':')) { /* ports: a:p:n */
        struct token skip;
        next(w, &skip);
        if (peek(w)->type == T_ID || peek(w)->type == T_STR)
            next(w, &skip);
    }
    operand(w, w->sc->nm - 1, w->sc->nm);
}

static void subgraph(struct walk *w, const struct token *kw)
{
    const struct token *p = peek(w);
    if (p->type == T_ID || p->type == T_STR) {
        struct token t;
        next(w, &t);
        char *name = name_of(w, &t);
        if (!add_mention(&w->sc->sub, &w->sc->nsub, &w->sc->capsub, name, kw->pos))
            w->oom = true;
    }
    if (!is_punct(peek(w), '{'))
        w->cur.chain = false;
}

/* One token at statement level. */
static void statement(struct walk *w, const struct token *t)
{
    if (t->type == T_EDGE) {
        if (w->cur.chain) {
            w->cur.pending = true;
            w->cur.oppos = t->pos;
        }
    } else if (is_punct(t, '{')) {
        open_brace(w, t->pos);
    } else if (is_punct(t, '}')) {
        close_brace(w);
    } else if (is_punct(t, '[')) {
        skip_attrs(w);
        w->cur.chain = false;
    } else if (t->type == T_PUNCT) {
        w->cur.chain = w->cur.chain && !(t->c == ';' || t->c == ',');
    } else if (keyword(w, t, "strict")) {
        return;
    } else if ((keyword(w, t, "graph") || keyword(w, t, "digraph")) && w->depth == 0) {
        w->sc->graph_pos = t->pos;
        if (peek(w)->type != T_PUNCT) {
            struct token name;
            next(w, &name);
        }
    } else if (keyword(w, t, "graph") || keyword(w, t, "node") || keyword(w, t, "edge")) {
        w->cur.chain = false;
    } else if (keyword(w, t, "subgraph")) {
        subgraph(w, t);
    } else if (is_punct(peek(w), '=')) {
        struct token eq, value;
        next(w, &eq);
        next(w, &value);
        w->cur.chain = false;
    } else {
        node_operand(w, t);
    }
}

static int cmp_str(const char *a, const char *b, size_t ia, size_t ib)
{
    int c = strcmp(a, b);
    return c ? c : (ia > ib) - (ia < ib);
}

/* qsort has no context pointer: the arrays are sorted through a thread-local view. */
static _Thread_local const struct ff_dot_scan *sorting;

static int cmp_mention(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    return cmp_str(sorting->m[a].name, sorting->m[b].name, a, b);
}

static int cmp_pair(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    const struct ff_dot_pair *p = &sorting->e[a], *q = &sorting->e[b];
    int c = strcmp(sorting->m[p->tail].name, sorting->m[q->tail].name);
    return c ? c : cmp_str(sorting->m[p->head].name, sorting->m[q->head].name, a, b);
}

static bool index_scan(struct ff_dot_scan *sc)
{
    sc->by_name = ff_malloc((sc->nm ? sc->nm : 1) * sizeof *sc->by_name);
    sc->by_pair = ff_malloc((sc->ne ? sc->ne : 1) * sizeof *sc->by_pair);
    if (!sc->by_name || !sc->by_pair)
        return false;
    for (size_t i = 0; i < sc->nm; i++)
        sc->by_name[i] = i;
    for (size_t i = 0; i < sc->ne; i++)
        sc->by_pair[i] = i;
    sorting = sc;
    qsort(sc->by_name, sc->nm, sizeof *sc->by_name, cmp_mention);
    qsort(sc->by_pair, sc->ne, sizeof *sc->by_pair, cmp_pair);
    sorting = NULL;
    return true;
}

enum ff_err ff_dot_scan(const char *s, size_t len, struct ff_dot_scan *sc, const char **why,
                        struct ff_pos *where)
{
    struct walk *w = ff_calloc(1, sizeof *w);
    if (!w)
        return FF_ENOMEM;
    w->lx = (struct lexer){.s = s, .len = len, .pos = {1, 1}};
    w->sc = sc;
    struct token t;
    for (next(w, &t); t.type != T_END && !w->why && !w->oom; next(w, &t))
        statement(w, &t);
    enum ff_err err = w->oom ? FF_ENOMEM : w->why ? FF_ELIMIT : FF_OK;
    *why = w->why;
    *where = w->where;
    ff_free(w);
    if (err == FF_OK && !index_scan(sc))
        err = FF_ENOMEM;
    return err;
}

void ff_dot_scan_free(struct ff_dot_scan *sc)
{
    for (size_t i = 0; i < sc->nm; i++)
        ff_free(sc->m[i].name);
    for (size_t i = 0; i < sc->nsub; i++)
        ff_free(sc->sub[i].name);
    ff_free(sc->m);
    ff_free(sc->sub);
    ff_free(sc->e);
    ff_free(sc->by_name);
    ff_free(sc->by_pair);
    memset(sc, 0, sizeof *sc);
}

struct ff_pos ff_dot_node_pos(const struct ff_dot_scan *sc, const char *name)
{
    size_t lo = 0, hi = sc->nm;
    while (lo < hi) { /* the first of the mentions sorted by (name, order) */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(sc->m[sc->by_name[mid]].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < sc->nm && !strcmp(sc->m[sc->by_name[lo]].name, name))
        return sc->m[sc->by_name[lo]].pos;
    return (struct ff_pos){0, 0};
}

static int pair_cmp_names(const struct ff_dot_scan *sc, size_t k, const char *tail,
                          const char *head)
{
    const struct ff_dot_pair *p = &sc->e[sc->by_pair[k]];
    int c = strcmp(sc->m[p->tail].name, tail);
    return c ? c : strcmp(sc->m[p->head].name, head);
}

static struct ff_pos take_pair(struct ff_dot_scan *sc, const char *tail, const char *head)
{
    size_t lo = 0, hi = sc->ne;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pair_cmp_names(sc, mid, tail, head) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < sc->ne && !pair_cmp_names(sc, lo, tail, head); lo++) {
        struct ff_dot_pair *p = &sc->e[sc->by_pair[lo]];
        if (!p->used) {
            p->used = true;
            return p->pos;
        }
    }
    return (struct ff_pos){0, 0};
}

struct ff_pos ff_dot_edge_pos(struct ff_dot_scan *sc, const char *tail, const char *head,
                              bool undirected)
{
    struct ff_pos pos = take_pair(sc, tail, head);
    if (pos.line == 0 && undirected)
        pos = take_pair(sc, head, tail);
    return pos;
}

struct ff_pos ff_dot_sub_pos(const struct ff_dot_scan *sc, const char *name)
{
    for (size_t i = 0; i < sc->nsub; i++)
        if (!strcmp(sc->sub[i].name, name))
            return sc->sub[i].pos;
    return (struct ff_pos){0, 0};
}

bool ff_dot_declares_latin1(const char *s, size_t len)
{
    static const char *const names[] = {"latin1",     "latin-1",   "l1",         "iso-8859-1",
                                        "iso_8859-1", "iso8859-1", "iso-ir-100", "latin_1"};
    for (size_t p = 0; p + 7 < len; p++) {
        if (strncasecmp(s + p, "charset", 7))
            continue;
        size_t q = p + 7;
        while (q < len && (s[q] == ' ' || s[q] == '\t' || s[q] == '"'))
            q++;
        if (q >= len || s[q++] != '=')
            continue;
        while (q < len && (s[q] == ' ' || s[q] == '\t' || s[q] == '"'))
            q++;
        size_t n = 0;
        while (q + n < len && n < 16 && s[q + n] != '"' && s[q + n] != ']' && s[q + n] != ';' &&
               s[q + n] != ',' && s[q + n] != ' ' && s[q + n] != '\n' && s[q + n] != '\r')
            n++;
        for (size_t k = 0; k < sizeof names / sizeof *names; k++)
            if (strlen(names[k]) == n && !strncasecmp(s + q, names[k], n))
                return true;
    }
    return false;
}

size_t ff_utf8_invalid_at(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        unsigned char c = u[i];
        size_t n = c < 0x80             ? 0
                   : (c & 0xE0) == 0xC0 ? 1
                   : (c & 0xF0) == 0xE0 ? 2
                   : (c & 0xF8) == 0xF0 ? 3
                                        : 9;
        if (n == 9 || (n == 1 && c < 0xC2) || i + n >= len + (n == 0))
            return i;
        for (size_t k = 1; k <= n; k++)
            if ((u[i + k] & 0xC0) != 0x80)
                return i;
        i += n + 1;
    }
    return len;
}

char *ff_latin1_to_utf8(const char *s, size_t len, size_t *outlen)
{
    char *out = ff_malloc(2 * len + 1);
    size_t n = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            out[n++] = (char)c;
        } else {
            out[n++] = (char)(0xC0 | (c >> 6));
            out[n++] = (char)(0x80 | (c & 0x3F));
        }
    }
    out[n] = '\0';
    *outlen = n;
    return out;
}
