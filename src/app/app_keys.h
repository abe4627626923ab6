/* app_keys.h - the on-screen keyboard and pads, built from ui buttons.
 *
 * Keys edit the caller's buffer directly (not through focus), so tapping a key never takes
 * focus away from the field being filled. Layouts follow the field type and the language:
 * - text: the letter rows of a real keyboard for en, da (å, æ ø) and es (ñ), a Shift key
 *   (one capital, then lower case again; a name field starts with a capital by itself),
 *   long-press on a vowel or n for its accented forms (á é í ó ú ü ñ), and a page of
 *   digits and symbols (key "kb.mode");
 * - email: the English letter rows, @ . - _ and a digits page; no Shift;
 * - number (a decimal comma in da/es) and phone (+): a 3-column pad.
 * Rows are centred and every key of a row of letters has the same width, at least 48x48
 * logical px with 8 px gaps; a row that cannot fit at that size (11 keys on a 480 px
 * portrait screen) is split into two near-equal lines, in order.
 *
 * Key ids: "kb.<key>" in lower case whatever Shift shows ("kb.a", "kb.ø", "kb.1"), the
 * accented forms offered after a long press "kb.acc.<form>" ("kb.acc.é"), and "kb.shift",
 * "kb.mode", "kb.space", "kb.backspace".
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

/* What the keyboard remembers between frames; all zero = a fresh keyboard. */
struct app_keys_state {
    bool digits;    /* the digits and symbols page is shown */
    bool shift;     /* the next letter is a capital (one-shot) */
    bool auto_done; /* the capital of an empty name field was offered (or refused) */
    char accent[8]; /* the letter held down whose accented forms are offered, "" none */
};

enum app_pad app_pad_for(enum ff_field_type t);
/* Draws the pad for lang under id prefix "kb"; edits buf (cap bytes with the NUL). `name`:
 * the field is a person's name (its first letter a capital). Returns true when buf
 * changed. */
bool app_keys(struct ui *ui, enum app_pad pad, const char *lang, bool name,
              struct app_keys_state *st, char *buf, size_t cap);
/* The upper case of one letter (ASCII and Latin-1 letters: å æ ø ñ á é í ó ú ü) into out;
 * other text is copied. For tests and the keys' labels. */
void app_keys_upper(const char *letter, char out[8]);

#endif
