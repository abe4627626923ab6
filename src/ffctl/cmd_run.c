/* cmd_run.c - `ffctl run`: walk a chart in the terminal, or from a script of answers.
 *
 * The chart's directory is loaded as one library so that subcharts (`<id>.json` beside
 * the file) resolve; only findings about the requested file are reported. Answers come
 * one per line from --answers FILE or stdin (a terminal or not); the same reader serves
 * both, so a scripted run is exactly what a person typing would do. The runner does the
 * work; this file only shows nodes and turns lines into runner calls.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ffctl.h"
#include "fieldflow/chart.h"
#include "fieldflow/mem.h"
#include "fieldflow/runner.h"

#define LINE_MAX_BYTES (FF_RUN_MAX_VALUE + 128)

struct run_args {
    const char *file, *locale, *answers, *transcript;
    bool fake_clock;
};

/* The session: where answers come from and how time passes. */
struct session {
    struct ff_run *run;
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
                "                 [--fake-clock]\n"
                "Walks a chart: shows each node, asks for a choice or the input's fields, and\n"
                "prints the outcome. All *.json charts in FILE's directory are loaded so that\n"
                "subcharts resolve.\n\n"
                "Answers are read one per line from --answers FILE, or from stdin (a terminal or\n"
                "a pipe):\n"
                "  start/step/kb/action   an empty line (or 'next')\n"
                "  decision               the option's number or id\n"
                "  input                  'name=value' lines ended by an empty line, or one\n"
                "                         value per field in field order\n"
                "  anywhere               'back' (b), 'restart' (r), 'quit' (q)\n"
                "Lines starting with '#' are comments. A refused answer is explained (in the\n"
                "chart's locale) and asked again.\n\n"
                "--transcript OUT.json  write the run's transcript (JSON array) at the end\n"
                "--fake-clock           time starts at 0 and advances 1 s per answer\n\n"
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

/* The time of an answer: the fake clock moves on, the real one is read. */
static int64_t now_ms(struct session *s)
{
    if (s->fake_clock)
        return s->fake_ms += 1000;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The time now, for display: the fake clock stands still. */
static int64_t peek_ms(struct session *s)
{
    if (s->fake_clock)
        return s->fake_ms;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
        char path[4096];
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
    char dir[4096];
    /* parse_args returns 0 only with a file; the analyzer cannot see that ffctl_bad_arg
     * (another file) never returns 0. */
    /* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
    const char *slash = strrchr(file, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - file) : 1, slash ? file : ".");
    add_siblings(lib, dir[0] ? dir : "/", file);
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

/* ---- showing ---- */

static void show_actions(const struct ff_node *n)
{
    printf("  actions:");
    for (size_t i = 0; i < n->nactions; i++) {
        const struct ff_action *a = &n->actions[i];
        printf("%s %s", i ? "," : "", ff_action_kind_name(a->kind));
        if (a->value)
            printf(" %s", a->value);
        if (a->kind == FF_ACTION_ESCALATE)
            printf(" level %d", a->level);
        if (a->eta_minutes)
            printf(" (%d min)", a->eta_minutes);
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
            printf("  time limit \"%s\": %lld s left\n", label,
                   (long long)(lim[i].remaining_ms / 1000));
        else
            printf("  time limit \"%s\": exceeded\n", label);
    }
}

/* Reports breach entries written since the last call. */
static void show_breaches(struct session *s)
{
    struct ff_run_entry e;
    for (; ff_run_transcript_at(s->run, s->seen, &e); s->seen++) {
        if (e.event != FF_RUN_EV_LIMIT_BREACHED)
            continue;
        printf("! time limit \"%s\" exceeded\n", e.limit_id);
    }
}

static void show_node(struct session *s)
{
    const struct ff_chart *c = ff_run_chart(s->run);
    const struct ff_node *n = ff_run_node(s->run);
    printf("\n[%s v%d] %s\n", c->id, c->version, ff_run_text(s->run, &n->title));
    if (n->body.s)
        printf("  %s\n", ff_run_text(s->run, &n->body));
    if (n->kind == FF_NODE_KB && n->kb_article)
        printf("  knowledge base: %s\n", n->kb_article);
    if (n->kind == FF_NODE_ACTION)
        show_actions(n);
    for (size_t i = 0; n->kind == FF_NODE_DECISION && i < n->noptions; i++)
        printf("  %zu) %s [%s]\n", i + 1, ff_run_text(s->run, &n->options[i].label),
               n->options[i].id);
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
            fprintf(stderr, "ffctl run: line too long (at most %zu bytes), ignored\n", size - 2);
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
    if (!read_line(s, "[Enter] continue, b back, r restart, q quit > ", line, sizeof line))
        return RAN_OUT;
    enum outcome o = command(s, line, &handled);
    if (handled)
        return o;
    if (line[0] && strcmp(line, "next") && strcmp(line, "n")) {
        printf("! press Enter (or type next) to continue\n");
        return GO_ON;
    }
    return report(s, ff_run_next(s->run, now_ms(s)));
}

static enum outcome ask_option(struct session *s)
{
    const struct ff_node *n = ff_run_node(s->run);
    char line[LINE_MAX_BYTES];
    bool handled;
    if (!read_line(s, "choose (number or id) > ", line, sizeof line))
        return RAN_OUT;
    enum outcome o = command(s, line, &handled);
    if (handled)
        return o;
    char *end = NULL;
    long k = strtol(line, &end, 10);
    const char *id = line;
    if (!line[0]) {
        printf("! type an option's number (1-%zu) or its id\n", n->noptions);
        return GO_ON;
    }
    if (*end == '\0' && k >= 1 && (size_t)k <= n->noptions)
        id = n->options[k - 1].id;
    return report(s, ff_run_choose(s->run, id, now_ms(s)));
}

static void field_prompt(struct session *s, const struct ff_field *f, char *buf, size_t size)
{
    int len = snprintf(buf, size, "%s", ff_run_text(s->run, &f->label));
    if (f->hint.s && len >= 0 && (size_t)len < size)
        len += snprintf(buf + len, size - (size_t)len, " (%s)", ff_run_text(s->run, &f->hint));
    if (len >= 0 && (size_t)len < size)
        len += snprintf(buf + len, size - (size_t)len, " [%s%s", ff_field_type_name(f->type),
                        f->required ? ", required" : "");
    for (size_t i = 0; i < f->nchoices && len >= 0 && (size_t)len < size; i++)
        len += snprintf(buf + len, size - (size_t)len, "%s%s", i ? "|" : ": ", f->choices[i]);
    if (len >= 0 && (size_t)len < size)
        snprintf(buf + len, size - (size_t)len, "] > ");
}

/* Does line start "name=" for a field of n? */
static bool is_pair(const struct ff_node *n, const char *line)
{
    const char *eq = strchr(line, '=');
    for (size_t i = 0; eq && i < n->nfields; i++)
        if (strlen(n->fields[i].name) == (size_t)(eq - line) &&
            !strncmp(n->fields[i].name, line, (size_t)(eq - line)))
            return true;
    return false;
}

/* Reads the values of one submit into lines/v, starting from the line already in lines[0]. */
static enum outcome read_values(struct session *s, const struct ff_node *n,
                                char (*lines)[LINE_MAX_BYTES], struct ff_run_value *v, size_t *nv)
{
    char prompt[512];
    bool pairs = is_pair(n, lines[0]);
    *nv = 0;
    for (size_t i = 0; i < n->nfields && i < FF_CHART_MAX_FIELDS; i++) {
        if (i > 0) {
            if (pairs)
                snprintf(prompt, sizeof prompt, "name=value (empty line submits) > ");
            else
                field_prompt(s, &n->fields[i], prompt, sizeof prompt);
            if (!read_line(s, prompt, lines[i], LINE_MAX_BYTES))
                return pairs ? GO_ON : RAN_OUT;
            if (pairs && !lines[i][0])
                return GO_ON;
        }
        char *eq = pairs ? strchr(lines[i], '=') : NULL;
        if (pairs && eq)
            *eq = '\0';
        v[(*nv)++] = pairs ? (struct ff_run_value){lines[i], eq ? eq + 1 : ""}
                           : (struct ff_run_value){n->fields[i].name, lines[i]};
    }
    if (pairs) { /* all fields given: the terminating empty line is still to come */
        char rest[LINE_MAX_BYTES];
        if (read_line(s, "(empty line submits) > ", rest, sizeof rest) && rest[0])
            printf("! ignored '%s': every field already has a value\n", rest);
    }
    return GO_ON;
}

static enum outcome ask_input(struct session *s)
{
    const struct ff_node *n = ff_run_node(s->run);
    char prompt[512];
    bool handled;
    char(*lines)[LINE_MAX_BYTES] = ff_calloc(FF_CHART_MAX_FIELDS, LINE_MAX_BYTES);
    struct ff_run_value v[FF_CHART_MAX_FIELDS];
    size_t nv = 0;
    enum outcome o = FAILED;
    if (!lines || !n->nfields)
        goto out_free;
    field_prompt(s, &n->fields[0], prompt, sizeof prompt);
    o = RAN_OUT;
    if (!read_line(s, prompt, lines[0], LINE_MAX_BYTES))
        goto out_free;
    o = command(s, lines[0], &handled);
    if (handled)
        goto out_free;
    if ((o = read_values(s, n, lines, v, &nv)) != GO_ON)
        goto out_free;
    enum ff_err err = ff_run_submit(s->run, v, nv, now_ms(s));
    for (size_t i = 0; err == FF_EINVALID && i < n->nfields; i++)
        if (ff_run_field_error(s->run, i))
            printf("! %s: %s\n", ff_run_text(s->run, &n->fields[i].label),
                   ff_run_field_error(s->run, i));
    o = err == FF_EINVALID ? GO_ON : report(s, err);
out_free:
    ff_free(lines);
    return o;
}

static enum outcome turn(struct session *s)
{
    show_breaches(s);
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

static int finish(struct session *s, enum outcome o)
{
    const struct ff_node *n = ff_run_node(s->run);
    switch (o) {
    case AT_END:
        printf("\n[%s] %s\noutcome: %s (%s)\n", ff_run_chart(s->run)->id,
               ff_run_text(s->run, &n->title), ff_outcome_name(n->outcome),
               n->success ? "success" : "failure");
        return FFCTL_OK;
    case RAN_OUT:
        fprintf(stderr, "ffctl run: answers ran out before an end (at node \"%s\")\n", n->id);
        return FFCTL_REFUSED;
    case QUIT:
        printf("abandoned at node \"%s\"\n", n->id);
        return FFCTL_REFUSED;
    case GO_ON:
    case FAILED:
        break;
    }
    fprintf(stderr, "ffctl run: failed at node \"%s\": %s\n", n->id, ff_run_errmsg(s->run));
    return FFCTL_FAILURE;
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
    s.in = a.answers ? fopen(a.answers, "r") : stdin;
    rc = FFCTL_FAILURE;
    if (!s.in) {
        fprintf(stderr, "ffctl run: cannot read %s: %s\n", a.answers, strerror(errno));
        goto out_lib;
    }
    s.tty = !a.answers && isatty(fileno(s.in));
    if (a.locale && ff_chart_locale_index(chart, a.locale) < 0)
        fprintf(stderr, "ffctl run: chart \"%s\" has no \"%s\" texts; showing \"%s\"\n", chart->id,
                a.locale, chart->nlocales ? chart->locales[0] : "en");
    enum ff_err err = ff_run_start(lib, chart->id, chart->version, a.locale, now_ms(&s), &s.run);
    if (err) {
        fprintf(stderr, "ffctl run: cannot start %s: %s\n", chart->id, ff_strerror(err));
        goto out_in;
    }
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
    ff_library_free(lib);
    return rc;
}
