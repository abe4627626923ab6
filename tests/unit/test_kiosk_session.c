/* test_kiosk_session.c - every ending of the triage chart, in en, da and es, driven through
 * the session API with a fake clock; each checks the events it left in the store. Also:
 * back, field errors in the session's language, progress, rating and remark, the visit
 * confirmation, and that no path of the shipped charts ever shows a staff node.
 */
#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#include "fieldflow/field.h"
#include "kiosk_testlib.h"

struct env {
    struct ff_library *lib;
    const char *dir;
    char store[4096];
    uint64_t seed;
    int64_t now;
};

static struct ff_kiosk *open_kiosk(struct env *e, const char *snapshot)
{
    struct ff_kiosk_opts o = {.store_path = e->store,
                              .lib = e->lib,
                              .snapshot_path = snapshot,
                              .default_locale = "en",
                              .idle_ms = 90000,
                              .countdown_ms = 20000,
                              .random = kt_random,
                              .random_ctx = &e->seed};
    struct ff_kiosk *k = NULL;
    CHECK(ff_kiosk_new(&o, e->now, &k) == FF_OK);
    return k;
}

/* Fails when the screen shows a node whose audience is staff. */
static void check_not_staff(struct env *e, struct ff_kiosk *k, const char *where)
{
    const struct ff_kiosk_view *v = ff_kiosk_view(k);
    if (v->state != FF_KIOSK_STEP)
        return;
    const struct ff_chart *c = ff_library_find(e->lib, v->chart_id, 0);
    int i = c ? ff_chart_find_node(c, v->node_id) : -1;
    CHECK_MSG(i >= 0 && !ff_audience_is_staff(c->nodes[i].audience), where);
}

/* Runs one script: steps separated by ';' - "n" next, "c:ID" choose, "p" person,
 * "s:name=value|name=value" submit. Returns false at the first refused step. */
static bool drive(struct env *e, struct ff_kiosk *k, const char *script)
{
    char buf[2048];
    snprintf(buf, sizeof buf, "%s", script);
    char *save = NULL;
    for (char *st = strtok_r(buf, ";", &save); st; st = strtok_r(NULL, ";", &save)) {
        while (*st == ' ')
            st++;
        e->now += 7000;
        enum ff_err err = FF_EINVAL;
        if (!strcmp(st, "n")) {
            err = ff_kiosk_next(k, e->now);
        } else if (!strcmp(st, "p")) {
            err = ff_kiosk_person(k, e->now);
        } else if (!strcmp(st, "b")) {
            err = ff_kiosk_back(k, e->now);
        } else if (!strncmp(st, "c:", 2)) {
            err = ff_kiosk_choose(k, st + 2, e->now);
        } else if (!strncmp(st, "s:", 2)) {
            struct ff_run_value vals[16];
            size_t n = 0;
            char *s2 = NULL;
            for (char *kv = strtok_r(st + 2, "|", &s2); kv && n < 16;
                 kv = strtok_r(NULL, "|", &s2)) {
                char *eq = strchr(kv, '=');
                if (!eq)
                    break;
                *eq = '\0';
                vals[n++] = (struct ff_run_value){kv, eq + 1};
            }
            err = ff_kiosk_submit(k, vals, n, e->now);
        }
        char msg[700];
        snprintf(msg, sizeof msg, "step '%s': %s", st, ff_kiosk_errmsg(k));
        CHECK_MSG(err == FF_OK, msg);
        if (err)
            return false;
        check_not_staff(e, k, st);
    }
    return true;
}

static const char *node_title(struct env *e, const char *chart, const char *node,
                              const char *locale)
{
    const struct ff_chart *c = ff_library_find(e->lib, chart, 0);
    int i = ff_chart_find_node(c, node);
    return i < 0 ? "?" : ff_text_get(c, &c->nodes[i].title, locale);
}

#define IDENTIFY "s:phone=+45 12 34 56 78|name=Ana Lund|address=Nørregade 1|email=ana@example.dk"
#define DETAILS "s:appliance=gas_boiler|description=No heat since Monday"

