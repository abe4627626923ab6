/* test_kb.c - knowledge-base files: the shipped ones (every kb node of every shipped chart
 * has its article in en, da and es), refusals with their positions, all-or-nothing adds,
 * language fallback, and allocation failures.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/chart.h"
#include "fieldflow/kb.h"
#include "fieldflow/mem.h"
#include "harness.h"

struct kcase {
    const char *json;
    enum ff_err want;
    const char *msg; /* must occur in the message */
};

static const struct kcase cases[] = {
    {"{\"format\":1,\"lang\":\"da\",\"articles\":[{\"id\":\"a\",\"title\":\"T\",\"body\":\"B\"}]}",
     FF_OK, NULL},
    {"{\"format\":1,\"lang\":\"da\",\"articles\":[],\"x-note\":1}", FF_OK, NULL},
    {"", FF_EPARSE, "k.json:1:1: $:"},
    {"[1]", FF_EINVALID, "k.json:1:1: $: a knowledge-base file is a JSON object"},
    {"{\"format\":1,\"lang\":\"da\",\n \"articles\":[{\"id\":\"a\",\"title\":\"T\"}]}", FF_EINVALID,
     "k.json:2:14: $.articles[0]: \"body\" is missing"},
    {"{\"format\":2,\"lang\":\"da\",\"articles\":[]}", FF_EVERSION,
     "k.json:1:2: $.format: must be 1"},
    {"{\"lang\":\"da\",\"articles\":[]}", FF_EINVALID, "$.format"},
    {"{\"format\":1,\"lang\":\"pt\",\"articles\":[]}", FF_EINVALID,
     "k.json:1:13: $.lang: \"pt\" is not en, da or es"},
    {"{\"format\":1,\"lang\":\"da\",\"articles\":{}}", FF_EINVALID, "$.articles: must be a list"},
    {"{\"format\":1,\"lang\":\"da\",\"articles\":[],\"colour\":1}", FF_EINVALID,
     "$: unknown key \"colour\""},
    {"{\"format\":1,\"lang\":\"da\",\"lang\":\"es\",\"articles\":[]}", FF_EINVALID,
     "key \"lang\" appears twice"},
    {"{\"format\":1,\"lang\":\"da\",\"articles\":[7]}", FF_EINVALID,
     "k.json:1:37: $.articles[0]: an article is an object"},
    {"{\"format\":1,\"lang\":\"da\",\"articles\":[{\"id\":\"a "
     "b\",\"title\":\"T\",\"body\":\"B\"}]}",
     FF_EINVALID, "$.articles[0]: id \"a b\" may hold only"},
    {"{\"format\":1,\"lang\":\"da\",\"articles\":[{\"id\":\"a\",\"title\":\"\",\"body\":\"B\"}]}",
     FF_EINVALID, "$.articles[0].title: must not be empty"},
    {"{\"format\":1,\"lang\":\"da\",\"articles\":[{\"id\":\"a\",\"title\":7,\"body\":\"B\"}]}",
     FF_EINVALID, "$.articles[0].title: must be a string"},
    {"{\"format\":1,\"lang\":\"da\",\"articles\":[{\"id\":\"a\",\"title\":\"T\",\"body\":\"B\","
     "\"tags\":[]}]}",
     FF_EINVALID, "$.articles[0].tags: must be a string"},
    {"{\"format\":1,\"lang\":\"da\",\"articles\":[{\"id\":\"a\",\"title\":\"T\",\"body\":\"B\"},"
     "{\"id\":\"a\",\"title\":\"T\",\"body\":\"B\"}]}",
     FF_EINVALID, "$.articles[1]: article \"a\" is already there in \"da\""},
    {"{\"format\":1,\"lang\":\"da\",\"articles\":[{\"id\":\"a\",\"title\":\"T\",\"body\":"
     "\"B\\u0000\"}]}",
     FF_EPARSE, "k.json:1:"},
    {"{\"format\":1,\"lang\":\"da\",\"articles\":[{\"id\":\"a\",\"title\":\"T\",\"body\":\"\xff\"}]"
     "}",
     FF_EPARSE, NULL},
};

static void test_cases(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ff_kb *kb = NULL;
        char what[32];
        snprintf(what, sizeof what, "kb case %zu", i);
        CHECK_INT(ff_kb_new(&kb), FF_OK);
        enum ff_err err = ff_kb_add(kb, cases[i].json, strlen(cases[i].json), "k.json");
        CHECK_MSG(err == cases[i].want, what);
        if (err != cases[i].want)
            fprintf(stderr, "  got %s: %s\n", ff_strerror(err), ff_kb_errmsg(kb));
        if (cases[i].want) {
            CHECK_INT(ff_kb_count(kb), 0);
            CHECK_MSG(ff_kb_errmsg(kb)[0] != '\0', what);
        }
        if (cases[i].msg && !strstr(ff_kb_errmsg(kb), cases[i].msg)) {
            CHECK_MSG(false, what);
            fprintf(stderr, "  message: %s\n  wanted:  %s\n", ff_kb_errmsg(kb), cases[i].msg);
        }
        ff_kb_free(kb);
    }
}

static void test_bounds(void)
{
    struct ff_kb *kb = NULL;
    CHECK_INT(ff_kb_new(&kb), FF_OK);
    size_t n = 400;
    char *big = malloc(n + 128);
    snprintf(big, n + 128,
             "{\"format\":1,\"lang\":\"en\",\"articles\":[{\"id\":\"a\",\"title\":\"");
    size_t at = strlen(big);
    memset(big + at, 'x', 301);
    snprintf(big + at + 301, 100, "\",\"body\":\"B\"}]}");
    CHECK_INT(ff_kb_add(kb, big, strlen(big), "big.json"), FF_ELIMIT);
    CHECK(strstr(ff_kb_errmsg(kb), "$.articles[0].title: 301 bytes, at most 300") != NULL);
    CHECK_INT(ff_kb_add(kb, big, FF_KB_MAX_BYTES + 1, "huge.json"), FF_ELIMIT);
    free(big);
    ff_kb_free(kb);
}

