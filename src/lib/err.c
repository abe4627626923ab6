/* err.c - texts for enum ff_err. */
#include "fieldflow/err.h"

const char *ff_strerror(enum ff_err err)
{
    switch (err) {
    case FF_OK:
        return "success";
    case FF_ENOMEM:
        return "out of memory";
    case FF_EINVAL:
        return "invalid argument";
    case FF_EIO:
        return "input/output error";
    case FF_EPARSE:
        return "malformed input";
    case FF_EINVALID:
        return "input breaks a rule";
    case FF_ELIMIT:
        return "input exceeds a limit";
    case FF_ENOTFOUND:
        return "not found";
    case FF_ESTATE:
        return "not allowed in this state";
    case FF_EGRAPHVIZ:
        return "graphviz failed";
    case FF_EDB:
        return "database error";
    case FF_EFULL:
        return "disk full";
    case FF_EREADONLY:
        return "read-only store";
    case FF_ECORRUPT:
        return "stored data is corrupt";
    case FF_EVERSION:
        return "unknown version";
    }
    return "unknown error";
}
