#include <stdio.h>
#include <string.h>

#include "tater/err.h"

int tater_verrf(struct tater_err *err, int code, const char *fmt, va_list ap)
{
	if (err) {
		err->code = code;
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	}
	return code;
}

int tater_errf(struct tater_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tater_verrf(err, code, fmt, ap);
	va_end(ap);
	return code;
}

void tater_err_prefix(struct tater_err *err, const char *fmt, ...)
{
	char head[256], old[sizeof(err->msg)];
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", head, old);
}

void tater_err_clear(struct tater_err *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}

const char *tater_errname(int code)
{
	switch (code) {
	case TATER_OK: return "ok";
	case TATER_EINVAL: return "invalid";
	case TATER_ENOMEM: return "memory";
	case TATER_EIO: return "io";
	case TATER_ECRYPTO: return "crypto";
	case TATER_EAUTH: return "auth";
	case TATER_ENET: return "network";
	case TATER_EHTTP: return "http";
	case TATER_ESCHEMA: return "schema";
	case TATER_EBUSY: return "busy";
	case TATER_ENOTFOUND: return "not-found";
	case TATER_EPERM: return "permission";
	case TATER_ECANCELED: return "canceled";
	case TATER_ETIMEOUT: return "timeout";
	case TATER_EFORMAT: return "format";
	case TATER_EEXIST: return "exists";
	}
	return "error";
}
