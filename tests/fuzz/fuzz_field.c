/* fuzz_field.c - libFuzzer target for ff_field_normalize (what people type into fields).
 *
 * Input: byte 0 picks the field type, byte 1 the language, byte 2 the chart's countries
 * (a bit each for DK, ES, GB and SE, which has no rules); the rest is the typed value.
 * Properties: a refusal always has a message; an accepted value's normal form is accepted
 * again and normalises to itself (what the runner records reads back unchanged), numbers
 * read in English since their normal form has a '.' whatever the language.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fieldflow/field.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const locales[] = {"en", "da", "es"};
static const char *const am[] = {"Morning", "Formiddag", "Mañana"};
static const char *const pm[] = {"Afternoon", "Eftermiddag", "Tarde"};
static const char *const ids[] = {"am", "pm"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum ff_field_type types[] = {
        FF_FIELD_TEXT,   FF_FIELD_NUMBER, FF_FIELD_PHONE,    FF_FIELD_EMAIL, FF_FIELD_DATE,
        FF_FIELD_CHOICE, FF_FIELD_YES_NO, FF_FIELD_POSTCODE, FF_FIELD_DATE,
    };
    static const char *const all[] = {"DK", "ES", "GB", "SE"};
    if (size < 3 || size > 10000)
        return 0;
    struct ff_text labels[2] = {{(const char **)am}, {(const char **)pm}};
    struct ff_field f = {.name = "f", .type = types[data[0] % 9], .required = data[0] & 0x80};
    if (f.type == FF_FIELD_CHOICE) {
        f.choices = (const char **)ids;
        f.choice_labels = labels;
        f.nchoices = 2;
    }
    if (data[0] % 9 == 8) {
        f.has_min_days = f.has_max_days = true;
        f.min_days = -3;
        f.max_days = 40;
    }
    const char *cs[4];
    size_t ncs = 0;
    for (size_t i = 0; i < 4; i++)
        if (data[2] & (1u << i))
            cs[ncs++] = all[i];
    struct ff_chart chart = {.locales = (const char **)locales, .nlocales = 3};
    chart.countries = cs;
    chart.ncountries = ncs;
    struct ff_field_ctx ctx = {locales[data[1] % 3], &chart, 20788};
    char *value = malloc(size - 2);
    memcpy(value, data + 3, size - 3);
    value[size - 3] = '\0';
    static char norm[FF_FIELD_NORM_MAX], again[FF_FIELD_NORM_MAX], msg[FF_FIELD_MSG_MAX];
    msg[0] = '\0';
    if (!ff_field_normalize(&f, value, &ctx, norm, sizeof norm, msg, sizeof msg)) {
        if (!msg[0])
            abort(); /* a refusal always says what is expected */
    } else if (norm[0]) {
        /* a number's normal form is language-neutral: "2.197" is ambiguous in da/es */
        if (f.type == FF_FIELD_NUMBER)
            ctx.locale = "en";
        if (!ff_field_normalize(&f, norm, &ctx, again, sizeof again, msg, sizeof msg))
            abort(); /* the normal form is accepted */
        if (strcmp(norm, again))
            abort(); /* and is a fixed point */
    }
    free(value);
    return 0;
}
