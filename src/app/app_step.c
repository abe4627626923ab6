/* app_step.c - the kiosk's step and ending screens (see app_kiosk_int.h).
 *
 * A step shows the progress hint, the question and what answers it: a decision's options
 * as large buttons; an input node one field at a time, with the keyboard or pad its type
 * wants and the engine's per-field error in place; a knowledge-base article in place; or a
 * message (Continue is in the bottom bar). The ending tells the customer what happens next (ticket
 * code and QR, the visit as *requested*, the escalation's level and time), then asks for a rating
 * and an optional "this step was confusing" on a node they saw.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app_i18n.h"
#include "app_keys.h"
#include "app_kiosk_int.h"
#include "fieldflow/field.h"

static void progress(struct ui *ui, const struct ff_kiosk_view *v)
{
    char label[64];
    int steps = v->steps > 0 ? v->steps : 1;
    snprintf(label, sizeof label, TR("Step %d of about %d"), v->step, steps);
    ui_progress(ui, "q.progress", (double)v->step / steps, label);
}

static void options(struct app_kiosk *k, struct ui *ui, const struct ff_kiosk_view *v)
{
    struct ff_kiosk_option o;
    for (size_t i = 0; i < v->noptions && ff_kiosk_option(k->eng, i, &o); i++) {
        char id[96];
        snprintf(id, sizeof id, "q.opt.%s", o.id);
        if (ui_button(ui, id, o.label)) {
            ff_kiosk_choose(k->eng, o.id, (int64_t)k->now);
            return;
        }
    }
}

/* A date field: the next 14 days from today as chips; no past day is offered. */
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
        snprintf(val, APP_VALUE_BYTES, "%s", days[sel]);
}

static void choice_chips(struct app_kiosk *k, struct ui *ui, const struct ff_kiosk_field *f,
                         size_t fi, const char *id, char *val)
{
    const char *labels[16], *ids[16];
    struct ff_kiosk_option c;
    int n = 0, sel = -1;
    if (f->type == FF_FIELD_YES_NO) {
        labels[0] = TR("Yes");
        ids[0] = "yes";
        labels[1] = TR("No");
        ids[1] = "no";
        n = 2;
    } else {
        for (size_t i = 0; i < f->nchoices && n < 16 && ff_kiosk_choice(k->eng, fi, i, &c); i++) {
            labels[n] = c.label;
            ids[n++] = c.id;
        }
    }
    for (int i = 0; i < n; i++)
        if (!strcmp(val, ids[i]))
            sel = i;
    if (ui_chips(ui, id, labels, n, &sel) && sel >= 0)
        snprintf(val, APP_VALUE_BYTES, "%s", ids[sel]);
}

static bool wants_keys(enum ff_field_type t)
{
    return t != FF_FIELD_CHOICE && t != FF_FIELD_YES_NO && t != FF_FIELD_DATE;
}

static void field(struct app_kiosk *k, struct ui *ui, const struct ff_kiosk_field *f, size_t i)
{
    char id[160];
    char *val = k->vals[i];
    snprintf(id, sizeof id, "q.field.%s.label", f->name);
    ui_label(ui, id, f->label, 0, UI_FONT_BOLD);
    snprintf(id, sizeof id, "q.field.%s", f->name);
    if (f->type == FF_FIELD_CHOICE || f->type == FF_FIELD_YES_NO)
        choice_chips(k, ui, f, i, id, val);
    else if (f->type == FF_FIELD_DATE)
        date_chips(k, ui, id, val);
    else
        ui_textfield(ui, id, val, APP_VALUE_BYTES, f->hint ? f->hint : "");
    if (k->errors_shown && f->error) {
        snprintf(id, sizeof id, "q.field.%s.error", f->name);
        ui_label(ui, id, f->error, 0, UI_FONT_BOLD);
    }
    if (wants_keys(f->type)) {
        if (k->keys_field != (int)i) { /* a fresh keyboard for every field */
            memset(&k->keys, 0, sizeof k->keys);
            k->keys_field = (int)i;
        }
        bool name = f->type == FF_FIELD_TEXT && !strcmp(f->name, "name");
        app_keys(ui, app_pad_for(f->type), k->lang, name, &k->keys, val, APP_VALUE_BYTES);
    }
}

void app_step_submit(struct app_kiosk *k, const struct ff_kiosk_view *v)
{
    size_t nf = v->nfields < APP_MAX_FIELDS ? v->nfields : APP_MAX_FIELDS;
    if (k->active + 1 < (int)nf) {
        k->active++;
        return;
    }
    struct ff_run_value vals[APP_MAX_FIELDS] = {{0}};
    struct ff_kiosk_field f;
    size_t filled = 0;
    while (filled < nf && ff_kiosk_field(k->eng, filled, &f)) {
        vals[filled] = (struct ff_run_value){f.name, k->vals[filled]};
        filled++;
    }
    if (ff_kiosk_submit(k->eng, vals, filled, (int64_t)k->now) == FF_OK)
        return;
    k->errors_shown = true;
    for (size_t i = 0; i < nf && ff_kiosk_field(k->eng, i, &f); i++)
        if (f.error) {
            k->active = (int)i;
            break;
        }
}

