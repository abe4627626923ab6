/* app_kiosk.c - the kiosk screens over a run of the triage chart.
 *
 * Screens: attract; the chart one node at a time (a decision's options as large buttons,
 * an input node's fields with the on-screen keyboard and the runner's per-field errors in
 * place, a knowledge-base article in place, steps); the hand-off (the first node that is a
 * marked hand-off or not meant for the kiosk: staff steps are never shown); "talk to a
 * person"; the ending with a 1-5 rating. Every screen has the language buttons, the
 * accessibility choices and "talk to a person"; every step has back.
 * Invariant: personal values live only in k->vals and the run; a session end frees the run,
 * zeroes k->vals and resets the ui (which zeroes its text arena).
 */
#include <stdio.h>
#include <string.h>

#include "app_i18n.h"
#include "app_keys.h"
#include "app_kiosk.h"
#include "fieldflow/field.h"
#include "fieldflow/mem.h"
#include "fieldflow/runner.h"

#define TRIAGE_CHART "kiosk-triage"
#define MAX_FIELDS 8
#define VALUE_BYTES 256
#define COUNTDOWN_MS 20000u

enum screen { SCR_ATTRACT, SCR_NODE, SCR_HANDOFF, SCR_PERSON, SCR_RATING };

static const char *const screen_names[] = {"attract", "question", "handoff", "person", "rating"};

struct app_kiosk {
    struct app_kiosk_opts o;            /* borrowed library and kb; defaults of a session */
    struct ff_run *run;                 /* the session's run; NULL on the attract screen */
    enum screen scr;                    /* what is shown */
    char locale[8];                     /* current language */
    enum ui_theme_id theme, ui_theme;   /* wanted theme, and the one ui has */
    bool read_aloud;                    /* speak questions (the kiosk engine speaks) */
    uint64_t last_input;                /* now_ms of the last input, for the idle timer */
    uint64_t now;                       /* now_ms of the current frame */
    int steps;                          /* nodes shown this session, for the progress hint */
    int active;                         /* the input node's field on screen (one at a time) */
    bool errors_shown;                  /* the runner's field errors are current */
    bool digits;                        /* the keyboard shows its digits page */
    int rating;                         /* -1 or 0..4 */
    bool confusing;                     /* "this step was confusing" */
    bool wipe;                          /* end the session at the next frame */
    char vals[MAX_FIELDS][VALUE_BYTES]; /* personal: the input node's values being typed */
};

enum ff_err app_kiosk_create(const struct app_kiosk_opts *o, struct app_kiosk **out)
{
    *out = NULL;
    if (!o || !o->lib || !ff_library_find(o->lib, TRIAGE_CHART, 0))
        return FF_ENOTFOUND;
    struct app_kiosk *k = ff_calloc(1, sizeof *k);
    if (!k)
        return FF_ENOMEM;
    k->o = *o;
    k->rating = -1;
    snprintf(k->locale, sizeof k->locale, "%s", o->locale);
    k->theme = k->ui_theme = o->theme;
    app_i18n_set(o->exe, k->locale);
    *out = k;
    return FF_OK;
}

static void clear_values(struct app_kiosk *k)
{
    /* volatile so the compiler cannot drop the stores to memory about to be freed */
    volatile char *p = (volatile char *)k->vals;
    for (size_t i = 0; i < sizeof k->vals; i++)
        p[i] = 0;
    k->active = 0;
    k->errors_shown = false;
}

void app_kiosk_destroy(struct app_kiosk *k)
{
    if (!k)
        return;
    ff_run_free(k->run);
    clear_values(k);
    ff_free(k);
}

const char *app_kiosk_screen(const struct app_kiosk *k)
{
    return screen_names[k->scr];
}

void app_kiosk_input(struct app_kiosk *k, uint64_t now_ms)
{
    k->last_input = now_ms;
}

void app_kiosk_set_locale(struct app_kiosk *k, const char *locale)
{
    snprintf(k->locale, sizeof k->locale, "%s", locale);
    app_i18n_set(k->o.exe, k->locale);
    if (k->run)
        ff_run_set_locale(k->run, k->locale);
}

void app_kiosk_set_theme(struct app_kiosk *k, enum ui_theme_id theme)
{
    k->theme = theme;
}

