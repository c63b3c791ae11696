/* validate.h - checks for values a person types (forms, command line).
 * Each returns 0 when valid, else -1 and a short message for beside the field. */
#ifndef TATER_VALIDATE_H
#define TATER_VALIDATE_H

#include <stddef.h>

int valid_guid(const char *s, char *msg, size_t n);
/* A DNS name such as contoso.onmicrosoft.com. */
int valid_domain(const char *s, char *msg, size_t n);
/* A GUID or a domain: what Entra accepts as a tenant. */
int valid_tenant(const char *s, char *msg, size_t n);
/* https://host[:port][/path] with no credentials or fragment; http only to loopback
 * (127.0.0.0/8, localhost, [::1]) so tests and the simulator work. */
int valid_service_url(const char *s, char *msg, size_t n);
/* A whole number in [lo, hi]; *out gets it. */
int valid_int_range(const char *s, long lo, long hi, long *out, char *msg, size_t n);
/* A calendar date YYYY-MM-DD. */
int valid_date(const char *s, char *msg, size_t n);

#endif
