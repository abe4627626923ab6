/* chart_pos.c - raw-text passes of the chart loader: the pre-scan and the position map.
 *
 * cJSON gives no positions, so after it has parsed a document we walk the same text again
 * in step with its tree and record, for every item, the line and column where it starts
 * (the key for an object member, the value for an array element). The walk relies on
 * cJSON having accepted the text, and is still bounds-checked everywhere: on any mismatch
 * it stops and the remaining items report position 0:0.
 *
 * The pre-scan runs before cJSON and rejects what cJSON would accept or mishandle: NUL
 * bytes (in the file or as \u0000), invalid UTF-8, raw control characters, strings longer
 * than FF_CHART_MAX_STRING bytes once decoded, and nesting deeper than FF_CHART_MAX_DEPTH.
 * Both passes are linear in the file size; columns count UTF-8 code points.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart_int.h"
#include "fieldflow/mem.h"

struct ff_posmap_entry {
    const cJSON *item; /* the key of the map */
    struct ff_pos pos; /* where the item (or its key) starts */
};

struct ff_posmap {
    struct ff_posmap_entry *v; /* sorted by item address once built */
    size_t n, cap;
};

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when it is not valid. */
static size_t utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else
        return 0;
    if (avail < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

size_t ff_utf8_count(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool scan_fail(struct ff_scan_error *e, size_t off, enum ff_err err, const char *code,
                      const char *msg)
{
    e->off = off;
    e->err = err;
    e->code = code;
    snprintf(e->message, sizeof e->message, "%s", msg);
    return false;
}

/* Decoded bytes of the escape at buf[i] ('\\'), and how many raw bytes it spans. */
static size_t escape_len(const char *buf, size_t len, size_t i, size_t *span, bool *nul)
{
    *span = 2;
    *nul = false;
    if (i + 1 >= len || buf[i + 1] != 'u' || i + 5 >= len)
        return 1;
    long v = 0;
    for (size_t k = 2; k < 6; k++) {
        int h = hexval(buf[i + k]);
        if (h < 0)
            return 1; /* cJSON will reject it */
        v = v * 16 + h;
    }
    *span = 6;
    *nul = v == 0;
    return v < 0x80 ? 1 : v < 0x800 ? 2 : 3; /* a surrogate pair counts 2 + 2 = 4 */
}

static bool scan_string_byte(const char *buf, size_t len, size_t *i, size_t *count, bool *in_str,
                             struct ff_scan_error *e)
{
    unsigned char b = (unsigned char)buf[*i];
    if (b == '"') {
        *in_str = false;
        return true;
    }
    if (b == '\\') {
        size_t span;
        bool nul;
        *count += escape_len(buf, len, *i, &span, &nul);
        if (nul)
            return scan_fail(e, *i, FF_EPARSE, "embedded-nul", "\\u0000 (a NUL) in a string");
        *i += span - 1;
        return true;
    }
    if (b < 0x20)
        return scan_fail(e, *i, FF_EPARSE, "control-char",
                         "raw control character in a string (write it as an escape)");
    (*count)++;
    return true;
}

bool ff_json_prescan(const char *buf, size_t len, struct ff_scan_error *e)
{
    size_t depth = 0, count = 0, str_start = 0;
    bool in_str = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char b = (unsigned char)buf[i];
        if (b == 0)
            return scan_fail(e, i, FF_EPARSE, "embedded-nul", "NUL byte in the file");
        if (b >= 0x80) {
            size_t n = utf8_seq((const unsigned char *)buf + i, len - i);
            if (!n)
                return scan_fail(e, i, FF_EPARSE, "bad-utf8", "invalid UTF-8");
            count += n;
            i += n - 1;
        } else if (in_str) {
            if (!scan_string_byte(buf, len, &i, &count, &in_str, e))
                return false;
        } else if (b == '"') {
            in_str = true;
            count = 0;
            str_start = i;
        } else if (b == '{' || b == '[') {
            if (++depth > FF_CHART_MAX_DEPTH)
                return scan_fail(e, i, FF_ELIMIT, "too-deep", "nesting deeper than 32 levels");
        } else if (b == '}' || b == ']') {
            if (depth)
                depth--;
        } else if (b < 0x20 && b != '\n' && b != '\r' && b != '\t') {
            return scan_fail(e, i, FF_EPARSE, "control-char", "control character in the file");
        }
        if (in_str && count > FF_CHART_MAX_STRING)
            return scan_fail(e, str_start, FF_ELIMIT, "string-too-long",
                             "string longer than 8192 bytes");
    }
    return true;
}

struct ff_pos ff_json_pos_at(const char *buf, size_t len, size_t off)
{
    struct ff_pos p = {1, 1};
    for (size_t i = 0; i < off && i < len; i++) {
        if (buf[i] == '\n') {
            p.line++;
            p.col = 1;
        } else if (((unsigned char)buf[i] & 0xC0) != 0x80) {
            p.col++;
        }
    }
    return p;
}

/* ---- the position walk ---- */

struct cursor {
    const char *p, *end; /* the next byte, and the end of the text */
    struct ff_pos pos;   /* line and column of *p */
};

static void adv(struct cursor *c)
{
    if (*c->p == '\n') {
        c->pos.line++;
        c->pos.col = 1;
    } else if (((unsigned char)*c->p & 0xC0) != 0x80) {
        c->pos.col++;
    }
    c->p++;
}

static void skip_ws(struct cursor *c)
{
    while (c->p < c->end && (unsigned char)*c->p <= 32) /* as cJSON does */
        adv(c);
}

static bool skip_string(struct cursor *c)
{
    if (c->p >= c->end || *c->p != '"')
        return false;
    adv(c);
    while (c->p < c->end && *c->p != '"') {
        if (*c->p == '\\' && c->p + 1 < c->end)
            adv(c);
        adv(c);
    }
    if (c->p >= c->end)
        return false;
    adv(c);
    return true;
}

static bool record(struct ff_posmap *m, const cJSON *item, struct ff_pos pos)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 256;
        struct ff_posmap_entry *v = ff_realloc(m->v, cap * sizeof *v);
        if (!v)
            return false;
        m->v = v;
        m->cap = cap;
    }
    m->v[m->n++] = (struct ff_posmap_entry){item, pos};
    return true;
}

