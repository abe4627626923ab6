/* srv_store_pg.c - placeholder until the PostgreSQL backend lands. */
#include "srv_store_int.h"

enum ff_err srv_store__open_pg(const char *url, struct srv_store *st)
{
    (void)url;
    return srv_store__fail(st, FF_ESTATE, "PostgreSQL backend not built yet");
}
