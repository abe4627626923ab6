/* app_keys.h - the on-screen keyboard and pads, built from ui buttons.
 *
 * Keys edit the caller's buffer directly (not through focus), so tapping a key never takes
 * focus away from the field being filled. Layouts follow the field type and the language:
 * letters for en/da/es (æ ø å, ñ and accented vowels) with a page of digits and symbols,
 * digits with a decimal comma in da/es,
 * phone (+ and digits), email (@ . - _). The keys are flowed into as many columns as fit (at
 * most 8, ui's row limit) with 48 px targets and 8 px gaps, so the same layout works from 480 px
 * portrait to 1080p.
 */
#ifndef FIELDFLOW_APP_KEYS_H
#define FIELDFLOW_APP_KEYS_H

#include <stddef.h>

#include "fieldflow/chart.h"
#include "ui.h"

enum app_pad {
    APP_PAD_TEXT,
    APP_PAD_NUMBER,
    APP_PAD_PHONE,
    APP_PAD_EMAIL,
};

enum app_pad app_pad_for(enum ff_field_type t);
/* Draws the pad for lang under id prefix "kb"; edits buf (cap bytes with the NUL). *digits
 * is the text pad's second page (digits and symbols, key "kb.mode" flips it). Returns true
 * when buf changed. */
bool app_keys(struct ui *ui, enum app_pad pad, const char *lang, bool *digits, char *buf,
              size_t cap);

#endif
