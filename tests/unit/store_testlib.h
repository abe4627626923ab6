/* store_testlib.h - helpers shared by the store's tests (header-only, static functions). */
#ifndef FF_STORE_TESTLIB_H
#define FF_STORE_TESTLIB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "fieldflow/store.h"
#include "harness.h"

static inline struct ff_store *open_store(const char *dir, const char *name, const char *device)
{
    char path[4096];
    struct ff_store *s = NULL;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct ff_store_opts o = {.path = path, .device = device};
    enum ff_err e = ff_store_open(&o, &s);
    CHECK_INT(e, FF_OK);
    return s;
}

/* Exports every event of `from` as one malloc'd buffer of JSON lines. */
static inline char *export_all(struct ff_store *from)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK_INT(ff_store_export(from, f), FF_OK);
    fclose(f);
    return buf;
}

/* Imports JSON lines into `to`; returns how many were new. */
static inline int import_lines(struct ff_store *to, const char *lines)
{
    int added = 0;
    while (lines && *lines) {
        const char *nl = strchr(lines, '\n');
        size_t n = nl ? (size_t)(nl - lines) : strlen(lines);
        bool a = false;
        enum ff_err e = ff_store_import(to, lines, n, &a);
        CHECK_MSG(e == FF_OK, ff_store_errmsg(to));
        added += a;
        lines += n + (nl != NULL);
    }
    return added;
}

/* Copies every event of `from` into `to` in one batch. */
static inline int sync_into(struct ff_store *to, struct ff_store *from)
{
    char *lines = export_all(from);
    CHECK_INT(ff_store_begin(to), FF_OK);
    int n = import_lines(to, lines);
    CHECK_MSG(ff_store_commit(to) == FF_OK, ff_store_errmsg(to));
    free(lines);
    return n;
}

static inline char *dump_of(struct ff_store *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK_INT(ff_store_dump(s, f), FF_OK);
    fclose(f);
    return buf;
}

static inline void append_ok(struct ff_store *s, const char *type, const char *id,
                             const char *payload)
{
    enum ff_err e = ff_store_append(s, type, id, payload, NULL);
    CHECK_MSG(e == FF_OK, ff_store_errmsg(s));
}

/* True if the JSON text json contains needle. */
static inline bool has(const char *json, const char *needle)
{
    return json && strstr(json, needle) != NULL;
}

#endif
