/* field_check.c - validation of one submitted input value against its field, with the
 * localized message a UI shows beside the field.
 *
 * Workload: a handful of short values per submit, typed by a person; nothing here is hot,
 * so the regular expression is compiled per check rather than cached. Messages come from a
 * small built-in catalog (en, da, es; anything else falls back to en) with a "{n}"
 * placeholder for a bound, so no format string is ever taken from data.
 */
#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner_int.h"

enum msg_id {
    MSG_REQUIRED,
    MSG_NUMBER,
    MSG_NUM_MIN,
    MSG_NUM_MAX,
    MSG_LEN_MIN,
    MSG_LEN_MAX,
    MSG_PATTERN,
    MSG_EMAIL,
    MSG_DATE,
    MSG_CHOICE,
    MSG_YES_NO,
    MSG_PHONE,
    MSG_COUNT
};

struct catalog {
    const char *lang;
    char decimal; /* decimal separator shown in {n} */
    const char *msg[MSG_COUNT];
};

static const struct catalog catalogs[] = {
    {
        .lang = "en",
        .decimal = '.',
        .msg =
            {
                [MSG_REQUIRED] = "This field is required.",
                [MSG_NUMBER] = "Enter a number.",
                [MSG_NUM_MIN] = "Enter a number of at least {n}.",
                [MSG_NUM_MAX] = "Enter a number of at most {n}.",
                [MSG_LEN_MIN] = "Enter at least {n} characters.",
                [MSG_LEN_MAX] = "Enter at most {n} characters.",
                [MSG_PATTERN] = "The value does not have the expected format.",
                [MSG_EMAIL] = "Enter an email address like name@example.com.",
                [MSG_DATE] = "Enter a real date as YYYY-MM-DD.",
                [MSG_CHOICE] = "Pick one of the listed choices.",
                [MSG_YES_NO] = "Answer yes or no.",
                [MSG_PHONE] = "Enter a phone number (digits, spaces, +, -).",
            },
    },
    {
        .lang = "da",
        .decimal = ',',
        .msg =
            {
                [MSG_REQUIRED] = "Dette felt skal udfyldes.",
                [MSG_NUMBER] = "Indtast et tal.",
                [MSG_NUM_MIN] = "Indtast et tal på mindst {n}.",
                [MSG_NUM_MAX] = "Indtast et tal på højst {n}.",
                [MSG_LEN_MIN] = "Indtast mindst {n} tegn.",
                [MSG_LEN_MAX] = "Indtast højst {n} tegn.",
                [MSG_PATTERN] = "Værdien har ikke det forventede format.",
                [MSG_EMAIL] = "Indtast en e-mailadresse som navn@eksempel.dk.",
                [MSG_DATE] = "Indtast en gyldig dato som ÅÅÅÅ-MM-DD.",
                [MSG_CHOICE] = "Vælg en af mulighederne.",
                [MSG_YES_NO] = "Svar ja eller nej.",
                [MSG_PHONE] = "Indtast et telefonnummer (cifre, mellemrum, +, -).",
            },
    },
    {
        .lang = "es",
        .decimal = ',',
        .msg =
            {
                [MSG_REQUIRED] = "Este campo es obligatorio.",
                [MSG_NUMBER] = "Introduzca un número.",
                [MSG_NUM_MIN] = "Introduzca un número mayor o igual que {n}.",
                [MSG_NUM_MAX] = "Introduzca un número menor o igual que {n}.",
                [MSG_LEN_MIN] = "Introduzca al menos {n} caracteres.",
                [MSG_LEN_MAX] = "Introduzca como máximo {n} caracteres.",
                [MSG_PATTERN] = "El valor no tiene el formato esperado.",
                [MSG_EMAIL] = "Introduzca una dirección de correo como nombre@ejemplo.es.",
                [MSG_DATE] = "Introduzca una fecha válida como AAAA-MM-DD.",
                [MSG_CHOICE] = "Elija una de las opciones.",
                [MSG_YES_NO] = "Responda sí o no.",
                [MSG_PHONE] = "Introduzca un número de teléfono (dígitos, espacios, +, -).",
            },
    },
};

/* "da", "da-DK" and "da_DK" all pick da; anything unknown picks en. */
static const struct catalog *catalog_for(const char *locale)
{
    if (locale) {
        for (size_t i = 0; i < sizeof catalogs / sizeof catalogs[0]; i++) {
            size_t n = strlen(catalogs[i].lang);
            if (!strncmp(locale, catalogs[i].lang, n) &&
                (locale[n] == '\0' || locale[n] == '-' || locale[n] == '_'))
                return &catalogs[i];
        }
    }
    return &catalogs[0];
}

/* Writes message `id` into msg, with {n} replaced by `bound` (as %g). Returns false so
 * that checks can `return fail(...)`. */
static bool fail(const char *locale, enum msg_id id, double bound, char *msg, size_t size)
{
    const struct catalog *cat = catalog_for(locale);
    const char *tmpl = cat->msg[id] ? cat->msg[id] : catalogs[0].msg[id];
    if (!tmpl) /* a message id without English text is a bug; say nothing rather than crash */
        tmpl = "";
    char num[64];
    snprintf(num, sizeof num, "%g", bound);
    for (char *p = num; *p; p++)
        if (*p == '.')
            *p = cat->decimal;
    const char *at = strstr(tmpl, "{n}");
    if (at)
        snprintf(msg, size, "%.*s%s%s", (int)(at - tmpl), tmpl, num, at + 3);
    else
        snprintf(msg, size, "%s", tmpl);
    return false;
}

