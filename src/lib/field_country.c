/* field_country.c - phone numbers and postcodes of the countries a chart declares.
 *
 * Workload: one short value per check, typed by a person. Each country is a row of a
 * table (calling code, national number rules, postcode rule, message phrases), so adding
 * a country is adding a row.
 */
#include <string.h>

#include "fieldflow/field.h"

static const char *const known[] = {"DK", "ES", "GB"};

bool ff_field_country_known(const char *cc)
{
    for (size_t i = 0; cc && i < sizeof known / sizeof known[0]; i++)
        if (!strcmp(cc, known[i]))
            return true;
    return false;
}
