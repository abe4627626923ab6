/* import_mermaid_int.h - shared by the Mermaid reader's two files: import_mermaid.c (nodes,
 * edges, subgraphs, statements, the graph) and import_mermaid_text.c (findings, labels,
 * shapes, and the lines around the diagram: front matter, header, accessibility).
 *
 * The cursor keeps the line and column (UTF-8 code points) of the byte it is on; every
 * byte is consumed through adv() so positions never drift.
 */
#ifndef FF_IMPORT_MERMAID_INT_H
#define FF_IMPORT_MERMAID_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "import_int.h"

#define MM_MAX_BYTES (1024u * 1024u)
#define MM_MAX_NAMES 10000u /* nodes and subgraph ids */
#define MM_MAX_EDGES 50000u /* after & fan-out */
#define MM_MAX_DEPTH 32     /* subgraph nesting */
#define MM_MAX_LABEL 4096u  /* bytes of one label as written */
#define MM_MAX_ERRORS 20    /* syntax errors reported before giving up */
#define MM_MAX_MARK 65536u  /* bytes of one of our own %% ff- marks */

enum mm_skip { SKIP_CLASSDEF, SKIP_CLASS, SKIP_STYLE, SKIP_CLICK, SKIP_LINKSTYLE, SKIP_COUNT };

/* One name: a node, or a subgraph id (is_sub) an edge may point at. */
struct mm_name {
    char *name;              /* as written (ff_malloc'd) */
    char *label;             /* decoded; NULL until a shape gives one */
    enum ff_imp_shape shape; /* the last shape written; DEFAULT when none */
    const char *shape_name;  /* static */
    struct ff_pos pos;       /* first mention */
    bool is_sub;             /* opened by `subgraph`: not a node */
    long first, last;        /* subgraph: first and last node written inside, -1 when none */
    char *hint;              /* our export's kind marks (%% ff-node), or NULL */
    char *extra;             /* our export's JSON data (%% ff-node), or NULL */
    char *id;                /* our export's chart node id (%% ff-node id=), or NULL */
};

struct mm_edge {
    size_t from, to;   /* into names */
    char *label;       /* decoded; NULL when unlabelled */
    char *extra;       /* our export's option data (%% ff-edge), or NULL */
    struct ff_pos pos; /* of the edge operator */
};

/* The reader: the cursor over the text, what it collected, and how it failed. */
struct mm {
    const char *s;          /* the text (borrowed, not NUL-terminated) */
    size_t len, p;          /* its length and the cursor */
    struct ff_pos at;       /* line and column of s[p] */
    const char *file;       /* names the input in findings */
    struct ff_diags *diags; /* the caller's */
    struct mm_name *names;  /* in order of first mention */
    size_t nnames, capnames;
    size_t *hash;          /* open addressing: index + 1 into names, 0 = empty */
    size_t hashcap;        /* a power of two, at least twice nnames */
    struct mm_edge *edges; /* in source order, & fan-outs expanded */
    size_t nedges, capedges;
    size_t open[MM_MAX_DEPTH];            /* names of the subgraphs being read */
    size_t depth;                         /* subgraphs open */
    size_t skipped[SKIP_COUNT];           /* styling statements skipped, by kind */
    struct ff_pos skipped_at[SKIP_COUNT]; /* the first of each */
    char *title;                          /* front matter title or accTitle; NULL */
    char *extra;                          /* our export's chart data (%% ff-chart), or NULL */
    struct ff_pos head;                   /* of the flowchart keyword */
    int errors;                           /* errors reported */
    enum ff_err err;                      /* first hard failure: FF_ENOMEM or FF_ELIMIT */
};

/* ---- cursor ---- */

static inline int peek(const struct mm *m, size_t k)
{
    return m->p + k < m->len ? (unsigned char)m->s[m->p + k] : -1;
}

static inline bool at_str(const struct mm *m, const char *w)
{
    size_t n = strlen(w);
    return m->len - m->p >= n && !memcmp(m->s + m->p, w, n);
}

static inline void adv(struct mm *m, size_t n)
{
    for (; n && m->p < m->len; n--, m->p++) {
        unsigned char c = (unsigned char)m->s[m->p];
        if (c == '\n') {
            m->at.line++;
            m->at.col = 1;
        } else if ((c & 0xC0) != 0x80) {
            m->at.col++;
        }
    }
}

static inline bool at_eol(const struct mm *m)
{
    return m->p >= m->len || m->s[m->p] == '\n';
}

static inline void skip_blank(struct mm *m)
{
    while (peek(m, 0) == ' ' || peek(m, 0) == '\t' || peek(m, 0) == '\r')
        adv(m, 1);
}

static inline void skip_line(struct mm *m)
{
    while (!at_eol(m))
        adv(m, 1);
}

/* A finding at pos; an error counts towards MM_MAX_ERRORS. Out of memory sets m->err. */
void ff_mm_note(struct mm *m, enum ff_severity sev, struct ff_pos pos, const char *path,
                const char *code, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* A syntax error at the cursor; the rest of the line is skipped. */
void ff_mm_syntax(struct mm *m, const char *msg);
/* A bound exceeded: reported once, m->err = FF_ELIMIT. */
void ff_mm_limit(struct mm *m, const char *what, unsigned max);
/* s[0..n) as plain text (quotes, markdown, #codes, HTML reduced); *out NULL when empty. */
bool ff_mm_label(struct mm *m, const char *s, size_t n, char **out);
/* Text up to `close` (or `close2`); reports at `start` when it is not closed. */
bool ff_mm_delimited(struct mm *m, struct ff_pos start, const char *close, const char *close2,
                     char **label, const char **which);
/* The shape written after node i's id, if any (the cursor is right after the id). */
bool ff_mm_shape(struct mm *m, size_t i);
/* The keyword w at the cursor, followed by a blank, ';' or the end of the line. */
bool ff_mm_keyword(const struct mm *m, const char *w);
/* accTitle / accDescr statements; true when the cursor was on one (consumed). */
bool ff_mm_accessibility(struct mm *m);
/* Byte-order mark, front matter, directives and comments before the header. */
void ff_mm_preamble(struct mm *m);
/* The flowchart header; false after reporting when it is not one. */
bool ff_mm_header(struct mm *m);

#endif