/* Length in UTF-8 code points (continuation bytes do not count). */
static size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static bool check_length(const struct ff_field *f, const char *v, const char *loc, char *msg,
                         size_t size)
{
    double len = (double)utf8_length(v);
    if (f->has_min && len < f->min)
        return fail(loc, MSG_LEN_MIN, f->min, msg, size);
    if (f->has_max && len > f->max)
        return fail(loc, MSG_LEN_MAX, f->max, msg, size);
    return true;
}

/* The pattern must match the whole value: it is wrapped as ^(pattern)$. A pattern that does
 * not compile (the validator refuses those) fails every value rather than none. The wrapped
 * pattern is built on the stack so that a check cannot fail for want of memory. */
static bool check_pattern(const struct ff_field *f, const char *v, const char *loc, char *msg,
                          size_t size)
{
    char anchored[FF_CHART_MAX_STRING + 8];
    if (!f->pattern)
        return true;
    if (strlen(f->pattern) > FF_CHART_MAX_STRING)
        return fail(loc, MSG_PATTERN, 0, msg, size);
    snprintf(anchored, sizeof anchored, "^(%s)$", f->pattern);
    regex_t re;
    bool ok = false;
    if (regcomp(&re, anchored, REG_EXTENDED | REG_NOSUB) == 0) {
        ok = regexec(&re, v, 0, NULL, 0) == 0;
        regfree(&re);
    }
    return ok ? true : fail(loc, MSG_PATTERN, 0, msg, size);
}

static bool check_number(const struct ff_field *f, const char *v, const char *loc, char *msg,
                         size_t size)
{
    /* strtod alone would also take "inf", "nan", hex and leading blanks. */
    for (const char *p = v; *p; p++)
        if (!isdigit((unsigned char)*p) && !strchr("+-.eE", *p))
            return fail(loc, MSG_NUMBER, 0, msg, size);
    char *end = NULL;
    double d = strtod(v, &end);
    if (end == v || *end != '\0' || !isfinite(d))
        return fail(loc, MSG_NUMBER, 0, msg, size);
    if (f->has_min && d < f->min)
        return fail(loc, MSG_NUM_MIN, f->min, msg, size);
    if (f->has_max && d > f->max)
        return fail(loc, MSG_NUM_MAX, f->max, msg, size);
    return true;
}

static bool check_phone(const struct ff_field *f, const char *v, const char *loc, char *msg,
                        size_t size)
{
    bool digit = false;
    for (const char *p = v; *p; p++) {
        if (isdigit((unsigned char)*p))
            digit = true;
        else if (!strchr(" +-().", *p))
            return fail(loc, MSG_PHONE, 0, msg, size);
    }
    if (!digit)
        return fail(loc, MSG_PHONE, 0, msg, size);
    return check_length(f, v, loc, msg, size) && check_pattern(f, v, loc, msg, size);
}

/* The shape local@domain.tld: one @, no blanks or controls, a dot inside the domain with
 * no empty labels. Deliverability is not our business. */
static bool email_shape(const char *v)
{
    const char *at = strchr(v, '@');
    if (!at || at == v || strchr(at + 1, '@'))
        return false;
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return false;
    const char *dom = at + 1;
    size_t n = strlen(dom);
    if (n < 3 || dom[0] == '.' || dom[n - 1] == '.' || !strchr(dom, '.') || strstr(dom, ".."))
        return false;
    return true;
}

static bool leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* YYYY-MM-DD naming a day that exists (2024-02-29 yes, 2023-02-29 no), years 1-9999. */
static bool date_real(const char *v)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(v) != 10 || v[4] != '-' || v[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)v[i]))
            return false;
    int y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
    int m = (v[5] - '0') * 10 + (v[6] - '0');
    int d = (v[8] - '0') * 10 + (v[9] - '0');
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return false;
    int max = mdays[m - 1] + (m == 2 && leap_year(y) ? 1 : 0);
    return d <= max;
}

static bool check_choice(const struct ff_field *f, const char *v)
{
    for (size_t i = 0; i < f->nchoices; i++)
        if (f->choices[i] && !strcmp(f->choices[i], v))
            return true;
    return false;
}

bool ff_field_check(const struct ff_field *f, const char *value, const char *locale, char *msg,
                    size_t size)
{
    if (!value || !*value)
        return f->required ? fail(locale, MSG_REQUIRED, 0, msg, size) : true;
    if (strlen(value) > FF_RUN_MAX_VALUE)
        return fail(locale, MSG_LEN_MAX, FF_RUN_MAX_VALUE, msg, size);
    switch (f->type) {
    case FF_FIELD_TEXT:
        return check_length(f, value, locale, msg, size) &&
               check_pattern(f, value, locale, msg, size);
    case FF_FIELD_NUMBER:
        return check_number(f, value, locale, msg, size);
    case FF_FIELD_PHONE:
        return check_phone(f, value, locale, msg, size);
    case FF_FIELD_EMAIL:
        return email_shape(value) ? true : fail(locale, MSG_EMAIL, 0, msg, size);
    case FF_FIELD_DATE:
        return date_real(value) ? true : fail(locale, MSG_DATE, 0, msg, size);
    case FF_FIELD_CHOICE:
        return check_choice(f, value) ? true : fail(locale, MSG_CHOICE, 0, msg, size);
    case FF_FIELD_YES_NO:
        return !strcmp(value, "yes") || !strcmp(value, "no")
                   ? true
                   : fail(locale, MSG_YES_NO, 0, msg, size);
    }
    return fail(locale, MSG_PATTERN, 0, msg, size);
}
