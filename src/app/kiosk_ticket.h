/* kiosk_ticket.h - short ticket codes a customer can read aloud and type back.
 *
 * A code is FF_TICKET_LEN symbols from an alphabet of 25 with no look-alikes (no 0/O,
 * 1/I/L, 5/S, 2/Z, 8/B), shown as two groups of three ("7KC-9RT"). The last symbol is a
 * check symbol (weighted sum mod 25), so any single wrong symbol and any swap of two
 * neighbours is caught. Five random symbols give 25^5 = 9.7 million codes: a ticket is a
 * lookup aid beside the case's UUID, not its identity.
 */
#ifndef FF_KIOSK_TICKET_H
#define FF_KIOSK_TICKET_H

#include <stdbool.h>
#include <stdint.h>

#define FF_TICKET_LEN 6       /* symbols, check symbol included */
#define FF_TICKET_TEXT_SIZE 8 /* "ABC-DEF" and its NUL */
#define FF_TICKET_ALPHABET "34679ACDEFGHJKMNPQRTUVWXY"

/* Makes a code from 5 symbols' worth of entropy (any 64-bit value; the caller draws it
 * from getrandom, tests pass fixed values) into out, "ABC-DEF". */
void ff_ticket_make(uint64_t entropy, char out[FF_TICKET_TEXT_SIZE]);
/* True when text is a well-formed code with a right check symbol. Case, blanks and the
 * dash are ignored, so "7kc 9rt" is read as typed from a phone call. */
bool ff_ticket_valid(const char *text);

#endif
