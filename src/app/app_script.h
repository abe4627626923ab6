/* app_script.h - the script driver (`fieldflow --script FILE`).
 *
 * A line language that feeds the same input calls as SDL does, on a fake clock:
 *   tap ID | type TEXT | key NAME | drag ID DX DY | wait MS | expect-text TEXT |
 *   expect-no-text TEXT | screenshot NAME | size WxH | theme X | locale X | check-ui |
 *   expect-screen NAME | dump (the widget tree to stdout) | echo TEXT (to stdout) |
 *   sleep-real MS (a real pause, for kill and memory tests) | # comment
 * The first failing line stops the script with "FILE:LINE: why" on stderr.
 */
#ifndef FIELDFLOW_APP_SCRIPT_H
#define FIELDFLOW_APP_SCRIPT_H

#include "app_host.h"

/* Runs the script; 0 when every line passed, 1 when one failed, 3 when FILE cannot be read. */
int app_script_run(struct app_host *h, const char *file);

#endif
