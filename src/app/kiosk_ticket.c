/* kiosk_ticket.c - ticket codes (see kiosk_ticket.h).
 *
 * The check symbol uses weights 1,2,3,4,6 mod 25: every weight and every difference of
 * neighbouring weights is coprime to 25, which is what catches one wrong symbol and one
 * swap of neighbours. Pure functions; no state.
 */
#include "kiosk_ticket.h"

#include <string.h>

#define NSYM 25
#define NDATA (FF_TICKET_LEN - 1)

static const int weights[NDATA] = {1, 2, 3, 4, 6};

static int sym_value(char c)
{
    if (c >= 'a' && c <= 'z')
        c = (char)(c - 'a' + 'A');
    const char *p = strchr(FF_TICKET_ALPHABET, c);
    return (p && c) ? (int)(p - FF_TICKET_ALPHABET) : -1;
}

static int check_of(const int v[NDATA])
{
    int sum = 0;
    for (int i = 0; i < NDATA; i++)
        sum += weights[i] * v[i];
    return sum % NSYM;
}

void ff_ticket_make(uint64_t entropy, char out[FF_TICKET_TEXT_SIZE])
{
    int v[FF_TICKET_LEN];
    for (int i = 0; i < NDATA; i++) {
        v[i] = (int)(entropy % NSYM);
        entropy /= NSYM;
    }
    v[NDATA] = check_of(v);
    size_t o = 0;
    for (int i = 0; i < FF_TICKET_LEN; i++) {
        if (i == FF_TICKET_LEN / 2)
            out[o++] = '-';
        out[o++] = FF_TICKET_ALPHABET[v[i]];
    }
    out[o] = '\0';
}

bool ff_ticket_valid(const char *text)
{
    int v[FF_TICKET_LEN];
    int n = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '-' || *p == ' ')
            continue;
        int x = sym_value(*p);
        if (x < 0 || n == FF_TICKET_LEN)
            return false;
        v[n++] = x;
    }
    return n == FF_TICKET_LEN && check_of(v) == v[NDATA];
}
