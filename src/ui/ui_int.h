/* ui_int.h - the widget layer's handle and the helpers its files share (not for callers). */
#ifndef FIELDFLOW_UI_INT_H
#define FIELDFLOW_UI_INT_H

#include "ui.h"

#define UI_MAX_EVENTS 64   /* keys and text runs queued between two frames */
#define UI_EVENT_TEXT 512  /* bytes of typed text queued between two frames */
#define UI_LAYOUT_DEPTH 16 /* nested layout containers */
#define UI_LAYERS 3        /* 0 screen, 1 dialog, 2 toast */
#define UI_TOUCH_SLOP 8    /* logical px a finger may wander before it is a drag */
#define UI_TARGET 48       /* logical px: the smallest touch target */
#define UI_GAP 8           /* logical px between targets */
#define UI_PAD 16          /* logical px of padding in containers */
#define UI_HOLD_MS 500     /* ms held down for a long press */
#define UI_BODY_PX 18      /* logical px of body text */
#define UI_TARGET_LINES 3  /* lines a target's label wraps onto before it is ellipsized */

enum ui_event_kind { UI_EV_KEY = 1, UI_EV_TEXT };

struct ui_event {
    enum ui_event_kind kind;
    enum ui_key key; /* UI_EV_KEY */
    unsigned mods;   /* UI_EV_KEY: UI_MOD_* */
    size_t off, len; /* UI_EV_TEXT: the run in ui->evtext */
};

enum ui_state_kind { UI_ST_FREE = 0, UI_ST_LIST, UI_ST_FIELD, UI_ST_TOAST, UI_ST_DIALOG };

/* What an id keeps from frame to frame. Slots are reused least-recently-used; a slot used in
 * the current frame is never taken, so a frame with more stateful widgets than slots runs the
 * extra ones without memory (a list does not scroll) and sets the overflow flag. */
struct ui_state {
    uint64_t id;         /* the widget id's hash; 0 = free */
    uint64_t last_frame; /* the frame that last used it */
    enum ui_state_kind kind;
    union {
        struct {
            double offset;       /* scroll offset, px; outside [0, max] while rubber-banding */
            double vel;          /* px per ms, positive scrolls towards the end */
            double content_h;    /* the rows' height last frame */
            double drag_offset0; /* offset when the drag started */
            int drag_y0;         /* pointer y when the drag started */
            int last_y;          /* pointer y at the last movement, for the velocity */
            uint64_t last_move;  /* now_ms of that movement */
            bool dragging;       /* a finger is dragging it */
            bool moving;         /* flinging or springing back: wants timer frames */
        } list;
        struct {
            size_t cursor, anchor; /* byte offsets; the selection is between them */
            int scroll_x;          /* px of text hidden left of the field */
        } field;
        struct {
            uint64_t start_ms;   /* when the run of frames showing it began */
            uint64_t seen_frame; /* the last frame that called it */
        } toast;
        struct {
            int h; /* the panel's height last frame, to centre it */
        } dialog;
    } u;
};

struct ui_box {
    struct ui_rect r;            /* the container's inner rect */
    int y;                       /* next free y in it */
    int row_n;                   /* widgets left in the current row, 0 = column flow */
    int row_count;               /* widgets in the current row */
    int row_i;                   /* the next widget's slot in the row */
    int row_h;                   /* the row's fixed height, 0 = natural */
    int row_weights[UI_ROW_MAX]; /* the current row's weights */
    int row_total;               /* sum of the weights */
    int row_tallest;             /* the tallest widget placed in the row so far */
};

struct ui_list_ctx {
    bool open;
    struct ui_state *st; /* NULL if no slot was free */
    struct ui_rect view; /* the viewport */
    int widget;          /* index of the list's widget */
    int content_top;     /* y of the first row before scrolling */
    uint64_t id;
};

struct ui {
    /* configuration */
    int width, height;
    double scale;
    const struct ui_theme *theme;
    ui_measure_fn measure;
    void *measure_user;

    /* time */
    uint64_t now, prev_now; /* this frame's and last frame's now_ms */
    uint64_t frame;         /* frame counter, from 1 */

    /* pointer: positions are the latest; the edges say what happened since the last frame */
    int px, py;
    bool down;          /* a finger or button is down now */
    bool pressed_edge;  /* it went down since the last frame */
    bool released_edge; /* it went up since the last frame */
    int down_x, down_y; /* where it went down */
    int up_x, up_y;     /* where it went up */
    uint64_t active;    /* the widget that captured the pointer, 0 = none */
    uint64_t press_ms;  /* now_ms of the frame that saw the press */
    bool held;          /* the current press has fired a long press */
    int wheel;          /* wheel px since the last frame, for the list under the pointer */

    /* keys and text */
    struct ui_event ev[UI_MAX_EVENTS];
    size_t nev;
    char evtext[UI_EVENT_TEXT];
    size_t evtext_len;
    bool input_lost; /* the queue was full: reported by the next frame */

    /* focus */
    uint64_t focus;               /* the focused widget, 0 = none */
    bool focus_visible;           /* focus came from the keyboard: draw the ring */
    bool focus_seen;              /* the focused widget was built this frame */
    uint64_t *order, *order_prev; /* focusable ids in call order (this frame, last frame) */
    size_t norder, norder_prev;

    /* layers and the modal dialog */
    int layer;                  /* the layer widgets go to now */
    uint64_t modal, modal_prev; /* the open dialog this frame / last frame, 0 = none */
    int dialog_widget;          /* index of the open dialog's widget, -1 */
    size_t dialog_cmd;          /* index of its panel's rect command, patched at its end */
    struct ui_state *dialog_st; /* its state (NULL if no slot was free) */