static void rate_and_finish(struct env *e, struct ff_kiosk *k, const char *remark_node)
{
    const char *run = ff_kiosk_run_id(k);
    char run_id[40];
    snprintf(run_id, sizeof run_id, "%s", run);
    CHECK(ff_kiosk_remark(k, remark_node, NULL, e->now) == FF_ESTATE); /* rate first */
    CHECK(ff_kiosk_rate(k, 6, e->now) == FF_EINVAL);
    CHECK(ff_kiosk_rate(k, 4, e->now) == FF_OK);
    CHECK(ff_kiosk_rate(k, 5, e->now) == FF_ESTATE);
    CHECK(ff_kiosk_remark(k, "no-such-node", "?", e->now) == FF_ENOTFOUND);
    CHECK(ff_kiosk_remark(k, remark_node, "Did not understand the question", e->now) == FF_OK);
    CHECK_INT(kt_events(e->store, "feedback.given", run_id), 2);
    char needle[200];
    snprintf(needle, sizeof needle, "/%s\"", remark_node);
    CHECK_INT(kt_events2(e->store, "feedback.given", needle, run_id), 1);
    CHECK(ff_kiosk_finish(k, e->now) == FF_OK);
    CHECK(ff_kiosk_view(k)->state == FF_KIOSK_ATTRACT);
    CHECK_STR(ff_kiosk_run_id(k), "");
    CHECK_STR(ff_kiosk_view(k)->locale, "en"); /* language reset after the session */
}

static void start(struct env *e, struct ff_kiosk *k, const char *locale)
{
    CHECK(ff_kiosk_set_locale(k, locale, e->now) == FF_OK);
    CHECK(ff_kiosk_begin(k, e->now) == FF_OK);
    const struct ff_kiosk_view *v = ff_kiosk_view(k);
    CHECK(v->state == FF_KIOSK_STEP);
    CHECK_STR(v->node_id, "welcome");
    CHECK_STR(v->title, node_title(e, "kiosk-triage", "welcome", locale));
    CHECK_INT(v->step, 1);
    CHECK_INT(v->steps, 3); /* welcome, ask-request, call-staff (a hand-off) */
    CHECK(!v->can_back);
}

static void test_information(struct env *e, struct ff_kiosk *k, const char *locale)
{
    start(e, k, locale);
    CHECK(drive(e, k, "n; c:information; c:heating"));
    const struct ff_kiosk_view *v = ff_kiosk_view(k);
    CHECK(v->kind == FF_NODE_KB);
    CHECK_MSG(strlen(v->article_body) > 20, v->node_id); /* the article, from the store */
    CHECK(strlen(v->article_title) > 0);
    CHECK_INT(v->step, 4);  /* welcome, ask-request, query-topic were steps 1-3... */
    CHECK_INT(v->steps, 7); /* ...kb, answered, then anything-else and call-staff */
    CHECK(drive(e, k, "n; c:yes; c:no; n; c:no"));
    v = ff_kiosk_view(k);
    CHECK(v->state == FF_KIOSK_ENDING);
    CHECK(v->ending == FF_KIOSK_END_INFORMATION);
    CHECK_STR(v->message, node_title(e, "kiosk-triage", "goodbye", locale));
    CHECK_STR(v->ticket, "");
    char run_id[40];
    snprintf(run_id, sizeof run_id, "%s", ff_kiosk_run_id(k));
    CHECK(kt_events(e->store, "run.step_recorded", run_id) >= 20);
    CHECK_INT(kt_events(e->store, "case.created", run_id), 0);
    rate_and_finish(e, k, "kb-heating");
}

