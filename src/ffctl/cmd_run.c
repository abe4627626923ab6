/* cmd_run.c - `ffctl run`: walk a chart in the terminal, or from a script of answers.
 *
 * The chart's directory is loaded as one library so that subcharts (`<id>.json` beside
 * the file) resolve; only findings about the requested file are reported. Answers come
 * one per line from --answers FILE or stdin (a terminal or not); the same reader serves
 * both, so a scripted run is exactly what a person typing would do. The runner does the
 * work (and checks every value, see fieldflow/field.h); this file only shows nodes and
 * turns lines into runner calls.
 *
 * The screen text of this file speaks the run's language through gettext (domain
 * "ffctl", catalogs from po/ compiled next to the binary or under FF_LOCALEDIR); the
 * chart's texts and the field messages come localized from the library. kb nodes show
 * their article from the knowledge base beside the chart's folder (assets/kb) or --kb.
 */
#include <dirent.h>
#include <errno.h>
#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ffctl.h"
#include "fieldflow/chart.h"
#include "fieldflow/kb.h"
#include "fieldflow/mem.h"
#include "fieldflow/runner.h"

#ifndef FF_LOCALEDIR
#define FF_LOCALEDIR "/usr/local/share/locale"
#endif
#define TR(s) dgettext("ffctl", s)
#define N_(s) s

#define LINE_MAX_BYTES (FF_RUN_MAX_VALUE + 128)
#define PATH_BYTES 4096

struct run_args {
    const char *file, *locale, *answers, *transcript, *kb;
    bool fake_clock;
};

/* The session: where answers come from and how time passes. */
struct session {
    struct ff_run *run;
    const struct ff_library *lib;
    struct ff_kb *kb; /* the knowledge base; NULL when none was found */
    FILE *in;
    bool tty;        /* a person at a terminal: prompt, do not echo */
    bool fake_clock; /* time starts at 0 and moves 1 s per answer */
    int64_t fake_ms;
    size_t seen; /* transcript entries already shown */
};

enum outcome { GO_ON, AT_END, RAN_OUT, QUIT, FAILED };

static void usage(FILE *to)
{
    fprintf(to, "usage: ffctl run FILE.json [--locale L] [--answers FILE] [--transcript OUT.json]\n"
                "                 [--kb DIR] [--fake-clock]\n"
                "Walks a chart: shows each node, asks for a choice or the input's fields, and\n"
                "prints the outcome. All *.json charts in FILE's directory are loaded so that\n"
                "subcharts resolve.\n\n"
                "Answers are read one per line from --answers FILE, or from stdin (a terminal or\n"
                "a pipe):\n"
                "  start/step/kb/action   an empty line (or 'next')\n"
                "  decision               the option's number or label\n"
                "  input                  'name=value' lines ended by an empty line, or one\n"
                "                         value per field in field order; a refused field is\n"
                "                         asked again on its own\n"
                "  anywhere               'back' (b), 'restart' (r), 'quit' (q)\n"
                "Lines starting with '#' are comments. Values are read as people write them in\n"
                "the run's language (ja/nej, 4,5, 24-12-2026) and the chart's countries; a\n"
                "refused answer is explained in that language and asked again.\n\n"
                "--locale L            the language of the run (default: the chart's first)\n"
                "--transcript OUT.json write the run's transcript (JSON array) at the end\n"
                "--kb DIR              knowledge-base files for kb nodes (default: the kb folder\n"
                "                      beside the chart's folder, e.g. assets/kb)\n"
                "--fake-clock          time starts at 0 (1970-01-01 UTC) and advances 1 s per\n"
                "                      answer\n\n"
                "exit: 0 an end was reached, 1 chart refused, answers ran out or quit,\n"
                "      2 usage, 3 failure\n");
}