bool app_step_typing(struct app_kiosk *k, const struct ff_kiosk_view *v)
{
    struct ff_kiosk_field f = {0};
    return v->state == FF_KIOSK_STEP && v->kind == FF_NODE_INPUT && v->nfields &&
           ff_kiosk_field(k->eng, (size_t)k->active, &f) && wants_keys(f.type);
}

void app_step_screen(struct app_kiosk *k, struct ui *ui, const struct ff_kiosk_view *v)
{
    struct ui_rect scr = ui_screen(ui);
    struct ff_kiosk_field f = {0};
    bool has_field =
        v->kind == FF_NODE_INPUT && v->nfields && ff_kiosk_field(k->eng, (size_t)k->active, &f);
    bool typing = app_step_typing(k, v);
    progress(ui, v);
    /* portrait with a keyboard: the field's label is the question; the title gives way */
    if (!typing || scr.w > scr.h)
        ui_label(ui, "q.title", v->title, 28, UI_FONT_BOLD);
    if (v->body && *v->body && !typing)
        ui_label(ui, "q.body", v->body, 0, UI_FONT_REGULAR);
    if (v->kind == FF_NODE_KB && v->article_title && *v->article_title) {
        ui_label(ui, "q.kb.title", v->article_title, 22, UI_FONT_BOLD);
        ui_label(ui, "q.kb.body", v->article_body, 0, UI_FONT_REGULAR);
    }
    if (v->kind == FF_NODE_DECISION)
        options(k, ui, v);
    else if (has_field)
        field(k, ui, &f, (size_t)k->active);
}

/* ---- the ending ---- */

static void ending_text(struct app_kiosk *k, struct ui *ui, const struct ff_kiosk_view *v)
{
    char buf[256];
    if (v->message && *v->message)
        ui_label(ui, "end.message", v->message, 24, UI_FONT_BOLD);
    if (v->ticket && *v->ticket) {
        snprintf(buf, sizeof buf, TR("Your ticket code: %s"), v->ticket);
        ui_label(ui, "end.ticket", buf, 28, UI_FONT_BOLD);
        ui_label(ui, "end.ticket.hint", TR("Scan the code to follow your case."), 0,
                 UI_FONT_REGULAR);
        ui_image(ui, "end.qr", "ticket-qr", 160, 160);
    }
    if (v->visit_start_ms > 0) {
        time_t t = (time_t)(v->visit_start_ms / 1000);
        struct tm tm;
        char when[64];
        gmtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
        snprintf(buf, sizeof buf, TR("Engineer visit %s UTC: %s"), when,
                 !strcmp(v->visit_status, "confirmed")  ? TR("confirmed")
                 : !strcmp(v->visit_status, "rejected") ? TR("not available")
                                                        : TR("requested"));
        ui_label(ui, "end.visit", buf, 0, UI_FONT_BOLD);
    }
    if (v->ending == FF_KIOSK_END_ESCALATED && v->escalation_level > 0) {
        snprintf(buf, sizeof buf, TR("Passed on to level %d. Expected wait: about %d minutes."),
                 v->escalation_level, v->eta_minutes);
        ui_label(ui, "end.escalated", buf, 0, UI_FONT_REGULAR);
    }
    (void)k;
}

static void rating(struct app_kiosk *k, struct ui *ui, const struct ff_kiosk_view *v)
{
    static const char *const stars[] = {"1", "2", "3", "4", "5"};
    ui_label(ui, "rate.title", TR("How was your visit? (1 = poor, 5 = very good)"), 0,
             UI_FONT_REGULAR);
    int sel = k->rating;
    if (ui_chips(ui, "rate", stars, 5, &sel) && sel >= 0 && !v->rated &&
        ff_kiosk_rate(k->eng, sel + 1, (int64_t)k->now) == FF_OK)
        k->rating = sel;
    size_t n = ff_kiosk_seen_count(k->eng);
    if (!n)
        return;
    ui_label(ui, "remark.title", TR("Was a step confusing? Tap it:"), 0, UI_FONT_REGULAR);
    const char *labels[8];
    struct ff_kiosk_option seen[8];
    int m = 0;
    for (size_t i = n > 8 ? n - 8 : 0; i < n && ff_kiosk_seen(k->eng, i, &seen[m]); i++) {
        labels[m] = seen[m].label;
        m++;
    }
    int r = k->remark;
    if (ui_chips(ui, "remark", labels, m, &r) && r >= 0 && k->remark < 0 &&
        ff_kiosk_remark(k->eng, seen[r].id, NULL, (int64_t)k->now) == FF_OK)
        k->remark = r;
}

void app_ending_screen(struct app_kiosk *k, struct ui *ui, const struct ff_kiosk_view *v)
{
    ending_text(k, ui, v);
    rating(k, ui, v);
    if (ui_button(ui, "end.finish", TR("Finish")))
        ff_kiosk_finish(k->eng, (int64_t)k->now);
}