static void test_case(struct env *e, struct ff_kiosk *k, const char *locale)
{
    start(e, k, locale);
    CHECK(drive(e, k, "n; c:information; c:other"));
    /* a wrong phone number: refused with a message in the session's language */
    struct ff_run_value bad[] = {{"question", "Noise from the boiler"},
                                 {"name", "Ana"},
                                 {"phone", "12"},
                                 {"best_time", "morning"}};
    e->now += 1000;
    CHECK(ff_kiosk_submit(k, bad, 4, e->now) == FF_EINVALID);
    struct ff_kiosk_field f;
    CHECK(ff_kiosk_field(k, 2, &f));
    CHECK_STR(f.name, "phone");
    CHECK(f.error != NULL);
    if (f.error && !strcmp(locale, "da"))
        CHECK_MSG(strstr(f.error, "Skriv") != NULL, f.error);
    CHECK(ff_kiosk_field(k, 0, &f) && f.error == NULL);
    CHECK(drive(e, k,
                "s:question=Boiler noise|name=Ana Lund|phone=+45 12 34 56 78|best_time=morning"));
    const struct ff_kiosk_view *v = ff_kiosk_view(k);
    CHECK(v->state == FF_KIOSK_ENDING);
    CHECK(v->ending == FF_KIOSK_END_CASE);
    CHECK_STR(v->message, node_title(e, "technical-query", "arrange-call-back", locale));
    CHECK_MSG(ff_ticket_valid(v->ticket), v->ticket);
    CHECK_INT(v->eta_minutes, 240);
    char run_id[40], ticket[16];
    snprintf(run_id, sizeof run_id, "%s", ff_kiosk_run_id(k));
    snprintf(ticket, sizeof ticket, "%s", v->ticket);
    CHECK_INT(kt_events(e->store, "case.created", run_id), 1);
    CHECK_INT(kt_events(e->store, "case.created", ticket), 1);
    CHECK_INT(kt_events2(e->store, "case.created", "+4512345678", run_id), 1); /* normal form */
    CHECK_INT(kt_events2(e->store, "case.note_added", "240 minutes", run_id), 1);
    rate_and_finish(e, k, "record-question");
}

static void test_visit(struct env *e, struct ff_kiosk *k, const char *locale)
{
    start(e, k, locale);
    CHECK(drive(e, k, "n; c:service; c:none; " IDENTIFY));
    const struct ff_kiosk_view *v = ff_kiosk_view(k);
    CHECK_STR(v->node_id, "existing-case");
    int step = v->step;
    CHECK(drive(e, k, "b"));
    v = ff_kiosk_view(k);
    CHECK_STR(v->node_id, "identify"); /* back: the form again */
    CHECK_INT(v->step, step - 1);
    CHECK(drive(e, k, IDENTIFY "; c:new-fault; " DETAILS "; c:none"));
    v = ff_kiosk_view(k);
    CHECK_STR(v->node_id, "create-case"); /* an action node: its case exists already */
    CHECK(v->state == FF_KIOSK_STEP);
    /* the day after tomorrow, afternoon: the demo has eng-bo from 12:00 on weekdays */
    int y, m, d;
    int64_t day = e->now / 86400000 + 2;
    while ((day + 3) % 7 >= 5) /* 1970-01-01 was a Thursday: (day + 3) % 7 is Mon=0 */
        day++;
    ff_civil_from_days(day, &y, &m, &d);
    char slot[120];
    snprintf(slot, sizeof slot, "n; c:slot; s:visit_date=%04d-%02d-%02d|time_window=afternoon", y,
             m, d);
    CHECK(drive(e, k, slot));
    v = ff_kiosk_view(k);
    CHECK(v->state == FF_KIOSK_ENDING);
    CHECK(v->ending == FF_KIOSK_END_VISIT);
    CHECK_STR(v->message, node_title(e, "service-request", "book-visit", locale));
    CHECK_INT(v->visit_start_ms, day * 86400000LL + 12 * 3600000LL); /* eng-bo at 12:00 */
    CHECK_STR(v->visit_status, "requested");
    CHECK(ff_ticket_valid(v->ticket));
    char run_id[40], case_id[40];
    snprintf(run_id, sizeof run_id, "%s", ff_kiosk_run_id(k));
    snprintf(case_id, sizeof case_id, "%s", v->case_id);
    CHECK_INT(kt_events(e->store, "case.created", run_id), 1);
    CHECK_INT(kt_events(e->store, "visit.requested", case_id), 1);
    CHECK_INT(kt_events2(e->store, "visit.requested", "eng-bo", run_id), 1);

    /* the server's confirmation arrives (here: appended by another handle) */
    struct ff_store_opts so = {.path = e->store};
    struct ff_store *s = NULL;
    CHECK(ff_store_open(&so, &s) == FF_OK);
    char *detail = NULL;
    CHECK(ff_store_case_detail(s, case_id, &detail) == FF_OK);
    cJSON *o = cJSON_Parse(detail ? detail : "{}");
    const cJSON *vis = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(o, "visits"), 0);
    const cJSON *vid = cJSON_GetObjectItemCaseSensitive(vis, "id");
    char visit_id[40] = "";
    if (cJSON_IsString(vid))
        snprintf(visit_id, sizeof visit_id, "%s", vid->valuestring);
    cJSON_Delete(o);
    ff_free(detail);
    CHECK(ff_store_append(s, "visit.confirmed", visit_id, "{}", NULL) == FF_OK);
    ff_store_close(s);
    e->now += 1000;
    CHECK(ff_kiosk_tick(k, e->now) == FF_OK);
    CHECK_STR(ff_kiosk_view(k)->visit_status, "confirmed");
    rate_and_finish(e, k, "identify");
}