static int parse_args(int argc, char **argv, struct run_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char **slot = !strcmp(s, "--locale")       ? &a->locale
                            : !strcmp(s, "--answers")    ? &a->answers
                            : !strcmp(s, "--transcript") ? &a->transcript
                            : !strcmp(s, "--kb")         ? &a->kb
                                                         : NULL;
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            usage(stdout);
            return -1;
        }
        if (!strcmp(s, "--fake-clock")) {
            a->fake_clock = true;
        } else if (slot && i + 1 < argc) {
            *slot = argv[++i];
        } else if (!slot && s[0] != '-' && !a->file) {
            a->file = s;
        } else {
            return ffctl_bad_arg("run", s, slot != NULL);
        }
    }
    if (!a->file) {
        usage(stderr);
        return FFCTL_USAGE;
    }
    return FFCTL_OK;
}

static int64_t clock_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The time of an answer: the fake clock moves on, the real one is read. */
static int64_t now_ms(struct session *s)
{
    return s->fake_clock ? (s->fake_ms += 1000) : clock_ms();
}

/* The time now, for display: the fake clock stands still. */
static int64_t peek_ms(struct session *s)
{
    return s->fake_clock ? s->fake_ms : clock_ms();
}

/* The local time zone's offset from UTC now, in minutes; 0 under the fake clock, so that
 * scripted runs give the same dates everywhere. */
static int utc_offset_minutes(const struct session *s)
{
    time_t t = time(NULL);
    struct tm lt, gt;
    if (s->fake_clock || !localtime_r(&t, &lt) || !gmtime_r(&t, &gt))
        return 0;
    long days =
        lt.tm_year != gt.tm_year ? (lt.tm_year > gt.tm_year ? 1 : -1) : lt.tm_yday - gt.tm_yday;
    long off = days * 1440 + (lt.tm_hour - gt.tm_hour) * 60 + (lt.tm_min - gt.tm_min);
    return off < -FF_RUN_MAX_UTC_OFFSET || off > FF_RUN_MAX_UTC_OFFSET ? 0 : (int)off;
}

/* ---- the screen's language ---- */

static bool is_dir(const char *path)
{
    DIR *d = opendir(path);
    if (d)
        closedir(d);
    return d != NULL;
}

/* Catalogs next to the binary (a build tree: <build>/locale) win over the installed ones,
 * so a test of a build never reads an older installed catalog. */
static void catalog_dir(char *dir, size_t size)
{
    char exe[PATH_BYTES];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            int len = snprintf(dir, size, "%s/locale", exe);
            if (len > 0 && (size_t)len < size && is_dir(dir))
                return;
        }
    }
    snprintf(dir, size, "%s", FF_LOCALEDIR);
}

/* gettext picks the catalog from LANGUAGE, which it honours unless LC_MESSAGES is "C";
 * C.UTF-8 is built into glibc, so no system locale for the language need be installed.
 * Only LC_MESSAGES changes: numbers keep the C locale (the library parses them). */
static void screen_language(const char *locale)
{
    char dir[PATH_BYTES], lang[32];
    catalog_dir(dir, sizeof dir);
    bindtextdomain("ffctl", dir);
    bind_textdomain_codeset("ffctl", "UTF-8");
    if (!setlocale(LC_MESSAGES, "C.UTF-8"))
        setlocale(LC_MESSAGES, "");
    snprintf(lang, sizeof lang, "%s", locale ? locale : "en");
    for (char *p = lang; *p; p++)
        if (*p == '-')
            *p = '_';
    setenv("LANGUAGE", lang, 1);
}

/* ---- loading ---- */

static void print_diags(const struct ff_diags *d, const char *file)
{
    char buf[1024];
    for (size_t i = 0; i < d->n; i++) {
        if (file && (!d->v[i].file || strcmp(d->v[i].file, file)))
            continue;
        ff_diag_format(&d->v[i], buf, sizeof buf);
        fprintf(stderr, "%s\n", buf);
    }
}

static bool has_error_for(const struct ff_diags *d, const char *file)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].severity == FF_SEV_ERROR && d->v[i].file && !strcmp(d->v[i].file, file))
            return true;
    return false;
}

