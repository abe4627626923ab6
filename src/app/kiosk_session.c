/* kiosk_session.c - the kiosk's session engine (see kiosk_session.h).
 *
 * Workload: one customer at a time, a few dozen operations per session, each followed by
 * a snapshot write (one fsync) and the appends of the events it made (one fsync each), so
 * a tap costs a few milliseconds of disk on a kiosk board. Invariants between calls:
 *   - in STEP the runner stands on a node a customer may see (never a staff node);
 *   - every transcript entry up to k->recorded has its run.step_recorded event in the
 *     outbox or the store (kiosk_resume.h says why that order survives a crash);
 *   - the view's strings point into the charts, the runner or k's own buffers.
 * Personal data (answers) lives in the runner, the snapshot text and the outbox; ending a
 * session wipes each (kiosk_heap.c wipes what the libraries free) and reopens the store.
 */
#include "kiosk_session.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "fieldflow/field.h"
#include "fieldflow/kb.h"
#include "fieldflow/mem.h"
#include "fieldflow/store.h"
#include "kiosk_heap.h"
#include "kiosk_int.h"
#include "kiosk_log.h"
#include "kiosk_progress.h"
#include "kiosk_resume.h"
#include "kiosk_text.h"

const char *ff_kiosk_errmsg(const struct ff_kiosk *k)
{
    return k->errmsg;
}

/* ---- store and wipe ---------------------------------------------------------------- */

static enum ff_err open_store(struct ff_kiosk *k)
{
    char why[256] = "";
    struct ff_store_opts so = {.path = k->store_path, .why = why, .why_len = sizeof why};
    enum ff_err e = ff_store_open(&so, &k->store);
    if (e)
        return ff_kiosk__fail(k, e, k->store_path, why[0] ? why : NULL);
    return ff_store_set_author(k->store, "kiosk");
}

static void reset_choices(struct ff_kiosk *k)
{
    snprintf(k->saved.locale, sizeof k->saved.locale, "%s", k->default_locale);
    k->saved.theme = k->opts.default_theme;
    k->saved.read_aloud = false;
}

/* Ends whatever session there is: pending events are appended, every buffer that held
 * answers is wiped, the snapshot file removed and the store reopened. */
static enum ff_err wipe(struct ff_kiosk *k)
{
    enum ff_err e = FF_OK;
    if (k->store && k->saved.noutbox)
        e = ff_kiosk_outbox_flush(&k->saved, k->store);
    if (k->opts.snapshot_path && !e)
        ff_kiosk_snapshot_remove(k->snapshot_path);
    ff_run_free(k->run);
    k->run = NULL;
    ff_kiosk_saved_clear(&k->saved);
    explicit_bzero(k->article_title, sizeof k->article_title);
    explicit_bzero(k->article_body, sizeof k->article_body);
    explicit_bzero(&k->view, sizeof k->view);
    k->recorded = 0;
    k->history = 0;
    k->nseen = 0;
    k->rated = false;
    k->score = 0;
    k->message = k->message_body = "";
    k->has_own_err = false;
    memset(k->own_err, 0, sizeof k->own_err);
    k->visit_status[0] = '\0';
    k->visit_start = k->visit_end = 0;
    k->state = FF_KIOSK_ATTRACT;
    k->still_there = false;
    reset_choices(k);
    ff_store_close(k->store);
    k->store = NULL;
    enum ff_err e2 = open_store(k);
    return e ? e : e2;
}

/* ---- position, progress and view --------------------------------------------------- */

/* The start of a called chart is passed by settle(), so back goes past it too. */
static bool passed_by_settle(const struct ff_run *run)
{
    return ff_run_depth(run) > 1 && ff_run_node(run)->kind == FF_NODE_START;
}

static bool is_staff(const struct ff_node *n)
{
    return ff_audience_is_staff(n->audience);
}

static void note_seen(struct ff_kiosk *k)
{
    const struct ff_chart *c = ff_run_chart(k->run);
    int idx = ff_run_node_index(k->run);
    for (size_t i = 0; i < k->nseen; i++)
        if (k->seen[i].chart == c && k->seen[i].node == idx)
            return;
    if (k->nseen < MAX_SEEN)
        k->seen[k->nseen++] = (struct seen_node){c, idx};
}

