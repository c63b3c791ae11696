/* err.h - the error convention shared by every module.
 *
 * Functions return 0 on success or a negative TATER_E* code, and fill a
 * struct tater_err with a message a person can act on.  The message never
 * holds a secret: callers pass names and paths, not values. */
#ifndef TATER_ERR_H
#define TATER_ERR_H

#include <stdarg.h>

enum tater_errcode {
	TATER_OK = 0,
	TATER_EINVAL = -1,   /* bad argument or input */
	TATER_ENOMEM = -2,
	TATER_EIO = -3,      /* file system or database I/O */
	TATER_ECRYPTO = -4,  /* a value failed to open, or a crypto primitive failed */
	TATER_EAUTH = -5,    /* wrong passphrase, bad credentials */
	TATER_ENET = -6,     /* transport failure */
	TATER_EHTTP = -7,    /* the service answered with an error */
	TATER_ESCHEMA = -8,  /* store too new, or migration failed */
	TATER_EBUSY = -9,    /* resource held by someone else */
	TATER_ENOTFOUND = -10,
	TATER_EPERM = -11,   /* refused: role, read-only mode, file mode */
	TATER_ECANCELED = -12,
	TATER_ETIMEOUT = -13,
	TATER_EFORMAT = -14, /* malformed data from outside */
	TATER_EEXIST = -15,
};

struct tater_err {
	int code;
	char msg[512];
};

/* Set err (may be NULL) and return code, so callers can `return tater_errf(...)`. */
int tater_errf(struct tater_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int tater_verrf(struct tater_err *err, int code, const char *fmt, va_list ap);

/* Prefix an existing message: "context: old message". */
void tater_err_prefix(struct tater_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void tater_err_clear(struct tater_err *err);

/* A short name for a code ("io", "auth", ...). */
const char *tater_errname(int code);

#endif
