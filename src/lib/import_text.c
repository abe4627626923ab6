/* import_text.c - labels of imported drawings reduced to plain text (see import_text.h).
 *
 * One left-to-right pass: a tag or an entity is recognised where it starts and what it
 * produces is never read again, so "&amp;lt;" ends as "&lt;" and hostile nesting costs
 * nothing. The output is never longer than the input plus one byte per line break, so it
 * is sized before writing.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fieldflow/mem.h"
#include "import_text.h"

/* The text being written: blanks are held back until a visible character follows, so lines
 * come out trimmed with inner runs collapsed. */
struct out {
    char *p;
    size_t n;
    bool blank; /* a blank is pending */
    bool line;  /* a line break is pending */
};

static void put_byte(struct out *o, char c)
{
    if (c == '\n') {
        if (o->n)
            o->line = true;
        o->blank = false;
        return;
    }
    if (c == ' ' || c == '\t' || c == '\r' || ((unsigned char)c < 0x20)) {
        o->blank = o->n > 0 && !o->line;
        return;
    }
    if (o->line)
        o->p[o->n++] = '\n';
    else if (o->blank)
        o->p[o->n++] = ' ';
    o->line = o->blank = false;
    o->p[o->n++] = c;
}

static void put_cp(struct out *o, uint32_t cp)
{
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        put_byte(o, (char)cp);
    } else if (cp < 0x800) {
        put_byte(o, (char)(0xC0 | cp >> 6));
        put_byte(o, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        put_byte(o, (char)(0xE0 | cp >> 12));
        put_byte(o, (char)(0x80 | ((cp >> 6) & 0x3F)));
        put_byte(o, (char)(0x80 | (cp & 0x3F)));
    } else {
        put_byte(o, (char)(0xF0 | cp >> 18));
        put_byte(o, (char)(0x80 | ((cp >> 12) & 0x3F)));
        put_byte(o, (char)(0x80 | ((cp >> 6) & 0x3F)));
        put_byte(o, (char)(0x80 | (cp & 0x3F)));
    }
}

static const struct {
    const char *name;
    uint32_t cp;
} entities[] = {{"amp", '&'},       {"lt", '<'},      {"gt", '>'},       {"quot", '"'},
                {"apos", '\''},     {"nbsp", ' '},    {"ndash", 0x2013}, {"mdash", 0x2014},
                {"hellip", 0x2026}, {"euro", 0x20AC}, {"copy", 0xA9}};

/* An entity body after '&' or Mermaid's '#': "amp;", "#35;", "#x41;", "35;" (Mermaid).
 * Returns the bytes it spans (0: not an entity) and its code point in *cp. */
static size_t entity(const char *s, size_t n, bool numeric_bare, uint32_t *cp)
{
    size_t k = 0;
    bool num = numeric_bare && n && s[0] >= '0' && s[0] <= '9';
    if (n && s[0] == '#') {
        num = true;
        k = 1;
    }
    if (num) {
        unsigned base = 10;
        if (k < n && (s[k] == 'x' || s[k] == 'X')) {
            base = 16;
            k++;
        }
        uint32_t v = 0;
        size_t digits = 0;
        for (; k < n && digits < 8; k++, digits++) {
            char c = s[k];
            unsigned d = c >= '0' && c <= '9'                 ? (unsigned)(c - '0')
                         : base == 16 && c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                         : base == 16 && c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                                              : 99;
            if (d == 99)
                break;
            v = v * base + d;
        }
        if (!digits || k >= n || s[k] != ';')
            return 0;
        *cp = v;
        return k + 1;
    }
    for (size_t e = 0; e < sizeof entities / sizeof *entities; e++) {
        size_t l = strlen(entities[e].name);
        if (n > l && !memcmp(s, entities[e].name, l) && s[l] == ';') {
            *cp = entities[e].cp;
            return l + 1;
        }
    }
    return 0;
}

static bool tag_is(const char *name, size_t l, const char *const *list)
{
    for (; *list; list++)
        if (strlen(*list) == l && !strncmp(name, *list, l))
            return true;
    return false;
}