/* Frames and history depth from the runner's snapshot (already in k->saved.run_json). */
static int remaining_steps(struct ff_kiosk *k)
{
    cJSON *o = cJSON_Parse(k->saved.run_json);
    const cJSON *subs = cJSON_GetObjectItemCaseSensitive(o, "subcharts");
    const cJSON *frames = cJSON_GetObjectItemCaseSensitive(o, "frames");
    /* steps the customer took: history entries, less the starts of called charts that
       settle() passed on its own */
    k->history = 0;
    const cJSON *h;
    cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(o, "history"))
    {
        const cJSON *hf = cJSON_GetObjectItemCaseSensitive(h, "frames");
        const cJSON *top = cJSON_GetArrayItem(hf, cJSON_GetArraySize(hf) - 1);
        const cJSON *ci = cJSON_GetObjectItemCaseSensitive(top, "chart");
        const cJSON *node = cJSON_GetObjectItemCaseSensitive(top, "node");
        bool auto_start = false;
        if (cJSON_IsNumber(ci) && ci->valueint > 0 && cJSON_IsString(node)) {
            const cJSON *s = cJSON_GetArrayItem(subs, ci->valueint - 1);
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(s, "id");
            const cJSON *ver = cJSON_GetObjectItemCaseSensitive(s, "version");
            const struct ff_chart *c =
                cJSON_IsString(id) && cJSON_IsNumber(ver)
                    ? ff_library_find(k->opts.lib, id->valuestring, ver->valueint)
                    : NULL;
            int ni = c ? ff_chart_find_node(c, node->valuestring) : -1;
            auto_start = ni >= 0 && c->nodes[ni].kind == FF_NODE_START;
        }
        if (!auto_start)
            k->history++;
    }
    struct ff_kiosk_frame fr[FF_RUN_MAX_DEPTH];
    size_t n = 0;
    const cJSON *f;
    cJSON_ArrayForEach(f, frames)
    {
        const cJSON *ci = cJSON_GetObjectItemCaseSensitive(f, "chart");
        const cJSON *node = cJSON_GetObjectItemCaseSensitive(f, "node");
        if (n == FF_RUN_MAX_DEPTH || !cJSON_IsNumber(ci) || !cJSON_IsString(node))
            break;
        const struct ff_chart *c = NULL;
        if (ci->valueint == 0) {
            const cJSON *ver = cJSON_GetObjectItemCaseSensitive(o, "version");
            c = ff_library_find(k->opts.lib, FF_KIOSK_ROOT_CHART,
                                cJSON_IsNumber(ver) ? ver->valueint : 0);
        } else {
            const cJSON *s = cJSON_GetArrayItem(subs, ci->valueint - 1);
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(s, "id");
            const cJSON *ver = cJSON_GetObjectItemCaseSensitive(s, "version");
            if (cJSON_IsString(id) && cJSON_IsNumber(ver))
                c = ff_library_find(k->opts.lib, id->valuestring, ver->valueint);
        }
        if (!c)
            break;
        fr[n++] = (struct ff_kiosk_frame){c, ff_chart_find_node(c, node->valuestring)};
    }
    cJSON_Delete(o);
    return ff_kiosk_progress_remaining(k->progress, fr, n);
}

static void fill_view(struct ff_kiosk *k)
{
    struct ff_kiosk_view *v = &k->view;
    memset(v, 0, sizeof *v);
    v->state = k->still_there ? FF_KIOSK_STILL_THERE : k->state;
    v->locale = k->saved.locale;
    v->theme = (enum ff_kiosk_theme)k->saved.theme;
    v->read_aloud = k->saved.read_aloud;
    v->title = v->body = v->article_title = v->article_body = v->message = "";
    v->ticket = k->saved.ticket;
    v->case_id = k->saved.case_id;
    v->visit_status = k->visit_status;
    v->rated = k->rated;
    v->pending_events = k->saved.noutbox;
    if (k->still_there)
        v->countdown_left_ms = k->opts.countdown_ms; /* ff_kiosk_tick refines it */
    if (k->state == FF_KIOSK_STEP && k->run) {
        const struct ff_node *n = ff_run_node(k->run);
        v->kind = n->kind;
        v->chart_id = ff_run_chart(k->run)->id;
        v->node_id = n->id;
        v->title = ff_run_text(k->run, &n->title);
        v->body = n->body.s ? ff_run_text(k->run, &n->body) : "";
        v->noptions = n->kind == FF_NODE_DECISION ? n->noptions : 0;
        v->nfields = n->kind == FF_NODE_INPUT ? n->nfields : 0;
        v->article_title = k->article_title;
        v->article_body = k->article_body;
        v->can_back = ff_run_can_back(k->run);
        int rem = remaining_steps(k);
        v->step = k->history + 1;
        v->steps = rem >= FF_PROGRESS_FAR ? v->step : k->history + (rem > 0 ? rem : 1);
    }
    if (k->state == FF_KIOSK_ENDING) {
        v->ending = k->ending;
        v->message = k->message;
        v->body = k->message_body ? k->message_body : "";
        v->escalation_level = k->saved.esc_level;
        v->eta_minutes = k->saved.esc_eta;
        v->visit_start_ms = !k->saved.has_visit ? 0
                            : k->visit_start    ? k->visit_start
                                                : k->saved.visit.start_ms;
        v->visit_end_ms = !k->saved.has_visit ? 0
                          : k->visit_end      ? k->visit_end
                                              : k->saved.visit.end_ms;
    }
}