static void test_escalated(struct env *e, struct ff_kiosk *k, const char *locale)
{
    start(e, k, locale);
    CHECK(drive(e, k, "n; c:person"));
    const struct ff_kiosk_view *v = ff_kiosk_view(k);
    CHECK(v->state == FF_KIOSK_ENDING);
    CHECK(v->ending == FF_KIOSK_END_ESCALATED);
    CHECK_INT(v->escalation_level, 1);
    CHECK_INT(v->eta_minutes, 5);
    CHECK_STR(v->message, node_title(e, "kiosk-triage", "call-staff", locale));
    char run_id[40];
    snprintf(run_id, sizeof run_id, "%s", ff_kiosk_run_id(k));
    CHECK_INT(kt_events(e->store, "case.created", run_id), 1);
    rate_and_finish(e, k, "ask-request");

    /* "talk to a person" in the middle of a form */
    start(e, k, locale);
    CHECK(drive(e, k, "n; c:service; c:none"));
    CHECK_STR(ff_kiosk_view(k)->node_id, "identify");
    CHECK(drive(e, k, "p"));
    v = ff_kiosk_view(k);
    CHECK(v->ending == FF_KIOSK_END_ESCALATED);
    CHECK_STR(v->message, node_title(e, "kiosk-triage", "call-staff", locale));
    snprintf(run_id, sizeof run_id, "%s", ff_kiosk_run_id(k));
    CHECK_INT(kt_events2(e->store, "case.escalated", "service-request/identify", run_id), 1);
    CHECK(ff_kiosk_back(k, e->now) == FF_ESTATE); /* the session has ended */
    rate_and_finish(e, k, "safety-check");
}

/* Back from a subchart's first question returns to the question before the call (the
 * called chart's start is passed by the engine, so back must pass it too), on every
 * subchart the triage chart calls straight from ask-request. */
static void test_back_out_of_subchart(struct env *e, struct ff_kiosk *k)
{
    static const char *const options[] = {"information", "service", "payment", "application"};
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        start(e, k, "en");
        char script[64];
        snprintf(script, sizeof script, "n; c:%s", options[i]);
        CHECK(drive(e, k, script));
        const struct ff_kiosk_view *v = ff_kiosk_view(k);
        CHECK_MSG(v->state == FF_KIOSK_STEP && strcmp(v->chart_id, "kiosk-triage"), options[i]);
        char first[128];
        snprintf(first, sizeof first, "%s/%s", v->chart_id, v->node_id);
        CHECK_INT(v->step, 3);
        CHECK(v->can_back);
        CHECK(drive(e, k, "b"));
        v = ff_kiosk_view(k);
        CHECK_MSG(v->state == FF_KIOSK_STEP && !strcmp(v->chart_id, "kiosk-triage") &&
                      !strcmp(v->node_id, "ask-request"),
                  first);
        CHECK_INT(v->step, 2);
        /* and in again: the same first question */
        snprintf(script, sizeof script, "c:%s", options[i]);
        CHECK(drive(e, k, script));
        v = ff_kiosk_view(k);
        char again[128];
        snprintf(again, sizeof again, "%s/%s", v->chart_id, v->node_id);
        CHECK_STR(again, first);
        CHECK(drive(e, k, "p"));
        CHECK(ff_kiosk_finish(k, e->now) == FF_OK);
    }
    /* the same after a power cut at the subchart's first question */
    char snap[4200];
    snprintf(snap, sizeof snap, "%s/back.snapshot", e->dir);
    struct ff_kiosk *k2 = open_kiosk(e, snap);
    start(e, k2, "en");
    CHECK(drive(e, k2, "n; c:service"));
    ff_kiosk_free(k2);
    k2 = open_kiosk(e, snap);
    CHECK(ff_kiosk_view(k2)->state == FF_KIOSK_RESUME_OFFER);
    CHECK(ff_kiosk_resume(k2, e->now) == FF_OK);
    CHECK_STR(ff_kiosk_view(k2)->chart_id, "service-request");
    CHECK(drive(e, k2, "b"));
    CHECK_STR(ff_kiosk_view(k2)->node_id, "ask-request");
    CHECK(drive(e, k2, "p"));
    CHECK(ff_kiosk_finish(k2, e->now) == FF_OK);
    ff_kiosk_free(k2);
}

