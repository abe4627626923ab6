/* kb.h - the knowledge base: short articles in each language, read from files.
 *
 * A file holds one language's articles (docs/knowledge-base.md):
 *   {"format": 1, "lang": "da", "articles": [{"id", "title", "body", "tags"}...]}
 * and each article maps 1:1 onto a store event: type "kb.published", entity_id = id,
 * payload {lang, title, body, tags} (src/lib/event.c), so the app can load a file into the
 * store as events. Files are outside input: every bound is checked before anything is
 * kept, and a refusal says file:line:column, the JSON path and why.
 *
 * All strings belong to the struct ff_kb and live until ff_kb_free().
 */
#ifndef FIELDFLOW_KB_H
#define FIELDFLOW_KB_H

#include <stddef.h>

#include "fieldflow/err.h"

#define FF_KB_FORMAT 1
#define FF_KB_MAX_BYTES (4u * 1024u * 1024u) /* one file */
#define FF_KB_MAX_ARTICLES 2000              /* in one struct ff_kb, all files together */
#define FF_KB_ID_MAX 64                      /* bytes; [A-Za-z0-9._-], as event entity ids */
#define FF_KB_TITLE_MAX 300                  /* bytes, as the kb.published event */
#define FF_KB_BODY_MAX 8192 /* bytes; the event takes more, the file's strings do not */
#define FF_KB_TAGS_MAX 500  /* bytes, as the kb.published event */

struct ff_kb;

struct ff_kb_article {
    const char *id;    /* the article id kb nodes name ("price-list") */
    const char *lang;  /* "en", "da" or "es": the languages the store accepts */
    const char *title; /* non-empty */
    const char *body;  /* non-empty; paragraphs separated by blank lines */
    const char *tags;  /* comma-separated words, "" when none */
};

enum ff_err ff_kb_new(struct ff_kb **out);
void ff_kb_free(struct ff_kb *kb); /* NULL is fine */

/* The last failure's detail ("kb/da.json:12:7: $.articles[3].title: ..."); "" when none.
 * Belongs to kb. */
const char *ff_kb_errmsg(const struct ff_kb *kb);

/* Adds the articles of one file held in memory (len bytes; `file` names it in messages).
 * All or nothing: on failure no article was added. FF_EPARSE (not JSON), FF_ELIMIT (a bound
 * exceeded), FF_EINVALID (a rule broken, an id already there in the same language),
 * FF_ENOMEM. */
enum ff_err ff_kb_add(struct ff_kb *kb, const char *buf, size_t len, const char *file);
/* ff_kb_add of a file read from path; FF_EIO when it cannot be read. */
enum ff_err ff_kb_load_file(struct ff_kb *kb, const char *path);
/* Every *.json file of dir, in name order; stops at the first file refused (the articles of
 * the files before it stay). FF_EIO when dir cannot be read. */
enum ff_err ff_kb_load_dir(struct ff_kb *kb, const char *dir);

/* The article `id` in `lang` ("da", "da-DK"), else in English, else in any language;
 * NULL when there is none. */
const struct ff_kb_article *ff_kb_find(const struct ff_kb *kb, const char *id, const char *lang);
size_t ff_kb_count(const struct ff_kb *kb);
const struct ff_kb_article *ff_kb_at(const struct ff_kb *kb, size_t i); /* NULL when out */

#endif