/* Adds every other *.json chart of dir that loads; the rest are not our business here. */
static void add_siblings(struct ff_library *lib, const char *dir, const char *file)
{
    DIR *dh = opendir(dir);
    struct dirent *de;
    const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
    while (dh && (de = readdir(dh))) {
        size_t n = strlen(de->d_name);
        if (n < 6 || strcmp(de->d_name + n - 5, ".json") || !strcmp(de->d_name, base))
            continue;
        char path[PATH_BYTES];
        int len = snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (len < 0 || (size_t)len >= sizeof path)
            continue;
        struct ff_diags d;
        struct ff_chart *c = NULL;
        ff_diags_init(&d);
        if (ff_chart_load(path, &d, &c) == FF_OK)
            ff_library_add(lib, c, &d);
        ff_diags_free(&d);
    }
    if (dh)
        closedir(dh);
}

/* The directory of file ("." when it has none). */
static void dir_of(const char *file, char *dir, size_t size)
{
    const char *slash = strrchr(file, '/');
    if (slash == file)
        snprintf(dir, size, "/");
    else
        snprintf(dir, size, "%.*s", slash ? (int)(slash - file) : 1, slash ? file : ".");
}

/* Loads FILE and its directory. Returns an exit code; *chart_out is FILE's chart. */
static int load(const char *file, struct ff_library **lib_out, const struct ff_chart **chart_out)
{
    struct ff_diags d;
    struct ff_chart *c = NULL;
    struct ff_library *lib = NULL;
    int rc = FFCTL_FAILURE;
    ff_diags_init(&d);
    enum ff_err err = ff_chart_load(file, &d, &c);
    if (err) {
        print_diags(&d, NULL);
        fprintf(stderr, "ffctl run: %s: %s\n", file, ff_strerror(err));
        rc = err == FF_EIO ? FFCTL_FAILURE : FFCTL_REFUSED;
        goto out_diags;
    }
    char id[128];
    int version = c->version;
    snprintf(id, sizeof id, "%s", c->id);
    if (ff_library_new(&lib) || ff_library_add(lib, c, &d))
        goto out_lib;
    char dir[PATH_BYTES];
    /* parse_args gives a file; the analyzer cannot see that ffctl_bad_arg (another file)
     * never returns 0, so it is said again here. */
    if (!file)
        goto out_lib;
    dir_of(file, dir, sizeof dir);
    add_siblings(lib, dir, file);
    if (ff_library_check(lib, &d) != FF_OK && has_error_for(&d, file)) {
        print_diags(&d, file);
        rc = FFCTL_REFUSED;
        goto out_lib;
    }
    *chart_out = ff_library_find(lib, id, version);
    *lib_out = lib;
    ff_diags_free(&d);
    return FFCTL_OK;
out_lib:
    ff_library_free(lib);
out_diags:
    ff_diags_free(&d);
    return rc;
}

/* The knowledge base of --kb DIR (which must load), else of the kb folder beside the
 * chart's folder when there is one. Returns an exit code; *out may stay NULL. */
static int load_kb(const char *file, const char *kb_dir, struct ff_kb **out)
{
    char dir[PATH_BYTES], parent[PATH_BYTES];
    *out = NULL;
    if (!kb_dir) {
        dir_of(file, dir, sizeof dir);
        int len = snprintf(parent, sizeof parent, "%s/../kb", dir);
        if (len < 0 || (size_t)len >= sizeof parent || !is_dir(parent))
            return FFCTL_OK;
        kb_dir = parent;
    }
    struct ff_kb *kb = NULL;
    enum ff_err err = ff_kb_new(&kb);
    if (!err)
        err = ff_kb_load_dir(kb, kb_dir);
    if (err) {
        fprintf(stderr, "ffctl run: knowledge base %s: %s\n", kb_dir,
                kb && ff_kb_errmsg(kb)[0] ? ff_kb_errmsg(kb) : ff_strerror(err));
        ff_kb_free(kb);
        return err == FF_EIO || err == FF_ENOMEM ? FFCTL_FAILURE : FFCTL_REFUSED;
    }
    *out = kb;
    return FFCTL_OK;
}