/* Returns FF_OK, FF_ENOMEM, or FF_EPARSE when the text does not match the tree. */
static enum ff_err walk(struct ff_posmap *m, struct cursor *c, const cJSON *item,
                        const struct ff_pos *keypos);

static enum ff_err walk_members(struct ff_posmap *m, struct cursor *c, const cJSON *item,
                                bool object)
{
    adv(c); /* '{' or '[' */
    for (const cJSON *ch = item->child; ch; ch = ch->next) {
        skip_ws(c);
        struct ff_pos kp = c->pos;
        if (object) {
            if (!skip_string(c))
                return FF_EPARSE;
            skip_ws(c);
            if (c->p >= c->end || *c->p != ':')
                return FF_EPARSE;
            adv(c);
        }
        enum ff_err err = walk(m, c, ch, object ? &kp : NULL);
        if (err)
            return err;
        skip_ws(c);
        if (c->p < c->end && *c->p == ',')
            adv(c);
    }
    skip_ws(c);
    if (c->p >= c->end || *c->p != (object ? '}' : ']'))
        return FF_EPARSE;
    adv(c);
    return FF_OK;
}

static enum ff_err walk(struct ff_posmap *m, struct cursor *c, const cJSON *item,
                        const struct ff_pos *keypos)
{
    skip_ws(c);
    if (c->p >= c->end)
        return FF_EPARSE;
    if (!record(m, item, keypos ? *keypos : c->pos))
        return FF_ENOMEM;
    if (*c->p == '{' || *c->p == '[')
        return walk_members(m, c, item, *c->p == '{');
    if (*c->p == '"')
        return skip_string(c) ? FF_OK : FF_EPARSE;
    while (c->p < c->end && strchr("0123456789+-.eEtruefalsn", *c->p) && *c->p)
        adv(c);
    return FF_OK;
}

