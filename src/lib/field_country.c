/* field_country.c - phone numbers and postcodes of the countries a chart declares.
 *
 * Workload: one short value per check, typed by a person. Each country is a row of a
 * table (calling code, national number rule, postcode rule, message phrases in every
 * language), so adding a country is adding a row and its two rule functions.
 *
 * Phones: separators people type (blanks, - . / ( )) are dropped; "+CC" and "00CC" name
 * the country; a number without one is tried against each declared country's national
 * form. The forms of DK (8 digits), ES (9 digits from 6-9) and GB (0 then 9-10 digits)
 * cannot be mistaken for each other, so the order of the declared countries never
 * changes the result. The normal form is "+<calling code><national number>".
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "field_int.h"

#define PHONE_DIGITS_MAX 15 /* ITU-T E.164 */
#define PHONE_DIGITS_MIN 6
#define POSTCODE_MAX 16

struct country {
    const char *code;    /* ISO 3166-1 alpha-2 */
    const char *calling; /* E.164 country code */
    bool trunk_zero;     /* national numbers begin with a 0 dropped after the country code */
    /* The national significant number (no trunk 0) is valid. */
    bool (*national)(const char *digits, size_t n);
    /* Postcode in upper case without blanks -> written form. */
    bool (*postcode)(const char *s, size_t n, char *out, size_t outsize);
    const char *phone_phrase[LANG_COUNT];
    const char *postcode_phrase[LANG_COUNT];
};

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return n > 0;
}

static bool dk_national(const char *s, size_t n)
{
    return n == 8 && all_digits(s, n);
}

/* Mobiles begin with 6 or 7, landlines with 8 or 9. */
static bool es_national(const char *s, size_t n)
{
    return n == 9 && all_digits(s, n) && s[0] >= '6';
}

/* After the trunk 0: 9 or 10 digits, not beginning with 0. */
static bool gb_national(const char *s, size_t n)
{
    return (n == 9 || n == 10) && all_digits(s, n) && s[0] != '0';
}

static bool dk_postcode(const char *s, size_t n, char *out, size_t outsize)
{
    if (n == 6 && !strncmp(s, "DK", 2)) { /* DK2100, DK-2100 after dropping blanks */
        s += 2;
        n -= 2;
    } else if (n == 7 && !strncmp(s, "DK-", 3)) {
        s += 3;
        n -= 3;
    }
    if (n != 4 || !all_digits(s, n))
        return false;
    snprintf(out, outsize, "%.4s", s);
    return true;
}

/* Five digits whose first two name a province, 01 to 52. */
static bool es_postcode(const char *s, size_t n, char *out, size_t outsize)
{
    if (n != 5 || !all_digits(s, n))
        return false;
    int prov = (s[0] - '0') * 10 + (s[1] - '0');
    if (prov < 1 || prov > 52)
        return false;
    snprintf(out, outsize, "%.5s", s);
    return true;
}

/* Outward code A9, A99, AA9, AA99, A9A or AA9A; inward code 9AA without C I K M O V. */
static bool gb_postcode(const char *s, size_t n, char *out, size_t outsize)
{
    if (n < 5 || n > 7)
        return false;
    const char *in = s + n - 3;
    if (!isdigit((unsigned char)in[0]) || !isupper((unsigned char)in[1]) ||
        !isupper((unsigned char)in[2]) || strchr("CIKMOV", in[1]) || strchr("CIKMOV", in[2]))
        return false;
    size_t on = n - 3;
    char shape[5] = {0};
    for (size_t i = 0; i < on; i++)
        shape[i] = isupper((unsigned char)s[i]) ? 'A' : isdigit((unsigned char)s[i]) ? '9' : '?';
    static const char *const shapes[] = {"A9", "A99", "AA9", "AA99", "A9A", "AA9A"};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        if (!strcmp(shape, shapes[i])) {
            snprintf(out, outsize, "%.*s %.3s", (int)on, s, in);
            return true;
        }
    return false;
}

static const struct country countries_table[] = {
    {"DK",
     "45",
     false,
     dk_national,
     dk_postcode,
     {"a Danish phone number with 8 digits, e.g. 12 34 56 78",
      "et dansk telefonnummer med 8 cifre, fx 12 34 56 78",
      "un número de teléfono danés de 8 cifras, p. ej. 12 34 56 78"},
     {"a Danish postcode with 4 digits, e.g. 2100", "et dansk postnummer med 4 cifre, fx 2100",
      "un código postal danés de 4 cifras, p. ej. 2100"}},
    {"ES",
     "34",
     false,
     es_national,
     es_postcode,
     {"a Spanish phone number with 9 digits, e.g. 612 34 56 78",
      "et spansk telefonnummer med 9 cifre, fx 612 34 56 78",
      "un número de teléfono español de 9 cifras, p. ej. 612 34 56 78"},
     {"a Spanish postcode with 5 digits, e.g. 28001", "et spansk postnummer med 5 cifre, fx 28001",
      "un código postal español de 5 cifras, p. ej. 28001"}},
    {"GB",
     "44",
     true,
     gb_national,
     gb_postcode,
     {"a UK phone number, e.g. 07700 900123 or +44 20 7946 0958",
      "et britisk telefonnummer, fx 07700 900123 eller +44 20 7946 0958",
      "un número de teléfono británico, p. ej. 07700 900123 o +44 20 7946 0958"},
     {"a UK postcode, e.g. SW1A 1AA", "et britisk postnummer, fx SW1A 1AA",
      "un código postal británico, p. ej. SW1A 1AA"}},
};
#define NCOUNTRIES (sizeof countries_table / sizeof countries_table[0])

