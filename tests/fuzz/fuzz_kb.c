/* fuzz_kb.c - libFuzzer target for knowledge-base files (kb.h).
 *
 * Anything may come in; a refusal must say why and add nothing (all or nothing), and an
 * accepted file must round-trip: its articles written back as a kb file are accepted
 * again and give the same articles, field for field.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fieldflow/kb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The articles of kb written back as one file per the format; NULL if that fails. */
static char *write_back(const struct ff_kb *kb)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "articles");
    const struct ff_kb_article *first = ff_kb_at(kb, 0);
    cJSON_AddNumberToObject(root, "format", FF_KB_FORMAT);
    cJSON_AddStringToObject(root, "lang", first ? first->lang : "en");
    for (size_t i = 0; i < ff_kb_count(kb); i++) {
        const struct ff_kb_article *a = ff_kb_at(kb, i);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", a->id);
        cJSON_AddStringToObject(o, "title", a->title);
        cJSON_AddStringToObject(o, "body", a->body);
        cJSON_AddStringToObject(o, "tags", a->tags);
        cJSON_AddItemToArray(arr, o);
    }
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ff_kb *kb = NULL, *again = NULL;
    if (ff_kb_new(&kb) != FF_OK)
        return 0;
    enum ff_err err = ff_kb_add(kb, (const char *)data, size, "fuzz.json");
    if (err) {
        if ((err != FF_ENOMEM && !ff_kb_errmsg(kb)[0]) || ff_kb_count(kb))
            abort(); /* a refusal says why and adds nothing */
        ff_kb_free(kb);
        return 0;
    }
    char *text = write_back(kb);
    if (text && ff_kb_new(&again) == FF_OK) {
        if (ff_kb_add(again, text, strlen(text), "again.json") != FF_OK)
            abort(); /* what was accepted is accepted again */
        if (ff_kb_count(again) != ff_kb_count(kb))
            abort();
        for (size_t i = 0; i < ff_kb_count(kb); i++) {
            const struct ff_kb_article *a = ff_kb_at(kb, i), *b = ff_kb_at(again, i);
            if (strcmp(a->id, b->id) || strcmp(a->lang, b->lang) || strcmp(a->title, b->title) ||
                strcmp(a->body, b->body) || strcmp(a->tags, b->tags))
                abort();
            if (ff_kb_find(again, a->id, a->lang) != b)
                abort();
        }
    }
    cJSON_free(text);
    ff_kb_free(again);
    ff_kb_free(kb);
    return 0;
}
