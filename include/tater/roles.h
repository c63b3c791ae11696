/* roles.h - who may do what inside the console: viewer, responder, admin.
 *
 * The real boundary on a jump host is Unix (file modes on the store, the
 * vault passphrase); roles guard against mistakes and make approval rules
 * ("an admin other than the author") enforceable.  A user's role is the row
 * in `roles`, else admin for the user who created the store (meta
 * 'created_by'), else viewer. */
#ifndef TATER_ROLES_H
#define TATER_ROLES_H

#include "tater/err.h"

struct store;

/* Ordered: a higher role may do everything a lower one may. */
enum store_role {
	STORE_ROLE_VIEWER = 0,	  /* reads */
	STORE_ROLE_RESPONDER = 1, /* works incidents, drafts playbooks */
	STORE_ROLE_ADMIN = 2,	  /* approves, changes settings and roles */
};

/* "viewer", "responder", "admin". */
const char *store_role_name(enum store_role r);
/* Parse a role name; 0 or TATER_EINVAL naming the valid ones. */
int store_role_parse(const char *name, enum store_role *out, struct tater_err *err);

/* The role of user (any OS user name, not only the actor). */
int store_role_of(struct store *s, const char *user, enum store_role *out, struct tater_err *err);

/* 0 when the actor holds at least `need`; else TATER_EPERM with a message
 * saying who lacks which role to do `what` ("approve a playbook"). */
int store_role_require(struct store *s, enum store_role need, const char *what,
		       struct tater_err *err);

/* Grant user a role (the actor must be an admin).  Recorded in the activity
 * log.  Refused when it would leave the store without any admin. */
int store_role_set(struct store *s, const char *user, enum store_role role, struct tater_err *err);

#endif