/* "requested" until the store holds a confirmation or rejection of the session's visit; the
 * slot as the store has it (the server confirms the first free of the request and its
 * alternatives). */
static void refresh_visit_status(struct ff_kiosk *k)
{
    k->visit_status[0] = '\0';
    k->visit_start = k->visit_end = 0;
    if (!k->saved.has_visit || !k->saved.case_id[0])
        return;
    snprintf(k->visit_status, sizeof k->visit_status, "requested");
    char *detail = NULL;
    if (ff_store_case_detail(k->store, k->saved.case_id, &detail))
        return;
    cJSON *o = cJSON_Parse(detail);
    explicit_bzero(detail, strlen(detail));
    ff_free(detail);
    const cJSON *v = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(o, "visits"), 0);
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(v, "status");
    const cJSON *start = cJSON_GetObjectItemCaseSensitive(v, "start");
    const cJSON *end = cJSON_GetObjectItemCaseSensitive(v, "end");
    if (cJSON_IsString(st))
        snprintf(k->visit_status, sizeof k->visit_status, "%s", st->valuestring);
    if (cJSON_IsNumber(start) && cJSON_IsNumber(end)) { /* a confirmation may move the slot */
        k->visit_start = (int64_t)start->valuedouble;
        k->visit_end = (int64_t)end->valuedouble;
    }
    cJSON_Delete(o);
}

static enum ff_kiosk_ending ending_of(const struct ff_kiosk *k)
{
    if (k->saved.esc_level > 0)
        return FF_KIOSK_END_ESCALATED;
    if (k->saved.has_visit)
        return FF_KIOSK_END_VISIT;
    if (k->saved.case_id[0])
        return FF_KIOSK_END_CASE;
    return FF_KIOSK_END_INFORMATION;
}

/* Moves over what the customer is not asked about (the start of a called chart, action
 * nodes' work) and stops at a hand-off, a staff node or the root end. */
static enum ff_err settle(struct ff_kiosk *k, int64_t now)
{
    for (int guard = 0; guard < 64; guard++) {
        if (ff_run_ended(k->run)) {
            k->message = ff_run_text(k->run, &ff_run_node(k->run)->title);
            k->message_body = "";
            k->state = FF_KIOSK_ENDING;
            return FF_OK;
        }
        const struct ff_node *n = ff_run_node(k->run);
        if (n->handoff || is_staff(n)) {
            enum ff_err e = n->handoff ? ff_kiosk__perform(k, n, now) : FF_OK;
            if (!e)
                e = ff_kiosk__ensure_case(k, n);
            if (e)
                return e;
            k->message = n->handoff ? ff_run_text(k->run, &n->title)
                                    : ff_kiosk_text(FF_KT_STAFF_CONTINUES, k->saved.locale);
            k->message_body = n->handoff && n->body.s ? ff_run_text(k->run, &n->body) : "";
            k->state = FF_KIOSK_ENDING;
            return FF_OK;
        }
        if (passed_by_settle(k->run)) {
            enum ff_err e = ff_run_next(k->run, now);
            if (e)
                return ff_kiosk__fail(k, e, n->id, ff_run_errmsg(k->run));
            continue;
        }
        enum ff_err e = ff_kiosk__perform(k, n, now);
        if (e)
            return e;
        if (n->kind == FF_NODE_KB) {
            e = ff_kiosk_log_article(k->store, n->kb_article, k->saved.locale, k->article_title,
                                     sizeof k->article_title, k->article_body,
                                     sizeof k->article_body);
            if (e)
                return ff_kiosk__fail(k, e, n->kb_article, ff_store_errmsg(k->store));
        }
        k->state = FF_KIOSK_STEP;
        note_seen(k);
        return FF_OK;
    }
    return ff_kiosk__fail(k, FF_ELIMIT, "settle", "more than 64 nodes passed without a question");
}

/* Snapshot (with the outbox), then append the outbox; at an ending the snapshot goes once
 * the events are in the store. Also at an ending the snapshot is written first: a crash
 * between the appends and the removal then resumes into the same ending, and the outbox
 * keys keep its events single (an older snapshot would redo the last step). */
