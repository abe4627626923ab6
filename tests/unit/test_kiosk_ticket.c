/* test_kiosk_ticket.c - ticket codes, the admin PIN gate and the QR bitmap. */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "kiosk_pin.h"
#include "kiosk_qr.h"
#include "kiosk_ticket.h"

static void test_ticket(void)
{
    static const char *const banned = "0O1IL5S2Z8B";
    char code[FF_TICKET_TEXT_SIZE];
    uint64_t x = 88172645463325252ull;
    int distinct = 0;
    char prev[FF_TICKET_TEXT_SIZE] = "";
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        ff_ticket_make(x, code);
        CHECK_INT(strlen(code), 7);
        CHECK(code[3] == '-');
        CHECK_MSG(strpbrk(code, banned) == NULL, code);
        CHECK_MSG(ff_ticket_valid(code), code);
        distinct += strcmp(code, prev) != 0;
        memcpy(prev, code, sizeof prev);
        /* every single wrong symbol is caught */
        for (int pos = 0; pos < 7 && i < 300; pos++) {
            if (pos == 3)
                continue;
            for (const char *a = FF_TICKET_ALPHABET; *a; a++) {
                char t[FF_TICKET_TEXT_SIZE];
                memcpy(t, code, sizeof t);
                if (t[pos] == *a)
                    continue;
                t[pos] = *a;
                CHECK_MSG(!ff_ticket_valid(t), t);
            }
        }
        /* every swap of two different neighbours is caught */
        static const int pairs[][2] = {{0, 1}, {1, 2}, {4, 5}, {5, 6}};
        for (int p = 0; p < 4; p++) {
            char t[FF_TICKET_TEXT_SIZE];
            memcpy(t, code, sizeof t);
            char a = t[pairs[p][0]];
            if (a == t[pairs[p][1]])
                continue;
            t[pairs[p][0]] = t[pairs[p][1]];
            t[pairs[p][1]] = a;
            CHECK_MSG(!ff_ticket_valid(t), t);
        }
    }
    CHECK(distinct > 19000);
    ff_ticket_make(12345, code);
    char typed[16];
    snprintf(typed, sizeof typed, "%c%c%c %c%c%c", code[0] | 0x20, code[1], code[2], code[4],
             code[5], code[6] | 0x20);
    CHECK_MSG(ff_ticket_valid(typed), typed); /* case and blanks as read over the phone */
    CHECK(!ff_ticket_valid("ABC-DE"));
    CHECK(!ff_ticket_valid("ABC-DEFG"));
    CHECK(!ff_ticket_valid("AB0-DEF"));
    CHECK(!ff_ticket_valid(""));
}

static void test_pin(void)
{
    char hash[FF_PIN_HASH_MAX];
    CHECK(ff_pin_hash("", hash, sizeof hash) == FF_EINVAL);
    CHECK(ff_pin_hash("4711", hash, 10) == FF_EINVAL);
    CHECK(ff_pin_hash("4711", hash, sizeof hash) == FF_OK);
    CHECK(!strncmp(hash, "$argon2id$", 10));
    CHECK(strstr(hash, "4711") == NULL);
    struct ff_pin_gate g;
    ff_pin_gate_init(&g, hash);
    int64_t t = 1000000;
    CHECK(ff_pin_try(&g, "4711", t) == FF_PIN_OK);
    /* three free tries, then a lockout that doubles: 30 s, 60 s, 120 s */
    CHECK(ff_pin_try(&g, "0000", t) == FF_PIN_WRONG);
    CHECK(ff_pin_try(&g, "0001", t) == FF_PIN_WRONG);
    CHECK_INT(ff_pin_wait_ms(&g, t), 0);
    CHECK(ff_pin_try(&g, "0002", t) == FF_PIN_WRONG);
    CHECK_INT(ff_pin_wait_ms(&g, t), 30000);
    CHECK(ff_pin_try(&g, "4711", t + 29999) == FF_PIN_LOCKED); /* even the right one */
    CHECK(ff_pin_try(&g, "0003", t + 30000) == FF_PIN_WRONG);
    CHECK_INT(ff_pin_wait_ms(&g, t + 30000), 60000);
    CHECK(ff_pin_try(&g, "0004", t + 90000) == FF_PIN_WRONG);
    CHECK_INT(ff_pin_wait_ms(&g, t + 90000), 120000);
    CHECK(ff_pin_try(&g, "4711", t + 90000 + 119999) == FF_PIN_LOCKED);
    CHECK(ff_pin_try(&g, "4711", t + 90000 + 120000) == FF_PIN_OK);
    CHECK_INT(g.failures, 0);
    CHECK_INT(ff_pin_wait_ms(&g, t + 90000 + 120000), 0);
    /* the delay is capped at an hour */
    for (int i = 0; i < 20; i++)
        g.locked_until = 0, ff_pin_try(&g, "9999", t);
    CHECK_INT(ff_pin_wait_ms(&g, t), FF_PIN_MAX_DELAY_MS);
    /* no hash, or not argon2id: the gate never opens */
    ff_pin_gate_init(&g, NULL);
    CHECK(ff_pin_try(&g, "4711", t) == FF_PIN_NO_HASH);
    ff_pin_gate_init(&g, "4711");
    CHECK(ff_pin_try(&g, "4711", t) == FF_PIN_NO_HASH);
    ff_pin_gate_init(&g, "$argon2i$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo");
    CHECK(ff_pin_try(&g, "4711", t) == FF_PIN_NO_HASH);
}

static void test_qr(void)
{
    struct ff_qr qr;
    CHECK(ff_qr_encode("https://service.example/t/7KC-9RT", &qr) == FF_OK);
    CHECK(qr.size >= 21 && (qr.size - 17) % 4 == 0); /* a QR version's side */
    size_t dark = 0;
    for (int i = 0; i < qr.size * qr.size; i++) {
        CHECK(qr.modules[i] <= 1);
        dark += qr.modules[i];
    }
    CHECK(dark > (size_t)(qr.size * qr.size) / 4 && dark < (size_t)(qr.size * qr.size) * 3 / 4);
    /* the three finder patterns: 7x7 dark rings at three corners */
    int n = qr.size;
    CHECK(qr.modules[0] && qr.modules[6] && qr.modules[6 * n] && qr.modules[6 * n + 6]);
    CHECK(qr.modules[n - 1] && qr.modules[(n - 7) * n]);
    CHECK(!qr.modules[1 * n + 1] && qr.modules[2 * n + 2]);
    struct ff_qr other;
    CHECK(ff_qr_encode("https://service.example/t/ACD-EFG", &other) == FF_OK);
    CHECK(other.size == qr.size && memcmp(other.modules, qr.modules, (size_t)n * n) != 0);
    ff_qr_clear(&other);
    ff_qr_clear(&qr);
    CHECK(qr.modules == NULL && qr.size == 0);
    CHECK(ff_qr_encode("", &qr) == FF_EINVAL);
    static char big[FF_QR_MAX_TEXT + 2];
    memset(big, 'x', sizeof big - 1);
    CHECK(ff_qr_encode(big, &qr) == FF_EINVAL);
}

int main(void)
{
    test_ticket();
    test_pin();
    test_qr();
    return ff_test_finish();
}
