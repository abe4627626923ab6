/* harness.c - see harness.h. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "harness.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int passed, failed;

void ff_test_check(bool ok, const char *file, int line, const char *expr, const char *detail)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    fprintf(stderr, "%s:%d: FAILED: %s%s%s\n", file, line, expr, detail ? ": " : "",
            detail ? detail : "");
}

void ff_test_check_str(const char *got, const char *want, const char *file, int line,
                       const char *expr)
{
    bool ok = (got == NULL && want == NULL) || (got && want && strcmp(got, want) == 0);
    if (ok) {
        passed++;
        return;
    }
    failed++;
    fprintf(stderr, "%s:%d: FAILED: %s\n   got: %s\n  want: %s\n", file, line, expr,
            got ? got : "(null)", want ? want : "(null)");
}

void ff_test_check_int(long long got, long long want, const char *file, int line, const char *expr)
{
    if (got == want) {
        passed++;
        return;
    }
    failed++;
    fprintf(stderr, "%s:%d: FAILED: %s == %lld, want %lld\n", file, line, expr, got, want);
}

int ff_test_finish(void)
{
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

char *ff_test_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, 4096, f);
        n += got;
        if (got < 4096)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

const char *ff_test_src(const char *rel)
{
    static char path[4096];
    const char *root = getenv("FF_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/%s", root ? root : ".", rel);
    return path;
}

/* Temporary folders are removed when the process that made them exits (not a forked child,
 * which may still be writing there while its parent checks); FF_KEEP_TMP=1 keeps them. */
#define TMPDIRS 16
static char tmpdirs[TMPDIRS][4096];
static pid_t tmpdir_owner;
static int ntmpdirs;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    (void)remove(path); /* best effort: keep going */
    return 0;
}

static void remove_tmpdirs(void)
{
    if (getpid() != tmpdir_owner || getenv("FF_KEEP_TMP"))
        return;
    for (int i = 0; i < ntmpdirs; i++)
        nftw(tmpdirs[i], remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *ff_test_tmpdir(void)
{
    static char dir[4096];
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/fftest-XXXXXX", t ? t : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        exit(2);
    }
    if (ntmpdirs < TMPDIRS) {
        if (!ntmpdirs) {
            tmpdir_owner = getpid();
            atexit(remove_tmpdirs);
        }
        snprintf(tmpdirs[ntmpdirs++], sizeof tmpdirs[0], "%s", dir);
    }
    return dir;
}
