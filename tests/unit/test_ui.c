/* test_ui.c - placeholder */
#include "test_ui_kit.h"
int main(void)
{
    struct ui *ui = kit_new(480, 800, 1.0, UI_THEME_NORMAL);
    struct ui_frame_result fr;
    ui_frame_begin(ui, 0);
    ui_button(ui, "a", "A");
    ui_frame_end(ui, &fr);
    ui_destroy(ui);
    return ff_test_finish();
}