    /* output */
    struct ui_cmd *cmds; /* in call order */
    int *cmd_layer;      /* each command's layer */
    struct ui_cmd *out;  /* sorted by layer at frame end */
    size_t ncmd, nout, max_cmds;
    struct ui_widget *widgets;
    size_t nwidgets, max_widgets;
    char *arena;
    size_t arena_used, arena_cap;
    uint64_t last_hash; /* of the last frame's commands */
    uint64_t timer;     /* the earliest timer requested this frame */
    bool overflow;
    char err[256];

    /* retained state */
    struct ui_state *states;
    size_t nstates;

    /* layout */
    struct ui_box box[UI_LAYOUT_DEPTH];
    int depth;
    bool has_next;
    struct ui_rect next;
    struct ui_list_ctx list;
};

/* ui_core.c */
uint64_t ui_hash(const char *id);
void ui_error(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *ui_strdup_frame(struct ui *ui, const char *s, size_t len);
void ui_push_cmd(struct ui *ui, const struct ui_cmd *c);
void ui_push_rect(struct ui *ui, struct ui_rect r, struct ui_color c, int radius, int thick);
void ui_push_text(struct ui *ui, int x, int y, const char *s, size_t len, int px,
                  enum ui_font_style st, struct ui_color c);
void ui_push_clip(struct ui *ui, struct ui_rect r);
int ui_push_widget(struct ui *ui, const char *id, enum ui_role role, struct ui_rect r);
struct ui_state *ui_state_get(struct ui *ui, uint64_t id, enum ui_state_kind kind);
void ui_want_timer(struct ui *ui, uint64_t at_ms);
bool ui_contains(struct ui_rect r, int x, int y);
struct ui_rect ui_intersect(struct ui_rect a, struct ui_rect b);
struct ui_rect ui_current_clip(const struct ui *ui);
int ui_text_px(const struct ui *ui, int logical);
int ui_line_h(int font_px);
int ui_measure(const struct ui *ui, const char *s, size_t len, int px, enum ui_font_style st);

/* Pointer and keyboard behaviour shared by every target: claims the pointer on a press inside
 * r, reports a click on release inside r or Enter while focused, fills w's state flags. */
int ui_behave(struct ui *ui, uint64_t id, struct ui_rect r, int widget);
/* ui_behave plus UI_RES_LONG_PRESS after UI_HOLD_MS held; no click after a long press. */
int ui_behave_hold(struct ui *ui, uint64_t id, struct ui_rect r, int widget);
/* Whether widgets in the current layer take input (a dialog open last frame blocks layer 0). */
bool ui_live(const struct ui *ui);
/* The focus ring around r when w is focused by keyboard. */
void ui_draw_focus(struct ui *ui, struct ui_rect r, int widget);

/* ui_widgets.c: the labels of targets (buttons, chips, list rows, toggles) */
/* How many lines (1..UI_TARGET_LINES) label s wraps onto in a target w px wide. */
int ui_target_lines(const struct ui *ui, const char *s, int px, enum ui_font_style st, int w);
/* A target's height for that many lines of text: at least UI_TARGET logical px. */
int ui_target_h(const struct ui *ui, int font_px, int lines);
/* Label s in r, wrapped by words onto the lines r's height holds (at most UI_TARGET_LINES),
 * the last of them ellipsized if the rest does not fit; centred or left-aligned, vertically
 * centred. Records text, colours and text_clipped on widget w (if w >= 0). */
void ui_text_block(struct ui *ui, int w, struct ui_rect r, const char *s, int px,
                   enum ui_font_style st, struct ui_color fg, struct ui_color bg, bool centre);

/* ui_layout.c */
struct ui_rect ui_layout_next(struct ui *ui, int natural_h);
/* The width the next ui_layout_next will give, to measure text before placing it. */
int ui_layout_next_w(const struct ui *ui);
void ui_layout_reset(struct ui *ui);
/* Pushes a container at r with pad px of padding; false (and overflow) when too deep. */
bool ui_layout_push_pad(struct ui *ui, struct ui_rect r, int pad);
struct ui_box *ui_layout_top(struct ui *ui);

/* ui_text.c */
size_t ui_utf8_next(const char *s, size_t len, size_t i); /* next code point start */
size_t ui_utf8_prev(const char *s, size_t i);             /* previous code point start */
size_t ui_grapheme_next(const char *s, size_t len, size_t i);
size_t ui_grapheme_prev(const char *s, size_t len, size_t i);
bool ui_utf8_valid(const char *s, size_t len);

/* A text-editing buffer: buf holds len bytes of valid UTF-8 plus a NUL, cap with the NUL. */
struct ui_edit {
    char *buf;
    size_t cap, len;
    size_t cursor, anchor; /* grapheme boundaries; the selection is between them */
};
/* Clamps cursor and anchor to grapheme boundaries within len (after the caller changed buf). */
void ui_edit_fix(struct ui_edit *e);
/* Inserts s[0..n) replacing the selection; invalid UTF-8 is dropped, and what does not fit
 * is cut at a code point boundary. Returns true if the buffer changed. */
bool ui_edit_insert(struct ui_edit *e, const char *s, size_t n);
/* Applies an editing key; returns true if the buffer (not just the cursor) changed. */
bool ui_edit_key(struct ui_edit *e, enum ui_key key, unsigned mods);

/* ui_list.c */
void ui_list_scroll_to(struct ui *ui, struct ui_rect item);

#endif