/* Adds are all or nothing; a second language of the same id is fine; lookups fall back. */
static void test_add_and_find(void)
{
    static const char da[] = "{\"format\":1,\"lang\":\"da\",\"articles\":["
                             "{\"id\":\"a\",\"title\":\"Da A\",\"body\":\"B\",\"tags\":\"x\"}]}";
    static const char en[] = "{\"format\":1,\"lang\":\"en\",\"articles\":["
                             "{\"id\":\"a\",\"title\":\"En A\",\"body\":\"B\"},"
                             "{\"id\":\"b\",\"title\":\"En B\",\"body\":\"B\"}]}";
    static const char da2[] = "{\"format\":1,\"lang\":\"da\",\"articles\":["
                              "{\"id\":\"c\",\"title\":\"C\",\"body\":\"B\"},"
                              "{\"id\":\"a\",\"title\":\"again\",\"body\":\"B\"}]}";
    struct ff_kb *kb = NULL;
    CHECK_INT(ff_kb_new(&kb), FF_OK);
    CHECK_INT(ff_kb_add(kb, da, strlen(da), "da.json"), FF_OK);
    CHECK_INT(ff_kb_add(kb, en, strlen(en), "en.json"), FF_OK);
    CHECK_INT(ff_kb_add(kb, da2, strlen(da2), "da2.json"), FF_EINVALID);
    CHECK(strstr(ff_kb_errmsg(kb), "article \"a\" is already there in \"da\"") != NULL);
    CHECK_INT(ff_kb_count(kb), 3);
    CHECK(ff_kb_find(kb, "c", "da") == NULL);
    CHECK_STR(ff_kb_find(kb, "a", "da")->title, "Da A");
    CHECK_STR(ff_kb_find(kb, "a", "da-DK")->title, "Da A");
    CHECK_STR(ff_kb_find(kb, "a", "da")->tags, "x");
    CHECK_STR(ff_kb_find(kb, "a", "es")->title, "En A");
    CHECK_STR(ff_kb_find(kb, "b", "da")->title, "En B");
    CHECK_STR(ff_kb_find(kb, "b", "da")->tags, "");
    CHECK(ff_kb_find(kb, "zz", "en") == NULL);
    CHECK(ff_kb_at(kb, 3) == NULL);
    ff_kb_free(kb);
    ff_kb_free(NULL);
}

static void test_alloc_failures(void)
{
    char *text = ff_test_slurp(ff_test_src("assets/kb/es.json"), NULL);
    CHECK(text != NULL);
    if (!text)
        return;
    bool done = false;
    for (long n = 0; n < 10000 && !done; n++) {
        struct ff_kb *kb = NULL;
        ff_mem_fail_after(n);
        enum ff_err err = ff_kb_new(&kb);
        if (!err)
            err = ff_kb_add(kb, text, strlen(text), "es.json");
        ff_mem_fail_after(-1);
        if (err == FF_OK)
            done = true;
        else
            CHECK_INT(err, FF_ENOMEM);
        if (kb && err)
            CHECK_INT(ff_kb_count(kb), 0);
        ff_kb_free(kb);
    }
    CHECK(done);
    free(text);
}

/* Every kb node of every shipped chart has its article in every language of the store. */
static void test_shipped(void)
{
    struct ff_kb *kb = NULL;
    CHECK_INT(ff_kb_new(&kb), FF_OK);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", ff_test_src("assets/kb"));
    CHECK_INT(ff_kb_load_dir(kb, dir), FF_OK);
    CHECK_STR(ff_kb_errmsg(kb), "");
    CHECK(ff_kb_count(kb) >= 3);
    snprintf(dir, sizeof dir, "%s", ff_test_src("assets/flowcharts"));
    DIR *dh = opendir(dir);
    struct dirent *de;
    size_t kb_nodes = 0;
    while (dh && (de = readdir(dh))) {
        if (!strstr(de->d_name, ".json"))
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct ff_diags d;
        struct ff_chart *c = NULL;
        ff_diags_init(&d);
        if (ff_chart_load(path, &d, &c) == FF_OK) {
            for (size_t i = 0; i < c->nnodes; i++) {
                if (c->nodes[i].kind != FF_NODE_KB)
                    continue;
                kb_nodes++;
                static const char *const langs[] = {"en", "da", "es"};
                for (size_t l = 0; l < 3; l++) {
                    const struct ff_kb_article *a =
                        ff_kb_find(kb, c->nodes[i].kb_article, langs[l]);
                    char what[200];
                    snprintf(what, sizeof what, "%.64s: article %.64s in %s", de->d_name,
                             c->nodes[i].kb_article, langs[l]);
                    CHECK_MSG(a && !strcmp(a->lang, langs[l]), what);
                }
            }
        }
        ff_chart_free(c);
        ff_diags_free(&d);
    }
    if (dh)
        closedir(dh);
    CHECK(kb_nodes > 0);
    CHECK_INT(ff_kb_load_dir(kb, "/nonexistent/kb"), FF_EIO);
    CHECK(strstr(ff_kb_errmsg(kb), "/nonexistent/kb") != NULL);
    ff_kb_free(kb);
}

int main(void)
{
    test_cases();
    test_bounds();
    test_add_and_find();
    test_alloc_failures();
    test_shipped();
    return ff_test_finish();
}
