/* field_check.c - one answer against its field: accepted in the forms people type in their
 * language and country, turned into the normal form that is recorded, or refused with a
 * message in their language that says what is expected (see fieldflow/field.h).
 *
 * Workload: a handful of short values per submit, typed by a person; nothing here is hot,
 * so a pattern is compiled per check rather than cached. Messages come from a small
 * built-in catalog (en, da, es; anything else gets en) with one "{n}" placeholder, so no
 * format string is ever taken from data. field_locale.c reads the language's forms and
 * field_country.c the countries' phones and postcodes.
 */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "field_int.h"
#include "fieldflow/runner.h"

enum msg_id {
    MSG_REQUIRED,
    MSG_NUMBER,
    MSG_NUMBER_GROUPS,
    MSG_NUM_MIN,
    MSG_NUM_MAX,
    MSG_LEN_MIN,
    MSG_LEN_MAX,
    MSG_PATTERN,
    MSG_EMAIL,
    MSG_DATE,
    MSG_DATE_MIN,
    MSG_DATE_MAX,
    MSG_CHOICE,
    MSG_YES_NO,
    MSG_COUNT
};

static const char *const catalog[LANG_COUNT][MSG_COUNT] = {
    [LANG_EN] =
        {
            [MSG_REQUIRED] = "This field is required.",
            [MSG_NUMBER] = "Enter a number, e.g. 4.5.",
            [MSG_NUMBER_GROUPS] =
                "Enter the number without thousands separators, e.g. 1200 or 4.5.",
            [MSG_NUM_MIN] = "Enter a number of at least {n}.",
            [MSG_NUM_MAX] = "Enter a number of at most {n}.",
            [MSG_LEN_MIN] = "Enter at least {n} characters.",
            [MSG_LEN_MAX] = "Enter at most {n} characters.",
            [MSG_PATTERN] = "The value does not have the expected format.",
            [MSG_EMAIL] = "Enter an email address like name@example.com.",
            [MSG_DATE] = "Enter a date such as 24/12/2026 or 2026-12-24.",
            [MSG_DATE_MIN] = "Enter a date on or after {n}.",
            [MSG_DATE_MAX] = "Enter a date on or before {n}.",
            [MSG_CHOICE] = "Choose one of the options by its number or its name.",
            [MSG_YES_NO] = "Answer yes or no.",
        },
    [LANG_DA] =
        {
            [MSG_REQUIRED] = "Dette felt skal udfyldes.",
            [MSG_NUMBER] = "Skriv et tal, fx 4,5.",
            [MSG_NUMBER_GROUPS] = "Skriv tallet uden tusindtalsseparator, fx 1200 eller 4,5.",
            [MSG_NUM_MIN] = "Skriv et tal på mindst {n}.",
            [MSG_NUM_MAX] = "Skriv et tal på højst {n}.",
            [MSG_LEN_MIN] = "Skriv mindst {n} tegn.",
            [MSG_LEN_MAX] = "Skriv højst {n} tegn.",
            [MSG_PATTERN] = "Værdien har ikke det forventede format.",
            [MSG_EMAIL] = "Skriv en e-mailadresse som navn@eksempel.dk.",
            [MSG_DATE] = "Skriv en dato som 24-12-2026 eller 2026-12-24.",
            [MSG_DATE_MIN] = "Skriv en dato den {n} eller senere.",
            [MSG_DATE_MAX] = "Skriv en dato senest den {n}.",
            [MSG_CHOICE] = "Vælg en af mulighederne med dens nummer eller navn.",
            [MSG_YES_NO] = "Svar ja eller nej.",
        },
    [LANG_ES] =
        {
            [MSG_REQUIRED] = "Este campo es obligatorio.",
            [MSG_NUMBER] = "Introduzca un número, p. ej. 4,5.",
            [MSG_NUMBER_GROUPS] = "Introduzca el número sin separador de miles, p. ej. 1200 o 4,5.",
            [MSG_NUM_MIN] = "Introduzca un número mayor o igual que {n}.",
            [MSG_NUM_MAX] = "Introduzca un número menor o igual que {n}.",
            [MSG_LEN_MIN] = "Introduzca al menos {n} caracteres.",
            [MSG_LEN_MAX] = "Introduzca como máximo {n} caracteres.",
            [MSG_PATTERN] = "El valor no tiene el formato esperado.",
            [MSG_EMAIL] = "Introduzca una dirección de correo como nombre@ejemplo.es.",
            [MSG_DATE] = "Introduzca una fecha como 24/12/2026 o 2026-12-24.",
            [MSG_DATE_MIN] = "Introduzca una fecha igual o posterior al {n}.",
            [MSG_DATE_MAX] = "Introduzca una fecha igual o anterior al {n}.",
            [MSG_CHOICE] = "Elija una de las opciones por su número o su nombre.",
            [MSG_YES_NO] = "Responda sí o no.",
        },
};

