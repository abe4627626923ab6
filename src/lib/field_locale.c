/* field_locale.c - the forms people write answers in, per language: yes and no, decimal
 * numbers, dates; and the text folding that makes comparisons case- and accent-blind.
 *
 * Workload: one short value per call, typed by a person. Pure functions over the value;
 * the language is a parameter, never a process locale (setlocale would change how every
 * thread reads numbers).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field_int.h"

#define NUMBER_MAX 40 /* characters of a typed number; more is not a number a person means */

enum field_lang ff_field__lang(const char *locale)
{
    static const char *const tags[LANG_COUNT] = {"en", "da", "es"};
    for (int i = 0; locale && i < LANG_COUNT; i++)
        if (!strncmp(locale, tags[i], 2) &&
            (locale[2] == '\0' || locale[2] == '-' || locale[2] == '_'))
            return (enum field_lang)i;
    return LANG_EN;
}

/* Base letters of U+00C0..U+00FF, upper and lower halves alike; '*' keeps the letter
 * (×, ÷, Þ, þ, ß) and '&' is æ. */
static const char latin1_base[] =
    "aaaaaa&ceeeeiiiidnooooo*ouuuuy**aaaaaa&ceeeeiiiidnooooo*ouuuuy*y";

static size_t put(char *out, size_t at, size_t size, const char *s, size_t n)
{
    if (at + n >= size)
        return at;
    memcpy(out + at, s, n);
    return at + n;
}

void ff_field__fold(const char *s, char *out, size_t outsize)
{
    size_t o = 0;
    bool blank = false;
    if (!outsize)
        return;
    while (*s == ' ' || *s == '\t')
        s++;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (*p == ' ' || *p == '\t') {
            blank = true;
            p++;
            continue;
        }
        if (blank)
            o = put(out, o, outsize, " ", 1);
        blank = false;
        if (*p < 0x80) {
            char c = (char)tolower(*p++);
            o = put(out, o, outsize, &c, 1);
        } else if (*p == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF) {
            char b = latin1_base[p[1] - 0x80];
            if (b == '&')
                o = put(out, o, outsize, "ae", 2);
            else if (b != '*')
                o = put(out, o, outsize, &b, 1);
            else
                o = put(out, o, outsize, (const char *)p, 2);
            p += 2;
        } else {
            size_t n = 1; /* copy one whole code point */
            while (p[n] && (p[n] & 0xC0) == 0x80)
                n++;
            o = put(out, o, outsize, (const char *)p, n);
            p += n;
        }
    }
    out[o] = '\0';
}

const char *ff_field__yes_no(const char *folded, enum field_lang lang)
{
    static const char *const words[LANG_COUNT][2][3] = {
        [LANG_EN] = {{"yes", "y", NULL}, {"no", "n", NULL}},
        [LANG_DA] = {{"ja", "j", NULL}, {"nej", "n", NULL}},
        [LANG_ES] = {{"si", "s", NULL}, {"no", "n", NULL}},
    };
    const enum field_lang langs[2] = {lang, LANG_EN};
    for (int l = 0; l < 2; l++)
        for (int yn = 0; yn < 2; yn++)
            for (int k = 0; k < 3 && words[langs[l]][yn][k]; k++)
                if (!strcmp(folded, words[langs[l]][yn][k]))
                    return yn ? "no" : "yes";
    return NULL;
}

/* The canonical text of a number already checked (sign, digits, at most one '.'): no '+',
 * no leading zeros, no trailing zeros after the point, no "-0"; exact, unlike printing the
 * double, and never in exponent form. */
static void canonical(const char *num, char *out, size_t outsize)
{
    bool neg = *num == '-';
    if (*num == '-' || *num == '+')
        num++;
    while (num[0] == '0' && num[1] >= '0' && num[1] <= '9')
        num++;
    size_t n = strlen(num);
    if (strchr(num, '.')) {
        while (num[n - 1] == '0')
            n--;
        if (num[n - 1] == '.')
            n--;
    }
    bool zero = n == 1 && num[0] == '0';
    snprintf(out, outsize, "%s%.*s", neg && !zero ? "-" : "", (int)n, num);
}

bool ff_field__number(const char *v, enum field_lang lang, double *d, char *out, size_t outsize,
                      bool *ambiguous)
{
    char buf[NUMBER_MAX + 1];
    size_t n = 0, before = 0, after = 0, seps = 0;
    char sep = 0;
    *ambiguous = false;
    if (strlen(v) > NUMBER_MAX)
        return false;
    if (*v == '+' || *v == '-')
        buf[n++] = *v++;
    for (; *v; v++) {
        if (isdigit((unsigned char)*v)) {
            buf[n++] = *v;
            *(seps ? &after : &before) += 1;
        } else if (*v == '.' || *v == ',') {
            seps++;
            sep = *v;
            buf[n++] = '.';
        } else {
            return false;
        }
    }
    buf[n] = '\0';
    if (seps > 1 || !before || (seps && !after))
        return false;
    bool comma_decimal = lang == LANG_DA || lang == LANG_ES;
    if (sep == ',' && !comma_decimal) {
        *ambiguous = after == 3;
        return false;
    }
    if (sep == '.' && comma_decimal && after == 3) {
        *ambiguous = true;
        return false;
    }
    char *end = NULL;
    *d = strtod(buf, &end);
    if (*end || !isfinite(*d))
        return false;
    canonical(buf, out, outsize);
    return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
int64_t ff_days_from_civil(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void ff_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Reads 1 to `most` digits; returns the count read (0 = none). */
static size_t digits(const char *s, size_t most, int *v)
{
    size_t n = 0;
    *v = 0;
    while (n < most && isdigit((unsigned char)s[n]))
        *v = *v * 10 + (s[n++] - '0');
    return n;
}

static bool real_date(int y, int m, int d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1] + (m == 2 && leap);
}

bool ff_field__date(const char *v, int64_t *days)
{
    int a, b, c;
    size_t na = digits(v, 4, &a);
    char sep = v[na];
    if (!na || !strchr("-./", sep) || !sep)
        return false;
    size_t nb = digits(v + na + 1, 2, &b);
    if (!nb || v[na + 1 + nb] != sep)
        return false;
    const char *rest = v + na + 1 + nb + 1;
    size_t nc = digits(rest, 4, &c);
    if (!nc || rest[nc])
        return false;
    int y, m, d;
    if (na == 4 && sep == '-' && nc <= 2) { /* ISO 2026-12-24 */
        y = a, m = b, d = c;
    } else if (na <= 2 && nc == 4) { /* day first: 24-12-2026, 24.12.2026, 24/12/2026 */
        d = a, m = b, y = c;
    } else {
        return false;
    }
    if (!real_date(y, m, d))
        return false;
    *days = ff_days_from_civil(y, m, d);
    return true;
}

void ff_field__date_format(int64_t days, enum field_lang lang, char *out, size_t outsize)
{
    int y, m, d;
    ff_civil_from_days(days, &y, &m, &d);
    char sep = lang == LANG_DA ? '-' : '/';
    snprintf(out, outsize, "%02d%c%02d%c%04d", d, sep, m, sep, y);
}
