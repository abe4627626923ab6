/* test_hlc.c - the hybrid logical clock: monotonic through wall clocks that stand still, go
 * backwards, or whose counter overflows; peers far in the future are refused. */
#include "fieldflow/hlc.h"
#include "harness.h"

static void test_forward_and_backward(void)
{
    struct ff_hlc c = {0};
    uint64_t a, b, d;
    CHECK_INT(ff_hlc_tick(&c, 1000, &a), FF_OK);
    CHECK_INT(ff_hlc_wall(a), 1000);
    CHECK_INT(ff_hlc_counter(a), 0);
    CHECK_INT(ff_hlc_tick(&c, 1000, &b), FF_OK); /* same millisecond */
    CHECK(b > a);
    CHECK_INT(ff_hlc_counter(b), 1);
    CHECK_INT(ff_hlc_tick(&c, 10, &d), FF_OK); /* wall clock went backwards */
    CHECK(d > b);
    CHECK_INT(ff_hlc_wall(d), 1000);
    CHECK_INT(ff_hlc_tick(&c, 2000, &a), FF_OK); /* and caught up again */
    CHECK_INT(a, ff_hlc_make(2000, 0));
}

static void test_counter_overflow(void)
{
    struct ff_hlc c = {ff_hlc_make(5000, 0xFFFE)};
    uint64_t a, b, d;
    CHECK_INT(ff_hlc_tick(&c, 5000, &a), FF_OK);
    CHECK_INT(ff_hlc_counter(a), 0xFFFF);
    CHECK_INT(ff_hlc_tick(&c, 5000, &b), FF_OK); /* overflow bumps the logical wall */
    CHECK(b > a);
    CHECK_INT(ff_hlc_wall(b), 5001);
    CHECK_INT(ff_hlc_counter(b), 0);
    int bad = 0;
    for (int i = 0; i < 200000; i++) { /* a burst of 200k events in one real millisecond */
        bad += ff_hlc_tick(&c, 5000, &d) != FF_OK || d <= b;
        b = d;
    }
    CHECK_INT(bad, 0);
    struct ff_hlc end = {ff_hlc_make(FF_HLC_MAX_WALL, 0xFFFF)};
    CHECK_INT(ff_hlc_tick(&end, 0, &d), FF_ELIMIT);
}

static void test_observe(void)
{
    struct ff_hlc c = {0};
    uint64_t now = 1700000000000ull, a;
    uint64_t peer = ff_hlc_make(now + 3600 * 1000, 7); /* an hour ahead: fine */
    CHECK_INT(ff_hlc_observe(&c, now, peer, FF_HLC_MAX_SKEW_MS), FF_OK);
    CHECK_INT(ff_hlc_tick(&c, now, &a), FF_OK);
    CHECK(a > peer);
    uint64_t far = ff_hlc_make(now + FF_HLC_MAX_SKEW_MS + 1, 0); /* beyond 24 h: refused */
    CHECK_INT(ff_hlc_observe(&c, now, far, FF_HLC_MAX_SKEW_MS), FF_EINVALID);
    CHECK_INT(c.last, a); /* unchanged */
    CHECK_INT(ff_hlc_observe(&c, now, ff_hlc_make(1, 0), FF_HLC_MAX_SKEW_MS), FF_OK);
    CHECK_INT(c.last, a); /* the past never moves the clock back */
}

static void test_text(void)
{
    char buf[17];
    uint64_t v;
    ff_hlc_format(ff_hlc_make(0x123456789ABull, 0x42), buf);
    CHECK_STR(buf, "0123456789ab0042");
    CHECK(ff_hlc_parse(buf, &v));
    CHECK_INT(v, ff_hlc_make(0x123456789ABull, 0x42));
    CHECK(!ff_hlc_parse("0123", &v));
    CHECK(!ff_hlc_parse("0123456789ab004g", &v));
    CHECK(!ff_hlc_parse("8000000000000000", &v)); /* >= 2^63 */
}

int main(void)
{
    test_forward_and_backward();
    test_counter_overflow();
    test_observe();
    test_text();
    return ff_test_finish();
}
