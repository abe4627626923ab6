/* test_field.c - ff_field_normalize per language and country: every accepted form and its
 * normal form, every refusal and its message; then that a normal form is itself accepted
 * unchanged (what the runner records can be read back).
 *
 * Fields and a chart are built by hand so that a case is one row: field type, the chart's
 * countries, the user's locale, what was typed, and what must come out.
 */
#include <stdio.h>
#include <string.h>

#include "fieldflow/field.h"
#include "harness.h"

#define TODAY_2026_12_01 20788 /* days since 1970-01-01 */

enum kind { T_YES_NO, T_NUMBER, T_DATE, T_DATE_RANGE, T_PHONE, T_POSTCODE, T_EMAIL, T_CHOICE };

struct fcase {
    enum kind kind;
    const char *countries; /* "DK,ES", "" for none */
    const char *locale;
    const char *typed;
    const char *norm; /* the normal form, or NULL when refused */
    const char *msg;  /* the message when refused; NULL = not checked */
};

static const struct fcase cases[] = {
    /* yes/no in each language, case- and accent-blind; English always understood */
    {T_YES_NO, "", "en", "Yes", "yes", NULL},
    {T_YES_NO, "", "en", " y ", "yes", NULL},
    {T_YES_NO, "", "en", "N", "no", NULL},
    {T_YES_NO, "", "da", "ja", "yes", NULL},
    {T_YES_NO, "", "da", "J", "yes", NULL},
    {T_YES_NO, "", "da", "NEJ", "no", NULL},
    {T_YES_NO, "", "da", "n", "no", NULL},
    {T_YES_NO, "", "da", "yes", "yes", NULL},
    {T_YES_NO, "", "es", "sí", "yes", NULL},
    {T_YES_NO, "", "es", "SÍ", "yes", NULL},
    {T_YES_NO, "", "es", "si", "yes", NULL},
    {T_YES_NO, "", "es", "s", "yes", NULL},
    {T_YES_NO, "", "es", "No", "no", NULL},
    {T_YES_NO, "", "es-ES", "n", "no", NULL},
    {T_YES_NO, "", "en", "ja", NULL, "Answer yes or no."},
    {T_YES_NO, "", "da", "sí", NULL, "Svar ja eller nej."},
    {T_YES_NO, "", "es", "nej", NULL, "Responda sí o no."},
    {T_YES_NO, "", "es", "sii", NULL, "Responda sí o no."},
    /* decimal comma where the language writes one; no guessing at thousands */
    {T_NUMBER, "", "en", "4.5", "4.5", NULL},
    {T_NUMBER, "", "en", "-3", NULL, NULL},
    {T_NUMBER, "", "en", "+7", "7", NULL},
    {T_NUMBER, "", "en", "4,5", NULL, "Enter a number, e.g. 4.5."},
    {T_NUMBER, "", "en", "1,200", NULL,
     "Enter the number without thousands separators, e.g. 1200 or 4.5."},
    {T_NUMBER, "", "da", "4,5", "4.5", NULL},
    {T_NUMBER, "", "da", "4.5", "4.5", NULL},
    {T_NUMBER, "", "da", "1,25", "1.25", NULL},
    {T_NUMBER, "", "da", "1,200", "1.2", NULL},
    {T_NUMBER, "", "da", "1.200", NULL,
     "Skriv tallet uden tusindtalsseparator, fx 1200 eller 4,5."},
    {T_NUMBER, "", "da", "1.200,5", NULL, "Skriv et tal, fx 4,5."},
    {T_NUMBER, "", "es", "4,5", "4.5", NULL},
    {T_NUMBER, "", "es", "12.000", NULL,
     "Introduzca el número sin separador de miles, p. ej. 1200 o 4,5."},
    {T_NUMBER, "", "es", "1 200", NULL, "Introduzca un número, p. ej. 4,5."},
    {T_NUMBER, "", "es", ",5", NULL, "Introduzca un número, p. ej. 4,5."},
    {T_NUMBER, "", "es", "5,", NULL, "Introduzca un número, p. ej. 4,5."},
    {T_NUMBER, "", "en", "0x10", NULL, "Enter a number, e.g. 4.5."},
    {T_NUMBER, "", "en", "nan", NULL, "Enter a number, e.g. 4.5."},
    {T_NUMBER, "", "en", "10.1", "10.1", NULL},
    {T_NUMBER, "", "da", "04,50", "4.5", NULL},
    {T_NUMBER, "", "es", "+010,000", "10", NULL},
    {T_NUMBER, "", "en", "1.0000001", "1.0000001", NULL},
    {T_NUMBER, "", "en", "0,0", NULL, NULL},
    {T_NUMBER, "", "da", "100", NULL, "Skriv et tal på højst 10,5."},
    {T_NUMBER, "", "da", "0,5", NULL, "Skriv et tal på mindst 1."},
    /* dates: ISO and day-month-year in each language */
    {T_DATE, "", "en", "2026-12-24", "2026-12-24", NULL},
    {T_DATE, "", "en", "24/12/2026", "2026-12-24", NULL},
    {T_DATE, "", "da", "24-12-2026", "2026-12-24", NULL},
    {T_DATE, "", "da", "24.12.2026", "2026-12-24", NULL},
    {T_DATE, "", "da", "1.2.2027", "2027-02-01", NULL},
    {T_DATE, "", "es", "24/12/2026", "2026-12-24", NULL},
    {T_DATE, "", "es", "29/02/2028", "2028-02-29", NULL},
    {T_DATE, "", "es", "29/02/2027", NULL, "Introduzca una fecha como 24/12/2026 o 2026-12-24."},
    {T_DATE, "", "da", "24.12-2026", NULL, "Skriv en dato som 24-12-2026 eller 2026-12-24."},
    {T_DATE, "", "en", "24/12/26", NULL, "Enter a date such as 24/12/2026 or 2026-12-24."},
    {T_DATE, "", "en", "12/24/2026", NULL, NULL},
    {T_DATE, "", "en", "2026/12/24", NULL, NULL},
    {T_DATE, "", "en", "2026-12-24x", NULL, NULL},
    /* min_days 0, max_days 30 against today 2026-12-01 */
    {T_DATE_RANGE, "", "en", "2026-12-01", "2026-12-01", NULL},
    {T_DATE_RANGE, "", "en", "31/12/2026", "2026-12-31", NULL},
    {T_DATE_RANGE, "", "en", "30/11/2026", NULL, "Enter a date on or after 01/12/2026."},
    {T_DATE_RANGE, "", "da", "30-11-2026", NULL, "Skriv en dato den 01-12-2026 eller senere."},
    {T_DATE_RANGE, "", "es", "1/1/2027", NULL,
     "Introduzca una fecha igual o anterior al 31/12/2026."},
    {T_DATE_RANGE, "", "da", "2027-01-01", NULL, "Skriv en dato senest den 31-12-2026."},
    /* phones of each declared country, as people type them */
    {T_PHONE, "DK", "da", "12 34 56 78", "+4512345678", NULL},
    {T_PHONE, "DK", "da", "+45 12 34 56 78", "+4512345678", NULL},
    {T_PHONE, "DK", "da", "0045 12345678", "+4512345678", NULL},
    {T_PHONE, "DK", "da", "12-34-56-78", "+4512345678", NULL},
    {T_PHONE, "DK", "da", "1234 567", NULL,
     "Skriv et dansk telefonnummer med 8 cifre, fx 12 34 56 78."},
    {T_PHONE, "DK", "da", "+46 12 34 56 78", NULL, NULL},
    {T_PHONE, "DK", "en", "612 345 678", NULL,
     "Enter a Danish phone number with 8 digits, e.g. 12 34 56 78."},
    {T_PHONE, "ES", "es", "612 345 678", "+34612345678", NULL},
    {T_PHONE, "ES", "es", "912-34-56-78", "+34912345678", NULL},
    {T_PHONE, "ES", "es", "+34 712 345 678", "+34712345678", NULL},
    {T_PHONE, "ES", "es", "0034 812345678", "+34812345678", NULL},
    {T_PHONE, "ES", "es", "512 345 678", NULL,
     "Introduzca un número de teléfono español de 9 cifras, p. ej. 612 34 56 78."},
    {T_PHONE, "GB", "en", "07700 900123", "+447700900123", NULL},
    {T_PHONE, "GB", "en", "+44 7700 900123", "+447700900123", NULL},
    {T_PHONE, "GB", "en", "+44 (0)20 7946 0958", "+442079460958", NULL},
    {T_PHONE, "GB", "en", "020 7946 0958", "+442079460958", NULL},
    {T_PHONE, "GB", "en", "7700 900123", NULL,
     "Enter a UK phone number, e.g. 07700 900123 or +44 20 7946 0958."},
    {T_PHONE, "DK,ES,GB", "da", "612345678", "+34612345678", NULL},
    {T_PHONE, "DK,ES,GB", "da", "12345678", "+4512345678", NULL},
    {T_PHONE, "DK,ES,GB", "da", "07700900123", "+447700900123", NULL},
    {T_PHONE, "DK,ES", "da", "123", NULL,
     "Skriv et dansk telefonnummer med 8 cifre, fx 12 34 56 78 eller et spansk "
     "telefonnummer med 9 cifre, fx 612 34 56 78."},
    {T_PHONE, "ES,DK", "es", "1", NULL,
     "Introduzca un número de teléfono español de 9 cifras, p. ej. 612 34 56 78 o un número "
     "de teléfono danés de 8 cifras, p. ej. 12 34 56 78."},
    {T_PHONE, "DK", "da", "12 34 56 78 ext", NULL, NULL},
    {T_PHONE, "", "en", "+46 8 123 456", "+468123456", NULL},
    {T_PHONE, "", "en", "08-123 456", "08123456", NULL},
    {T_PHONE, "", "en", "12345", NULL,
     "Enter a phone number with 6 to 15 digits, e.g. +45 12 34 56 78."},
    {T_PHONE, "SE", "en", "+46 8 123 456", "+468123456", NULL},
    {T_PHONE, "SE,DK", "en", "12 34 56 78", "+4512345678", NULL},
    /* postcodes */
    {T_POSTCODE, "DK", "da", "2100", "2100", NULL},
    {T_POSTCODE, "DK", "da", "DK-2100", "2100", NULL},
    {T_POSTCODE, "DK", "da", "210", NULL, "Skriv et dansk postnummer med 4 cifre, fx 2100."},
    {T_POSTCODE, "DK", "da", "21000", NULL, NULL},
    {T_POSTCODE, "ES", "es", "28001", "28001", NULL},
    {T_POSTCODE, "ES", "es", "01001", "01001", NULL},
    {T_POSTCODE, "ES", "es", "52006", "52006", NULL},
    {T_POSTCODE, "ES", "es", "53001", NULL,
     "Introduzca un código postal español de 5 cifras, p. ej. 28001."},
    {T_POSTCODE, "ES", "es", "00100", NULL, NULL},
    {T_POSTCODE, "GB", "en", "SW1A 1AA", "SW1A 1AA", NULL},
    {T_POSTCODE, "GB", "en", "sw1a1aa", "SW1A 1AA", NULL},
    {T_POSTCODE, "GB", "en", "M1 1AE", "M1 1AE", NULL},
    {T_POSTCODE, "GB", "en", "B33 8TH", "B33 8TH", NULL},
    {T_POSTCODE, "GB", "en", "CR2 6XH", "CR2 6XH", NULL},
    {T_POSTCODE, "GB", "en", "DN55 1PT", "DN55 1PT", NULL},
    {T_POSTCODE, "GB", "en", "W1A 0AX", "W1A 0AX", NULL},
    {T_POSTCODE, "GB", "en", "SW1A 1AI", NULL, "Enter a UK postcode, e.g. SW1A 1AA."},
    {T_POSTCODE, "GB", "en", "1A 1AA", NULL, NULL},
    {T_POSTCODE, "DK,ES,GB", "es", "2100", "2100", NULL},
    {T_POSTCODE, "DK,ES,GB", "es", "28001", "28001", NULL},
    {T_POSTCODE, "DK,GB", "es", "x", NULL,
     "Introduzca un código postal danés de 4 cifras, p. ej. 2100 o un código postal británico, "
     "p. ej. SW1A 1AA."},
    {T_POSTCODE, "", "en", "75001", "75001", NULL},
    {T_POSTCODE, "", "en", "abc", NULL, "Enter a postcode of 3 to 10 letters and digits."},
    /* email */
    {T_EMAIL, "", "en", " Ana@Example.COM ", "Ana@example.com", NULL},
    {T_EMAIL, "", "da", "ana@dk", NULL, "Skriv en e-mailadresse som navn@eksempel.dk."},
    {T_EMAIL, "", "es", "a b@x.es", NULL, NULL},
    /* choices: id, number shown, localized label */
    {T_CHOICE, "", "en", "am", "am", NULL},
    {T_CHOICE, "", "en", "2", "pm", NULL},
    {T_CHOICE, "", "da", "eftermiddag", "pm", NULL},
    {T_CHOICE, "", "es", "manana", "am", NULL},
    {T_CHOICE, "", "es", "Por la MAÑANA", NULL, NULL},
    {T_CHOICE, "", "es", "Mañana", "am", NULL},
    {T_CHOICE, "", "en", "3", NULL, "Choose one of the options by its number or its name."},
    {T_CHOICE, "", "da", "0", NULL, "Vælg en af mulighederne med dens nummer eller navn."},
    {T_CHOICE, "", "en", "Eftermiddag", NULL, NULL},
};