uint64_t app_kiosk_after_frame(struct app_kiosk *k, struct ui *ui)
{
    if (k->theme != k->ui_theme) {
        ui_set_theme(ui, k->theme);
        k->ui_theme = k->theme;
    }
    if (k->wipe) {
        k->wipe = false;
        ui_reset(ui);
        return k->now; /* the attract screen right away */
    }
    if (k->scr == SCR_ATTRACT)
        return UI_NO_TIMER;
    uint64_t warn = k->last_input + (uint64_t)k->o.idle_s * 1000u;
    if (k->now < warn)
        return warn;
    return k->now + 1000u - (k->now - warn) % 1000u; /* the countdown's next second */
}

/* ---- session ---- */

static void end_session(struct app_kiosk *k)
{
    ff_run_free(k->run);
    k->run = NULL;
    clear_values(k);
    k->scr = SCR_ATTRACT;
    k->steps = 0;
    k->rating = -1;
    k->confusing = false;
    k->wipe = true;
    app_kiosk_set_locale(k, k->o.locale);
    k->theme = k->o.theme;
}

static bool is_handoff(const struct ff_node *n)
{
    return n->handoff || (n->audience != FF_AUDIENCE_ANY && n->audience != FF_AUDIENCE_KIOSK);
}

/* Moves past nodes that need no customer (start, subchart) and stops at a hand-off or an
 * end, choosing the screen. */
static void settle(struct app_kiosk *k)
{
    for (int guard = 0; guard < 64 && k->run; guard++) {
        const struct ff_node *n = ff_run_node(k->run);
        if (ff_run_ended(k->run)) {
            k->scr = SCR_RATING;
            return;
        }
        if (is_handoff(n)) {
            k->scr = SCR_HANDOFF;
            return;
        }
        if (n->kind != FF_NODE_START || ff_run_next(k->run, (int64_t)k->now) != FF_OK)
            break;
    }
    k->scr = SCR_NODE;
    clear_values(k);
}

static void start_session(struct app_kiosk *k)
{
    if (ff_run_start(k->o.lib, TRIAGE_CHART, 0, k->locale, (int64_t)k->now, &k->run) != FF_OK)
        return;
    k->steps = 1;
    settle(k);
}

static void submit_input(struct app_kiosk *k);

static void go_back(struct app_kiosk *k)
{
    if (k->scr == SCR_PERSON && k->run) {
        settle(k);
        return;
    }
    if (k->scr == SCR_NODE && k->active > 0) {
        k->active--;
        return;
    }
    if (k->run && ff_run_can_back(k->run) && ff_run_back(k->run, (int64_t)k->now) == FF_OK) {
        k->steps = k->steps > 1 ? k->steps - 1 : 1;
        settle(k);
        return;
    }
    end_session(k);
}

/* Shortest number of nodes from the current one to an end of its chart (breadth first). */
static int remaining_steps(const struct ff_run *run)
{
    const struct ff_chart *c = ff_run_chart(run);
    int start = ff_run_node_index(run);
    int dist[256], queue[256], head = 0, tail = 0;
    if (!c || start < 0 || c->nnodes > 256)
        return 1;
    for (size_t i = 0; i < c->nnodes; i++)
        dist[i] = -1;
    dist[start] = 0;
    queue[tail++] = start;
    while (head < tail) {
        int i = queue[head++];
        const struct ff_node *n = &c->nodes[i];
        if (n->kind == FF_NODE_END)
            return dist[i];
        int next[64], nn = 0;
        if (n->next_index >= 0)
            next[nn++] = n->next_index;
        for (size_t o = 0; o < n->noptions && nn < 64; o++)
            if (n->options[o].target_index >= 0)
                next[nn++] = n->options[o].target_index;
        for (int j = 0; j < nn; j++)
            if (dist[next[j]] < 0) {
                dist[next[j]] = dist[i] + 1;
                queue[tail++] = next[j];
            }
    }
    return 1;
}

/* ---- the parts on every screen ---- */

static void header(struct app_kiosk *k, struct ui *ui, bool side)
{
    static const char *const langs[] = {"en", "da", "es"};
    static const char *const names[] = {"English", "Dansk", "Español"};
    if (!side)
        ui_layout_row(ui, 3, 0);
    for (int i = 0; i < 3; i++) {
        char id[32];
        snprintf(id, sizeof id, "kiosk.lang.%s", langs[i]);
        if (ui_button(ui, id, names[i]))
            app_kiosk_set_locale(k, langs[i]);
    }
    const char *themes[] = {TR("Standard"), TR("High contrast"), TR("Larger text")};
    int sel = (int)k->theme;
    if (ui_chips(ui, "kiosk.theme", themes, 3, &sel) && sel >= 0)
        k->theme = (enum ui_theme_id)sel;
    ui_toggle(ui, "kiosk.read", TR("Read aloud"), &k->read_aloud);
}