static const char *const break_tags[] = {"br", "div", "p", "li", "tr", "h1", "h2", "h3", NULL};
static const char *const inline_tags[] = {"b",     "i",     "u",   "em",         "strong", "small",
                                          "code",  "span",  "sub", "sup",        "font",   "strike",
                                          "s",     "ul",    "ol",  "a",          "big",    "mark",
                                          "table", "tbody", "td",  "blockquote", NULL};

/* A tag at s[0] == '<': returns its length (0: not a tag) and whether it breaks the line. */
static size_t tag(const char *s, size_t n, bool any, bool *brk)
{
    size_t k = 1;
    if (k < n && s[k] == '/')
        k++;
    size_t name = k;
    while (k < n && ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
                     (s[k] >= '0' && s[k] <= '9')))
        k++;
    size_t l = k - name;
    if (!l && !(any && k < n && s[k] == '!'))
        return 0;
    char lower[16];
    for (size_t i = 0; i < l && i < sizeof lower; i++)
        lower[i] = (char)(s[name + i] | 0x20);
    bool known =
        l < sizeof lower && (tag_is(lower, l, break_tags) || tag_is(lower, l, inline_tags));
    if (!known && !any)
        return 0;
    if (k < n && !strchr(" \t\r\n/>", s[k]) && !(any && s[k] == '!'))
        return 0;
    while (k < n && s[k] != '>' && s[k] != '<')
        k++;
    if (k >= n || s[k] != '>')
        return 0;
    *brk = l < sizeof lower && tag_is(lower, l, break_tags);
    return k + 1;
}

/* Drops markdown emphasis markers: '*' runs next to a word character. */
static bool md_marker(const char *s, size_t i, size_t n)
{
    return s[i] == '*' && ((i + 1 < n && s[i + 1] != ' ') || (i > 0 && s[i - 1] != ' '));
}

enum ff_err ff_imp_text_plain(const char *s, size_t n, unsigned flags, char **out)
{
    struct out o = {0};
    *out = NULL;
    o.p = ff_malloc(n * 2 + 1);
    if (!o.p)
        return FF_ENOMEM;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k;
        bool brk = false;
        char c = s[i];
        if (c == '<' && (k = tag(s + i, n - i, flags & FF_IMP_TEXT_HTML, &brk))) {
            if (brk)
                put_byte(&o, '\n');
            i += k;
        } else if ((c == '&' && (k = entity(s + i + 1, n - i - 1, false, &cp))) ||
                   (c == '#' && (flags & FF_IMP_TEXT_MERMAID) &&
                    (k = entity(s + i + 1, n - i - 1, true, &cp)))) {
            put_cp(&o, cp); /* &name; and &#n; anywhere, Mermaid's #name; and #n; too */
            i += k + 1;
        } else if ((flags & FF_IMP_TEXT_MARKDOWN) && md_marker(s, i, n)) {
            i++;
        } else {
            put_byte(&o, (char)((c == '\n' && (flags & FF_IMP_TEXT_HTML)) ? ' ' : c));
            i++;
        }
    }
    if (!o.n) {
        ff_free(o.p);
        return FF_OK;
    }
    o.p[o.n] = '\0';
    *out = o.p;
    return FF_OK;
}

size_t ff_imp_utf8_check(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t len;
        uint32_t min, cp;
        if (c == 0)
            return i;
        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xE0) == 0xC0)
            len = 2, min = 0x80, cp = c & 0x1F;
        else if ((c & 0xF0) == 0xE0)
            len = 3, min = 0x800, cp = c & 0x0F;
        else if ((c & 0xF8) == 0xF0)
            len = 4, min = 0x10000, cp = c & 0x07;
        else
            return i;
        if (n - i < len)
            return i;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += len;
    }
    return n;
}

enum ff_err ff_imp_file_stem(const char *file, char **out)
{
    *out = NULL;
    if (!file)
        return FF_OK;
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    *out = ff_strndup(base, n);
    return *out ? FF_OK : FF_ENOMEM;
}