static const char *const locales[] = {"en", "da", "es"};
static const char *const am_label[] = {"Morning", "Formiddag", "Mañana"};
static const char *const pm_label[] = {"Afternoon", "Eftermiddag", "Tarde"};
static const char *const choice_ids[] = {"am", "pm"};

static void make_field(enum kind k, struct ff_field *f, struct ff_text *labels)
{
    static const enum ff_field_type types[] = {
        [T_YES_NO] = FF_FIELD_YES_NO, [T_NUMBER] = FF_FIELD_NUMBER,
        [T_DATE] = FF_FIELD_DATE,     [T_DATE_RANGE] = FF_FIELD_DATE,
        [T_PHONE] = FF_FIELD_PHONE,   [T_POSTCODE] = FF_FIELD_POSTCODE,
        [T_EMAIL] = FF_FIELD_EMAIL,   [T_CHOICE] = FF_FIELD_CHOICE,
    };
    memset(f, 0, sizeof *f);
    f->name = "f";
    f->type = types[k];
    f->required = true;
    if (k == T_NUMBER) {
        f->has_min = f->has_max = true;
        f->min = 1;
        f->max = 10.5;
    }
    if (k == T_DATE_RANGE) {
        f->has_min_days = f->has_max_days = true;
        f->min_days = 0;
        f->max_days = 30;
    }
    if (k == T_CHOICE) {
        labels[0].s = (const char **)am_label;
        labels[1].s = (const char **)pm_label;
        f->choices = (const char **)choice_ids;
        f->choice_labels = labels;
        f->nchoices = 2;
    }
}