static enum ff_err persist(struct ff_kiosk *k)
{
    enum ff_err e;
    if (k->opts.snapshot_path && (e = ff_kiosk_snapshot_write(&k->saved, k->snapshot_path)))
        return ff_kiosk__fail(k, e, k->snapshot_path, "cannot write the snapshot");
    k->committed = true; /* from here the operation has happened */
    if ((e = ff_kiosk_outbox_flush(&k->saved, k->store)))
        /* The events stay queued (in memory and in the snapshot) and go with the next
           operation's; the operation itself succeeded. view.pending_events shows them. */
        ff_kiosk__fail(k, e, "store, events queued", ff_store_errmsg(k->store));
    if (k->opts.snapshot_path && k->state == FF_KIOSK_ENDING)
        ff_kiosk_snapshot_remove(k->snapshot_path);
    return FF_OK;
}

/* After every runner operation: settle, record, snapshot, append. */
static enum ff_err commit_op(struct ff_kiosk *k, int64_t now)
{
    k->last_input = now;
    k->saved.last_ms = now;
    enum ff_err e = settle(k, now);
    if (!e)
        e = ff_kiosk__record_transcript(k);
    if (e)
        return e;
    char *snap = NULL;
    if ((e = ff_run_snapshot(k->run, &snap)))
        return ff_kiosk__fail(k, e, "snapshot", ff_run_errmsg(k->run));
    k->saved.run_json = snap; /* the previous one belongs to the operation's mark */
    if ((e = persist(k)))
        return e;
    if (k->state == FF_KIOSK_ENDING) {
        k->ending = ending_of(k);
        refresh_visit_status(k);
    }
    fill_view(k);
    return FF_OK;
}

/* ---- operations are all or nothing -------------------------------------------------- */

/* What an operation may change before its snapshot is written, kept to undo it. The run is
 * kept as a second copy made from the last snapshot *before* the operation, so undoing
 * needs no allocation (under memory pressure the undo itself must not fail). */
struct op_mark {
    struct ff_kiosk_saved saved; /* shallow copy: outbox entries up to its noutbox, run_json */
    struct ff_run *backup;       /* the run as it was; NULL before a run exists */
    size_t recorded, nseen;
    enum ff_kiosk_state state;
    const char *message, *message_body;
    int64_t last_input;
};

static void wipe_str(char *p)
{
    if (p) {
        explicit_bzero(p, strlen(p));
        ff_free(p);
    }
}

static enum ff_err op_begin(struct ff_kiosk *k, struct op_mark *m)
{
    memset(m, 0, sizeof *m);
    char *err = NULL;
    if (k->run && k->saved.run_json &&
        ff_run_restore(k->opts.lib, k->saved.run_json, strlen(k->saved.run_json), &m->backup,
                       &err)) {
        ff_free(err);
        return ff_kiosk__fail(k, FF_ENOMEM, "operation",
                              "cannot keep a copy of the run to undo with");
    }
    m->saved = k->saved;
    m->recorded = k->recorded;
    m->nseen = k->nseen;
    m->state = k->state;
    m->message = k->message;
    m->message_body = k->message_body;
    m->last_input = k->last_input;
    k->committed = false;
    return FF_OK;
}

/* Ends an operation: on success (or once committed) the mark's copies go; otherwise
 * everything is put back as it was. Returns e. */
static enum ff_err op_end(struct ff_kiosk *k, struct op_mark *m, enum ff_err e)
{
    if (!e || k->committed) {
        if (m->saved.run_json != k->saved.run_json)
            wipe_str(m->saved.run_json);
        ff_run_free(m->backup);
        return e;
    }
    for (size_t i = m->saved.noutbox; i < k->saved.noutbox; i++)
        wipe_str(k->saved.outbox[i].payload);
    if (k->saved.run_json != m->saved.run_json)
        wipe_str(k->saved.run_json);
    k->saved = m->saved;
    ff_run_free(k->run);
    k->run = m->backup;
    k->recorded = m->recorded;
    k->nseen = m->nseen;
    k->state = m->state;
    k->message = m->message;
    k->message_body = m->message_body;
    k->last_input = m->last_input;
    return e;
}

/* ---- lifecycle ----------------------------------------------------------------------- */

static enum ff_err restore_found(struct ff_kiosk *k, int64_t now)
{
    char why[512];
    enum ff_err e = ff_kiosk_snapshot_read(k->snapshot_path, &k->saved, why, sizeof why);
    if (e) {
        reset_choices(k); /* the read cleared them: back to the configured language and theme */
        if (e != FF_ENOTFOUND)
            ff_kiosk_snapshot_remove(k->snapshot_path); /* unreadable: nothing to resume */
        return FF_OK;
    }
    if ((e = ff_kiosk_outbox_dedupe(&k->saved, k->store)) ||
        (e = ff_kiosk_outbox_flush(&k->saved, k->store)))
        return ff_kiosk__fail(k, e, "resume", ff_store_errmsg(k->store));
    char *err = NULL;
    if (!k->saved.run_json ||
        ff_run_restore(k->opts.lib, k->saved.run_json, strlen(k->saved.run_json), &k->run, &err)) {
        ff_free(err);
        return wipe(k); /* a snapshot of charts this build no longer has */
    }
    k->last_input = k->saved.last_ms;
    if (now - k->saved.last_ms >= k->opts.idle_ms)
        return wipe(k);
    k->recorded = ff_run_transcript_count(k->run);
    k->state = FF_KIOSK_RESUME_OFFER;
    return FF_OK;
}