static int entry_cmp(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const struct ff_posmap_entry *)a)->item;
    uintptr_t y = (uintptr_t)((const struct ff_posmap_entry *)b)->item;
    return x < y ? -1 : x > y;
}

enum ff_err ff_posmap_build(const char *text, size_t len, const cJSON *root, struct ff_posmap **out)
{
    *out = NULL;
    struct ff_posmap *m = ff_calloc(1, sizeof *m);
    if (!m)
        return FF_ENOMEM;
    struct cursor c = {text, text + len, {1, 1}};
    if (walk(m, &c, root, NULL) == FF_ENOMEM) {
        ff_posmap_free(m);
        return FF_ENOMEM;
    }
    if (m->n)
        qsort(m->v, m->n, sizeof *m->v, entry_cmp);
    *out = m;
    return FF_OK;
}

struct ff_pos ff_posmap_get(const struct ff_posmap *m, const cJSON *item)
{
    size_t lo = 0, hi = m ? m->n : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->v[mid].item == item)
            return m->v[mid].pos;
        if ((uintptr_t)m->v[mid].item < (uintptr_t)item)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (struct ff_pos){0, 0};
}

void ff_posmap_free(struct ff_posmap *m)
{
    if (!m)
        return;
    ff_free(m->v);
    ff_free(m);
}

/* ---- strict syntax check: cJSON's error offset is approximate, this one is exact ---- */

struct syn {
    const char *s;   /* the text */
    size_t len, i;   /* its length, and the next byte to read */
    const char *msg; /* what is wrong at i, once it fails */
};

static bool syn_fail(struct syn *st, const char *msg)
{
    st->msg = st->i >= st->len ? "unexpected end of file" : msg;
    return false;
}

static void syn_ws(struct syn *st)
{
    while (st->i < st->len && strchr(" \t\r\n", st->s[st->i]) && st->s[st->i])
        st->i++;
}