/* Writes message `id` with {n} replaced by arg into msg. Returns false so that checks can
 * `return fail(...)`. */
static bool fail(enum field_lang lang, enum msg_id id, const char *arg, char *msg, size_t size)
{
    const char *tmpl = catalog[lang][id] ? catalog[lang][id] : catalog[LANG_EN][id];
    if (!tmpl) /* a message without English text is a bug; say nothing rather than crash */
        tmpl = "";
    const char *at = strstr(tmpl, "{n}");
    if (at)
        snprintf(msg, size, "%.*s%s%s", (int)(at - tmpl), tmpl, arg ? arg : "", at + 3);
    else
        snprintf(msg, size, "%s", tmpl);
    return false;
}

/* A bound as the language writes it: %g with its decimal separator. */
static bool fail_num(enum field_lang lang, enum msg_id id, double bound, char *msg, size_t size)
{
    char num[64];
    snprintf(num, sizeof num, "%g", bound);
    for (char *p = num; *p; p++)
        if (*p == '.' && lang != LANG_EN)
            *p = ',';
    return fail(lang, id, num, msg, size);
}

static size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static bool check_length(const struct ff_field *f, const char *v, enum field_lang lang, char *msg,
                         size_t size)
{
    double len = (double)utf8_length(v);
    if (f->has_min && len < f->min)
        return fail_num(lang, MSG_LEN_MIN, f->min, msg, size);
    if (f->has_max && len > f->max)
        return fail_num(lang, MSG_LEN_MAX, f->max, msg, size);
    return true;
}

/* The pattern must match the whole value: it is wrapped as ^(pattern)$. A pattern that does
 * not compile (the validator refuses those) fails every value rather than none. The wrapped
 * pattern is built on the stack so that a check cannot fail for want of memory. */
static bool check_pattern(const struct ff_field *f, const char *v, enum field_lang lang, char *msg,
                          size_t size)
{
    char anchored[FF_CHART_MAX_STRING + 8];
    if (!f->pattern)
        return true;
    if (strlen(f->pattern) > FF_CHART_MAX_STRING)
        return fail(lang, MSG_PATTERN, NULL, msg, size);
    snprintf(anchored, sizeof anchored, "^(%s)$", f->pattern);
    regex_t re;
    bool ok = false;
    if (regcomp(&re, anchored, REG_EXTENDED | REG_NOSUB) == 0) {
        ok = regexec(&re, v, 0, NULL, 0) == 0;
        regfree(&re);
    }
    return ok ? true : fail(lang, MSG_PATTERN, NULL, msg, size);
}

static bool check_number(const struct ff_field *f, const char *v, enum field_lang lang, char *norm,
                         size_t normsize, char *msg, size_t size)
{
    double d;
    bool ambiguous;
    if (!ff_field__number(v, lang, &d, norm, normsize, &ambiguous))
        return fail(lang, ambiguous ? MSG_NUMBER_GROUPS : MSG_NUMBER, NULL, msg, size);
    if (f->has_min && d < f->min)
        return fail_num(lang, MSG_NUM_MIN, f->min, msg, size);
    if (f->has_max && d > f->max)
        return fail_num(lang, MSG_NUM_MAX, f->max, msg, size);
    return true;
}

/* The shape local@domain.tld: one @, no blanks or controls, a dot inside the domain with
 * no empty labels. Deliverability is not our business. The domain is recorded in lower
 * case (it is case-blind); the local part as typed (it need not be). */
static bool check_email(const char *v, enum field_lang lang, char *norm, size_t normsize, char *msg,
                        size_t size)
{
    const char *at = strchr(v, '@');
    if (!at || at == v || strchr(at + 1, '@'))
        return fail(lang, MSG_EMAIL, NULL, msg, size);
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return fail(lang, MSG_EMAIL, NULL, msg, size);
    const char *dom = at + 1;
    size_t n = strlen(dom);
    if (n < 3 || dom[0] == '.' || dom[n - 1] == '.' || !strchr(dom, '.') || strstr(dom, ".."))
        return fail(lang, MSG_EMAIL, NULL, msg, size);
    size_t len = (size_t)snprintf(norm, normsize, "%s", v);
    for (size_t i = (size_t)(at - v) + 1; i < len && i < normsize; i++)
        norm[i] = (char)tolower((unsigned char)norm[i]);
    return true;
}

static bool check_date(const struct ff_field *f, const char *v, const struct ff_field_ctx *ctx,
                       enum field_lang lang, char *norm, size_t normsize, char *msg, size_t size)
{
    int64_t days;
    char when[32];
    if (!ff_field__date(v, &days))
        return fail(lang, MSG_DATE, NULL, msg, size);
    if (f->has_min_days && days < ctx->today + f->min_days) {
        ff_field__date_format(ctx->today + f->min_days, lang, when, sizeof when);
        return fail(lang, MSG_DATE_MIN, when, msg, size);
    }
    if (f->has_max_days && days > ctx->today + f->max_days) {
        ff_field__date_format(ctx->today + f->max_days, lang, when, sizeof when);
        return fail(lang, MSG_DATE_MAX, when, msg, size);
    }
    int y, m, d;
    ff_civil_from_days(days, &y, &m, &d);
    snprintf(norm, normsize, "%04d-%02d-%02d", y, m, d);
    return true;
}