/* Every decision option of every chart the kiosk reaches, each taken in some session:
 * options are enumerated depth first, and an option already covered by an earlier session
 * is not branched on again (the first one is taken instead), so every edge is walked with
 * about one session per option. Inputs get valid values. */
#define MAX_COVERED 512

struct explorer {
    struct env *e;
    struct ff_kiosk *k;
    int sessions, endings[4];
    char covered[MAX_COVERED][120];
    size_t ncovered;
};

static bool covered(struct explorer *x, const char *key)
{
    for (size_t i = 0; i < x->ncovered; i++)
        if (!strcmp(x->covered[i], key))
            return true;
    return false;
}

/* Copies a key of at most 119 bytes (longer ones are cut; ours are far shorter). */
static void copy_key(char to[120], const char *from)
{
    size_t n = strnlen(from, 119);
    memcpy(to, from, n);
    to[n] = '\0';
}

static void cover(struct explorer *x, const char *key)
{
    if (!covered(x, key) && x->ncovered < MAX_COVERED)
        copy_key(x->covered[x->ncovered++], key);
}

/* Valid values by type; a field refused with one candidate gets the next one (patterns,
 * date windows) on the following try. */
static const char *candidate(struct explorer *x, size_t i, const struct ff_kiosk_field *f, int c,
                             char date[16])
{
    static const int days[] = {2, 20, -3};
    static const char *const texts[] = {"A customer's words", "12345678", "1.2"};
    struct ff_kiosk_option ch;
    int y, m, d;
    switch (f->type) {
    case FF_FIELD_NUMBER:
        return "2";
    case FF_FIELD_PHONE:
        return "+45 12 34 56 78";
    case FF_FIELD_EMAIL:
        return "ana@example.dk";
    case FF_FIELD_POSTCODE:
        return "2100";
    case FF_FIELD_YES_NO:
        return "yes";
    case FF_FIELD_CHOICE:
        return ff_kiosk_choice(x->k, i, 0, &ch) ? ch.id : "";
    case FF_FIELD_DATE:
        ff_civil_from_days(x->e->now / 86400000 + days[c % 3], &y, &m, &d);
        snprintf(date, 16, "%04d-%02d-%02d", y, m, d);
        return date;
    default:
        return texts[c % 3];
    }
}

static void fill_form(struct explorer *x)
{
    int cand[FF_CHART_MAX_FIELDS] = {0};
    char dates[FF_CHART_MAX_FIELDS][16];
    enum ff_err err = FF_EINVAL;
    for (int round = 0; round < 3 && err; round++) {
        struct ff_run_value vals[FF_CHART_MAX_FIELDS];
        size_t n = 0;
        struct ff_kiosk_field f;
        for (size_t i = 0; ff_kiosk_field(x->k, i, &f) && i < FF_CHART_MAX_FIELDS; i++) {
            if (round > 0 && f.error)
                cand[i]++;
            vals[n++] = (struct ff_run_value){f.name, candidate(x, i, &f, cand[i], dates[i])};
        }
        x->e->now += 3000;
        err = ff_kiosk_submit(x->k, vals, n, x->e->now);
    }
    CHECK_MSG(err == FF_OK, ff_kiosk_errmsg(x->k));
}

/* Replays prefix (option ids at the decisions where it branched), then branches at the
 * first decision with an option no session has taken yet. */
