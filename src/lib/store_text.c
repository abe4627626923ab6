/* store_text.c - the normal form of searchable text: lower case ASCII where the letter has
 * one (en/da/es: "Søren Ångström" -> "soren angstrom", "Peña" -> "pena"), phone numbers as
 * digits only. The fold writes search keys with it and the searches normalize queries with
 * it, so both sides always agree. Workload: a few short strings per customer event.
 */
#include <string.h>

#include "store_int.h"

/* U+00C0..U+00FF */
static const char *const latin1[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "x", "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  " ", "o", "u", "u", "u", "u", "y", "th", "y"};
/* U+0100..U+017F, one base letter each */
static const char latin_ext_a[] = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkl"
                                  "lllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuu"
                                  "uwwyyyzzzzzzs";

/* Decodes one UTF-8 sequence at *p (advancing it); invalid bytes decode as themselves. */
static unsigned next_cp(const unsigned char **p)
{
    const unsigned char *s = *p;
    unsigned c = s[0];
    int n = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 0;
    for (int i = 1; i <= n; i++)
        if ((s[i] & 0xC0) != 0x80)
            n = 0;
    unsigned cp = n ? c & (0x3Fu >> n) : c;
    for (int i = 1; i <= n; i++)
        cp = (cp << 6) | (s[i] & 0x3Fu);
    *p = s + n + 1;
    return cp;
}

static size_t put(char *out, size_t o, size_t cap, const char *s, size_t n)
{
    if (o + n + 1 > cap)
        return o;
    memcpy(out + o, s, n);
    return o + n;
}

void ff_store__normalize(const char *in, bool digits_only, char *out, size_t cap)
{
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)in;
    while (*p) {
        const unsigned char *start = p;
        unsigned cp = next_cp(&p);
        char one[2] = {0, 0};
        const char *rep = NULL;
        if (digits_only) {
            if (cp >= '0' && cp <= '9')
                one[0] = (char)cp, rep = one;
        } else if (cp < 0x80) {
            one[0] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
            rep = (cp == '\t' || cp == '\n' || cp == '\r') ? " " : one;
        } else if (cp >= 0xC0 && cp <= 0xFF) {
            rep = latin1[cp - 0xC0];
        } else if (cp >= 0x100 && cp <= 0x17F) {
            one[0] = latin_ext_a[cp - 0x100];
            rep = one;
        }
        if (rep && rep[0] == ' ' && (o == 0 || out[o - 1] == ' '))
            continue; /* collapse runs of white space, none leading */
        if (rep)
            o = put(out, o, cap, rep, strlen(rep));
        else if (!digits_only)
            o = put(out, o, cap, (const char *)start, (size_t)(p - start));
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    if (cap)
        out[o < cap ? o : cap - 1] = '\0';
}
