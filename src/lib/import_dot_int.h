/* import_dot_int.h - the DOT front end's own scanner (import_dot_scan.c), used by import_dot.c.
 *
 * libcgraph parses DOT but keeps no source positions, so a small scanner of our own reads
 * the same text first: it bounds what cgraph will see (bytes, tokens, nesting, edges) and
 * records where each node is first written, where each edge operator stands and where each
 * subgraph begins. import_dot.c then looks cgraph's nodes and edges up by name.
 */
#ifndef FF_IMPORT_DOT_INT_H
#define FF_IMPORT_DOT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "fieldflow/chart.h"

#define FF_DOT_MAX_EDGES 100000u /* edges a DOT file may declare, counted before cgraph */

struct ff_dot_mention {
    char *name;        /* a node (or subgraph) name as cgraph will name it (ff_malloc) */
    struct ff_pos pos; /* line and column (code points) where it is written */
};

struct ff_dot_pair {
    size_t tail, head; /* indexes into mentions */
    struct ff_pos pos; /* the edge operator */
    bool used;         /* already given to a cgraph edge */
};

struct ff_dot_scan {
    struct ff_dot_mention *m; /* node mentions in source order */
    size_t nm, capm;
    size_t *by_name;       /* mention indexes sorted by (name, order), after ff_dot_scan() */
    struct ff_dot_pair *e; /* tail-head pairs of every edge operator, in source order */
    size_t ne, cape;
    size_t *by_pair;            /* pair indexes sorted by (tail name, head name, order) */
    struct ff_dot_mention *sub; /* named subgraphs */
    size_t nsub, capsub;
    struct ff_pos graph_pos; /* the graph or digraph keyword */
};

/* Scans `len` bytes of UTF-8 DOT. FF_OK; FF_ELIMIT with *why (static text) and *where set
 * when a bound is exceeded; FF_ENOMEM. *sc (zeroed by the caller) is freed by the caller
 * with ff_dot_scan_free() whatever the result. */
enum ff_err ff_dot_scan(const char *s, size_t len, struct ff_dot_scan *sc, const char **why,
                        struct ff_pos *where);
void ff_dot_scan_free(struct ff_dot_scan *sc);

/* Where node `name` is first written; line 0 when the scanner did not see it. */
struct ff_pos ff_dot_node_pos(const struct ff_dot_scan *sc, const char *name);
/* The position of the first edge operator tail -> head not yet taken (either way round when
 * `undirected`), which it then takes; line 0 when none is left. */
struct ff_pos ff_dot_edge_pos(struct ff_dot_scan *sc, const char *tail, const char *head,
                              bool undirected);
/* Where subgraph `name` is declared; line 0 when unknown. */
struct ff_pos ff_dot_sub_pos(const struct ff_dot_scan *sc, const char *name);

/* The charset a DOT text declares as Latin-1 ("latin1", "latin-1", "l1", "iso-8859-1"...). */
bool ff_dot_declares_latin1(const char *s, size_t len);
/* Offset of the first byte that is not valid UTF-8, or len when all is valid. */
size_t ff_utf8_invalid_at(const char *s, size_t len);
/* Latin-1 bytes as UTF-8 (ff_free; *outlen without the NUL); NULL when out of memory. */
char *ff_latin1_to_utf8(const char *s, size_t len, size_t *outlen);

#endif