enum ff_err ff_kiosk_new(const struct ff_kiosk_opts *opts, int64_t now_ms, struct ff_kiosk **out)
{
    *out = NULL;
    if (!opts || !opts->store_path || !opts->lib || opts->idle_ms <= 0 || opts->countdown_ms <= 0 ||
        opts->default_theme < FF_THEME_NORMAL || opts->default_theme > FF_THEME_LARGE ||
        !ff_library_find(opts->lib, FF_KIOSK_ROOT_CHART, 0))
        return FF_EINVAL;
    /* Referencing the heap module links the wiping free() into every program that runs a
       session (a static library member is linked only when something refers to it). */
    (void)ff_kiosk_heap_wipes();
    struct ff_kiosk *k = ff_calloc(1, sizeof *k);
    if (!k)
        return FF_ENOMEM;
    k->opts = *opts;
    k->store_path = ff_strdup(opts->store_path);
    k->snapshot_path = opts->snapshot_path ? ff_strdup(opts->snapshot_path) : NULL;
    snprintf(k->default_locale, sizeof k->default_locale, "%s",
             opts->default_locale ? opts->default_locale : "en");
    k->message = "";
    k->last_input = now_ms;
    reset_choices(k);
    enum ff_err e = FF_ENOMEM;
    if (!k->store_path || (opts->snapshot_path && !k->snapshot_path) ||
        ff_kiosk_progress_new(opts->lib, &k->progress))
        goto out_free;
    if ((e = open_store(k)))
        goto out_free;
    if (opts->snapshot_path && (e = restore_found(k, now_ms)))
        goto out_free;
    fill_view(k);
    *out = k;
    return FF_OK;
out_free:
    ff_kiosk_free(k);
    return e;
}

void ff_kiosk_free(struct ff_kiosk *k)
{
    if (!k)
        return;
    if (k->store && k->saved.noutbox)
        (void)ff_kiosk_outbox_flush(&k->saved, k->store);
    ff_run_free(k->run);
    ff_kiosk_saved_clear(&k->saved);
    ff_store_close(k->store);
    ff_kiosk_progress_free(k->progress);
    ff_free(k->store_path);
    ff_free(k->snapshot_path);
    explicit_bzero(k, sizeof *k);
    ff_free(k);
}

const struct ff_kiosk_view *ff_kiosk_view(struct ff_kiosk *k)
{
    return &k->view;
}

enum ff_err ff_kiosk_tick(struct ff_kiosk *k, int64_t now_ms)
{
    if (k->state == FF_KIOSK_ATTRACT)
        return FF_OK;
    if (k->state == FF_KIOSK_ENDING && k->saved.has_visit) {
        refresh_visit_status(k);
        fill_view(k);
    }
    int64_t idle = now_ms - k->last_input;
    if (idle >= k->opts.idle_ms + k->opts.countdown_ms) {
        enum ff_err e = wipe(k);
        fill_view(k);
        return e;
    }
    if (idle >= k->opts.idle_ms) {
        k->still_there = true;
        fill_view(k);
        k->view.countdown_left_ms = k->opts.idle_ms + k->opts.countdown_ms - idle;
    }
    return FF_OK;
}

void ff_kiosk_touch(struct ff_kiosk *k, int64_t now_ms)
{
    k->last_input = now_ms;
    if (k->still_there) {
        k->still_there = false;
        fill_view(k);
    }
}

static enum ff_err need(struct ff_kiosk *k, enum ff_kiosk_state st, const char *what)
{
    if (k->state != st || k->still_there)
        return ff_kiosk__fail(k, FF_ESTATE, what, "not possible on this screen");
    return FF_OK;
}

enum ff_err ff_kiosk_set_locale(struct ff_kiosk *k, const char *locale, int64_t now_ms)
{
    if (!locale || (strcmp(locale, "en") && strcmp(locale, "da") && strcmp(locale, "es")))
        return ff_kiosk__fail(k, FF_EINVAL, "language", "only en, da and es");
    if (k->run) {
        enum ff_err e = ff_run_set_locale(k->run, locale);
        if (e)
            return ff_kiosk__fail(k, e, "language", ff_run_errmsg(k->run));
    }
    snprintf(k->saved.locale, sizeof k->saved.locale, "%s", locale);
    ff_kiosk_touch(k, now_ms);
    if (k->state == FF_KIOSK_STEP && k->run && ff_run_node(k->run)->kind == FF_NODE_KB)
        (void)ff_kiosk_log_article(k->store, ff_run_node(k->run)->kb_article, locale,
                                   k->article_title, sizeof k->article_title, k->article_body,
                                   sizeof k->article_body);
    fill_view(k);
    return FF_OK;
}

