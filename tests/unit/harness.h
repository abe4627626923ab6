/* harness.h - a tiny table-friendly test harness for one CTest executable per module.
 *
 * CHECK* record a failure with file:line and go on; main returns ff_test_finish(), which
 * prints "N passed, N failed" and is non-zero if anything failed.
 */
#ifndef FF_TEST_HARNESS_H
#define FF_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

void ff_test_check(bool ok, const char *file, int line, const char *expr, const char *detail);
void ff_test_check_str(const char *got, const char *want, const char *file, int line,
                       const char *expr);
void ff_test_check_int(long long got, long long want, const char *file, int line, const char *expr);
int ff_test_finish(void);

/* Reads a whole file into a NUL-terminated malloc'd buffer; NULL on failure. */
char *ff_test_slurp(const char *path, size_t *len);
/* $FF_SOURCE_DIR/rel, into a static buffer (tests are single-threaded). */
const char *ff_test_src(const char *rel);
/* A fresh empty directory under $TMPDIR for this test; removed with what it holds when the
 * process that asked for it exits (FF_KEEP_TMP=1 keeps it for a look). */
const char *ff_test_tmpdir(void);

#define CHECK(e) ff_test_check((e), __FILE__, __LINE__, #e, NULL)
#define CHECK_MSG(e, msg) ff_test_check((e), __FILE__, __LINE__, #e, (msg))
#define CHECK_STR(got, want) ff_test_check_str((got), (want), __FILE__, __LINE__, #got)
#define CHECK_INT(got, want)                                                                       \
    ff_test_check_int((long long)(got), (long long)(want), __FILE__, __LINE__, #got)

#endif
