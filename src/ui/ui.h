/* ui.h - fieldflow's widget layer core: immediate-mode, touch-first, draws nothing.
 *
 * A frame is one pass of the caller's UI code between ui_frame_begin() and ui_frame_end().
 * Widgets are calls with string ids that return what happened this frame:
 *
 *     ui_frame_begin(ui, now_ms);
 *     if (ui_button(ui, "kiosk.lang.da", "Dansk"))
 *         lang = "da";
 *     ui_frame_end(ui, &res);
 *
 * Input comes in through plain calls (ui_pointer_*, ui_key, ui_text) made between frames;
 * time comes only through now_ms, so tests and the script driver run on a fake clock.
 * Output is a list of draw commands (ui_commands) and the frame's widget tree (ui_widgets)
 * that tests and the UI-tree checker (ui_check) read. The core includes no SDL header and
 * never allocates after ui_create: every buffer has a capacity fixed at creation and a frame
 * that overflows one is cut short and flagged, never grown.
 *
 * Units: positions and rects (input, commands, widgets) are physical pixels, the backend's;
 * sizes the caller asks for (heights, widths, text sizes) are logical px, which the core
 * multiplies by the scale, as it does its own (48 px targets, 8 px gaps, 18 px text).
 * Ownership: string arguments are borrowed for the call; strings in ui_cmd and ui_widget
 * belong to the handle and live until the next ui_frame_begin.
 * Naming: the module's prefix is `ui_` (STYLE.md 11), not ff_ui_, to keep widget calls short.
 */
#ifndef FIELDFLOW_UI_H
#define FIELDFLOW_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fieldflow/err.h"

struct ui;

/* ---- geometry, colour, fonts ---- */

struct ui_rect {
    int x, y; /* top-left, physical px */
    int w, h; /* size, physical px; never negative */
};

struct ui_color {
    uint8_t r, g, b, a; /* sRGB, a = 255 is opaque */
};

enum ui_font_style {
    UI_FONT_REGULAR = 0,
    UI_FONT_BOLD = 1,
};

/* The backend's text measurer: the advance width in physical px of the UTF-8 run
 * text[0..len) at font size size_px. Must not fail; a run it cannot shape is measured as
 * best it can. The core wraps and ellipsizes with it, so tests pass a fake monospace one. */
typedef int (*ui_measure_fn)(void *user, const char *text, size_t len, int size_px,
                             enum ui_font_style style);

/* ---- themes (ui_theme.c) ---- */

enum ui_theme_id {
    UI_THEME_NORMAL = 0,    /* every text/background pair >= 4.5:1 */
    UI_THEME_HIGH_CONTRAST, /* every pair >= 7:1 */
    UI_THEME_LARGE_TEXT,    /* normal colours, text 1.5x */
    UI_THEME_COUNT,
};

struct ui_theme {
    const char *name;        /* "normal", "high-contrast", "large-text" */
    double min_contrast;     /* what every text pair of this theme must reach */
    double text_scale;       /* 1.0 or 1.5, on top of the UI scale */
    struct ui_color bg;      /* screen background */
    struct ui_color text;    /* body text on bg and on surface */
    struct ui_color surface; /* panels, dialogs, list rows */
    struct ui_color primary; /* buttons, selected chips and tabs, toggles that are on */
    struct ui_color on_primary;
    struct ui_color pressed; /* a button while a finger is on it */
    struct ui_color on_pressed;
    struct ui_color control; /* unselected chips, tabs, toggles, text fields */
    struct ui_color on_control;
    struct ui_color placeholder; /* a text field's hint on control: the text minimum, yet
                                  * >= 2:1 apart from on_control so it reads as a hint */
    struct ui_color toast;       /* toast background */
    struct ui_color on_toast;    /* toast text */
    struct ui_color border;      /* outlines of controls; >= 3:1 against surface */
    struct ui_color focus;       /* focus ring; >= 3:1 against bg and surface */
    struct ui_color scrim;       /* the veil behind a dialog (translucent) */
};

/* One colour pair a theme promises: `fg` drawn on `bg` must reach `min`. */
struct ui_color_pair {
    const char *what; /* "text/bg", "on_primary/primary", ... */
    struct ui_color fg, bg;
    double min; /* the theme's min_contrast for text, 3.0 for rings and borders */
};

/* The built-in theme; NULL if id is out of range. */
const struct ui_theme *ui_theme_get(enum ui_theme_id id);
/* Every fg/bg pair the widgets draw with theme t, into out[0..cap); returns how many there
 * are (even when more than cap). */