/* The bottom bar: back on every step, Continue at an input node (always in reach of the
 * thumb, above the keyboard's reach), "talk to a person" everywhere. */
static void footer(struct app_kiosk *k, struct ui *ui)
{
    bool back = k->scr == SCR_NODE;
    bool input = back && ff_run_node(k->run)->kind == FF_NODE_INPUT;
    ui_layout_row(ui, 1 + back + input, 0);
    bool go = back && ui_button(ui, "kiosk.back", TR("Back"));
    bool next = input && ui_button(ui, "q.submit", TR("Continue"));
    if (ui_button(ui, "kiosk.person", TR("Talk to a person")))
        k->scr = SCR_PERSON;
    else if (go)
        go_back(k);
    else if (next)
        submit_input(k);
}

static void still_there(struct app_kiosk *k, struct ui *ui)
{
    uint64_t warn = k->last_input + (uint64_t)k->o.idle_s * 1000u;
    if (k->scr == SCR_ATTRACT || k->now < warn)
        return;
    uint64_t gone = k->now - warn;
    if (gone >= COUNTDOWN_MS) {
        end_session(k);
        return;
    }
    char msg[128];
    snprintf(msg, sizeof msg, TR("The screen will be cleared in %u seconds."),
             (unsigned)((COUNTDOWN_MS - gone + 999) / 1000));
    ui_dialog_begin(ui, "kiosk.idle", TR("Still there?"));
    ui_label(ui, "kiosk.idle.msg", msg, 0, UI_FONT_REGULAR);
    ui_layout_row(ui, 2, 0);
    if (ui_button(ui, "kiosk.idle.stay", TR("Yes, continue")))
        k->last_input = k->now;
    if (ui_button(ui, "kiosk.idle.end", TR("Start over")))
        end_session(k);
    ui_dialog_end(ui);
}

/* ---- screens ---- */

static void screen_attract(struct app_kiosk *k, struct ui *ui)
{
    ui_layout_space(ui, 24);
    ui_label(ui, "attract.title", TR("Welcome! How can we help you today?"), 36, UI_FONT_BOLD);
    ui_label(ui, "attract.sub",
             TR("Questions, orders, repairs, complaints and payments - one step at a time."), 0,
             UI_FONT_REGULAR);
    ui_layout_space(ui, 24);
    ui_layout_row(ui, 1, 120);
    if (ui_button(ui, "attract.start", TR("Touch here to start")))
        start_session(k);
}

static void progress(struct app_kiosk *k, struct ui *ui)
{
    int total = k->steps + remaining_steps(k->run);
    char label[64];
    snprintf(label, sizeof label, TR("Step %d of about %d"), k->steps, total);
    ui_progress(ui, "q.progress", (double)k->steps / total, label);
}

static void node_options(struct app_kiosk *k, struct ui *ui, const struct ff_node *n)
{
    for (size_t i = 0; i < n->noptions; i++) {
        char id[96];
        snprintf(id, sizeof id, "q.opt.%s", n->options[i].id);
        if (ui_button(ui, id, ff_run_text(k->run, &n->options[i].label)) &&
            ff_run_choose(k->run, n->options[i].id, (int64_t)k->now) == FF_OK) {
            k->steps++;
            settle(k);
            return;
        }
    }
}

/* A date field: the next 14 days as chips (no past days); the value is YYYY-MM-DD. */
static void date_chips(struct app_kiosk *k, struct ui *ui, const char *id, char *val)
{
    const char *labels[14];
    char days[14][16];
    int sel = -1;
    int64_t today = (int64_t)(k->now / 86400000u);
    for (int i = 0; i < 14; i++) {
        int y, m, d;
        ff_civil_from_days(today + i, &y, &m, &d);
        snprintf(days[i], sizeof days[i], "%04d-%02d-%02d", y, m, d);
        labels[i] = days[i];
        if (!strcmp(val, days[i]))
            sel = i;
    }
    if (ui_chips(ui, id, labels, 14, &sel) && sel >= 0)
        snprintf(val, VALUE_BYTES, "%s", days[sel]);
}

