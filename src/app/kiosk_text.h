/* kiosk_text.h - the engine's own sentences in en, da and es.
 *
 * Chart text comes localized from the charts; these are the few sentences the engine says
 * itself when a chart has none to give. Screen labels (buttons, "still there?") belong to
 * the UI's gettext catalogs, not here.
 */
#ifndef FF_KIOSK_TEXT_H
#define FF_KIOSK_TEXT_H

enum ff_kiosk_text_id {
    FF_KT_STAFF_CONTINUES, /* a staff node came without a marked hand-off */
    FF_KT_PERSON,          /* "talk to a person" when the chart has no such node */
    FF_KT_TOO_LONG,        /* a typed value over FF_KIOSK_MAX_VALUE */
    FF_KT_PERSON_REASON,   /* the escalation's reason (recorded, for staff) */
    FF_KT_CONFUSING,       /* a remark without the customer's own words */
    FF_KT_NO_AVAILABILITY, /* case note: a visit asked for, no slot known (for staff) */
    FF_KT_CALL_BACK,       /* case note "<this> N <FF_KT_MINUTES> (chart/node)" (for staff) */
    FF_KT_MINUTES,
    FF_KT__COUNT,
};

/* Texts for the customer (the remark included) are in the session's language; notes and
 * reasons for staff in the kiosk's configured language (the site's), whatever the customer
 * chose. */
/* The sentence in locale ("da", "es-ES"; others: en). Never NULL. */
const char *ff_kiosk_text(enum ff_kiosk_text_id id, const char *locale);

#endif