static const char *const generic_phone[LANG_COUNT] = {
    "a phone number with 6 to 15 digits, e.g. +45 12 34 56 78",
    "et telefonnummer med 6 til 15 cifre, fx +45 12 34 56 78",
    "un número de teléfono de 6 a 15 cifras, p. ej. +34 612 34 56 78"};
static const char *const generic_postcode[LANG_COUNT] = {
    "a postcode of 3 to 10 letters and digits", "et postnummer på 3 til 10 bogstaver og cifre",
    "un código postal de 3 a 10 letras y cifras"};
static const char *const frames[LANG_COUNT][2] = {
    [LANG_EN] = {"Enter ", " or "},
    [LANG_DA] = {"Skriv ", " eller "},
    [LANG_ES] = {"Introduzca ", " o "},
};

static const struct country *country_of(const char *code)
{
    for (size_t i = 0; code && i < NCOUNTRIES; i++)
        if (!strcmp(code, countries_table[i].code))
            return &countries_table[i];
    return NULL;
}

bool ff_field_country_known(const char *cc)
{
    return country_of(cc) != NULL;
}

/* True when a declared country has no rules (or none is declared): loose checks apply. */
static bool loose(const char *const *cs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!country_of(cs[i]))
            return true;
    return n == 0;
}

/* The digits of a typed phone number and whether it began with + or 00; false for a
 * character that has no place in one. */
static bool phone_digits(const char *v, char *d, size_t dsize, size_t *nd, bool *intl)
{
    size_t n = 0;
    *intl = false;
    if (*v == '+') {
        *intl = true;
        v++;
    }
    for (; *v; v++) {
        if (isdigit((unsigned char)*v)) {
            if (n + 1 >= dsize)
                return false;
            d[n++] = *v;
        } else if (!strchr(" -./()", *v)) {
            return false;
        }
    }
    d[n] = '\0';
    if (!*intl && n > 2 && d[0] == '0' && d[1] == '0') {
        *intl = true;
        memmove(d, d + 2, n - 1);
        n -= 2;
    }
    *nd = n;
    return n > 0;
}

static bool phone_of(const struct country *c, const char *d, size_t n, bool intl, char *out,
                     size_t outsize)
{
    size_t cl = strlen(c->calling);
    if (intl) {
        if (n <= cl || strncmp(d, c->calling, cl))
            return false;
        d += cl;
        n -= cl;
        if (c->trunk_zero && n && d[0] == '0') /* +44 (0)20 ... */
            d++, n--;
    } else if (c->trunk_zero) {
        if (!n || d[0] != '0')
            return false;
        d++, n--;
    }
    if (!c->national(d, n))
        return false;
    snprintf(out, outsize, "+%s%.*s", c->calling, (int)n, d);
    return true;
}

bool ff_field__phone(const char *v, const char *const *cs, size_t ncs, char *out, size_t outsize)
{
    char d[64];
    size_t n;
    bool intl;
    if (!phone_digits(v, d, sizeof d, &n, &intl))
        return false;
    for (size_t i = 0; i < ncs; i++) {
        const struct country *c = country_of(cs[i]);
        if (c && phone_of(c, d, n, intl, out, outsize))
            return true;
    }
    if (!loose(cs, ncs) || n < PHONE_DIGITS_MIN || n > PHONE_DIGITS_MAX)
        return false;
    snprintf(out, outsize, "%s%s", intl ? "+" : "", d);
    return true;
}

bool ff_field__postcode(const char *v, const char *const *cs, size_t ncs, char *out, size_t outsize)
{
    char s[POSTCODE_MAX + 1];
    size_t n = 0;
    bool digit = false;
    for (; *v; v++) {
        if (*v == ' ')
            continue;
        if (n == POSTCODE_MAX || !(isalnum((unsigned char)*v) || *v == '-'))
            return false;
        digit |= isdigit((unsigned char)*v) != 0;
        s[n++] = (char)toupper((unsigned char)*v);
    }
    s[n] = '\0';
    for (size_t i = 0; i < ncs; i++) {
        const struct country *c = country_of(cs[i]);
        if (c && c->postcode(s, n, out, outsize))
            return true;
    }
    if (!loose(cs, ncs) || n < 3 || n > 10 || !digit)
        return false;
    snprintf(out, outsize, "%s", s);
    return true;
}

/* frame + phrase (joiner phrase)... + "." ; generic phrase last when checks are loose. */
static void join(const char *const *cs, size_t ncs, enum field_lang lang, bool phone, char *msg,
                 size_t size)
{
    size_t len = (size_t)snprintf(msg, size, "%s", frames[lang][0]);
    bool first = true;
    for (size_t i = 0; i <= ncs && len < size; i++) {
        const char *p;
        if (i < ncs) {
            const struct country *c = country_of(cs[i]);
            if (!c)
                continue;
            p = phone ? c->phone_phrase[lang] : c->postcode_phrase[lang];
        } else if (loose(cs, ncs)) {
            p = phone ? generic_phone[lang] : generic_postcode[lang];
        } else {
            break;
        }
        len += (size_t)snprintf(msg + len, size - len, "%s%s", first ? "" : frames[lang][1], p);
        first = false;
    }
    if (len < size)
        snprintf(msg + len, size - len, ".");
}

void ff_field__phone_message(const char *const *cs, size_t n, enum field_lang lang, char *msg,
                             size_t size)
{
    join(cs, n, lang, true, msg, size);
}

void ff_field__postcode_message(const char *const *cs, size_t n, enum field_lang lang, char *msg,
                                size_t size)
{
    join(cs, n, lang, false, msg, size);
}
