/* app_i18n.h - the app's UI strings through gettext (domain "fieldflow"); flowchart text
 * comes localized from the chart instead. */
#ifndef FIELDFLOW_APP_I18N_H
#define FIELDFLOW_APP_I18N_H

#include <libintl.h>

#define TR(s) dgettext("fieldflow", s)

/* Binds the catalogs (<exe dir>/locale first, then FF_LOCALEDIR) and selects the language
 * ("en", "da", "es"); may be called again to switch at run time. */
void app_i18n_set(const char *lang);

#endif
