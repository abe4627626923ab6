/* store_sql.c - every SQL text of the store: the schema migrations and the statements.
 *
 * Keeping the SQL in one table makes "prepared once per handle, values bound" checkable at a
 * glance: store.c prepares ff_store__sql[id] on first use and keeps it until close. The
 * migrations are forward only; migration N takes a file from user_version N-1 to N, and a
 * migration that changes projections asks for a rebuild from the log (store.c).
 */
#include "store_int.h"

const char *const ff_store__migrations[FF_STORE_SCHEMA_VERSION] = {
    /* v1: the log, the bookkeeping, the projections. */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
    "CREATE TABLE events(device TEXT NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL,"
    " entity TEXT NOT NULL, entity_id TEXT NOT NULL, type TEXT NOT NULL,"
    " payload TEXT NOT NULL, author TEXT, schema INTEGER NOT NULL, known INTEGER NOT NULL,"
    " PRIMARY KEY(device, seq)) WITHOUT ROWID;"
    "CREATE INDEX events_entity ON events(entity, entity_id, hlc, device);"
    "CREATE TABLE customers(id TEXT PRIMARY KEY, name, phone, email, address, site,"
    " merged_into, erased INTEGER NOT NULL, created_hlc) WITHOUT ROWID;"
    "CREATE INDEX customers_merged ON customers(merged_into) WHERE merged_into IS NOT NULL;"
    "CREATE TABLE cases(id TEXT PRIMARY KEY, customer_id, touchpoint, request_type, category,"
    " priority, description, assignee, status, run_id, chart_id, chart_version, outcome,"
    " answers, escalation_level, time_limit_due, time_limit_breached, created_hlc,"
    " updated_hlc) WITHOUT ROWID;"
    "CREATE INDEX cases_customer ON cases(customer_id);"
    "CREATE TABLE notes(event_id TEXT PRIMARY KEY, case_id, hlc, author, text) WITHOUT ROWID;"
    "CREATE INDEX notes_case ON notes(case_id, hlc);"
    "CREATE TABLE escalations(event_id TEXT PRIMARY KEY, case_id, hlc, level, reason, eta)"
    " WITHOUT ROWID;"
    "CREATE INDEX escalations_case ON escalations(case_id, hlc);"
    "CREATE TABLE visits(id TEXT PRIMARY KEY, case_id, engineer_id, start, end, status,"
    " checked_in, checked_out, reason) WITHOUT ROWID;"
    "CREATE INDEX visits_engineer ON visits(engineer_id, start);"
    "CREATE INDEX visits_case ON visits(case_id);"
    "CREATE TABLE reports(id TEXT PRIMARY KEY, case_id, visit_id, work_done, minutes, outcome,"
    " signature, author, hlc) WITHOUT ROWID;"
    "CREATE INDEX reports_case ON reports(case_id);"
    "CREATE TABLE report_parts(report_id TEXT, idx INTEGER, part, qty,"
    " PRIMARY KEY(report_id, idx)) WITHOUT ROWID;"
    "CREATE TABLE slots(engineer_id TEXT, start INTEGER, end INTEGER,"
    " PRIMARY KEY(engineer_id, start, end)) WITHOUT ROWID;"
    "CREATE TABLE kb_articles(id TEXT PRIMARY KEY, lang, title, body, tags, hlc) WITHOUT ROWID;"
    "CREATE TABLE flowcharts(chart_id TEXT, version INTEGER, title, chart, hlc,"
    " PRIMARY KEY(chart_id, version)) WITHOUT ROWID;"
    "CREATE TABLE runs(id TEXT PRIMARY KEY, chart_id, chart_version, steps, last_node,"
    " first_hlc, last_hlc) WITHOUT ROWID;"
    "CREATE TABLE run_steps(event_id TEXT PRIMARY KEY, run_id, hlc, node, answer, step)"
    " WITHOUT ROWID;"
    "CREATE INDEX run_steps_run ON run_steps(run_id, hlc);"
    "CREATE TABLE feedback(id TEXT PRIMARY KEY, case_id, run_id, chart_id, node, score,"
    " comment, hlc) WITHOUT ROWID;",
    /* v2: search (normalized customer keys, trigram and KB full-text indexes) and the
     * conflict list. Projections change, so store.c rebuilds them from the log. */
    "ALTER TABLE customers ADD COLUMN search_key TEXT;"
    "CREATE INDEX customers_search ON customers(search_key);"
    "CREATE VIRTUAL TABLE customer_fts USING fts5(id UNINDEXED, key, tokenize='trigram');"
    "CREATE VIRTUAL TABLE kb_fts USING fts5(id UNINDEXED, lang UNINDEXED, title, body, tags, "
    "folded,"
    " tokenize='unicode61 remove_diacritics 2');"
    "CREATE TABLE conflicts(entity TEXT, entity_id TEXT, field TEXT, heads,"
    " PRIMARY KEY(entity, entity_id, field)) WITHOUT ROWID;",
    /* v3: peers that lie. A forged copy of a stored event (same id, other content) is kept
     * apart for the back office, capped; an erased customer's events have their personal
     * values redacted in the log and keep the digest of what was received. */
    "ALTER TABLE events ADD COLUMN redacted_from INTEGER;"
    "CREATE TABLE forgeries(event_id TEXT NOT NULL, digest INTEGER NOT NULL,"
    " stored_digest INTEGER NOT NULL, hlc INTEGER, event TEXT,"
    " PRIMARY KEY(event_id, digest)) WITHOUT ROWID;"
    "INSERT OR REPLACE INTO meta(key, value) SELECT 'erasures', count(*) FROM events"
    " WHERE entity = 'customer' AND type = 'customer.erased';",
};

