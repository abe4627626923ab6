/* err.h - the one error enum of libfieldflow.
 *
 * Every action returns an enum ff_err. The readable detail of a failure (file:line:column,
 * JSON path, field, event id) lives on the handle that failed, as its last error text.
 */
#ifndef FIELDFLOW_ERR_H
#define FIELDFLOW_ERR_H

enum ff_err {
    FF_OK = 0,
    FF_ENOMEM,    /* an allocation failed; nothing changed */
    FF_EINVAL,    /* a bad argument from the caller */
    FF_EIO,       /* reading or writing a file failed */
    FF_EPARSE,    /* outside input is not well formed (JSON, DOT, snapshot) */
    FF_EINVALID,  /* well formed, but breaks a rule (a chart that does not validate) */
    FF_ELIMIT,    /* outside input exceeds a size, depth or count bound */
    FF_ENOTFOUND, /* a named thing (chart, node, option, field) does not exist */
    FF_ESTATE,    /* not allowed in the current state (choosing at an end node) */
    FF_EGRAPHVIZ, /* Graphviz failed to lay out or render */
    FF_EDB,       /* the database failed */
    FF_EFULL,     /* the disk is full */
    FF_EREADONLY, /* the store cannot be written */
    FF_ECORRUPT,  /* stored data fails its own checks */
    FF_EVERSION,  /* a format or schema version this build does not know */
};

/* A short static English description of err; never NULL. */
const char *ff_strerror(enum ff_err err);

#endif