/* "DK,ES" -> a list of codes in storage. */
static size_t split(const char *s, char store[][3], const char **out)
{
    size_t n = 0;
    for (; *s && n < 8; s += s[2] ? 3 : 2) {
        memcpy(store[n], s, 2);
        store[n][2] = '\0';
        out[n] = store[n];
        n++;
    }
    return n;
}

static void test_cases(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct fcase *k = &cases[i];
        char store[8][3], norm[FF_FIELD_NORM_MAX], msg[FF_FIELD_MSG_MAX], what[160];
        const char *cs[8];
        struct ff_text labels[2];
        struct ff_field f;
        struct ff_chart chart = {.locales = (const char **)locales, .nlocales = 3};
        chart.ncountries = split(k->countries, store, cs);
        chart.countries = cs;
        make_field(k->kind, &f, labels);
        struct ff_field_ctx ctx = {k->locale, &chart, TODAY_2026_12_01};
        snprintf(what, sizeof what, "case %zu: %s \"%s\"", i, k->locale, k->typed);
        msg[0] = '\0';
        bool ok = ff_field_normalize(&f, k->typed, &ctx, norm, sizeof norm, msg, sizeof msg);
        CHECK_MSG(ok == (k->norm != NULL), what);
        if (ok && k->norm) {
            CHECK_STR(norm, k->norm);
            /* the normal form reads back as itself */
            char again[FF_FIELD_NORM_MAX];
            CHECK_MSG(ff_field_normalize(&f, norm, &ctx, again, sizeof again, msg, sizeof msg),
                      what);
            CHECK_STR(again, k->norm);
        } else if (!ok) {
            CHECK_MSG(msg[0] != '\0', what);
            if (k->msg)
                CHECK_STR(msg, k->msg);
        }
    }
}