/* The id, the 1-based number shown, or the label in the user's locale (case- and
 * accent-blind); the id is what is recorded. */
static bool check_choice(const struct ff_field *f, const char *v, const struct ff_field_ctx *ctx,
                         char *norm, size_t normsize)
{
    char typed[256], label[256];
    int idx = -1;
    size_t nd = strspn(v, "0123456789");
    if (nd && nd < 4 && !v[nd]) {
        int k = 0;
        for (size_t i = 0; i < nd; i++)
            k = k * 10 + (v[i] - '0');
        idx = k >= 1 && (size_t)k <= f->nchoices ? k - 1 : -1;
    }
    ff_field__fold(v, typed, sizeof typed);
    for (size_t i = 0; idx < 0 && i < f->nchoices; i++) {
        if (f->choices[i] && !strcmp(f->choices[i], v))
            idx = (int)i;
        else if (ctx->chart && f->choice_labels && f->choice_labels[i].s) {
            ff_field__fold(ff_text_get(ctx->chart, &f->choice_labels[i], ctx->locale), label,
                           sizeof label);
            if (label[0] && !strcmp(label, typed))
                idx = (int)i;
        }
    }
    if (idx < 0 || !f->choices[idx])
        return false;
    snprintf(norm, normsize, "%s", f->choices[idx]);
    return true;
}

/* Copies v without blanks at either end into out. */
static void trim(const char *v, char *out, size_t outsize)
{
    while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
        v++;
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r' || v[n - 1] == '\n'))
        n--;
    snprintf(out, outsize, "%.*s", (int)n, v);
}

static bool check_typed(const struct ff_field *f, const char *v, const struct ff_field_ctx *ctx,
                        char *norm, size_t normsize, char *msg, size_t size)
{
    enum field_lang lang = ff_field__lang(ctx->locale);
    const struct ff_chart *c = ctx->chart;
    const char *const *cs = c ? c->countries : NULL;
    size_t ncs = c ? c->ncountries : 0;
    char folded[16];
    const char *yn;
    switch (f->type) {
    case FF_FIELD_TEXT:
        snprintf(norm, normsize, "%s", v);
        return check_length(f, v, lang, msg, size) && check_pattern(f, v, lang, msg, size);
    case FF_FIELD_NUMBER:
        return check_number(f, v, lang, norm, normsize, msg, size);
    case FF_FIELD_PHONE:
        if (!ff_field__phone(v, cs, ncs, norm, normsize)) {
            ff_field__phone_message(cs, ncs, lang, msg, size);
            return false;
        }
        return check_length(f, v, lang, msg, size) && check_pattern(f, v, lang, msg, size);
    case FF_FIELD_POSTCODE:
        if (ff_field__postcode(v, cs, ncs, norm, normsize))
            return true;
        ff_field__postcode_message(cs, ncs, lang, msg, size);
        return false;
    case FF_FIELD_EMAIL:
        return check_email(v, lang, norm, normsize, msg, size);
    case FF_FIELD_DATE:
        return check_date(f, v, ctx, lang, norm, normsize, msg, size);
    case FF_FIELD_CHOICE:
        return check_choice(f, v, ctx, norm, normsize) ? true
                                                       : fail(lang, MSG_CHOICE, NULL, msg, size);
    case FF_FIELD_YES_NO:
        ff_field__fold(v, folded, sizeof folded);
        if (!(yn = ff_field__yes_no(folded, lang)))
            return fail(lang, MSG_YES_NO, NULL, msg, size);
        snprintf(norm, normsize, "%s", yn);
        return true;
    }
    return fail(lang, MSG_PATTERN, NULL, msg, size);
}

bool ff_field_normalize(const struct ff_field *f, const char *value, const struct ff_field_ctx *ctx,
                        char *norm, size_t normsize, char *msg, size_t msgsize)
{
    static const struct ff_field_ctx none = {NULL, NULL, 0};
    char v[FF_RUN_MAX_VALUE + 1];
    if (!ctx)
        ctx = &none;
    enum field_lang lang = ff_field__lang(ctx->locale);
    if (normsize)
        norm[0] = '\0';
    if (value && strlen(value) > FF_RUN_MAX_VALUE)
        return fail_num(lang, MSG_LEN_MAX, FF_RUN_MAX_VALUE, msg, msgsize);
    trim(value ? value : "", v, sizeof v);
    if (!v[0])
        return f->required ? fail(lang, MSG_REQUIRED, NULL, msg, msgsize) : true;
    return check_typed(f, v, ctx, norm, normsize, msg, msgsize);
}