static long syn_hex4(const struct syn *st, size_t at)
{
    long v = 0;
    for (size_t k = 0; k < 4; k++) {
        int h = at + k < st->len ? hexval(st->s[at + k]) : -1;
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* st->i is at the 'u' of \uXXXX; a high surrogate must be followed by a low one. */
static bool syn_unicode(struct syn *st)
{
    size_t at = st->i - 1; /* the backslash, where a bad escape is reported */
    long v = syn_hex4(st, st->i + 1);
    st->i = at;
    if (v < 0)
        return syn_fail(st, "\\u needs four hex digits");
    if (v >= 0xDC00 && v <= 0xDFFF)
        return syn_fail(st, "lone UTF-16 low surrogate");
    st->i += 6;
    if (v < 0xD800 || v > 0xDBFF)
        return true;
    long lo = st->i + 1 < st->len && st->s[st->i] == '\\' && st->s[st->i + 1] == 'u'
                  ? syn_hex4(st, st->i + 2)
                  : -1;
    if (lo < 0xDC00 || lo > 0xDFFF) {
        st->i = at;
        return syn_fail(st, "UTF-16 high surrogate without its low half");
    }
    st->i += 6;
    return true;
}

static bool syn_string(struct syn *st)
{
    st->i++; /* '"' */
    while (st->i < st->len) {
        char c = st->s[st->i];
        if (c == '"') {
            st->i++;
            return true;
        }
        if (c != '\\') {
            st->i++;
            continue;
        }
        st->i++;
        if (st->i < st->len && st->s[st->i] == 'u') {
            if (!syn_unicode(st))
                return false;
        } else if (st->i < st->len && st->s[st->i] && strchr("\"\\/bfnrt", st->s[st->i])) {
            st->i++;
        } else {
            return syn_fail(st, "invalid escape in a string");
        }
    }
    return syn_fail(st, "unterminated string");
}

static bool syn_digits(struct syn *st)
{
    size_t start = st->i;
    while (st->i < st->len && st->s[st->i] >= '0' && st->s[st->i] <= '9')
        st->i++;
    return st->i > start || syn_fail(st, "invalid number");
}

static bool syn_number(struct syn *st)
{
    if (st->s[st->i] == '-')
        st->i++;
    if (st->i < st->len && st->s[st->i] == '0') {
        st->i++;
        if (st->i < st->len && st->s[st->i] >= '0' && st->s[st->i] <= '9')
            return syn_fail(st, "leading zero in a number");
    } else if (!syn_digits(st))
        return false;
    if (st->i < st->len && st->s[st->i] == '.') {
        st->i++;
        if (!syn_digits(st))
            return false;
    }
    if (st->i < st->len && (st->s[st->i] == 'e' || st->s[st->i] == 'E')) {
        st->i++;
        if (st->i < st->len && (st->s[st->i] == '+' || st->s[st->i] == '-'))
            st->i++;
        if (!syn_digits(st))
            return false;
    }
    return true;
}

static bool syn_value(struct syn *st);

static bool syn_container(struct syn *st, bool object)
{
    char close = object ? '}' : ']';
    st->i++;
    syn_ws(st);
    if (st->i < st->len && st->s[st->i] == close) {
        st->i++;
        return true;
    }
    for (;;) {
        syn_ws(st);
        if (object) {
            if (st->i >= st->len || st->s[st->i] != '"')
                return syn_fail(st, st->i < st->len && st->s[st->i] == '}'
                                        ? "trailing comma before '}'"
                                        : "expected a key in double quotes");
            if (!syn_string(st))
                return false;
            syn_ws(st);
            if (st->i >= st->len || st->s[st->i] != ':')
                return syn_fail(st, "expected ':' after the key");
            st->i++;
        } else if (st->i < st->len && st->s[st->i] == ']') {
            return syn_fail(st, "trailing comma before ']'");
        }
        if (!syn_value(st))
            return false;
        syn_ws(st);
        if (st->i < st->len && st->s[st->i] == ',') {
            st->i++;
        } else if (st->i < st->len && st->s[st->i] == close) {
            st->i++;
            return true;
        } else {
            return syn_fail(st, object ? "expected ',' or '}'" : "expected ',' or ']'");
        }
    }
}

static bool syn_literal(struct syn *st, const char *word)
{
    size_t n = strlen(word);
    if (st->len - st->i < n || memcmp(st->s + st->i, word, n))
        return syn_fail(st, "expected a value");
    st->i += n;
    return true;
}

static bool syn_value(struct syn *st)
{
    syn_ws(st);
    if (st->i >= st->len)
        return syn_fail(st, "");
    switch (st->s[st->i]) {
    case '{':
        return syn_container(st, true);
    case '[':
        return syn_container(st, false);
    case '"':
        return syn_string(st);
    case 't':
        return syn_literal(st, "true");
    case 'f':
        return syn_literal(st, "false");
    case 'n':
        return syn_literal(st, "null");
    default:
        if (st->s[st->i] == '-' || (st->s[st->i] >= '0' && st->s[st->i] <= '9'))
            return syn_number(st);
        return syn_fail(st, "expected a value");
    }
}

bool ff_json_syntax(const char *buf, size_t len, struct ff_scan_error *e)
{
    struct syn st = {buf, len, 0, NULL};
    if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
        syn_fail(&st, "byte order mark at the start (save as UTF-8 without BOM)");
    else if (syn_value(&st)) {
        syn_ws(&st);
        if (st.i >= len)
            return true;
        syn_fail(&st, "text after the end of the JSON value");
    }
    e->off = st.i;
    e->err = FF_EPARSE;
    e->code = "json-syntax";
    snprintf(e->message, sizeof e->message, "malformed JSON: %s", st.msg);
    return false;
}