size_t ui_theme_pairs(const struct ui_theme *t, struct ui_color_pair *out, size_t cap);
/* WCAG 2 relative luminance of an sRGB colour, 0..1 (alpha ignored). */
double ui_luminance(struct ui_color c);
/* WCAG 2 contrast ratio of two colours, 1..21, symmetric. */
double ui_contrast(struct ui_color a, struct ui_color b);

/* ---- the handle ---- */

struct ui_config {
    int width, height;      /* screen in physical px; 0 is refused */
    double scale;           /* UI scale (HiDPI times user choice); 0 means 1.0 */
    enum ui_theme_id theme; /* UI_THEME_NORMAL if zeroed */
    ui_measure_fn measure;  /* required */
    void *measure_user;     /* passed back to measure */
    size_t max_commands;    /* draw commands per frame; 0 means 4096 */
    size_t max_widgets;     /* widgets per frame; 0 means 1024 */
    size_t arena_bytes;     /* per-frame text arena; 0 means 64 KiB */
    size_t max_states;      /* retained per-id state slots; 0 means 128 */
};

/* Creates a handle; *out is NULL on failure. FF_EINVAL for a bad config, FF_ENOMEM. */
enum ff_err ui_create(const struct ui_config *cfg, struct ui **out);
/* NULL is fine. Clears the text arena (it may hold personal data) before freeing. */
void ui_destroy(struct ui *ui);
/* Between frames: a new screen size (rotation, window resize), scale or theme. */
void ui_set_screen(struct ui *ui, int width, int height, double scale);
void ui_set_theme(struct ui *ui, enum ui_theme_id theme);
const struct ui_theme *ui_current_theme(const struct ui *ui);
double ui_scale(const struct ui *ui);
/* logical px -> physical px at the current scale, rounded. */
int ui_px(const struct ui *ui, int logical);
/* Forgets focus, presses, drags and every retained state, and zeroes the text arena: for a
 * kiosk session ending, so that no personal text stays in the process (text fields'
 * buffers belong to the caller, who clears them). */
void ui_reset(struct ui *ui);
/* The last error text (an overflow this frame, a bad call), "" if none. */
const char *ui_last_error(const struct ui *ui);

/* ---- input, between frames ---- */

enum ui_key {
    UI_KEY_TAB = 1,
    UI_KEY_ENTER,
    UI_KEY_ESCAPE,
    UI_KEY_LEFT,
    UI_KEY_RIGHT,
    UI_KEY_UP,
    UI_KEY_DOWN,
    UI_KEY_BACKSPACE,
    UI_KEY_DELETE,
    UI_KEY_HOME,
    UI_KEY_END,
    UI_KEY_SELECT_ALL, /* Ctrl-A in a text field */
};

enum ui_mod {
    UI_MOD_SHIFT = 1, /* Shift-Tab goes back; Shift with Left/Right/Home/End selects */
};

/* One pointer (mouse or the first finger). A down and up between two frames is a tap. */
void ui_pointer_down(struct ui *ui, int x, int y);
void ui_pointer_move(struct ui *ui, int x, int y);
void ui_pointer_up(struct ui *ui, int x, int y);
/* A mouse wheel or touchpad: dy physical px towards the end (positive = down the list). The
 * list under the pointer scrolls, stopping at its ends. */
void ui_scroll(struct ui *ui, int dy);
/* A key press with UI_MOD_* bits. Tab/Shift-Tab/Up/Down move focus at the next frame's
 * begin; the other keys go to the focused widget in the order they came. */
void ui_key(struct ui *ui, enum ui_key key, unsigned mods);
/* Text typed (UTF-8, from the OS or the on-screen keyboard), in order with the keys; invalid
 * bytes are dropped by the text field. A run longer than the input queue holds is cut. */
void ui_text(struct ui *ui, const char *utf8);

/* ---- frames ---- */

#define UI_NO_TIMER UINT64_MAX

struct ui_frame_result {
    bool changed;           /* the draw commands differ from the last frame's */
    uint64_t next_timer_ms; /* when to run a frame without input (fling, toast); or UI_NO_TIMER */
    bool overflow;          /* a capacity was hit; the frame is cut short (ui_last_error) */
};

/* now_ms must not go backwards (it is clamped if it does). */
void ui_frame_begin(struct ui *ui, uint64_t now_ms);
void ui_frame_end(struct ui *ui, struct ui_frame_result *out);