/* "table ORDER BY key": what a rebuild empties and a dump prints, in this order. */
const char *const ff_store__projections[] = {"customers ORDER BY id",
                                             "cases ORDER BY id",
                                             "notes ORDER BY event_id",
                                             "escalations ORDER BY event_id",
                                             "visits ORDER BY id",
                                             "reports ORDER BY id",
                                             "report_parts ORDER BY report_id, idx",
                                             "slots ORDER BY engineer_id, start, end",
                                             "kb_articles ORDER BY id",
                                             "flowcharts ORDER BY chart_id, version",
                                             "runs ORDER BY id",
                                             "run_steps ORDER BY event_id",
                                             "feedback ORDER BY id",
                                             "conflicts ORDER BY entity, entity_id, field",
                                             NULL};
const char *const ff_store__derived[] = {"customer_fts", "kb_fts", NULL};

#define CUSTOMER_OF(col)                                                                           \
    "(WITH RECURSIVE up(id, n) AS (SELECT " col ", 0 UNION ALL SELECT c.merged_into, up.n + 1"     \
    " FROM customers c JOIN up ON c.id = up.id WHERE c.merged_into IS NOT NULL AND up.n < 8)"      \
    " SELECT id FROM up ORDER BY n DESC LIMIT 1)"

const char *const ff_store__sql[S__COUNT] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [S_META_SET] = "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)",
    [S_MAX_SEQ] = "SELECT coalesce(max(seq), 0) FROM events WHERE device = ?1",
    [S_INSERT_EVENT] = "INSERT OR IGNORE INTO events(device, seq, hlc, entity, entity_id, type,"
                       " payload, author, schema, known) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
    [S_ENTITY_EVENTS] = "SELECT device, seq, hlc, type, payload, author FROM events"
                        " WHERE entity = ?1 AND entity_id = ?2 AND known"
                        " ORDER BY hlc, device",
    /* covered by events_entity (the key's seq rides along): no table reads */
    [S_ENTITY_KEYS] = "SELECT device, seq FROM events WHERE entity = ?1 AND entity_id = ?2"
                      " ORDER BY hlc, device, seq",
    [S_EVENT_ROW] = "SELECT hlc, entity, entity_id, type, payload, author, schema, redacted_from"
                    " FROM events WHERE device = ?1 AND seq = ?2",
    [S_INS_FORGERY] = "INSERT OR IGNORE INTO forgeries(event_id, digest, stored_digest, hlc, event)"
                      " SELECT ?1, ?2, ?3, ?4, substr(?5, 1, 4096)"
                      " WHERE (SELECT count(*) FROM forgeries) < 10000",
    [S_FORGERIES] = "SELECT json_group_array(json_object('id', event_id, 'digest',"
                    " printf('%016x', digest), 'stored_digest', printf('%016x', stored_digest),"
                    " 'event', event)) FROM (SELECT * FROM forgeries ORDER BY event_id, digest)",
    /* erasure (store_fold_erase.c) follows links by payload values: the entity kind narrows
     * the scan through events_entity; the rest is a scan (erasures are rare) */
    [S_EVENTS_WHERE] = "SELECT device, seq, hlc, type, payload, author, entity, entity_id"
                       " FROM events WHERE entity = ?1 AND known"
                       " AND json_extract(payload, '$.' || ?2) = ?3",
    [S_REDACT_EVENT] = "UPDATE events SET payload = ?3, redacted_from = ?4"
                       " WHERE device = ?1 AND seq = ?2",
    [S_REDACT_FORGERY] = "UPDATE forgeries SET event = NULL WHERE event_id = ?1",
    [S_REDACT_CASE_ROWS] = "UPDATE notes SET text = NULL WHERE case_id = ?1 AND text IS NOT NULL",
    [S_REDACT_ESCALATIONS] = "UPDATE escalations SET reason = NULL WHERE case_id = ?1"
                             " AND reason IS NOT NULL",
    [S_FTS_OPTIMIZE] = "INSERT INTO customer_fts(customer_fts) VALUES('optimize')",
    [S_EVENT_BY_KEY] = "SELECT device, seq, hlc, type, payload, author, known FROM events"
                       " WHERE device = ?1 AND seq = ?2",
    [S_ALL_EVENTS] = "SELECT device, seq, hlc, type, payload, author, entity, entity_id"
                     " FROM events WHERE known ORDER BY entity, entity_id, hlc, device",
    [S_EVENTS_AFTER] =
        "SELECT device, seq, hlc, entity, entity_id, type, payload, author,"
        " schema, redacted_from FROM events WHERE device = ?1 AND seq > ?2 ORDER BY seq"
        " LIMIT ?3",
    [S_EXPORT] = "SELECT device, seq, hlc, entity, entity_id, type, payload, author, schema,"
                 " redacted_from FROM events ORDER BY hlc, device",
    [S_INS_CUSTOMER] = "INSERT OR REPLACE INTO customers(id, name, phone, email, address, site,"
                       " merged_into, erased, created_hlc, search_key)"
                       " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
    [S_DEL_CUSTOMER_FTS] = "DELETE FROM customer_fts WHERE rowid = ?1",
    [S_INS_CUSTOMER_FTS] = "INSERT INTO customer_fts(rowid, id, key) VALUES(?1, ?2, ?3)",
    [S_INS_CASE] =
        "INSERT OR REPLACE INTO cases(id, customer_id, touchpoint, request_type, category,"
        " priority, description, assignee, status, run_id, chart_id, chart_version,"
        " outcome, answers, escalation_level, time_limit_due, time_limit_breached,"
        " created_hlc, updated_hlc)"
        " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19)",
    [S_INS_NOTE] = "INSERT OR REPLACE INTO notes(event_id, case_id, hlc, author, text)"
                   " VALUES(?1,?2,?3,?4,?5)",
    [S_INS_ESCALATION] =
        "INSERT OR REPLACE INTO escalations(event_id, case_id, hlc, level, reason, eta)"
        " VALUES(?1,?2,?3,?4,?5,?6)",
    [S_INS_VISIT] = "INSERT OR REPLACE INTO visits(id, case_id, engineer_id, start, end, status,"
                    " checked_in, checked_out, reason) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
    [S_INS_REPORT] =
        "INSERT OR REPLACE INTO reports(id, case_id, visit_id, work_done, minutes, outcome,"
        " signature, author, hlc) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
    [S_DEL_PARTS] = "DELETE FROM report_parts WHERE report_id = ?1",
    [S_INS_PART] = "INSERT INTO report_parts(report_id, idx, part, qty) VALUES(?1,?2,?3,?4)",
    [S_DEL_SLOTS] = "DELETE FROM slots WHERE engineer_id = ?1",
    [S_INS_SLOT] = "INSERT OR IGNORE INTO slots(engineer_id, start, end) VALUES(?1,?2,?3)",
    [S_INS_KB] = "INSERT OR REPLACE INTO kb_articles(id, lang, title, body, tags, hlc)"
                 " VALUES(?1,?2,?3,?4,?5,?6)",
    [S_DEL_KB_FTS] = "DELETE FROM kb_fts WHERE rowid = ?1",
    [S_INS_KB_FTS] = "INSERT INTO kb_fts(rowid, id, lang, title, body, tags, folded)"
                     " VALUES(?1,?2,?3,?4,?5,?6,?7)",
    [S_INS_FLOWCHART] = "INSERT OR REPLACE INTO flowcharts(chart_id, version, title, chart, hlc)"
                        " VALUES(?1,?2,?3,?4,?5)",
    [S_INS_RUN] =
        "INSERT OR REPLACE INTO runs(id, chart_id, chart_version, steps, last_node, first_hlc,"
        " last_hlc) VALUES(?1,?2,?3,?4,?5,?6,?7)",
    [S_INS_STEP] = "INSERT OR REPLACE INTO run_steps(event_id, run_id, hlc, node, answer, step)"
                   " VALUES(?1,?2,?3,?4,?5,?6)",
    [S_INS_FEEDBACK] = "INSERT OR REPLACE INTO feedback(id, case_id, run_id, chart_id, node, score,"
                       " comment, hlc) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
    [S_DEL_CONFLICTS] = "DELETE FROM conflicts WHERE entity = ?1 AND entity_id = ?2",
    [S_INS_CONFLICT] = "INSERT INTO conflicts(entity, entity_id, field, heads)"
                       " VALUES(?1,?2,?3,?4)",
    [S_VISITS_OF_DAY] =
        "SELECT json_group_array(json_object('visit_id', v.id, 'case_id', v.case_id,"
        " 'start', v.start, 'end', v.end, 'status', v.status, 'customer',"
        " (SELECT json_object('id', c.id, 'name', c.name, 'address', c.address,"
        " 'phone', c.phone) FROM customers c WHERE c.id = " CUSTOMER_OF(
            "k.customer_id") ")))"
                             " FROM (SELECT * FROM visits WHERE engineer_id = ?1 AND start >= ?2 "
                             "AND start < ?3"
                             " ORDER BY start, id) v LEFT JOIN cases k ON k.id = v.case_id",
    [S_CASE_DETAIL] =
        "WITH RECURSIVE k AS (SELECT * FROM cases WHERE id = ?1),"
        " up(id, n) AS (SELECT customer_id, 0 FROM k UNION ALL SELECT c.merged_into, up.n + 1"
        "  FROM customers c JOIN up ON c.id = up.id WHERE c.merged_into IS NOT NULL"
        "  AND up.n < 8),"
        " cust(id) AS (SELECT id FROM up ORDER BY n DESC LIMIT 1),"
        " down(id, n) AS (SELECT id, 0 FROM cust UNION ALL SELECT c.id, down.n + 1"
        "  FROM customers c JOIN down ON c.merged_into = down.id WHERE down.n < 8)"
        " SELECT json_object("
        " 'case', json_object('id', k.id, 'customer_id', k.customer_id, 'touchpoint',"
        "  k.touchpoint, 'request_type', k.request_type, 'category', k.category, 'priority',"
        "  k.priority, 'description', k.description, 'assignee', k.assignee, 'status',"
        "  k.status, 'run_id', k.run_id, 'chart_id', k.chart_id, 'chart_version',"
        "  k.chart_version, 'outcome', k.outcome, 'answers', json(k.answers),"
        "  'escalation_level', k.escalation_level, 'time_limit_due', k.time_limit_due,"
        "  'time_limit_breached', k.time_limit_breached),"
        " 'customer', (SELECT json_object('id', c.id, 'name', c.name, 'phone', c.phone,"
        "  'email', c.email, 'address', c.address, 'erased', c.erased) FROM customers c"
        "  WHERE c.id = (SELECT id FROM cust)),"
        " 'notes', (SELECT json_group_array(json_object('id', event_id, 'author', author,"
        "  'text', text)) FROM (SELECT * FROM notes WHERE case_id = ?1 ORDER BY hlc, event_id)),"
        " 'escalations', (SELECT json_group_array(json_object('id', event_id, 'level', level,"
        "  'reason', reason, 'eta', eta)) FROM (SELECT * FROM escalations WHERE case_id = ?1"
        "  ORDER BY hlc, event_id)),"
        " 'visits', (SELECT json_group_array(json_object('id', id, 'engineer_id', engineer_id,"
        "  'start', start, 'end', end, 'status', status)) FROM (SELECT * FROM visits"
        "  WHERE case_id = ?1 ORDER BY start, id)),"
        " 'reports', (SELECT json_group_array(json_object('id', r.id, 'visit_id', r.visit_id,"
        "  'work_done', r.work_done, 'minutes', r.minutes, 'outcome', r.outcome, 'signed',"
        "  r.signature IS NOT NULL, 'parts', (SELECT json_group_array(json_object('part', part,"
        "  'qty', qty)) FROM (SELECT * FROM report_parts p WHERE p.report_id = r.id"
        "  ORDER BY idx)))) FROM (SELECT * FROM reports WHERE case_id = ?1"
        "  ORDER BY hlc, id) r),"
        " 'history', (SELECT json_group_array(json_object('id', id, 'status', status,"
        "  'category', category, 'request_type', request_type, 'outcome', outcome))"
        "  FROM (SELECT * FROM cases WHERE customer_id IN (SELECT id FROM down)"
        "  AND id <> ?1 ORDER BY created_hlc DESC, id LIMIT 50)),"
        " 'conflicts', (SELECT json_group_array(json_object('field', field, 'heads',"
        "  json(heads))) FROM (SELECT * FROM conflicts WHERE entity = 'case'"
        "  AND entity_id = ?1 ORDER BY field))"
        ") FROM k",
    [S_SEARCH_FTS] =
        "SELECT json_group_array(json_object('id', id, 'name', name, 'phone', phone,"
        " 'email', email)) FROM (SELECT c.* FROM customer_fts f JOIN customers c"
        " ON c.id = f.id WHERE customer_fts MATCH ?1 ORDER BY c.search_key, c.id LIMIT ?2)",
    [S_SEARCH_PREFIX] =
        "SELECT json_group_array(json_object('id', id, 'name', name, 'phone', phone,"
        " 'email', email)) FROM (SELECT * FROM customers WHERE search_key >= ?1"
        " AND search_key < ?1 || char(1114111) ORDER BY search_key, id LIMIT ?2)",
    [S_KB_SEARCH] =
        "SELECT json_group_array(json_object('id', id, 'lang', lang, 'title', title,"
        " 'summary', summary)) FROM (SELECT id, lang, title, substr(body, 1, 160) AS summary"
        " FROM kb_fts WHERE kb_fts MATCH '{folded} : (' || ?1 || ')'"
        " AND (?2 IS NULL OR lang = ?2) ORDER BY rank, id LIMIT ?3)",
    [S_CONFLICTS] = "SELECT json_group_array(json_object('entity', entity, 'entity_id', entity_id,"
                    " 'field', field, 'heads', json(heads))) FROM (SELECT * FROM conflicts"
                    " ORDER BY entity, entity_id, field)",
    [S_STATS] = "SELECT json_object('events', (SELECT count(*) FROM events),"
                " 'devices', (SELECT count(DISTINCT device) FROM events),"
                " 'unknown', (SELECT count(*) FROM events WHERE NOT known),"
                " 'local_seq', (SELECT coalesce(max(seq), 0) FROM events WHERE device = ?1),"
                " 'pending', (SELECT count(*) FROM events WHERE device = ?1 AND seq > ?2),"
                " 'customers', (SELECT count(*) FROM customers),"
                " 'cases', (SELECT count(*) FROM cases), 'visits', (SELECT count(*) FROM visits),"
                " 'reports', (SELECT count(*) FROM reports),"
                " 'kb_articles', (SELECT count(*) FROM kb_articles),"
                " 'conflicts', (SELECT count(*) FROM conflicts),"
                " 'forgeries', (SELECT count(*) FROM forgeries))",
    [S_LOCAL_GAPS] = "SELECT count(*), coalesce(max(seq), 0) FROM events WHERE device = ?1",
    /* the server's rules (store_server.c) */
    [S_VISIT] = "SELECT json_object('id', id, 'case_id', case_id, 'engineer_id', engineer_id,"
                " 'start', start, 'end', end, 'status', status) FROM visits WHERE id = ?1",
    [S_ENGINEER_SLOTS] = "SELECT json_group_array(json_object('start', start, 'end', end))"
                         " FROM (SELECT * FROM slots WHERE engineer_id = ?1 ORDER BY start, end)",
    [S_ENGINEER_VISITS] =
        "SELECT json_group_array(json_object('id', id, 'case_id', case_id, 'start', start,"
        " 'end', end, 'status', status)) FROM (SELECT * FROM visits WHERE engineer_id = ?1"
        " AND start < ?3 AND end > ?2 ORDER BY start, id)",
    /* a scan of cases: the rules ask at most once a second */
    [S_TIME_LIMITS_DUE] =
        "SELECT json_group_array(json_object('case_id', id, 'due', time_limit_due, 'level',"
        " coalesce(escalation_level, 0))) FROM (SELECT * FROM cases"
        " WHERE time_limit_due < ?1 AND NOT time_limit_breached"
        " AND status NOT IN ('resolved', 'closed') ORDER BY time_limit_due, id LIMIT ?2)",
};
