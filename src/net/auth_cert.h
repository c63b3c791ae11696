/* auth_cert.h - private to src/net: the certificate check auth.c runs at configuration. */
#ifndef TATER_NET_AUTH_CERT_H
#define TATER_NET_AUTH_CERT_H

#include <stddef.h>

#include "tater/err.h"

/* Does pem hold a certificate and its unencrypted RSA private key? */
int auth_cert_check(const char *pem, size_t len, struct tater_err *err);

#endif