/* ---- layout (ui_layout.c) ----
 * The screen, minus a 16 px padding, is a column: each widget takes the full width and its
 * natural height, 8 px below the last. ui_layout_row makes the next n widgets share one
 * row. ui_layout_push narrows placement to a rect (a side panel in landscape); containers
 * (lists, dialogs) push their own. Everything scales with ui_scale. */

#define UI_ROW_MAX 16 /* widgets one ui_layout_row can share a line among */

/* The next `n` widgets share the current line in equal widths; height in logical px, 0 = their
 * natural height (at least 48 px), -1 = the rest of the container. n is 1..UI_ROW_MAX: a
 * larger n is a frame error (overflow, ui_last_error) and the row takes UI_ROW_MAX widgets,
 * the rest flow below them. */
void ui_layout_row(struct ui *ui, int n, int height);
/* Like ui_layout_row with weights: widths[i] is a share of the line (e.g. {2, 1}). */
void ui_layout_row_weights(struct ui *ui, int n, const int *weights, int height);
/* Takes the next slot of the flow, h logical px high (or the row's height), for a
 * sub-container (ui_layout_push) or the caller's own drawing. */
struct ui_rect ui_layout_take(struct ui *ui, int h);
/* The next widget is placed exactly at r (physical px; ignores the flow). */
void ui_layout_set_next(struct ui *ui, struct ui_rect r);
/* Place widgets inside r (with padding) until ui_layout_pop; bounded depth (16). */
void ui_layout_push(struct ui *ui, struct ui_rect r);
void ui_layout_pop(struct ui *ui);
/* Vertical space of h logical px. */
void ui_layout_space(struct ui *ui, int h);
/* The rect still free in the current container: for portrait/landscape decisions. */
struct ui_rect ui_layout_free(const struct ui *ui);
/* The screen rect. */
struct ui_rect ui_screen(const struct ui *ui);

/* ---- widgets (ui_widgets.c, ui_list.c, ui_field.c, ui_overlay.c) ---- */

enum ui_result {
    UI_RES_CLICK = 1,       /* tapped or Enter while focused */
    UI_RES_CHANGE = 2,      /* the value changed */
    UI_RES_SUBMIT = 4,      /* Enter in a text field */
    UI_RES_DISMISS = 8,     /* Esc in a dialog */
    UI_RES_LONG_PRESS = 16, /* held down 500 ms (ui_button_hold) */
};

/* Wrapped text, not interactive. `size` is a text size in logical px (0 = body, 18). A NULL id
 * draws the text without a widget entry (decoration the checker and scripts need not see);
 * NULL text is "". */
void ui_label(struct ui *ui, const char *id, const char *text, int size, enum ui_font_style st);
/* A button; true when it was tapped (down and up on it) or Enter was pressed on it. The label
 * wraps by words onto up to 3 lines (the button grows to hold them, at least 48 px); only
 * what does not fit then, or does not fit a fixed row height, is ellipsized. Chips, list rows
 * and toggle labels wrap the same way. */
bool ui_button(struct ui *ui, const char *id, const char *label);
/* A button that also reports a long press: UI_RES_LONG_PRESS once it has been held 500 ms
 * (the core asks for the timer frame), and then no click when it is let go. For keys of the
 * on-screen keyboard that offer accents. Returns UI_RES_* bits. Plain buttons never do this,
 * so a slow press still clicks them. */
int ui_button_hold(struct ui *ui, const char *id, const char *label);
/* A switch with a label; flips *on and returns true when tapped. The switch is always whole at
 * the right of the rect; the label wraps (then ellipsizes) in the rest. */
bool ui_toggle(struct ui *ui, const char *id, const char *label, bool *on);
/* One-of-n choice chips (large buttons, wrapping onto more lines); *selected is -1 or an
 * index; returns true when it changed. Each chip's id is "<id>.<index>". */
bool ui_chips(struct ui *ui, const char *id, const char *const *labels, int n, int *selected);
/* Tabs across the width; like ui_chips, Left/Right move the selection when focused. */
bool ui_tabs(struct ui *ui, const char *id, const char *const *labels, int n, int *selected);
/* A progress bar, value 0..1 (clamped), with an optional label ("Step 3 of about 7"). */
void ui_progress(struct ui *ui, const char *id, double value, const char *label);
/* An image by name (the backend resolves it), w x h logical px. */
void ui_image(struct ui *ui, const char *id, const char *name, int w, int h);