static void test_empty_and_bounds(void)
{
    struct ff_field f;
    struct ff_text labels[2];
    char norm[FF_FIELD_NORM_MAX], msg[FF_FIELD_MSG_MAX];
    make_field(T_YES_NO, &f, labels);
    f.required = false;
    CHECK(ff_field_normalize(&f, "  ", NULL, norm, sizeof norm, msg, sizeof msg));
    CHECK_STR(norm, "");
    f.required = true;
    CHECK(!ff_field_normalize(&f, NULL, NULL, norm, sizeof norm, msg, sizeof msg));
    CHECK_STR(msg, "This field is required.");
    static char big[9000];
    memset(big, '1', sizeof big - 1);
    make_field(T_NUMBER, &f, labels);
    CHECK(!ff_field_normalize(&f, big, NULL, norm, sizeof norm, msg, sizeof msg));
    CHECK(!ff_field_normalize(&f, big + 8000, NULL, norm, sizeof norm, msg, sizeof msg));
    CHECK(ff_field_country_known("DK") && ff_field_country_known("ES") &&
          ff_field_country_known("GB"));
    CHECK(!ff_field_country_known("SE") && !ff_field_country_known("dk") &&
          !ff_field_country_known(NULL));
}

static void test_civil(void)
{
    CHECK_INT(ff_days_from_civil(1970, 1, 1), 0);
    CHECK_INT(ff_days_from_civil(2026, 12, 1), TODAY_2026_12_01);
    CHECK_INT(ff_days_from_civil(1969, 12, 31), -1);
    CHECK_INT(ff_days_from_civil(2000, 3, 1), 11017);
    for (int64_t d = -800000; d < 3000000; d += 997) {
        int y, m, dd;
        ff_civil_from_days(d, &y, &m, &dd);
        if (ff_days_from_civil(y, m, dd) != d) {
            CHECK_INT(ff_days_from_civil(y, m, dd), d);
            break;
        }
    }
}

int main(void)
{
    test_cases();
    test_empty_and_bounds();
    test_civil();
    return ff_test_finish();
}
