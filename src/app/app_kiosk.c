/* app_kiosk.c - the kiosk's frame: the parts on every screen, the attract and resume
 * screens, "still there?", the hidden way out, and keeping ui in step with the engine.
 *
 * Every screen has the language buttons, the accessibility choices (high contrast, larger
 * text, read aloud) and "talk to a person"; every step has back. Portrait puts them on top
 * (folded into one button while the keyboard is open); landscape in a side panel; the
 * bottom bar (back, Continue, talk to a person) is pinned. The way out of kiosk mode is hidden in
 * plain sight: the language buttons tapped Español, Dansk, English, Español, Dansk, English within
 * 6 s on the attract screen open the admin PIN dialog (docs/decisions.md); the right PIN opens
 * the staff screen (sync state, sync now, leave kiosk mode). Invariant: when the
 * engine goes back to its attract screen (finished, idle, discarded) the typed values are zeroed
 * and ui is reset.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app_i18n.h"
#include "app_kiosk_int.h"
#include "fieldflow/mem.h"
#include "kiosk_speech.h"
#include "kiosk_sync.h"

#define KNOCK_MS 6000u
#define BAR_ROW 56                        /* logical px: a bottom-bar button, room for 1.5x text */
static const char knock_seq[] = "sdesde"; /* s = es, d = da, e = en */

enum ff_err app_kiosk_create(const struct app_kiosk_opts *o, uint64_t now_ms,
                             struct app_kiosk **out, char *why, size_t why_len)
{
    *out = NULL;
    if (!o || !o->lib || !ff_library_find(o->lib, FF_KIOSK_ROOT_CHART, 0)) {
        snprintf(why, why_len, "the charts have no %s chart", FF_KIOSK_ROOT_CHART);
        return FF_ENOTFOUND;
    }
    struct app_kiosk *k = ff_calloc(1, sizeof *k);
    if (!k)
        return FF_ENOMEM;
    k->o = *o;
    struct ff_kiosk_opts eo = {.store_path = o->store_path,
                               .lib = o->lib,
                               .snapshot_path = o->snapshot_path,
                               .default_locale = o->locale,
                               .default_theme = (enum ff_kiosk_theme)o->theme,
                               .idle_ms = (int64_t)o->idle_s * 1000,
                               .countdown_ms = 20000};
    enum ff_err e = ff_kiosk_new(&eo, (int64_t)now_ms, &k->eng);
    if (e) {
        snprintf(why, why_len, "%s", ff_strerror(e));
        ff_free(k);
        return e;
    }
    k->ui_theme = o->theme;
    k->rating = k->remark = -1;
    k->keys_field = -1;
    ff_pin_gate_init(&k->pin, o->pin_hash);
    snprintf(k->lang, sizeof k->lang, "%s", o->locale);
    app_i18n_set(k->lang);
    *out = k;
    return FF_OK;
}

void app_kiosk_clear(struct app_kiosk *k)
{
    volatile char *p = (volatile char *)k->vals;
    for (size_t i = 0; i < sizeof k->vals; i++)
        p[i] = 0;
    p = (volatile char *)k->pin_buf;
    for (size_t i = 0; i < sizeof k->pin_buf; i++)
        p[i] = 0;
    k->active = 0;
    k->errors_shown = false;
    memset(&k->keys, 0, sizeof k->keys);
    k->keys_field = -1;
}

void app_kiosk_destroy(struct app_kiosk *k)
{
    if (!k)
        return;
    ff_kiosk_free(k->eng);
    ff_qr_clear(&k->qr);
    app_kiosk_clear(k);
    ff_free(k);
}

const char *app_kiosk_screen(const struct app_kiosk *k)
{
    static const char *const names[] = {"attract", "resume", "question", "still-there", "ending"};
    if (k->staff)
        return "staff";
    if (k->admin)
        return "admin";
    return names[ff_kiosk_view(k->eng)->state];
}

bool app_kiosk_quit(const struct app_kiosk *k)
{
    return k->quit;
}

