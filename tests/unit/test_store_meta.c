/* test_store_meta.c - ff_store_meta_get/set: namespaced keys only (the store's own keys stay
 * out of reach), values round-trip, unset, caps, a set inside a batch commits or rolls back
 * with it, read-only refuses, values survive reopening, allocation failure leaves no change. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "fieldflow/store.h"
#include "harness.h"

static struct ff_store *open_at(const char *path, bool readonly)
{
    struct ff_store_opts o = {.path = path, .device = "dm", .readonly = readonly};
    struct ff_store *s = NULL;
    CHECK_INT(ff_store_open(&o, &s), FF_OK);
    return s;
}

/* The value of key as a static string ("<unset>" if none). */
static const char *get(struct ff_store *s, const char *key)
{
    static char buf[256];
    char *v = NULL;
    enum ff_err e = ff_store_meta_get(s, key, &v);
    snprintf(buf, sizeof buf, "%s", e ? ff_strerror(e) : v ? v : "<unset>");
    ff_free(v);
    return buf;
}

static void test_keys(struct ff_store *s)
{
    static const struct {
        const char *key;
        enum ff_err want;
    } cases[] = {
        {"sync.k", FF_OK},
        {"rules.mark", FF_OK},
        {"a.b", FF_OK},
        {"sent", FF_EINVAL},
        {"hlc", FF_EINVAL},
        {"device", FF_EINVAL},
        {".x", FF_EINVAL},
        {"x.", FF_EINVAL},
        {"", FF_EINVAL},
        {"sync.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", FF_EINVAL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_INT(ff_store_meta_set(s, cases[i].key, "v"), cases[i].want);
        char *v = NULL;
        CHECK_INT(ff_store_meta_get(s, cases[i].key, &v), cases[i].want);
        CHECK(cases[i].want != FF_OK || (v && !strcmp(v, "v")));
        ff_free(v);
    }
    CHECK_INT(ff_store_meta_set(s, NULL, "v"), FF_EINVAL);
    CHECK(strstr(ff_store_errmsg(s), "area.name") != NULL);
}

static void test_values(struct ff_store *s)
{
    CHECK_STR(get(s, "sync.none"), "<unset>");
    CHECK_INT(ff_store_meta_set(s, "sync.server", "https://127.0.0.1:8443"), FF_OK);
    CHECK_STR(get(s, "sync.server"), "https://127.0.0.1:8443");
    CHECK_INT(ff_store_meta_set(s, "sync.server", ""), FF_OK);
    CHECK_STR(get(s, "sync.server"), "");
    CHECK_INT(ff_store_meta_set(s, "sync.server", NULL), FF_OK);
    CHECK_STR(get(s, "sync.server"), "<unset>");

    size_t n = FF_STORE_META_VALUE_MAX;
    char *big = malloc(n + 2);
    memset(big, 'x', n + 1);
    big[n + 1] = '\0';
    CHECK_INT(ff_store_meta_set(s, "sync.big", big), FF_ELIMIT);
    big[n] = '\0';
    CHECK_INT(ff_store_meta_set(s, "sync.big", big), FF_OK);
    char *v = NULL;
    CHECK_INT(ff_store_meta_get(s, "sync.big", &v), FF_OK);
    CHECK(v && strlen(v) == n);
    ff_free(v);
    free(big);
}

static void test_batch(struct ff_store *s)
{
    CHECK_INT(ff_store_begin(s), FF_OK);
    CHECK_INT(ff_store_meta_set(s, "sync.cursor", "e1.5"), FF_OK);
    CHECK_STR(get(s, "sync.cursor"), "e1.5");
    ff_store_rollback(s);
    CHECK_STR(get(s, "sync.cursor"), "<unset>");
    CHECK_INT(ff_store_begin(s), FF_OK);
    CHECK_INT(ff_store_meta_set(s, "sync.cursor", "e1.6"), FF_OK);
    CHECK_INT(ff_store_commit(s), FF_OK);
    CHECK_STR(get(s, "sync.cursor"), "e1.6");
}

static void test_nomem(struct ff_store *s)
{
    ff_mem_fail_after(0);
    char *v = (char *)1;
    enum ff_err e = ff_store_meta_get(s, "sync.cursor", &v);
    ff_mem_fail_after(-1);
    CHECK_INT(e, FF_ENOMEM);
    CHECK(v == NULL);
}

int main(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/meta.db", ff_test_tmpdir());
    struct ff_store *s = open_at(path, false);
    test_keys(s);
    test_values(s);
    test_batch(s);
    test_nomem(s);
    int64_t pending = -1;
    CHECK_INT(ff_store_pending(s, &pending), FF_OK);
    CHECK_INT(pending, 0); /* "sent" was never reachable */
    ff_store_close(s);

    s = open_at(path, true);
    CHECK_STR(get(s, "sync.cursor"), "e1.6");
    CHECK_INT(ff_store_meta_set(s, "sync.cursor", "e1.7"), FF_EREADONLY);
    CHECK_STR(get(s, "sync.cursor"), "e1.6");
    ff_store_close(s);
    return ff_test_finish();
}
