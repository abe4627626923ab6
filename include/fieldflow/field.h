/* field.h - checking and normalising one answer typed by a person, in their language and
 * for the countries a chart declares.
 *
 * A value is accepted in the forms customers write ("ja", "4,5", "24.12.2026",
 * "+45 12 34 56 78") and turned into one normal form that is what gets recorded:
 *   yes_no    "yes" | "no"
 *   number    as typed with a '.', no '+', no leading or trailing zeros ("4.5", "-3")
 *   date      "YYYY-MM-DD"
 *   phone     "+<country code><national number>" for a declared country ("+4512345678");
 *             digits with an optional leading '+' when the chart declares none
 *   postcode  the country's written form ("2100", "28001", "SW1A 1AA")
 *   email     as typed, blanks around it removed, the domain in lower case
 *   choice    the choice id (typed as the id, the 1-based number shown, or the label)
 *   text      as typed
 * A normal form is accepted again and gives itself (a number's read in English: "2.197" is
 * ambiguous in da and es, where '.' may group thousands).
 * A refused value gets a message in the user's language (en, da, es; others get en) that
 * says what is expected, with an example.
 *
 * Nothing here allocates or reads a clock: "today" comes from the caller, so a check is
 * deterministic.
 */
#ifndef FIELDFLOW_FIELD_H
#define FIELDFLOW_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fieldflow/chart.h"

/* The countries with phone and postcode rules, for messages. */
#define FF_FIELD_COUNTRIES "DK, ES, GB"

#define FF_FIELD_NORM_MAX 8200 /* bytes of a normal form, NUL included (FF_RUN_MAX_VALUE + 8) */
#define FF_FIELD_MSG_MAX 512   /* bytes of a message, NUL included */

/* What a check needs besides the field; all borrowed. */
struct ff_field_ctx {
    const char *locale;           /* "da", "es-ES"...; NULL or unknown = en */
    const struct ff_chart *chart; /* choice labels and countries; may be NULL */
    int64_t today;                /* the user's date, in days since 1970-01-01 */
};

/* Checks `value` (NULL or "" = empty) against field `f`. On success writes the normal form
 * into norm (at least FF_FIELD_NORM_MAX bytes; "" for an empty optional field) and returns
 * true. Otherwise writes the localized message into msg (msgsize bytes) and returns false;
 * norm is then unspecified. */
bool ff_field_normalize(const struct ff_field *f, const char *value, const struct ff_field_ctx *ctx,
                        char *norm, size_t normsize, char *msg, size_t msgsize);

/* True when the field checks have phone and postcode rules for this ISO 3166-1 code. */
bool ff_field_country_known(const char *cc);

/* Days since 1970-01-01 of the civil date y-m-d (proleptic Gregorian), and back. */
int64_t ff_days_from_civil(int y, int m, int d);
void ff_civil_from_days(int64_t days, int *y, int *m, int *d);

#endif