/* ---- showing ---- */

static void show_actions(const struct ff_node *n)
{
    printf("  %s", TR("actions:"));
    for (size_t i = 0; i < n->nactions; i++) {
        const struct ff_action *a = &n->actions[i];
        printf("%s %s", i ? "," : "", ff_action_kind_name(a->kind));
        if (a->value)
            printf(" %s", a->value);
        if (a->kind == FF_ACTION_ESCALATE)
            printf(TR(" level %d"), a->level);
        if (a->eta_minutes)
            printf(TR(" (%d min)"), a->eta_minutes);
    }
    printf("\n");
}

static void show_limits(struct session *s, int64_t now)
{
    struct ff_run_limit lim[FF_RUN_MAX_LIMITS];
    size_t n = ff_run_limits_state(s->run, now, lim, FF_RUN_MAX_LIMITS);
    for (size_t i = 0; i < n && i < FF_RUN_MAX_LIMITS; i++) {
        const char *label = ff_text_get(lim[i].chart, &lim[i].limit->label, ff_run_locale(s->run));
        if (lim[i].remaining_ms >= 0)
            printf(TR("  time limit \"%s\": %lld s left\n"), label,
                   (long long)(lim[i].remaining_ms / 1000));
        else
            printf(TR("  time limit \"%s\": exceeded\n"), label);
    }
}

#define WRAP_COLUMNS 76