void app_kiosk_input(struct app_kiosk *k, uint64_t now_ms)
{
    ff_kiosk_touch(k->eng, (int64_t)now_ms);
}

void app_kiosk_set_locale(struct app_kiosk *k, const char *locale)
{
    ff_kiosk_set_locale(k->eng, locale, (int64_t)k->now);
}

void app_kiosk_set_theme(struct app_kiosk *k, enum ui_theme_id theme)
{
    ff_kiosk_set_theme(k->eng, (enum ff_kiosk_theme)theme, (int64_t)k->now);
}

bool app_kiosk_qr(struct app_kiosk *k, const unsigned char **bits, int *size)
{
    if (!k->qr_new || !k->qr.modules)
        return false;
    k->qr_new = false;
    *bits = k->qr.modules;
    *size = k->qr.size;
    return true;
}

uint64_t app_kiosk_after_frame(struct app_kiosk *k, struct ui *ui)
{
    const struct ff_kiosk_view *v = ff_kiosk_view(k->eng);
    enum ui_theme_id want = (enum ui_theme_id)v->theme;
    if (want != k->ui_theme) {
        ui_set_theme(ui, want);
        k->ui_theme = want;
    }
    if (k->wipe) {
        k->wipe = false;
        ui_reset(ui);
        return k->now; /* draw the clean attract screen right away */
    }
    if (v->state == FF_KIOSK_ATTRACT)
        return k->knock ? k->knock_at + KNOCK_MS : UI_NO_TIMER;
    if (v->state == FF_KIOSK_STILL_THERE) {
        int64_t left = v->countdown_left_ms % 1000;
        return k->now + (uint64_t)(left > 0 ? left : 1000);
    }
    return k->now + 1000u; /* the engine's idle clock is checked every second */
}

/* ---- the parts on every screen ---- */

static void knock(struct app_kiosk *k, char which)
{
    if (ff_kiosk_view(k->eng)->state != FF_KIOSK_ATTRACT)
        return;
    if (k->knock && k->now - k->knock_at > KNOCK_MS)
        k->knock = 0;
    if (knock_seq[k->knock] != which) {
        k->knock = which == knock_seq[0];
        k->knock_at = k->now;
        return;
    }
    if (!k->knock)
        k->knock_at = k->now;
    if (!knock_seq[++k->knock]) {
        k->knock = 0;
        k->admin = true;
        k->pin_wrong = false;
    }
}

static void header(struct app_kiosk *k, struct ui *ui, const struct ff_kiosk_view *v, bool side)
{
    static const char *const langs[] = {"en", "da", "es"};
    static const char *const names[] = {"English", "Dansk", "Español"};
    static const char knocks[] = "eds";
    if (!side)
        ui_layout_row(ui, 3, 0);
    for (int i = 0; i < 3; i++) {
        char id[32];
        snprintf(id, sizeof id, "kiosk.lang.%s", langs[i]);
        if (ui_button(ui, id, names[i])) {
            ff_kiosk_set_locale(k->eng, langs[i], (int64_t)k->now);
            knock(k, knocks[i]);
        }
    }
    const char *themes[] = {TR("Standard"), TR("High contrast"), TR("Larger text")};
    int sel = (int)v->theme;
    if (ui_chips(ui, "kiosk.theme", themes, 3, &sel) && sel >= 0)
        ff_kiosk_set_theme(k->eng, (enum ff_kiosk_theme)sel, (int64_t)k->now);
    bool read = v->read_aloud;
    if (ui_toggle(ui, "kiosk.read", TR("Read aloud"), &read))
        ff_kiosk_set_read_aloud(k->eng, read, (int64_t)k->now);
}

/* Portrait while a field is typed: the header folds into one button that opens it in a
 * dialog, so the field and the whole keyboard fit on a 480x800 screen without scrolling
 * (issue 8); language and accessibility stay one tap away. The dialog closes with OK, Esc,
 * or once the keyboard is gone. */
