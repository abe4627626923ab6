/* test_sync_wire.c - gzip with a cap, JSON-lines splitting and cursors (sync/wire). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "harness.h"
#include "sync_wire.h"

static void test_gzip_round_trip(void)
{
    char text[5000];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (char)('a' + i % 7);
    char *gz = NULL, *back = NULL, why[160] = "";
    size_t gz_len = 0, back_len = 0;
    CHECK_INT(sw_gzip(text, sizeof text, &gz, &gz_len), FF_OK);
    CHECK(gz_len > 10 && gz_len < sizeof text / 10);
    CHECK_INT(sw_gunzip(gz, gz_len, SW_INFLATED_MAX, &back, &back_len, why, sizeof why), FF_OK);
    CHECK_INT(back_len, sizeof text);
    CHECK(back && memcmp(back, text, sizeof text) == 0 && back[back_len] == '\0');
    ff_free(back);

    /* the cap: 5000 bytes do not fit in 4999, and nothing is returned */
    back = (char *)1;
    CHECK_INT(sw_gunzip(gz, gz_len, sizeof text - 1, &back, &back_len, why, sizeof why), FF_ELIMIT);
    CHECK(back == NULL && strstr(why, "4999"));
    CHECK_INT(sw_gunzip(gz, gz_len, sizeof text, &back, &back_len, why, sizeof why), FF_OK);
    ff_free(back);

    /* cut short, trailing bytes, not gzip at all: each says where */
    CHECK_INT(sw_gunzip(gz, gz_len - 5, SW_INFLATED_MAX, &back, &back_len, why, sizeof why),
              FF_EPARSE);
    CHECK_MSG(strstr(why, "cut short") != NULL, why);
    char *more = ff_malloc(gz_len + 3);
    memcpy(more, gz, gz_len);
    memcpy(more + gz_len, "xyz", 3);
    CHECK_INT(sw_gunzip(more, gz_len + 3, SW_INFLATED_MAX, &back, &back_len, why, sizeof why),
              FF_EPARSE);
    CHECK_MSG(strstr(why, "after the gzip stream") != NULL, why);
    CHECK_INT(sw_gunzip("hello", 5, SW_INFLATED_MAX, &back, &back_len, why, sizeof why), FF_EPARSE);
    CHECK_MSG(strstr(why, "not a gzip stream") != NULL, why);
    ff_free(more);
    ff_free(gz);

    /* a bomb: 64 MiB of zeros is refused at the cap, without inflating it all */
    size_t big = 64u << 20;
    char *zeros = calloc(big, 1);
    CHECK_INT(sw_gzip(zeros, big, &gz, &gz_len), FF_OK);
    free(zeros);
    CHECK(gz_len < 200000);
    CHECK_INT(sw_gunzip(gz, gz_len, SW_INFLATED_MAX, &back, &back_len, why, sizeof why), FF_ELIMIT);
    ff_free(gz);
}

static void test_lines(void)
{
    struct sw_lines l;
    char why[160] = "";
    const char *body = "{\"device\":\"d1\"}\n{\"a\":1}\n{\"b\":2}";
    CHECK_INT(sw_lines_split(body, strlen(body), 10, &l, why, sizeof why), FF_OK);
    CHECK_INT(l.head_len, 15);
    CHECK_INT(l.n, 2);
    CHECK(l.n == 2 && l.len[0] == 7 && strncmp(l.line[1], "{\"b\":2}", l.len[1]) == 0);
    sw_lines_free(&l);

    const char *head_only = "{\"device\":\"d1\"}\n";
    CHECK_INT(sw_lines_split(head_only, strlen(head_only), 10, &l, why, sizeof why), FF_OK);
    CHECK_INT(l.n, 0);
    sw_lines_free(&l);

    CHECK_INT(sw_lines_split("", 0, 10, &l, why, sizeof why), FF_EPARSE);
    const char *gap = "{}\n{\"a\":1}\n\n{\"b\":2}\n";
    CHECK_INT(sw_lines_split(gap, strlen(gap), 10, &l, why, sizeof why), FF_EPARSE);
    CHECK_STR(why, "line 3: empty line");
    const char *many = "{}\n1\n2\n3\n";
    CHECK_INT(sw_lines_split(many, strlen(many), 2, &l, why, sizeof why), FF_ELIMIT);
    CHECK_STR(why, "line 4: more than 2 event lines");
    const char nul[] = "{}\n{\"a\0\":1}\n";
    CHECK_INT(sw_lines_split(nul, sizeof nul - 1, 10, &l, why, sizeof why), FF_EPARSE);
    CHECK_STR(why, "byte 6: NUL in the body"); /* offsets count from 0 */
}

static void test_cursor(void)
{
    char buf[64];
    int64_t e = -1, g = -1;
    sw_cursor_format(0, 0, buf, sizeof buf);
    CHECK_STR(buf, "");
    CHECK_INT(sw_cursor_parse(buf, &e, &g), FF_OK);
    CHECK(e == 0 && g == 0);
    sw_cursor_format(7, 20931, buf, sizeof buf);
    CHECK_STR(buf, "e7.20931");
    CHECK_INT(sw_cursor_parse(buf, &e, &g), FF_OK);
    CHECK(e == 7 && g == 20931);
    const char *bad[] = {
        "7.1", "e.1", "e7.", "e7", "e-1.2", "e1.2x", "e1.2.3", "x", "e1234567890123456789.1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK_MSG(sw_cursor_parse(bad[i], &e, &g) == FF_EPARSE, bad[i]);
}

int main(void)
{
    test_gzip_round_trip();
    test_lines();
    test_cursor();
    return ff_test_finish();
}