void ff_kiosk_set_theme(struct ff_kiosk *k, enum ff_kiosk_theme theme, int64_t now_ms)
{
    k->saved.theme = (int)theme;
    ff_kiosk_touch(k, now_ms);
    fill_view(k);
}

void ff_kiosk_set_read_aloud(struct ff_kiosk *k, bool on, int64_t now_ms)
{
    k->saved.read_aloud = on;
    ff_kiosk_touch(k, now_ms);
    fill_view(k);
}

enum ff_err ff_kiosk_begin(struct ff_kiosk *k, int64_t now_ms)
{
    enum ff_err e = need(k, FF_KIOSK_ATTRACT, "begin");
    if (e)
        return e;
    struct op_mark m;
    if ((e = op_begin(k, &m)))
        return e;
    ff_kiosk__new_uuid(k, k->saved.run_id);
    if ((e = ff_run_start(k->opts.lib, FF_KIOSK_ROOT_CHART, 0, k->saved.locale, now_ms, &k->run)))
        return op_end(k, &m, ff_kiosk__fail(k, e, "begin", "cannot start the triage chart"));
    k->recorded = 0;
    return op_end(k, &m, commit_op(k, now_ms));
}

enum ff_err ff_kiosk_resume(struct ff_kiosk *k, int64_t now_ms)
{
    enum ff_err e = need(k, FF_KIOSK_RESUME_OFFER, "resume");
    if (e)
        return e;
    struct op_mark m;
    if ((e = op_begin(k, &m)))
        return e;
    k->state = FF_KIOSK_STEP;
    return op_end(k, &m, commit_op(k, now_ms));
}

enum ff_err ff_kiosk_discard(struct ff_kiosk *k, int64_t now_ms)
{
    enum ff_err e = need(k, FF_KIOSK_RESUME_OFFER, "discard");
    if (e)
        return e;
    k->last_input = now_ms;
    e = wipe(k);
    fill_view(k);
    return e;
}

/* Runs one runner operation as an all-or-nothing kiosk operation. */
enum run_op { OP_NEXT, OP_CHOOSE, OP_SUBMIT, OP_BACK };

static enum ff_err run_op(struct ff_kiosk *k, enum run_op op, const char *option,
                          const struct ff_run_value *values, size_t n, int64_t now)
{
    static const char *const names[] = {"next", "choose", "submit", "back"};
    struct op_mark m;
    enum ff_err e = op_begin(k, &m);
    if (e)
        return e;
    switch (op) {
    case OP_NEXT:
        e = ff_run_next(k->run, now);
        break;
    case OP_CHOOSE:
        e = ff_run_choose(k->run, option, now);
        break;
    case OP_SUBMIT:
        e = ff_run_submit(k->run, values, n, now);
        break;
    case OP_BACK:
        e = ff_run_back(k->run, now);
        while (!e && passed_by_settle(k->run) && ff_run_can_back(k->run))
            e = ff_run_back(k->run, now);
        break;
    }
    if (e == FF_EINVALID && op == OP_SUBMIT) {
        k->has_own_err = true; /* keeps the runner's per-field messages visible */
        k->last_input = now;
        ff_run_free(m.backup);
        if (m.saved.run_json != k->saved.run_json)
            wipe_str(m.saved.run_json);
        return ff_kiosk__fail(k, e, ff_run_node(k->run)->id, ff_run_errmsg(k->run));
    }
    if (e)
        return op_end(k, &m, ff_kiosk__fail(k, e, names[op], ff_run_errmsg(k->run)));
    k->has_own_err = false;
    memset(k->own_err, 0, sizeof k->own_err);
    return op_end(k, &m, commit_op(k, now));
}

enum ff_err ff_kiosk_next(struct ff_kiosk *k, int64_t now_ms)
{
    enum ff_err e = need(k, FF_KIOSK_STEP, "next");
    return e ? e : run_op(k, OP_NEXT, NULL, NULL, 0, now_ms);
}

enum ff_err ff_kiosk_choose(struct ff_kiosk *k, const char *option_id, int64_t now_ms)
{
    enum ff_err e = need(k, FF_KIOSK_STEP, "choose");
    return e ? e : run_op(k, OP_CHOOSE, option_id, NULL, 0, now_ms);
}