/* A single-line text field editing buf (UTF-8, NUL-terminated, cap bytes with the NUL).
 * Returns UI_RES_CHANGE when buf changed and UI_RES_SUBMIT on Enter. Tapping focuses it;
 * keys: Left/Right (Shift selects), Home/End, Backspace/Delete by grapheme, select-all. */
int ui_textfield(struct ui *ui, const char *id, char *buf, size_t cap, const char *placeholder);

/* A vertical list of height h logical px (0 = the rest of the container) that scrolls by
 * drag, fling with inertia and a rubber band at its ends. Widgets between begin and end are
 * its rows; rows outside the viewport are only placed (no widget, no commands), so 1,000 rows
 * cost what the visible ones cost. The row just beyond each edge is in the focus order but
 * not drawn, so Down/Tab walk the whole list, scrolling it. Lists do not nest. */
void ui_list_begin(struct ui *ui, const char *id, int h);
/* A row of the list: a full-width button; true when tapped (not when the list was dragged). */
bool ui_list_item(struct ui *ui, const char *id, const char *text);
void ui_list_end(struct ui *ui);
/* The list's scroll offset in px (for tests and the tree dump); 0 if it has no state. */
double ui_list_offset(const struct ui *ui, const char *id);

/* A modal dialog over a scrim; the widgets until ui_dialog_end are its content and the only
 * ones that take input while it is open (from its second frame on, until the frame after the
 * last one that called it). Returns UI_RES_DISMISS
 * when Esc was pressed. Always pair with ui_dialog_end. */
int ui_dialog_begin(struct ui *ui, const char *id, const char *title);
void ui_dialog_end(struct ui *ui);
/* A toast at the bottom for duration_ms from the first of a run of consecutive frames that
 * call it; returns false (and draws nothing) once it has expired. */
bool ui_toast(struct ui *ui, const char *id, const char *text, uint32_t duration_ms);

/* A signature pad: strokes drawn with a finger or the mouse inside a box of logical height
 * h, kept in caller memory so they outlive the frame (the engineer's report stores them).
 * Points are in logical px from the pad's top-left, one point a frame while the pen moves
 * (closer than 2 px to the last one: dropped); a point with x == UI_SIG_PEN_UP ends a stroke.
 * When pts is full, further points are dropped and `full` is set. Returns UI_RES_CHANGE on
 * the frame a stroke ends. The pad is a touch target like a button (Tab focus, pressed). */
#define UI_SIG_PEN_UP INT16_MIN
struct ui_sig_point {
    int16_t x, y;
};
struct ui_signature {
    struct ui_sig_point *pts; /* caller's array of cap points */
    size_t n, cap;
    bool full;
};
int ui_signature_pad(struct ui *ui, const char *id, struct ui_signature *sig, int h);
/* Forgets the strokes, wiping the points (a signature is personal data). */
void ui_signature_clear(struct ui_signature *sig);
/* Strokes in sig (pen-up marks and a trailing open stroke counted). */
size_t ui_signature_strokes(const struct ui_signature *sig);

/* ---- output ---- */

enum ui_cmd_type {
    UI_CMD_CLIP = 1, /* clip later commands to rect (the screen rect resets it) */
    UI_CMD_RECT,     /* rect filled (thickness 0) or outlined, corners of radius */
    UI_CMD_TEXT,     /* text run at rect.x, rect.y (top of the line box), one line */
    UI_CMD_IMAGE,    /* image `text` (its name) scaled into rect */
    UI_CMD_LINE,     /* line from (rect.x, rect.y) to (x2, y2) */
};

struct ui_cmd {
    enum ui_cmd_type type;
    struct ui_rect rect;
    struct ui_color color;
    int radius;       /* RECT: corner radius, 0 = square */
    int thickness;    /* RECT: 0 = filled, else the outline width; LINE: width */
    int x2, y2;       /* LINE: end point */
    const char *text; /* TEXT: the run (NUL-terminated); IMAGE: the name */
    int font_px;      /* TEXT: size in px */
    enum ui_font_style style;
};

enum ui_role {
    UI_ROLE_LABEL = 1,
    UI_ROLE_BUTTON,
    UI_ROLE_TOGGLE,
    UI_ROLE_CHIP,
    UI_ROLE_TAB,
    UI_ROLE_PROGRESS,
    UI_ROLE_IMAGE,
    UI_ROLE_TEXTFIELD,
    UI_ROLE_LIST,
    UI_ROLE_LIST_ITEM,
    UI_ROLE_DIALOG,
    UI_ROLE_TOAST,
    UI_ROLE_SIGNATURE,
};

