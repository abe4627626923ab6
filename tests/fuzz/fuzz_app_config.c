/* fuzz_app_config.c - the config file parser on arbitrary bytes.
 * Property: a refusal leaves the settings untouched and names a position "f:L:C:" within
 * the input; an accepted file yields settings inside their documented ranges, and parsing
 * it again on top of its own result changes nothing (idempotent). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ff_app_config c, before, again;
    ff_app_config_defaults(&c);
    before = c;
    char err[512];
    enum ff_err e = ff_app_config_parse(&c, (const char *)data, size, "f", err, sizeof err);
    if (e) {
        if (memcmp(&c, &before, sizeof c) != 0)
            abort();
        if (e != FF_ELIMIT && strncmp(err, "f:", 2) != 0)
            abort();
        return 0;
    }
    if (c.width < 320 || c.width > 7680 || c.height < 320 || c.height > 4320 || c.idle_s < 10 ||
        c.idle_s > 3600 || (c.admin_pin_hash[0] && strncmp(c.admin_pin_hash, "$argon2id$", 10)))
        abort();
    again = c;
    if (ff_app_config_parse(&again, (const char *)data, size, "f", err, sizeof err) ||
        memcmp(&again, &c, sizeof c) != 0)
        abort();
    return 0;
}