/* Code points in s[0..n). */
static size_t columns(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* Prints one line of text, indented by pad and wrapped at blanks to WRAP_COLUMNS. */
static void print_wrapped(const char *pad, const char *line, size_t n)
{
    while (columns(line, n) > WRAP_COLUMNS) {
        size_t cut = 0;
        for (size_t i = 0; i < n && columns(line, i) <= WRAP_COLUMNS; i++)
            if (line[i] == ' ')
                cut = i;
        if (!cut) /* one long word: leave it whole */
            break;
        printf("%s%.*s\n", pad, (int)cut, line);
        line += cut + 1;
        n -= cut + 1;
    }
    printf("%s%.*s\n", pad, (int)n, line);
}

/* Indents every line of text by `pad`, wrapping long ones; blank lines stay. */
static void print_indented(const char *pad, const char *text)
{
    while (*text) {
        size_t n = strcspn(text, "\n");
        if (n)
            print_wrapped(pad, text, n);
        else
            printf("\n");
        text += n + (text[n] == '\n');
    }
}

/* The end a called chart reached: its message, as the caller's walk goes on. */
static void show_subchart_end(struct session *s, const struct ff_run_entry *e)
{
    const struct ff_chart *c = ff_library_find(s->lib, e->chart_id, e->chart_version);
    int i = c ? ff_chart_find_node(c, e->node_id) : -1;
    if (i < 0)
        return;
    const struct ff_node *n = &c->nodes[i];
    const char *loc = ff_run_locale(s->run);
    printf("\n[%s v%d] %s\n", c->id, c->version, ff_text_get(c, &n->title, loc));
    if (n->body.s)
        print_indented("  ", ff_text_get(c, &n->body, loc));
}

/* Reports breaches and subchart ends written since the last call. */
static void show_events(struct session *s)
{
    struct ff_run_entry e;
    for (; ff_run_transcript_at(s->run, s->seen, &e); s->seen++) {
        if (e.event == FF_RUN_EV_LIMIT_BREACHED)
            printf(TR("! time limit \"%s\" exceeded\n"), e.limit_id);
        else if (e.event == FF_RUN_EV_SUBCHART_LEAVE)
            show_subchart_end(s, &e);
    }
}

static void show_article(struct session *s, const char *id)
{
    const struct ff_kb_article *a = ff_kb_find(s->kb, id, ff_run_locale(s->run));
    if (!a) {
        printf(TR("  (article \"%s\" is not in the knowledge base)\n"), id);
        return;
    }
    printf("  -- %s --\n", a->title);
    print_indented("  ", a->body);
}

static void show_node(struct session *s)
{
    const struct ff_chart *c = ff_run_chart(s->run);
    const struct ff_node *n = ff_run_node(s->run);
    printf("\n[%s v%d] %s\n", c->id, c->version, ff_run_text(s->run, &n->title));
    if (n->body.s)
        print_indented("  ", ff_run_text(s->run, &n->body));
    if (n->kind == FF_NODE_KB && n->kb_article)
        show_article(s, n->kb_article);
    if (n->kind == FF_NODE_ACTION)
        show_actions(n);
    for (size_t i = 0; n->kind == FF_NODE_DECISION && i < n->noptions; i++)
        printf("  %zu) %s\n", i + 1, ff_run_text(s->run, &n->options[i].label));
    show_limits(s, peek_ms(s));
}

/* ---- reading ---- */

/* Next answer line without its newline; comment lines skipped. False at end of input. */
static bool read_line(struct session *s, const char *prompt, char *buf, size_t size)
{
    for (;;) {
        if (s->tty && prompt)
            printf("%s", prompt);
        fflush(stdout);
        if (!fgets(buf, (int)size, s->in))
            return false;
        size_t n = strlen(buf);
        if (n && buf[n - 1] != '\n' && !feof(s->in)) {
            int ch;
            while ((ch = fgetc(s->in)) != EOF && ch != '\n')
                ;
            fprintf(stderr, TR("ffctl run: line too long (at most %zu bytes), ignored\n"),
                    size - 2);
            continue;
        }
        while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
            buf[--n] = '\0';
        if (buf[0] == '#')
            continue;
        if (!s->tty) /* a log of the session: the prompt and the answer it got */
            printf("%s%s\n", prompt ? prompt : "> ", buf);
        return true;
    }
}

/* back / restart / quit, valid at every prompt; GO_ON when line is none of them. */
static enum outcome command(struct session *s, const char *line, bool *handled)
{
    enum ff_err err = FF_OK;
    *handled = true;
    if (!strcmp(line, "b") || !strcmp(line, "back"))
        err = ff_run_back(s->run, now_ms(s));
    else if (!strcmp(line, "r") || !strcmp(line, "restart"))
        err = ff_run_restart(s->run, now_ms(s));
    else if (!strcmp(line, "q") || !strcmp(line, "quit"))
        return QUIT;
    else
        *handled = false;
    if (err == FF_ENOMEM)
        return FAILED;
    if (err)
        printf("! %s\n", ff_run_errmsg(s->run));
    return GO_ON;
}

static enum outcome report(struct session *s, enum ff_err err)
{
    if (err == FF_ENOMEM || err == FF_EINVALID || err == FF_ELIMIT) {
        if (err != FF_ENOMEM)
            fprintf(stderr, "ffctl run: %s\n", ff_run_errmsg(s->run));
        return FAILED;
    }
    if (err)
        printf("! %s\n", ff_run_errmsg(s->run));
    return GO_ON;
}

static enum outcome ask_next(struct session *s)
{
    char line[LINE_MAX_BYTES];
    bool handled;
    if (!read_line(s, TR("[Enter] continue, b back, r restart, q quit > "), line, sizeof line))
        return RAN_OUT;
    enum outcome o = command(s, line, &handled);
    if (handled)
        return o;
    if (line[0] && strcmp(line, "next") && strcmp(line, "n")) {
        printf("%s\n", TR("! press Enter (or type next) to continue"));
        return GO_ON;
    }
    return report(s, ff_run_next(s->run, now_ms(s)));
}

/* An option by its number, its label in the run's language, or its id. */
static const char *option_of(struct session *s, const struct ff_node *n, const char *line)
{
    char *end = NULL;
    long k = strtol(line, &end, 10);
    if (*end == '\0' && k >= 1 && (size_t)k <= n->noptions)
        return n->options[k - 1].id;
    for (size_t i = 0; i < n->noptions; i++)
        if (!strcmp(line, ff_run_text(s->run, &n->options[i].label)))
            return n->options[i].id;
    return line;
}

static enum outcome ask_option(struct session *s)
{
    const struct ff_node *n = ff_run_node(s->run);
    char line[LINE_MAX_BYTES];
    bool handled;
    if (!read_line(s, TR("choose (number) > "), line, sizeof line))
        return RAN_OUT;
    enum outcome o = command(s, line, &handled);
    if (handled)
        return o;
    if (!line[0]) {
        printf(TR("! type an option's number (1-%zu)\n"), n->noptions);
        return GO_ON;
    }
    enum ff_err err = ff_run_choose(s->run, option_of(s, n, line), now_ms(s));
    if (err == FF_ENOTFOUND) {
        printf(TR("! \"%s\" is not one of the options; type a number from 1 to %zu\n"), line,
               n->noptions);
        return GO_ON;
    }
    return report(s, err);
}

/* "Label (hint) [required] > ", choices listed by number on lines of their own first. */
static void field_prompt(struct session *s, const struct ff_field *f, char *buf, size_t size)
{
    for (size_t i = 0; i < f->nchoices; i++)
        printf("    %zu) %s\n", i + 1, ff_run_text(s->run, &f->choice_labels[i]));
    int len = snprintf(buf, size, "%s", ff_run_text(s->run, &f->label));
    if (f->hint.s && len >= 0 && (size_t)len < size)
        len += snprintf(buf + len, size - (size_t)len, " (%s)", ff_run_text(s->run, &f->hint));
    if (f->type == FF_FIELD_YES_NO && len >= 0 && (size_t)len < size)
        len += snprintf(buf + len, size - (size_t)len, " (%s)", TR("yes/no"));
    if (f->required && len >= 0 && (size_t)len < size)
        len += snprintf(buf + len, size - (size_t)len, " [%s]", TR("required"));
    if (len >= 0 && (size_t)len < size)
        snprintf(buf + len, size - (size_t)len, " > ");
}

/* Index of the field whose "name=" begins line, or -1. */
static int pair_field(const struct ff_node *n, const char *line)
{
    const char *eq = strchr(line, '=');
    for (size_t i = 0; eq && i < n->nfields; i++)
        if (strlen(n->fields[i].name) == (size_t)(eq - line) &&
            !strncmp(n->fields[i].name, line, (size_t)(eq - line)))
            return (int)i;
    return -1;
}

/* The values of one input, one slot per field of the node. */
struct form {
    const struct ff_node *node;
    char (*lines)[LINE_MAX_BYTES];   /* lines[i]: the value typed for field i */
    bool given[FF_CHART_MAX_FIELDS]; /* lines[i] holds a value (else the field is left out) */
};

/* Fills the form from the line already in first: 'name=value' lines up to an empty line
 * (or the end of input), or one value per field in order. */
static enum outcome read_form(struct session *s, struct form *fm, const char *first)
{
    const struct ff_node *n = fm->node;
    char prompt[1024], line[LINE_MAX_BYTES];
    if (pair_field(n, first) < 0) {
        for (size_t i = 0; i < n->nfields; i++) {
            if (i > 0) {
                field_prompt(s, &n->fields[i], prompt, sizeof prompt);
                if (!read_line(s, prompt, fm->lines[i], LINE_MAX_BYTES))
                    return RAN_OUT;
            } else {
                snprintf(fm->lines[0], LINE_MAX_BYTES, "%s", first);
            }
            fm->given[i] = true;
        }
        return GO_ON;
    }
    snprintf(line, sizeof line, "%s", first);
    do {
        int i = pair_field(n, line);
        if (i < 0) {
            printf(TR("! \"%s\" names no field here; ignored\n"), line);
            continue;
        }
        snprintf(fm->lines[i], LINE_MAX_BYTES, "%s", strchr(line, '=') + 1);
        fm->given[i] = true;
    } while (read_line(s, TR("name=value (empty line submits) > "), line, sizeof line) && line[0]);
    return GO_ON;
}

/* Submits the form; on refusal explains each failed field and asks for those only. */
static enum outcome submit_form(struct session *s, struct form *fm)
{
    const struct ff_node *n = fm->node;
    char prompt[1024], line[LINE_MAX_BYTES];
    bool handled;
    for (;;) {
        struct ff_run_value v[FF_CHART_MAX_FIELDS];
        size_t nv = 0;
        for (size_t i = 0; i < n->nfields; i++)
            if (fm->given[i])
                v[nv++] = (struct ff_run_value){n->fields[i].name, fm->lines[i]};
        enum ff_err err = ff_run_submit(s->run, v, nv, now_ms(s));
        if (err != FF_EINVALID)
            return report(s, err);
        for (size_t i = 0; i < n->nfields; i++)
            if (ff_run_field_error(s->run, i))
                printf("! %s: %s\n", ff_run_text(s->run, &n->fields[i].label),
                       ff_run_field_error(s->run, i));
        bool failed[FF_CHART_MAX_FIELDS];
        for (size_t i = 0; i < n->nfields; i++)
            failed[i] = ff_run_field_error(s->run, i) != NULL;
        for (size_t i = 0; i < n->nfields; i++) {
            if (!failed[i])
                continue;
            field_prompt(s, &n->fields[i], prompt, sizeof prompt);
            if (!read_line(s, prompt, line, sizeof line))
                return RAN_OUT;
            enum outcome o = command(s, line, &handled);
            if (handled)
                return o;
            const char *value = pair_field(n, line) == (int)i ? strchr(line, '=') + 1 : line;
            snprintf(fm->lines[i], LINE_MAX_BYTES, "%s", value);
            fm->given[i] = true;
        }
    }
}

static enum outcome ask_input(struct session *s)
{
    struct form fm = {.node = ff_run_node(s->run)};
    char prompt[1024], first[LINE_MAX_BYTES];
    bool handled;
    enum outcome o = FAILED;
    if (!fm.node->nfields || fm.node->nfields > FF_CHART_MAX_FIELDS)
        return FAILED;
    if (!(fm.lines = ff_calloc(fm.node->nfields, LINE_MAX_BYTES)))
        return FAILED;
    field_prompt(s, &fm.node->fields[0], prompt, sizeof prompt);
    o = RAN_OUT;
    if (!read_line(s, prompt, first, sizeof first))
        goto out_free;
    o = command(s, first, &handled);
    if (handled)
        goto out_free;
    if ((o = read_form(s, &fm, first)) == GO_ON)
        o = submit_form(s, &fm);
out_free:
    ff_free(fm.lines);
    return o;
}

static enum outcome turn(struct session *s)
{
    show_events(s);
    if (ff_run_ended(s->run))
        return AT_END;
    show_node(s);
    switch (ff_run_node(s->run)->kind) {
    case FF_NODE_DECISION:
        return ask_option(s);
    case FF_NODE_INPUT:
        return ask_input(s);
    default:
        return ask_next(s);
    }
}

static int write_transcript(const struct ff_run *run, const char *path)
{
    char *json = NULL;
    FILE *f = NULL;
    int rc = FFCTL_FAILURE;
    if (ff_run_transcript_json(run, &json) != FF_OK)
        goto out;
    if (!(f = fopen(path, "w")) || fputs(json, f) == EOF || fputc('\n', f) == EOF) {
        fprintf(stderr, "ffctl run: cannot write %s: %s\n", path, strerror(errno));
        goto out;
    }
    rc = FFCTL_OK;
out:
    if (f && fclose(f) && rc == FFCTL_OK) {
        fprintf(stderr, "ffctl run: cannot write %s: %s\n", path, strerror(errno));
        rc = FFCTL_FAILURE;
    }
    ff_free(json);
    return rc;
}

/* The outcome codes, as the screen names them (the code itself in English). */
static const char *outcome_text(enum ff_outcome o)
{
    static const char *const names[FF_OUTCOME_COUNT] = {
        N_("resolved"),  N_("case_created"), N_("visit_requested"),
        N_("escalated"), N_("referred"),     N_("abandoned"),
    };
    return (unsigned)o < FF_OUTCOME_COUNT ? TR(names[o]) : ff_outcome_name(o);
}

static int finish(struct session *s, enum outcome o)
{
    const struct ff_node *n = ff_run_node(s->run);
    switch (o) {
    case AT_END:
        printf("\n[%s] %s\n", ff_run_chart(s->run)->id, ff_run_text(s->run, &n->title));
        printf(TR("outcome: %s (%s)\n"), outcome_text(n->outcome),
               n->success ? TR("success") : TR("failure"));
        return FFCTL_OK;
    case RAN_OUT:
        if (s->tty)
            printf("\n");
        fprintf(stderr,
                TR("The answers ended before the run did: nothing more was typed at "
                   "\"%s\". Nothing was finished; run it again to complete it.\n"),
                ff_run_text(s->run, &n->title));
        return FFCTL_REFUSED;
    case QUIT:
        printf(TR("Stopped at \"%s\"; the run was left unfinished.\n"),
               ff_run_text(s->run, &n->title));
        return FFCTL_REFUSED;
    case GO_ON:
    case FAILED:
        break;
    }
    fprintf(stderr, "ffctl run: failed at node \"%s\": %s\n", n->id, ff_run_errmsg(s->run));
    return FFCTL_FAILURE;
}

/* Starts the run in the language asked for (or the chart's first) and the local date. */
static int start(struct session *s, const struct ff_chart *chart, const char *locale)
{
    if (locale && ff_chart_locale_index(chart, locale) < 0)
        fprintf(stderr, "ffctl run: chart \"%s\" has no \"%s\" texts; showing \"%s\"\n", chart->id,
                locale, chart->nlocales ? chart->locales[0] : "en");
    enum ff_err err = ff_run_start(s->lib, chart->id, chart->version, locale, now_ms(s), &s->run);
    if (!err)
        err = ff_run_set_utc_offset(s->run, utc_offset_minutes(s));
    if (err) {
        fprintf(stderr, "ffctl run: cannot start %s: %s\n", chart->id, ff_strerror(err));
        return FFCTL_FAILURE;
    }
    screen_language(ff_run_locale(s->run));
    return FFCTL_OK;
}

int ffctl_run(int argc, char **argv)
{
    struct run_args a = {0};
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? FFCTL_OK : rc;
    struct ff_library *lib = NULL;
    const struct ff_chart *chart = NULL;
    struct session s = {.fake_clock = a.fake_clock};
    if ((rc = load(a.file, &lib, &chart)))
        return rc;
    s.lib = lib;
    if ((rc = load_kb(a.file, a.kb, &s.kb)))
        goto out_lib;
    s.in = a.answers ? fopen(a.answers, "r") : stdin;
    rc = FFCTL_FAILURE;
    if (!s.in) {
        fprintf(stderr, "ffctl run: cannot read %s: %s\n", a.answers, strerror(errno));
        goto out_lib;
    }
    s.tty = !a.answers && isatty(fileno(s.in));
    if ((rc = start(&s, chart, a.locale)))
        goto out_in;
    enum outcome o;
    while ((o = turn(&s)) == GO_ON)
        ;
    rc = finish(&s, o);
    if (a.transcript && write_transcript(s.run, a.transcript) != FFCTL_OK)
        rc = FFCTL_FAILURE;
    ff_run_free(s.run);
out_in:
    if (a.answers)
        fclose(s.in);
out_lib:
    ff_kb_free(s.kb);
    ff_library_free(lib);
    return rc;
}