enum ff_err ff_kiosk_submit(struct ff_kiosk *k, const struct ff_run_value *values, size_t n,
                            int64_t now_ms)
{
    enum ff_err e = need(k, FF_KIOSK_STEP, "submit");
    if (e)
        return e;
    const struct ff_node *node = ff_run_node(k->run);
    memset(k->own_err, 0, sizeof k->own_err);
    k->has_own_err = false;
    for (size_t i = 0; i < n; i++) {
        if (!values[i].value || strlen(values[i].value) <= FF_KIOSK_MAX_VALUE)
            continue;
        for (size_t f = 0; f < node->nfields && f < FF_CHART_MAX_FIELDS; f++)
            if (!strcmp(node->fields[f].name, values[i].name)) {
                k->own_err[f] = ff_kiosk_text(FF_KT_TOO_LONG, k->saved.locale);
                k->has_own_err = true;
            }
    }
    k->last_input = now_ms;
    if (k->has_own_err)
        return ff_kiosk__fail(k, FF_EINVALID, node->id, "a value is too long");
    return run_op(k, OP_SUBMIT, NULL, values, n, now_ms);
}

enum ff_err ff_kiosk_back(struct ff_kiosk *k, int64_t now_ms)
{
    enum ff_err e = need(k, FF_KIOSK_STEP, "back");
    return e ? e : run_op(k, OP_BACK, NULL, NULL, 0, now_ms);
}

/* Where a customer who asks for a person goes: the root chart's hand-off node that
 * escalates (kiosk-triage's call-staff), else a fixed sentence. */
static const struct ff_node *person_node(const struct ff_kiosk *k)
{
    const struct ff_chart *root = ff_library_find(k->opts.lib, FF_KIOSK_ROOT_CHART, 0);
    for (size_t i = 0; i < root->nnodes; i++) {
        const struct ff_node *n = &root->nodes[i];
        for (size_t a = 0; n->handoff && a < n->nactions; a++)
            if (n->actions[a].kind == FF_ACTION_ESCALATE)
                return n;
    }
    return NULL;
}

enum ff_err ff_kiosk_person(struct ff_kiosk *k, int64_t now_ms)
{
    enum ff_err e = need(k, FF_KIOSK_STEP, "talk to a person");
    if (e)
        return e;
    const struct ff_node *pn = person_node(k);
    int level = 1, eta = 0;
    for (size_t a = 0; pn && a < pn->nactions; a++)
        if (pn->actions[a].kind == FF_ACTION_ESCALATE) {
            level = pn->actions[a].level;
            eta = pn->actions[a].eta_minutes;
        }
    struct op_mark m;
    if ((e = op_begin(k, &m)))
        return e;
    char reason[200];
    snprintf(reason, sizeof reason, "%s (%s/%s)",
             ff_kiosk_text(FF_KT_PERSON_REASON, k->default_locale), ff_run_chart(k->run)->id,
             ff_run_node(k->run)->id);
    if ((e = ff_kiosk__escalate(k, level, eta, reason, now_ms)))
        return op_end(k, &m, e);
    const struct ff_chart *root = ff_library_find(k->opts.lib, FF_KIOSK_ROOT_CHART, 0);
    k->message = pn ? ff_text_get(root, &pn->title, k->saved.locale)
                    : ff_kiosk_text(FF_KT_PERSON, k->saved.locale);
    k->message_body = pn && pn->body.s ? ff_text_get(root, &pn->body, k->saved.locale) : "";
    k->state = FF_KIOSK_ENDING;
    k->last_input = now_ms;
    k->saved.last_ms = now_ms;
    if ((e = op_end(k, &m, persist(k))))
        return e;
    k->ending = ending_of(k);
    refresh_visit_status(k);
    fill_view(k);
    return FF_OK;
}

bool ff_kiosk_option(struct ff_kiosk *k, size_t i, struct ff_kiosk_option *out)
{
    if (k->state != FF_KIOSK_STEP || !k->run)
        return false;
    const struct ff_node *n = ff_run_node(k->run);
    if (n->kind != FF_NODE_DECISION || i >= n->noptions)
        return false;
    out->id = n->options[i].id;
    out->label = ff_run_text(k->run, &n->options[i].label);
    return true;
}

bool ff_kiosk_field(struct ff_kiosk *k, size_t i, struct ff_kiosk_field *out)
{
    if (k->state != FF_KIOSK_STEP || !k->run)
        return false;
    const struct ff_node *n = ff_run_node(k->run);
    if (n->kind != FF_NODE_INPUT || i >= n->nfields)
        return false;
    const struct ff_field *f = &n->fields[i];
    out->name = f->name;
    out->type = f->type;
    out->required = f->required;
    out->label = ff_run_text(k->run, &f->label);
    out->hint = f->hint.s ? ff_run_text(k->run, &f->hint) : "";
    out->error = NULL;
    if (k->has_own_err)
        out->error = i < FF_CHART_MAX_FIELDS && k->own_err[i] ? k->own_err[i]
                                                              : ff_run_field_error(k->run, i);
    out->nchoices = f->nchoices;
    return true;
}

