/* import_text.h - labels of imported drawings reduced to plain text.
 *
 * Mermaid and draw.io labels are small HTML-ish texts with entity codes; a chart holds plain
 * UTF-8 with '\n' between lines. Shared by the Mermaid and draw.io front ends.
 */
#ifndef FF_IMPORT_TEXT_H
#define FF_IMPORT_TEXT_H

#include <stddef.h>

#include "fieldflow/err.h"

#define FF_IMP_TEXT_MERMAID 1u  /* Mermaid codes: #quot; #35; */
#define FF_IMP_TEXT_MARKDOWN 2u /* a Mermaid markdown string: ** and * markers dropped */
#define FF_IMP_TEXT_HTML 4u     /* an HTML value: every tag dropped, source newlines are blanks */

/* Reduces s[0..n) to plain text: <br> and block tags (div, p, li) become line breaks, the
 * inline tags people write (b, i, u, font, span...) are dropped (with FF_IMP_TEXT_HTML every
 * tag is), &amp; &lt; &gt; &quot; &apos; &nbsp; &#N; &#xH; (and with FF_IMP_TEXT_MERMAID
 * Mermaid's #name; #N;) are decoded, each line is trimmed with inner blanks collapsed, and
 * empty lines are dropped. *out is ff_malloc'd, or NULL when nothing is left. FF_OK or
 * FF_ENOMEM. */
enum ff_err ff_imp_text_plain(const char *s, size_t n, unsigned flags, char **out);

/* The offset of the first byte of s[0..n) that is not valid UTF-8 (overlong forms,
 * surrogates and NUL refused), or n when all is valid. */
size_t ff_imp_utf8_check(const char *s, size_t n);

/* The file name without directories and its last extension ("a/b.mmd" -> "b"), ff_malloc'd;
 * *out NULL when file is NULL. FF_OK or FF_ENOMEM. */
enum ff_err ff_imp_file_stem(const char *file, char **out);

#endif