static void field_input(struct app_kiosk *k, struct ui *ui, const struct ff_field *f, size_t i)
{
    char id[96];
    char *val = k->vals[i];
    snprintf(id, sizeof id, "q.field.%s.label", f->name);
    ui_label(ui, id, ff_run_text(k->run, &f->label), 0, UI_FONT_BOLD);
    snprintf(id, sizeof id, "q.field.%s", f->name);
    if (f->type == FF_FIELD_CHOICE || f->type == FF_FIELD_YES_NO) {
        const char *labels[16];
        const char *yn[2] = {TR("Yes"), TR("No")};
        int n = f->type == FF_FIELD_YES_NO ? 2 : (int)(f->nchoices < 16 ? f->nchoices : 16);
        int sel = -1;
        for (int c = 0; c < n; c++) {
            const char *cid = f->type == FF_FIELD_YES_NO ? (c ? "no" : "yes") : f->choices[c];
            labels[c] =
                f->type == FF_FIELD_YES_NO ? yn[c] : ff_run_text(k->run, &f->choice_labels[c]);
            if (!strcmp(val, cid))
                sel = c;
        }
        if (ui_chips(ui, id, labels, n, &sel) && sel >= 0)
            snprintf(val, VALUE_BYTES, "%s",
                     f->type == FF_FIELD_YES_NO ? (sel ? "no" : "yes") : f->choices[sel]);
    } else if (f->type == FF_FIELD_DATE) {
        date_chips(k, ui, id, val);
    } else {
        const char *hint = f->hint.s ? ff_run_text(k->run, &f->hint) : NULL;
        ui_textfield(ui, id, val, VALUE_BYTES, hint ? hint : "");
    }
    const char *err = k->errors_shown ? ff_run_field_error(k->run, i) : NULL;
    if (err) {
        snprintf(id, sizeof id, "q.field.%s.error", f->name);
        ui_label(ui, id, err, 0, UI_FONT_BOLD);
    }
}

/* One field at a time: Continue moves to the next field, and on the last one submits; a
 * refused submit comes back to the first field the runner names, its error in place. */
static void submit_input(struct app_kiosk *k)
{
    const struct ff_node *n = ff_run_node(k->run);
    size_t nf = n->nfields < MAX_FIELDS ? n->nfields : MAX_FIELDS;
    if (k->active + 1 < (int)nf) {
        k->active++;
        k->digits = false;
        return;
    }
    struct ff_run_value v[MAX_FIELDS];
    for (size_t i = 0; i < nf; i++)
        v[i] = (struct ff_run_value){n->fields[i].name, k->vals[i]};
    if (ff_run_submit(k->run, v, nf, (int64_t)k->now) == FF_OK) {
        k->steps++;
        settle(k);
        return;
    }
    for (size_t i = 0; i < nf; i++)
        if (ff_run_field_error(k->run, i)) {
            k->active = (int)i;
            break;
        }
    k->errors_shown = true;
}

static bool wants_keys(const struct ff_field *f)
{
    return f->type != FF_FIELD_CHOICE && f->type != FF_FIELD_YES_NO && f->type != FF_FIELD_DATE;
}

static void node_input(struct app_kiosk *k, struct ui *ui, const struct ff_node *n)
{
    size_t nf = n->nfields < MAX_FIELDS ? n->nfields : MAX_FIELDS;
    if (!nf)
        return;
    if (k->active >= (int)nf)
        k->active = 0;
    const struct ff_field *f = &n->fields[k->active];
    field_input(k, ui, f, (size_t)k->active);
    if (wants_keys(f))
        app_keys(ui, app_pad_for(f->type), k->locale, &k->digits, k->vals[k->active], VALUE_BYTES);
}

static void screen_node(struct app_kiosk *k, struct ui *ui)
{
    const struct ff_node *n = ff_run_node(k->run);
    struct ui_rect scr = ui_screen(ui);
    bool typing = n->kind == FF_NODE_INPUT && n->nfields &&
                  wants_keys(&n->fields[k->active < (int)n->nfields ? k->active : 0]);
    progress(k, ui);
    /* portrait with a keyboard: the field's label is the question; the title gives way */
    if (!typing || scr.w > scr.h)
        ui_label(ui, "q.title", ff_run_text(k->run, &n->title), 28, UI_FONT_BOLD);
    if (n->body.s && !typing)
        ui_label(ui, "q.body", ff_run_text(k->run, &n->body), 0, UI_FONT_REGULAR);
    if (n->kind == FF_NODE_KB && k->o.kb && n->kb_article) {
        const struct ff_kb_article *a = ff_kb_find(k->o.kb, n->kb_article, k->locale);
        if (a) {
            ui_label(ui, "q.kb.title", a->title, 22, UI_FONT_BOLD);
            ui_label(ui, "q.kb.body", a->body, 0, UI_FONT_REGULAR);
        }
    }
    if (n->kind == FF_NODE_DECISION)
        node_options(k, ui, n);
    else if (n->kind == FF_NODE_INPUT)
        node_input(k, ui, n);
    else if (ui_button(ui, "q.next", TR("Continue")) &&
             ff_run_next(k->run, (int64_t)k->now) == FF_OK) {
        k->steps++;
        settle(k);
    }
}