struct ui_widget {
    const char *id; /* the caller's id */
    enum ui_role role;
    struct ui_rect rect;    /* the whole widget, on screen (may extend past a list's viewport) */
    struct ui_rect clip;    /* the region it may be seen in (screen, or a list's viewport) */
    const char *text;       /* the text as shown (ellipsized), or the field's value; "" if none */
    struct ui_color fg, bg; /* text colour and the colour behind the text */
    int font_px;            /* text size, 0 if no text */
    int layer;              /* 0 screen, 1 dialog, 2 toast */
    int parent;             /* index of the list or dialog holding it, -1 if none */
    bool interactive;       /* a touch target (checked for size and spacing) */
    bool focused;           /* has keyboard focus */
    bool focus_visible;     /* the focus ring is drawn (focus came from the keyboard) */
    bool pressed;           /* a finger or button is down on it */
    bool checked;           /* toggle on, chip or tab selected */
    bool text_clipped;      /* its text did not fit and was ellipsized or cut */
};

const struct ui_cmd *ui_commands(const struct ui *ui, size_t *n);
const struct ui_widget *ui_widgets(const struct ui *ui, size_t *n);
/* The widget with this id in the last frame, or NULL. */
const struct ui_widget *ui_find(const struct ui *ui, const char *id);

/* The last frame's widget tree as text, one line per widget, children indented under their
 * list or dialog, e.g.
 *   button ok 16,16 448x48 "OK" fg #FFFFFF bg #0B5CAD focused pressed
 * into out (cap bytes, NUL-terminated, cut at a line end if short). Returns the length the
 * whole dump needs, without the NUL (as snprintf does). For the script driver and reviews. */
size_t ui_dump(const struct ui *ui, char *out, size_t cap);
/* "button", "list-item", ... */
const char *ui_role_name(enum ui_role role);

/* ---- text helpers (ui_text.c), exposed for the backend and tests ---- */

/* Byte offsets where a word-wrapped text breaks into lines of at most max_w px: line i is
 * text[starts[i] .. starts[i+1]) with trailing spaces dropped. Returns the number of lines
 * (even when more than cap). A word wider than max_w is broken between graphemes. */
size_t ui_wrap(ui_measure_fn m, void *mu, const char *text, int size_px, enum ui_font_style st,
               int max_w, size_t *starts, size_t cap);
/* The longest prefix of text (at a grapheme boundary) that with "…" fits max_w px, written
 * to out (cap bytes, NUL-terminated). Returns true if text had to be shortened. */
bool ui_ellipsize(ui_measure_fn m, void *mu, const char *text, int size_px, enum ui_font_style st,
                  int max_w, char *out, size_t cap);

/* ---- the UI-tree checker (ui_check.c) ---- */

enum ui_finding_kind {
    UI_FIND_TARGET_SIZE = 1, /* an interactive widget under 48x48 logical px */
    UI_FIND_SPACING,         /* two targets closer than 8 logical px (or overlapping) */
    UI_FIND_CONTRAST,        /* text colour on its background under the theme's minimum */
    UI_FIND_CLIPPED,         /* text ellipsized or cut */
    UI_FIND_OFF_SCREEN,      /* a visible part outside the screen */
    UI_FIND_DUPLICATE_ID,    /* two widgets with one id in a frame */
};

struct ui_finding {
    enum ui_finding_kind kind;
    char id[64];       /* the widget's id (cut to fit) */
    char message[192]; /* "kiosk.ok: 40x48 px, targets need 48x48 px (scale 1.00)" */
};

struct ui_check_opts {
    struct ui_rect screen; /* the screen */
    double scale;          /* the UI scale the sizes are checked at */
    double min_contrast;   /* 4.5 or 7 (the theme's) */
};

/* Checks a widget tree; writes up to cap findings and returns how many there are (even
 * when more than cap). Zero means the frame passed. */
size_t ui_check_tree(const struct ui_widget *w, size_t n, const struct ui_check_opts *o,
                     struct ui_finding *out, size_t cap);
/* ui_check_tree on the last frame of ui with its screen, scale and theme. */
size_t ui_check(const struct ui *ui, struct ui_finding *out, size_t cap);
/* "target-size", "spacing", ... for reports. */
const char *ui_finding_name(enum ui_finding_kind k);

#endif
