/* field_int.h - what the field-check files share: the user's language, text folding for
 * comparing what people type, and the per-country rules (field_country.c) and per-locale
 * forms (field_locale.c) that field_check.c dispatches to.
 *
 * Conventions: a parser takes the trimmed value and writes its normal form into out
 * (outsize bytes) and returns true, or returns false and leaves the message to the caller.
 */
#ifndef FF_FIELD_INT_H
#define FF_FIELD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fieldflow/field.h"

/* The languages with messages and locale forms; every other locale gets LANG_EN. */
enum field_lang { LANG_EN, LANG_DA, LANG_ES, LANG_COUNT };

/* "da", "da-DK" and "da_DK" give LANG_DA; NULL and unknown give LANG_EN. */
enum field_lang ff_field__lang(const char *locale);

/* Writes s folded for comparison into out: ASCII lower case, Latin-1 accented letters to
 * their base letter (á -> a, Ñ -> n; æ ø å kept, lower-cased), runs of blanks to one
 * space, no blanks at either end. Truncates at outsize - 1 bytes, on a code point. */
void ff_field__fold(const char *s, char *out, size_t outsize);

/* field_locale.c */
/* "yes" / "no" for an answer in the language (or English): yes/y/no/n, ja/j/nej/n,
 * sí/si/s/no/n; NULL when it is neither. */
const char *ff_field__yes_no(const char *folded, enum field_lang lang);
/* A decimal number as people write it in the language: an optional sign, digits, one
 * decimal separator ('.' anywhere; ',' too in da and es). Writes the canonical text into
 * out: '.' as the separator, no '+', no leading or trailing zeros ("04,50" -> "4.5"). *ambiguous is
 * set for a group of exactly three digits after the only separator where that separator could be a
 * thousands separator
 * ("1.200" in da, "1,200" in en), which is refused rather than guessed. */
bool ff_field__number(const char *v, enum field_lang lang, double *d, char *out, size_t outsize,
                      bool *ambiguous);
/* A real date, as ISO YYYY-MM-DD or day-month-year with '-', '.' or '/' (24.12.2026,
 * 24/12/2026, 1-2-2026); *days = days since 1970-01-01. */
bool ff_field__date(const char *v, int64_t *days);
/* The date in the language's usual form (24-12-2026, 24/12/2026). */
void ff_field__date_format(int64_t days, enum field_lang lang, char *out, size_t outsize);

/* field_country.c */
/* A phone number of one of the countries (ISO codes) as typed; writes "+<code><number>".
 * With no countries: 6 to 15 digits, an optional leading + or 00, kept as digits. */
bool ff_field__phone(const char *v, const char *const *countries, size_t n, char *out,
                     size_t outsize);
bool ff_field__postcode(const char *v, const char *const *countries, size_t n, char *out,
                        size_t outsize);
/* "Skriv et dansk telefonnummer med 8 cifre, fx 12 34 56 78." naming every country. */
void ff_field__phone_message(const char *const *countries, size_t n, enum field_lang lang,
                             char *msg, size_t size);
void ff_field__postcode_message(const char *const *countries, size_t n, enum field_lang lang,
                                char *msg, size_t size);

#endif
