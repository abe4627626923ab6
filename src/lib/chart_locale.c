/* chart_locale.c - a locale list that does not match the texts, reported once.
 *
 * A typo in $.locales ("dk" for Danish "da") would otherwise make every text of the chart
 * report its "da" entry as undeclared and its "dk" entry as missing: a hundred findings
 * for one mistake. Before the texts are read, this counts the locale keys the texts use
 * (members title, body, label and hint that are objects) and, when a declared locale is in
 * no text while an undeclared one is in many, reports one error at the declared locale
 * with "did you mean"; the loader then skips the per-text locale checks. A declared tag
 * that is a country code rather than a language ("dk", "cz") is a warning on its own.
 *
 * Workload: one walk over the parsed JSON, bounded by the nesting cap (32 levels).
 */
#include <stdio.h>
#include <string.h>

#include "chart_int.h"

#define KEYS_MAX 32 /* distinct text keys counted; more are not told apart */
#define KEY_LEN 36  /* longest locale tag compared (longer ones are not counted) */

struct key_count {
    char key[KEY_LEN];
    size_t n;
};

struct usage {
    struct key_count v[KEYS_MAX];
    size_t nkeys;
    size_t ntexts;
};

/* Country codes people write for a language, and the language tag meant. None of the
 * codes is itself an ISO 639-1 language. */
static const char *const country_typos[][2] = {
    {"dk", "da"}, {"cz", "cs"}, {"gr", "el"}, {"jp", "ja"}, {"cn", "zh"}, {"ua", "uk"},
};

static const char *language_for_country(const char *tag)
{
    for (size_t i = 0; i < sizeof country_typos / sizeof country_typos[0]; i++)
        if (!strcmp(tag, country_typos[i][0]))
            return country_typos[i][1];
    return NULL;
}

static void count_key(struct usage *u, const char *k)
{
    if (!strncmp(k, "x-", 2) || strlen(k) >= KEY_LEN)
        return;
    for (size_t i = 0; i < u->nkeys; i++)
        if (!strcmp(u->v[i].key, k)) {
            u->v[i].n++;
            return;
        }
    if (u->nkeys == KEYS_MAX)
        return;
    snprintf(u->v[u->nkeys].key, KEY_LEN, "%s", k);
    u->v[u->nkeys++].n = 1;
}

static bool is_text_key(const char *k)
{
    return k &&
           (!strcmp(k, "title") || !strcmp(k, "body") || !strcmp(k, "label") || !strcmp(k, "hint"));
}

static void walk(struct usage *u, const cJSON *it)
{
    for (const cJSON *e = it ? it->child : NULL; e; e = e->next) {
        if (cJSON_IsObject(e) && is_text_key(e->string)) {
            u->ntexts++;
            for (const cJSON *k = e->child; k; k = k->next)
                count_key(u, k->string);
        } else if (cJSON_IsObject(e) || cJSON_IsArray(e)) {
            walk(u, e);
        }
    }
}

static size_t uses(const struct usage *u, const char *tag)
{
    for (size_t i = 0; i < u->nkeys; i++)
        if (!strcmp(u->v[i].key, tag))
            return u->v[i].n;
    return 0;
}

/* The undeclared key most texts use, or NULL. */
static const struct key_count *most_used_undeclared(const struct usage *u, const char **declared,
                                                    size_t ndeclared)
{
    const struct key_count *best = NULL;
    for (size_t i = 0; i < u->nkeys; i++) {
        bool known = false;
        for (size_t j = 0; j < ndeclared; j++)
            known |= declared[j] && !strcmp(declared[j], u->v[i].key);
        if (!known && (!best || u->v[i].n > best->n))
            best = &u->v[i];
    }
    return best;
}

bool ff_check_locale_use(struct ff_ld *x, const cJSON *root, const cJSON *arr, const char **v,
                         size_t n)
{
    struct usage u = {.nkeys = 0};
    bool sound = true;
    walk(&u, root);
    size_t j = 0;
    for (const cJSON *e = arr->child; e && j < n; e = e->next, j++) {
        const char *lang = language_for_country(v[j]);
        const struct key_count *other = most_used_undeclared(&u, v, n);
        size_t old = ff_ld_push_index(x, j);
        if (u.ntexts && !uses(&u, v[j]) && other && other->n * 2 >= u.ntexts) {
            bool texts_wrong = !lang && language_for_country(other->key);
            ff_ld_report(x, FF_SEV_ERROR, ff_ld_pos(x, e), NULL, "locale-mismatch",
                         "no text has locale \"%s\", while %zu of %zu texts have the undeclared "
                         "\"%s\" (did you mean \"%s\"%s?)",
                         v[j], other->n, u.ntexts, other->key,
                         texts_wrong ? v[j]
                         : lang      ? lang
                                     : other->key,
                         texts_wrong ? " in the texts" : "");
            sound = false;
        } else if (lang) {
            ff_ld_report(x, FF_SEV_WARNING, ff_ld_pos(x, e), NULL, "bad-locale",
                         "\"%s\" is a country code; the language tag is \"%s\" (did you mean "
                         "\"%s\"?)",
                         v[j], lang, lang);
        }
        ff_ld_pop(x, old);
    }
    return sound;
}