static void header_folded(struct app_kiosk *k, struct ui *ui)
{
    ui_layout_row(ui, 1, 0);
    if (ui_button(ui, "kiosk.a11y", TR("Language / Accessibility")))
        k->a11y_open = true;
}

static void a11y_dialog(struct app_kiosk *k, struct ui *ui, const struct ff_kiosk_view *v)
{
    bool esc =
        ui_dialog_begin(ui, "kiosk.a11y.dialog", TR("Language / Accessibility")) & UI_RES_DISMISS;
    header(k, ui, v, false);
    ui_layout_row(ui, 1, 0);
    if (ui_button(ui, "kiosk.a11y.ok", TR("OK")) || esc)
        k->a11y_open = false;
    ui_dialog_end(ui);
}

/* The bottom bar: back on every step, Continue wherever a step is not answered by its own
 * buttons (always in reach, never pushed away by a keyboard or a long article), "talk to a person"
 * everywhere. Portrait gives "talk to a person" a row of its own so its label is never cut. */
static void footer(struct app_kiosk *k, struct ui *ui, const struct ff_kiosk_view *v, bool portrait)
{
    bool step = v->state == FF_KIOSK_STEP;
    bool input = step && v->kind == FF_NODE_INPUT;
    bool cont = step && v->kind != FF_NODE_DECISION;
    int first = portrait && step ? step + cont : 1 + step + cont;
    ui_layout_row(ui, first, BAR_ROW);
    bool back = step && ui_button(ui, "kiosk.back", TR("Back"));
    bool next = cont && ui_button(ui, input ? "q.submit" : "q.next", TR("Continue"));
    if (portrait && step)
        ui_layout_row(ui, 1, BAR_ROW);
    if (ui_button(ui, "kiosk.person", TR("Talk to a person"))) {
        if (v->state == FF_KIOSK_ATTRACT && ff_kiosk_begin(k->eng, (int64_t)k->now) != FF_OK)
            return;
        ff_kiosk_person(k->eng, (int64_t)k->now);
    } else if (back && k->active > 0) {
        k->active--;
    } else if (back) {
        ff_kiosk_back(k->eng, (int64_t)k->now);
    } else if (next && input) {
        app_step_submit(k, v);
    } else if (next) {
        ff_kiosk_next(k->eng, (int64_t)k->now);
    }
}

/* ---- attract, resume, still there, admin ---- */

static void screen_attract(struct app_kiosk *k, struct ui *ui)
{
    ui_layout_space(ui, 24);
    ui_label(ui, "attract.title", TR("Welcome! How can we help you today?"), 36, UI_FONT_BOLD);
    ui_layout_row(ui, 1, 120);
    if (ui_button(ui, "attract.start", TR("Touch here to start")))
        ff_kiosk_begin(k->eng, (int64_t)k->now);
    ui_label(ui, "attract.sub",
             TR("Questions, orders, repairs, complaints and payments - one step at a time."), 0,
             UI_FONT_REGULAR);
}

static void screen_resume(struct app_kiosk *k, struct ui *ui)
{
    ui_label(ui, "resume.title", TR("Continue where you left off?"), 28, UI_FONT_BOLD);
    ui_label(ui, "resume.body",
             TR("The kiosk was restarted in the middle of a visit. You can carry on from the "
                "last step or start over."),
             0, UI_FONT_REGULAR);
    ui_layout_row(ui, 2, 0);
    if (ui_button(ui, "resume.yes", TR("Continue")))
        ff_kiosk_resume(k->eng, (int64_t)k->now);
    if (ui_button(ui, "resume.no", TR("Start over")))
        ff_kiosk_discard(k->eng, (int64_t)k->now);
}