static void explore(struct explorer *x, char (*prefix)[120], size_t np)
{
    x->sessions++;
    CHECK(ff_kiosk_begin(x->k, x->e->now) == FF_OK);
    size_t used = 0;
    for (int guard = 0; guard < 300; guard++) {
        const struct ff_kiosk_view *v = ff_kiosk_view(x->k);
        check_not_staff(x->e, x->k, "explore");
        if (v->state != FF_KIOSK_STEP)
            break;
        x->e->now += 2000;
        if (v->kind == FF_NODE_INPUT) {
            fill_form(x);
            continue;
        }
        if (v->kind != FF_NODE_DECISION) {
            CHECK(ff_kiosk_next(x->k, x->e->now) == FF_OK);
            continue;
        }
        char here[120];
        snprintf(here, sizeof here, "%s/%s/", v->chart_id, v->node_id);
        if (used < np && !strncmp(prefix[used], here, strlen(here))) {
            CHECK(ff_kiosk_choose(x->k, prefix[used++] + strlen(here), x->e->now) == FF_OK);
            continue;
        }
        struct ff_kiosk_option o;
        char fresh[FF_CHART_MAX_OPTIONS][120];
        size_t nfresh = 0;
        for (size_t i = 0; ff_kiosk_option(x->k, i, &o); i++) {
            char key[120];
            snprintf(key, sizeof key, "%s%s", here, o.id);
            if (!covered(x, key) && np < 30)
                copy_key(fresh[nfresh++], key);
        }
        if (nfresh == 0) {
            /* everything here was walked: the last option leaves loops (anything-else) */
            ff_kiosk_option(x->k, v->noptions - 1, &o);
            CHECK(ff_kiosk_choose(x->k, o.id, x->e->now) == FF_OK);
            continue;
        }
        CHECK(ff_kiosk_person(x->k, x->e->now) == FF_OK); /* this session stops here */
        CHECK(ff_kiosk_finish(x->k, x->e->now) == FF_OK);
        for (size_t i = 0; i < nfresh; i++)
            cover(x, fresh[i]);
        char next[32][120];
        for (size_t i = 0; i < np && i < 31; i++)
            memcpy(next[i], prefix[i], sizeof next[i]);
        for (size_t i = 0; i < nfresh; i++) {
            memcpy(next[np], fresh[i], sizeof next[np]);
            explore(x, next, np + 1);
        }
        return;
    }
    const struct ff_kiosk_view *v = ff_kiosk_view(x->k);
    if (v->state == FF_KIOSK_ENDING)
        x->endings[v->ending]++;
    else
        CHECK(ff_kiosk_person(x->k, x->e->now) == FF_OK);
    CHECK(ff_kiosk_finish(x->k, x->e->now) == FF_OK);
}

int main(void)
{
    struct env e = {.seed = 0x9e3779b97f4a7c15ull, .now = T0};
    e.lib = kt_library();
    CHECK(e.lib != NULL && ff_library_find(e.lib, "kiosk-triage", 0) != NULL);
    e.dir = ff_test_tmpdir();
    snprintf(e.store, sizeof e.store, "%s", kt_store(e.dir, "kiosk.db"));
    struct ff_kiosk *k = open_kiosk(&e, NULL);
    if (!k)
        return ff_test_finish();
    CHECK(ff_kiosk_view(k)->state == FF_KIOSK_ATTRACT);
    CHECK(ff_kiosk_next(k, e.now) == FF_ESTATE);
    CHECK(ff_kiosk_set_locale(k, "fr", e.now) == FF_EINVAL);
    static const char *const locales[] = {"en", "da", "es"};
    for (int l = 0; l < 3; l++) {
        test_information(&e, k, locales[l]);
        test_case(&e, k, locales[l]);
        test_visit(&e, k, locales[l]);
        test_escalated(&e, k, locales[l]);
    }
    test_back_out_of_subchart(&e, k);
    static struct explorer x;
    x.e = &e;
    x.k = k;
    explore(&x, NULL, 0);
    printf("explored %d sessions, %zu options: %d information, %d case, %d visit, %d escalated\n",
           x.sessions, x.ncovered, x.endings[0], x.endings[1], x.endings[2], x.endings[3]);
    CHECK(x.sessions > 30);
    CHECK(x.ncovered >= 50); /* every customer-facing option of the shipped charts: 56 */
    CHECK(x.endings[FF_KIOSK_END_INFORMATION] > 0 && x.endings[FF_KIOSK_END_CASE] > 0 &&
          x.endings[FF_KIOSK_END_VISIT] > 0 && x.endings[FF_KIOSK_END_ESCALATED] > 0);
    ff_kiosk_free(k);
    ff_library_free(e.lib);
    return ff_test_finish();
}
