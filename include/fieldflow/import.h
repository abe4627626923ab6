/* import.h - charts brought in from where authors draw: Graphviz DOT, Mermaid, draw.io.
 *
 * Each format has its own front end; one back end turns the drawing into a chart document
 * (format 1 JSON, one locale) by the rules of docs/internals/import.md, and reports every
 * assumption and drop, and every finding of the loader on the result, at the line and
 * column of the source file. Inputs are hostile: each front end bounds its input before
 * parsing it (DOT: FF_DOT_MAX_BYTES, FF_DOT_MAX_TOKENS).
 */
#ifndef FIELDFLOW_IMPORT_H
#define FIELDFLOW_IMPORT_H

#include <stddef.h>

#include "fieldflow/chart.h"
#include "fieldflow/err.h"

/* The most any format's file may have; the CLI reads no more (front ends bound lower). */
#define FF_IMPORT_MAX_BYTES (4u * 1024u * 1024u)

enum ff_import_format {
    FF_IMPORT_DOT,
    FF_IMPORT_MERMAID,
    FF_IMPORT_DRAWIO,
};

/* "dot" (also "gv"), "mermaid" (also "mmd"), "drawio" -> format; FF_EINVAL otherwise. */
enum ff_err ff_import_format_parse(const char *name, enum ff_import_format *out);
/* The format's name: "dot", "mermaid", "drawio". */
const char *ff_import_format_name(enum ff_import_format fmt);

/* Guesses the format of a file: by its extension (.dot/.gv, .mmd/.mermaid, .drawio/.xml)
 * when `path` has one of those, else by the first `len` bytes of `buf` (path and buf may be
 * NULL). FF_OK with *out set; FF_EINVAL when neither says. */
enum ff_err ff_import_format_guess(const char *path, const char *buf, size_t len,
                                   enum ff_import_format *out);

/* Reads `len` bytes of `fmt` named `name` (for findings; NULL = "<input>") and writes the
 * chart document with its texts in `locale` (NULL = "en"). Findings are appended to diags.
 * FF_OK with *json_out set (the caller frees it with ff_free()) when the result is a valid
 * chart; otherwise *json_out is NULL and the result is FF_EPARSE (not this format, or a
 * syntax error), FF_ELIMIT (too big), FF_EINVALID (no valid chart: the findings say why),
 * FF_EINVAL (bad arguments, or a format this build cannot read) or FF_ENOMEM. */
enum ff_err ff_import(enum ff_import_format fmt, const char *buf, size_t len, const char *name,
                      const char *locale, struct ff_diags *diags, char **json_out);

#endif
