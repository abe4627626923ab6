/* test_mem.c - the allocation seam and its fault injection. */
#include <string.h>

#include "fieldflow/err.h"
#include "fieldflow/mem.h"
#include "harness.h"

int main(void)
{
    char *s = ff_strdup("kiosk");
    CHECK_STR(s, "kiosk");
    ff_free(s);

    s = ff_strndup("engineer", 3);
    CHECK_STR(s, "eng");
    ff_free(s);

    ff_mem_fail_after(1);
    void *a = ff_malloc(10);
    void *b = ff_malloc(10);
    CHECK(a != NULL);
    CHECK(b == NULL);
    CHECK(ff_strdup("x") == NULL);
    CHECK_INT(ff_mem_fail_after(-1), 3);
    ff_free(a);
    b = ff_malloc(10);
    CHECK(b != NULL);
    ff_free(b);
    ff_free(NULL);

    CHECK_STR(ff_strerror(FF_ENOMEM), "out of memory");
    CHECK(strlen(ff_strerror((enum ff_err)999)) > 0);
    return ff_test_finish();
}
