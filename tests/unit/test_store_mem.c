/* test_store_mem.c - every allocation the store makes may fail: the call returns FF_ENOMEM
 * (or refuses cleanly), nothing changes, and the store goes on working (torture mode: fail the
 * 1st, 2nd, ... allocation of each call in turn). SQLite's and cJSON's own allocations are
 * outside the seam; test_store_fault covers the database failing. */
#include "store_testlib.h"

static int64_t pending_of(struct ff_store *s)
{
    int64_t n = -1;
    CHECK_INT(ff_store_pending(s, &n), FF_OK);
    return n;
}

/* Runs op with the k-th allocation failing, for k = 0, 1, ... until it succeeds. */
static void torture(struct ff_store *s, const char *what, enum ff_err (*op)(struct ff_store *))
{
    for (long k = 0; k < 1000; k++) {
        int64_t before = pending_of(s);
        char *dump_before = dump_of(s);
        ff_mem_fail_after(k);
        enum ff_err e = op(s);
        ff_mem_fail_after(-1);
        if (e == FF_OK) {
            free(dump_before);
            return;
        }
        CHECK_MSG(e == FF_ENOMEM, what);
        CHECK_INT(pending_of(s), before);
        char *dump_after = dump_of(s);
        CHECK_MSG(!strcmp(dump_before, dump_after), what);
        free(dump_before);
        free(dump_after);
    }
    CHECK_MSG(false, what); /* never succeeded */
}

static enum ff_err op_create(struct ff_store *s)
{
    return ff_store_append(s, "case.created", "case-m",
                           "{\"touchpoint\":\"kiosk\",\"request_type\":\"order\",\"priority\":2}",
                           NULL);
}

static enum ff_err op_note(struct ff_store *s)
{
    return ff_store_append(s, "case.note_added", "case-m", "{\"text\":\"n\"}", NULL);
}

static enum ff_err op_edit(struct ff_store *s)
{
    return ff_store_edit_field(s, "case", "case-m", "priority", "3");
}

static enum ff_err op_close(struct ff_store *s)
{
    return ff_store_close_case(s, "case-m");
}

static enum ff_err op_import(struct ff_store *s)
{
    static const char ev[] =
        "{\"id\":\"peer:1\",\"device\":\"peer\",\"seq\":1,\"hlc\":\"0000000000010000\","
        "\"entity\":\"case\",\"entity_id\":\"case-m\",\"type\":\"case.note_added\","
        "\"payload\":{\"text\":\"from peer\"},\"author\":\"x\",\"schema\":1}";
    return ff_store_import(s, ev, sizeof ev - 1, NULL);
}

static enum ff_err op_reads(struct ff_store *s)
{
    char *a = NULL, *b = NULL, *c = NULL, *d = NULL;
    enum ff_err e = ff_store_case_detail(s, "case-m", &a);
    if (!e)
        e = ff_store_customer_search(s, "someone", 5, &b);
    if (!e)
        e = ff_store_events_after(s, 0, 10, &c);
    if (!e)
        e = ff_store_conflicts(s, &d);
    ff_free(a);
    ff_free(b);
    ff_free(c);
    ff_free(d);
    return e;
}

static enum ff_err op_rebuild(struct ff_store *s)
{
    return ff_store_rebuild(s);
}

int main(void)
{
    const char *dir = ff_test_tmpdir();
    struct ff_store *s = open_store(dir, "mem.db", "dev-m");
    torture(s, "create", op_create);
    torture(s, "note", op_note);
    torture(s, "edit", op_edit);
    torture(s, "close", op_close);
    torture(s, "import", op_import);
    torture(s, "reads", op_reads);
    torture(s, "rebuild", op_rebuild);
    CHECK_INT(ff_store_check(s), FF_OK);
    ff_store_close(s);
    for (long k = 0; k < 100; k++) { /* opening, too */
        struct ff_store *t = NULL;
        char path[4096];
        snprintf(path, sizeof path, "%s/mem.db", dir);
        struct ff_store_opts o = {.path = path};
        ff_mem_fail_after(k);
        enum ff_err e = ff_store_open(&o, &t);
        ff_mem_fail_after(-1);
        ff_store_close(t);
        CHECK(e == FF_OK || e == FF_ENOMEM);
        if (e == FF_OK)
            break;
    }
    return ff_test_finish();
}