static void still_there(struct app_kiosk *k, struct ui *ui, const struct ff_kiosk_view *v)
{
    char msg[128];
    snprintf(msg, sizeof msg, TR("The screen will be cleared in %d seconds."),
             (int)((v->countdown_left_ms + 999) / 1000));
    ui_dialog_begin(ui, "kiosk.idle", TR("Still there?"));
    ui_label(ui, "kiosk.idle.msg", msg, 0, UI_FONT_REGULAR);
    ui_layout_row(ui, 1, 0);
    if (ui_button(ui, "kiosk.idle.stay", TR("Yes, continue")))
        ff_kiosk_touch(k->eng, (int64_t)k->now);
    ui_dialog_end(ui);
}

static void admin_dialog(struct app_kiosk *k, struct ui *ui)
{
    static const char *const digits[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"};
    char id[16], dots[40] = "";
    size_t n = strlen(k->pin_buf);
    for (size_t i = 0; i < n && i < 12; i++)
        strncat(dots, "*", sizeof dots - strlen(dots) - 1);
    ui_dialog_begin(ui, "admin", TR("Staff only: admin PIN"));
    ui_label(ui, "admin.pin", n ? dots : TR("Enter the PIN"), 22, UI_FONT_BOLD);
    int64_t wait = ff_pin_wait_ms(&k->pin, (int64_t)k->now);
    if (wait > 0 || k->pin_wrong)
        ui_label(ui, "admin.error", wait > 0 ? TR("Locked for a while.") : TR("Wrong PIN."), 0,
                 UI_FONT_BOLD);
    for (int i = 0; i < 10; i++) {
        if (i % 5 == 0)
            ui_layout_row(ui, 5, 0);
        snprintf(id, sizeof id, "admin.%s", digits[i]);
        if (ui_button(ui, id, digits[i]) && n + 1 < sizeof k->pin_buf)
            k->pin_buf[n++] = digits[i][0];
    }
    ui_layout_row(ui, 2, 0);
    if (ui_button(ui, "admin.cancel", TR("Cancel"))) {
        k->admin = false;
        app_kiosk_clear(k);
    }
    if (ui_button(ui, "admin.ok", TR("OK")) && n) {
        enum ff_pin_result r = ff_pin_try(&k->pin, k->pin_buf, (int64_t)k->now);
        k->staff = r == FF_PIN_OK;
        k->admin = !k->staff;
        k->pin_wrong = r != FF_PIN_OK;
        app_kiosk_clear(k);
    }
    ui_dialog_end(ui);
}

/* The sync lines of the staff screen: online or not, last sync, what waits, what was refused. */
static void staff_sync(struct app_kiosk *k, struct ui *ui)
{
    char buf[200];
    if (!k->o.sync) {
        ui_label(ui, "staff.sync", TR("Sync: not set up. This kiosk works offline."), 0,
                 UI_FONT_BOLD);
        return;
    }
    struct ff_sync_state st;
    ff_kiosk_sync_state(k->o.sync, &st);
    ui_label(ui, "staff.sync",
             st.online    ? TR("Sync: online")
             : st.refused ? TR("Sync: refused by the server")
                          : TR("Sync: offline"),
             0, UI_FONT_BOLD);
    char when[64];
    if (st.last_sync_ms > 0) {
        time_t t = (time_t)(st.last_sync_ms / 1000);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
    }
    snprintf(buf, sizeof buf, TR("Last sync: %s"), st.last_sync_ms > 0 ? when : TR("never"));
    ui_label(ui, "staff.last", buf, 0, UI_FONT_REGULAR);
    snprintf(buf, sizeof buf, TR("Events waiting to be sent: %lld"), (long long)st.pending);
    ui_label(ui, "staff.pending", buf, 0, UI_FONT_REGULAR);
    snprintf(buf, sizeof buf, TR("Events refused by the server: %lld"), (long long)st.rejected);
    ui_label(ui, "staff.rejected", buf, 0, UI_FONT_REGULAR);
    if (st.running && st.push_total > 0) {
        snprintf(buf, sizeof buf, TR("Sending %lld of %lld"), (long long)st.pushed,
                 (long long)st.push_total);
        ui_label(ui, "staff.progress", buf, 0, UI_FONT_REGULAR);
    }
    if (st.last_error[0]) /* technical, for whoever the staff call: not translated */
        ui_label(ui, "staff.error", st.last_error, 0, UI_FONT_REGULAR);
}

/* Behind the admin PIN: the sync state, sync now, leave kiosk mode. */
static void staff_dialog(struct app_kiosk *k, struct ui *ui)
{
    ui_dialog_begin(ui, "staff", TR("Staff"));
    staff_sync(k, ui);
    /* side by side when they fit whole words; stacked on a narrow (portrait) screen */
    bool narrow = ui_screen(ui).w < ui_px(ui, 720);
    int n = k->o.sync ? 3 : 2;
    ui_layout_row(ui, narrow ? 1 : n, 0);
    if (k->o.sync && ui_button(ui, "staff.sync_now", TR("Sync now")))
        ff_kiosk_sync_poke(k->o.sync);
    if (ui_button(ui, "staff.exit", TR("Leave kiosk mode")))
        k->quit = true;
    if (ui_button(ui, "staff.close", TR("Close")))
        k->staff = false;
    ui_dialog_end(ui);
}

/* ---- the frame ---- */

/* Read aloud: a new screen cancels what is being said and says its question and options
 * (or the ending's message) in the session's language; the worker thread speaks, so the
 * frame never waits for it. */
static void read_aloud(struct app_kiosk *k, const struct ff_kiosk_view *v)
{
    char key[160], text[FF_SPEECH_MAX_TEXT];
    if (!k->o.speech || !v->read_aloud) {
        k->spoken[0] = '\0';
        return;
    }
    snprintf(key, sizeof key, "%d:%s:%s:%d:%s", (int)v->state, v->locale,
             v->state == FF_KIOSK_STEP ? v->node_id : "", v->step, v->message);
    if (!strcmp(key, k->spoken))
        return;
    snprintf(k->spoken, sizeof k->spoken, "%s", key);
    size_t n = 0;
    if (v->state == FF_KIOSK_STEP) {
        struct ff_kiosk_option o;
        n = (size_t)snprintf(text, sizeof text, "%s.", v->title);
        for (size_t i = 0; i < v->noptions && n < sizeof text && ff_kiosk_option(k->eng, i, &o);
             i++)
            n += (size_t)snprintf(text + n, sizeof text - n, " %s.", o.label);
    } else if (v->state == FF_KIOSK_ENDING) {
        snprintf(text, sizeof text, "%s", v->message);
    } else {
        snprintf(text, sizeof text, "%s", TR("Welcome! How can we help you today?"));
    }
    ff_speech_cancel(k->o.speech);
    if (k->o.silence)
        k->o.silence(k->o.silence_ctx);
    ff_speech_say(k->o.speech, v->locale, text);
}

/* A new step (or a session that ended) forgets what was typed for the old one. */
static void follow(struct app_kiosk *k, const struct ff_kiosk_view *v)
{
    char node[128] = "";
    if (v->state == FF_KIOSK_STEP)
        snprintf(node, sizeof node, "%s:%s:%d", v->chart_id, v->node_id, v->step);
    if (strcmp(node, k->node)) {
        app_kiosk_clear(k);
        snprintf(k->node, sizeof k->node, "%s", node);
    }
    bool in = v->state != FF_KIOSK_ATTRACT;
    if (k->in_session && !in) {
        k->wipe = true;
        k->rating = k->remark = -1;
        ff_qr_clear(&k->qr);
        k->qr_ticket[0] = '\0';
    }
    k->in_session = in;
    if (strcmp(v->locale, k->lang)) {
        snprintf(k->lang, sizeof k->lang, "%s", v->locale);
        app_i18n_set(k->lang);
    }
    if (v->state == FF_KIOSK_ENDING && v->ticket && *v->ticket && strcmp(v->ticket, k->qr_ticket)) {
        char text[128];
        snprintf(text, sizeof text, "fieldflow:case/%s?ticket=%s", v->case_id, v->ticket);
        ff_qr_clear(&k->qr);
        if (ff_qr_encode(text, &k->qr) == FF_OK) {
            snprintf(k->qr_ticket, sizeof k->qr_ticket, "%s", v->ticket);
            k->qr_new = true;
        }
    }
}

static void screen(struct app_kiosk *k, struct ui *ui, const struct ff_kiosk_view *v)
{
    switch (v->state) {
    case FF_KIOSK_ATTRACT:
        screen_attract(k, ui);
        break;
    case FF_KIOSK_RESUME_OFFER:
        screen_resume(k, ui);
        break;
    case FF_KIOSK_STEP:
        app_step_screen(k, ui, v);
        break;
    case FF_KIOSK_STILL_THERE:
        ui_label(ui, "idle.title", TR("Still there?"), 28, UI_FONT_BOLD);
        break;
    case FF_KIOSK_ENDING:
        app_ending_screen(k, ui, v);
        break;
    }
}

/* The screen's content scrolls (a long article, larger text on a small screen); one list
 * per node, so a new step starts at its top. */
static void content(struct app_kiosk *k, struct ui *ui, const struct ff_kiosk_view *v)
{
    char id[160];
    snprintf(id, sizeof id, "scroll.%s", v->state == FF_KIOSK_STEP ? v->node_id : "screen");
    ui_list_begin(ui, id, 0);
    screen(k, ui, v);
    ui_list_end(ui);
}

/* The bottom bar is laid out first, then the side panel or header, then the content: the
 * checker reports a pair of targets on the later one, and the content's rows are the ones a
 * list may clip (app_script.c's check-ui). */
void app_kiosk_frame(struct app_kiosk *k, struct ui *ui, uint64_t now_ms)
{
    k->now = now_ms;
    ff_kiosk_tick(k->eng, (int64_t)now_ms);
    const struct ff_kiosk_view *v = ff_kiosk_view(k->eng);
    follow(k, v);
    struct ui_rect scr = ui_screen(ui);
    bool portrait = scr.w <= scr.h;
    int rows = portrait && v->state == FF_KIOSK_STEP ? 2 : 1;
    int bar = ui_px(ui, rows * BAR_ROW + (rows - 1) * 8 + 2 * 16);
    struct ui_rect top = {scr.x, scr.y, scr.w, scr.h - bar};
    ui_layout_push(ui, (struct ui_rect){scr.x, scr.y + top.h, scr.w, bar});
    if (v->state != FF_KIOSK_ENDING && v->state != FF_KIOSK_RESUME_OFFER)
        footer(k, ui, v, portrait);
    ui_layout_pop(ui);
    v = ff_kiosk_view(k->eng); /* a tap may have changed it */
    if (!portrait) {
        k->a11y_open = false;
        int side = scr.w * 28 / 100;
        if (side < ui_px(ui, 300))
            side = ui_px(ui, 300);
        ui_layout_push(ui, (struct ui_rect){top.x, top.y, side, top.h});
        header(k, ui, v, true);
        ui_layout_pop(ui);
        ui_layout_push(ui, (struct ui_rect){top.x + side, top.y, top.w - side, top.h});
    } else if (app_step_typing(k, v)) {
        ui_layout_push(ui, top);
        header_folded(k, ui);
    } else {
        k->a11y_open = false;
        ui_layout_push(ui, top);
        header(k, ui, v, false);
    }
    v = ff_kiosk_view(k->eng);
    content(k, ui, v);
    ui_layout_pop(ui);
    v = ff_kiosk_view(k->eng);
    read_aloud(k, v);
    if (k->a11y_open && v->state == FF_KIOSK_STEP)
        a11y_dialog(k, ui, v);
    if (v->state == FF_KIOSK_STILL_THERE)
        still_there(k, ui, v);
    if (k->admin)
        admin_dialog(k, ui);
    if (k->staff)
        staff_dialog(k, ui);
}