bool ff_kiosk_choice(struct ff_kiosk *k, size_t f, size_t i, struct ff_kiosk_option *out)
{
    struct ff_kiosk_field fv;
    if (!ff_kiosk_field(k, f, &fv) || i >= fv.nchoices)
        return false;
    const struct ff_field *fd = &ff_run_node(k->run)->fields[f];
    out->id = fd->choices[i];
    out->label = ff_run_text(k->run, &fd->choice_labels[i]);
    return true;
}

static enum ff_err feedback(struct ff_kiosk *k, const char *node, const char *text)
{
    cJSON *p = cJSON_CreateObject();
    if (p && (!cJSON_AddNumberToObject(p, "score", k->score) ||
              !cJSON_AddStringToObject(p, "run_id", k->saved.run_id) ||
              !cJSON_AddStringToObject(p, "chart_id", FF_KIOSK_ROOT_CHART) ||
              (k->saved.case_id[0] && !cJSON_AddStringToObject(p, "case_id", k->saved.case_id)) ||
              (node && !cJSON_AddStringToObject(p, "node", node)) ||
              (text && !cJSON_AddStringToObject(p, "comment", text)))) {
        cJSON_Delete(p);
        p = NULL;
    }
    char id[37];
    ff_kiosk__new_uuid(k, id);
    enum ff_err e = ff_kiosk__emit(k, "feedback.given", id, p);
    if (!e && (e = ff_kiosk_outbox_flush(&k->saved, k->store)))
        ff_kiosk__fail(k, e, "store", ff_store_errmsg(k->store));
    return e;
}

enum ff_err ff_kiosk_rate(struct ff_kiosk *k, int score, int64_t now_ms)
{
    enum ff_err e = need(k, FF_KIOSK_ENDING, "rate");
    if (e)
        return e;
    if (k->rated)
        return ff_kiosk__fail(k, FF_ESTATE, "rate", "this session was rated already");
    if (score < 1 || score > 5)
        return ff_kiosk__fail(k, FF_EINVAL, "rate", "the score must be 1 to 5");
    k->score = score;
    k->last_input = now_ms;
    if ((e = feedback(k, NULL, NULL)))
        return e;
    k->rated = true;
    fill_view(k);
    return FF_OK;
}

enum ff_err ff_kiosk_remark(struct ff_kiosk *k, const char *node_id, const char *text,
                            int64_t now_ms)
{
    enum ff_err e = need(k, FF_KIOSK_ENDING, "remark");
    if (e)
        return e;
    if (!k->rated)
        return ff_kiosk__fail(k, FF_ESTATE, "remark", "rate first: a remark goes with the rating");
    if (text && strlen(text) > FF_KIOSK_MAX_REMARK)
        return ff_kiosk__fail(k, FF_EINVAL, "remark", "at most 1000 bytes");
    char key[FF_KIOSK_KEY_MAX] = "";
    for (size_t i = 0; i < k->nseen && !key[0]; i++)
        if (!strcmp(k->seen[i].chart->nodes[k->seen[i].node].id, node_id))
            snprintf(key, sizeof key, "%s/%s", k->seen[i].chart->id, node_id);
    if (!key[0])
        return ff_kiosk__fail(k, FF_ENOTFOUND, node_id, "not a step of this session");
    k->last_input = now_ms;
    return feedback(k, key, text && *text ? text : ff_kiosk_text(FF_KT_CONFUSING, k->saved.locale));
}

size_t ff_kiosk_seen_count(const struct ff_kiosk *k)
{
    return k->nseen;
}

bool ff_kiosk_seen(struct ff_kiosk *k, size_t i, struct ff_kiosk_option *out)
{
    if (i >= k->nseen)
        return false;
    const struct ff_chart *c = k->seen[i].chart;
    const struct ff_node *n = &c->nodes[k->seen[i].node];
    out->id = n->id;
    out->label = ff_text_get(c, &n->title, k->saved.locale);
    return true;
}

enum ff_err ff_kiosk_finish(struct ff_kiosk *k, int64_t now_ms)
{
    enum ff_err e = need(k, FF_KIOSK_ENDING, "finish");
    if (e)
        return e;
    k->last_input = now_ms;
    e = wipe(k);
    fill_view(k);
    return e;
}

const char *ff_kiosk_run_id(const struct ff_kiosk *k)
{
    return k->saved.run_id;
}