static void screen_handoff(struct app_kiosk *k, struct ui *ui)
{
    ui_label(ui, "handoff.title", TR("Thank you - we will take it from here"), 28, UI_FONT_BOLD);
    ui_label(ui, "handoff.body",
             TR("A member of our staff will contact you about your request. You do not need "
                "to do anything more here."),
             0, UI_FONT_REGULAR);
    if (ui_button(ui, "handoff.done", TR("Continue")))
        k->scr = SCR_RATING;
}

static void screen_person(struct app_kiosk *k, struct ui *ui)
{
    ui_label(ui, "person.title", TR("A member of staff is on the way"), 28, UI_FONT_BOLD);
    ui_label(ui, "person.body",
             TR("Please wait here or go to the service desk. Tell them the kiosk sent you."), 0,
             UI_FONT_REGULAR);
    if (ui_button(ui, "person.done", TR("Finish")))
        end_session(k);
}

static void screen_rating(struct app_kiosk *k, struct ui *ui)
{
    static const char *const stars[] = {"1", "2", "3", "4", "5"};
    if (k->run && ff_run_ended(k->run))
        ui_label(ui, "end.title", ff_run_text(k->run, &ff_run_node(k->run)->title), 28,
                 UI_FONT_BOLD);
    ui_label(ui, "rate.title", TR("How was your visit? (1 = poor, 5 = very good)"), 0,
             UI_FONT_REGULAR);
    ui_chips(ui, "rate", (const char *const *)stars, 5, &k->rating);
    ui_toggle(ui, "rate.confusing", TR("A step was confusing"), &k->confusing);
    if (ui_button(ui, "rate.done", TR("Finish")))
        end_session(k);
}

static void content(struct app_kiosk *k, struct ui *ui)
{
    switch (k->scr) {
    case SCR_ATTRACT:
        screen_attract(k, ui);
        break;
    case SCR_NODE:
        screen_node(k, ui);
        break;
    case SCR_HANDOFF:
        screen_handoff(k, ui);
        break;
    case SCR_PERSON:
        screen_person(k, ui);
        break;
    case SCR_RATING:
        screen_rating(k, ui);
        break;
    }
}

/* Portrait: language and accessibility on top, the screen below. Landscape: they sit in a
 * side panel on the left. The bottom bar is pinned in both, so a keyboard or a long article
 * never pushes it away. */
void app_kiosk_frame(struct app_kiosk *k, struct ui *ui, uint64_t now_ms)
{
    k->now = now_ms;
    if (k->scr != SCR_ATTRACT && !k->run)
        k->scr = SCR_ATTRACT;
    struct ui_rect scr = ui_screen(ui);
    int bar = ui_px(ui, 48 + 2 * 16);
    struct ui_rect top = {scr.x, scr.y, scr.w, scr.h - bar};
    if (scr.w > scr.h) {
        int side = scr.w * 28 / 100;
        if (side < ui_px(ui, 300))
            side = ui_px(ui, 300);
        ui_layout_push(ui, (struct ui_rect){top.x, top.y, side, top.h});
        header(k, ui, true);
        ui_layout_pop(ui);
        ui_layout_push(ui, (struct ui_rect){top.x + side, top.y, top.w - side, top.h});
        content(k, ui);
        ui_layout_pop(ui);
    } else {
        ui_layout_push(ui, top);
        header(k, ui, false);
        content(k, ui);
        ui_layout_pop(ui);
    }
    ui_layout_push(ui, (struct ui_rect){scr.x, scr.y + top.h, scr.w, bar});
    if (k->scr != SCR_PERSON)
        footer(k, ui);
    ui_layout_pop(ui);
    still_there(k, ui);
}
