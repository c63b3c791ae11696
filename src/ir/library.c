/* library.c - the playbook library: pre-built and custom playbooks, their
 * revisions, approval, import and export. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "ir_internal.h"
#include "tater/activity.h"
#include "tater/roles.h"
#include "tater/store.h"
#include "tater/validate.h"

/* Who "wrote" and "approved" the shipped content. */
#define IR_SHIPPED_BY "tater"

static int is_readonly(struct store *s)
{
	return sqlite3_db_readonly(store_db(s), "main") == 1;
}

static void today(char buf[16])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, 16, "%Y-%m-%d", &tm);
}

/* ---- pre-built playbooks ---- */

static int link_alert_types(struct store *s, int64_t pb, const struct ir_file *f, int replace,
			    struct tater_err *err)
{
	for (size_t i = 0; i < f->n_alert_types; i++) {
		sqlite3_stmt *st;
		int ret;

		if ((ret = store_prepare(s, &st,
				replace ? "INSERT OR REPLACE INTO alert_type_playbooks"
					  " (detection_type, playbook_id) VALUES (?, ?)"
					: "INSERT OR IGNORE INTO alert_type_playbooks"
					  " (detection_type, playbook_id) VALUES (?, ?)",
				err)) < 0)
			return ret;
		sqlite3_bind_text(st, 1, f->alert_types[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, pb);
		if ((ret = store_step_done(s, st, "linking alert types", err)) < 0)
			return ret;
	}
	return 0;
}

static int insert_playbook(struct store *s, const struct ir_file *f, int builtin,
			   const char *creator, int64_t *id, struct tater_err *err)
{
	sqlite3_stmt *st;
	char now[32];
	int ret;

	store_now(now);
	if ((ret = store_prepare(s, &st,
			"INSERT INTO playbooks (slug, name, incident_type, owner, review_due,"
			" builtin, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			err)) < 0)
		return ret;
	sqlite3_bind_text(st, 1, f->slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->incident_type, -1, SQLITE_STATIC);
	store_bind_opt(st, 4, f->owner);
	store_bind_opt(st, 5, f->review_due);
	sqlite3_bind_int(st, 6, builtin);
	sqlite3_bind_text(st, 7, creator, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_errcode(store_db(s)) == SQLITE_CONSTRAINT)
			ret = tater_errf(err, TATER_EEXIST, "a playbook '%s' exists already",
					 f->slug);
		else
			ret = store_sqlerr(s, "saving the playbook", err);
		sqlite3_finalize(st);
		return ret;
	}
	sqlite3_finalize(st);
	*id = sqlite3_last_insert_rowid(store_db(s));
	return 0;
}

static int insert_revision(struct store *s, int64_t pb, int revno, const struct ir_body *b,
			   const char *summary, const char *author, const char *approved_by,
			   struct tater_err *err)
{
	sqlite3_stmt *st;
	char now[32], *body = ir_body_dump(b);
	int ret;

	if (!body)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	store_now(now);
	if ((ret = store_prepare(s, &st,
			"INSERT INTO playbook_revisions (playbook_id, revno, body, summary, author,"
			" created_at, status, reviewed_by, reviewed_at)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			err)) < 0) {
		free(body);
		return ret;
	}
	sqlite3_bind_int64(st, 1, pb);
	sqlite3_bind_int(st, 2, revno);
	sqlite3_bind_text(st, 3, body, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, summary && *summary ? summary : "(no summary)", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, author, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, approved_by ? "approved" : "draft", -1, SQLITE_STATIC);
	store_bind_opt(st, 8, approved_by);
	store_bind_opt(st, 9, approved_by ? now : NULL);
	ret = store_step_done(s, st, "saving the revision", err);
	free(body);
	return ret;
}

int ir_library_ensure(struct store *s, int *added, struct tater_err *err)
{
	size_t nfiles;
	const struct tater_embedded *files = ir_builtin_files(&nfiles);
	sqlite3_stmt *st;
	int64_t have = 0;
	int ret, count = 0;

	if (added)
		*added = 0;
	if ((ret = store_prepare(s, &st, "SELECT count(*) FROM playbooks WHERE builtin = 1", err)) < 0)
		return ret;
	if (sqlite3_step(st) == SQLITE_ROW)
		have = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (have >= (int64_t)nfiles || is_readonly(s))
		return 0;

	if ((ret = store_begin(s, err)) < 0)
		return ret;
	for (size_t i = 0; i < nfiles; i++) {
		struct ir_file f;
		int64_t id;
		int exists;

		if ((ret = ir_file_parse(files[i].text, strlen(files[i].text), &f, err)) < 0) {
			tater_err_prefix(err, "pre-built playbook %s", files[i].name);
			goto fail;
		}
		if ((ret = store_prepare(s, &st, "SELECT 1 FROM playbooks WHERE slug = ?", err)) < 0) {
			ir_file_free(&f);
			goto fail;
		}
		sqlite3_bind_text(st, 1, f.slug, -1, SQLITE_STATIC);
		exists = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		if (exists) {
			ir_file_free(&f);
			continue;
		}
		/* A shipped playbook is due for review a year after it arrives (incident
		 * procedures are reviewed at least yearly), so the library's overdue mark
		 * works from the first day; its owner stays for the team to name. */
		if (!f.review_due[0]) {
			time_t due = time(NULL) + 365 * 86400;
			struct tm tm;

			gmtime_r(&due, &tm);
			strftime(f.review_due, sizeof(f.review_due), "%Y-%m-%d", &tm);
		}
		if ((ret = insert_playbook(s, &f, 1, IR_SHIPPED_BY, &id, err)) < 0 ||
		    (ret = insert_revision(s, id, 1, &f.body, "shipped with tater", IR_SHIPPED_BY,
					   IR_SHIPPED_BY, err)) < 0 ||
		    (ret = link_alert_types(s, id, &f, 0, err)) < 0 ||
		    (ret = activity_append(s, "playbook.load", f.slug, "ok",
					   "pre-built, revision 1 approved as shipped", err)) < 0) {
			ir_file_free(&f);
			goto fail;
		}
		ir_file_free(&f);
		count++;
	}
	if ((ret = store_commit(s, err)) < 0)
		return ret;
	if (added)
		*added = count;
	return 0;
fail:
	store_rollback(s);
	return ret;
}

/* ---- reading ---- */

#define PLAYBOOK_COLS                                                                              \
	"SELECT p.id, p.slug, p.name, p.incident_type, p.owner, p.review_due, p.builtin,"          \
	" p.archived, p.created_by, p.created_at,"                                                 \
	" (SELECT max(revno) FROM playbook_revisions r WHERE r.playbook_id = p.id),"               \
	" (SELECT status FROM playbook_revisions r WHERE r.playbook_id = p.id"                     \
	"   ORDER BY revno DESC LIMIT 1),"                                                         \
	" (SELECT max(revno) FROM playbook_revisions r WHERE r.playbook_id = p.id"                 \
	"   AND r.status = 'approved')"                                                            \
	" FROM playbooks p"

static void playbook_row(sqlite3_stmt *st, struct ir_playbook *p, const char *day)
{
	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(st, 0);
	store_col_text(st, 1, p->slug, sizeof(p->slug));
	store_col_text(st, 2, p->name, sizeof(p->name));
	store_col_text(st, 3, p->incident_type, sizeof(p->incident_type));
	store_col_text(st, 4, p->owner, sizeof(p->owner));
	store_col_text(st, 5, p->review_due, sizeof(p->review_due));
	p->builtin = sqlite3_column_int(st, 6);
	p->archived = sqlite3_column_int(st, 7);
	store_col_text(st, 8, p->created_by, sizeof(p->created_by));
	store_col_text(st, 9, p->created_at, sizeof(p->created_at));
	p->latest_revno = sqlite3_column_int(st, 10);
	store_col_text(st, 11, p->latest_status, sizeof(p->latest_status));
	p->approved_revno = sqlite3_column_int(st, 12);
	p->review_overdue = p->review_due[0] && strcmp(p->review_due, day) < 0;
}

int ir_playbooks_list(struct store *s, struct ir_playbook **out, size_t *n, struct tater_err *err)
{
	struct ir_playbook *v = NULL;
	size_t cap = 0;
	sqlite3_stmt *st;
	char day[16];
	int ret, rc;

	*out = NULL;
	*n = 0;
	if ((ret = ir_library_ensure(s, NULL, err)) < 0)
		return ret;
	if ((ret = store_prepare(s, &st, PLAYBOOK_COLS " ORDER BY lower(p.name), p.slug", err)) < 0)
		return ret;
	today(day);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			struct ir_playbook *g;

			cap = cap ? 2 * cap : 16;
			if (!(g = realloc(v, cap * sizeof(*v)))) {
				ret = tater_errf(err, TATER_ENOMEM, "out of memory");
				goto fail;
			}
			v = g;
		}
		playbook_row(st, &v[(*n)++], day);
	}
	if (rc != SQLITE_DONE) {
		ret = store_sqlerr(s, "listing playbooks", err);
		goto fail;
	}
	sqlite3_finalize(st);
	*out = v;
	return 0;
fail:
	sqlite3_finalize(st);
	free(v);
	*n = 0;
	return ret;
}

int ir_playbook_get(struct store *s, const char *slug, struct ir_playbook *out,
		    struct tater_err *err)
{
	sqlite3_stmt *st;
	char day[16];
	int ret, rc;

	if ((ret = ir_library_ensure(s, NULL, err)) < 0)
		return ret;
	if ((ret = store_prepare(s, &st, PLAYBOOK_COLS " WHERE p.slug = ?", err)) < 0)
		return ret;
	sqlite3_bind_text(st, 1, slug ? slug : "", -1, SQLITE_STATIC);
	today(day);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		playbook_row(st, out, day);
	else if (rc == SQLITE_DONE)
		ret = tater_errf(err, TATER_ENOTFOUND,
				 "no playbook '%s' (tater playbooks lists them)", slug ? slug : "");
	else
		ret = store_sqlerr(s, "reading the playbook", err);
	sqlite3_finalize(st);
	return ret;
}

int ir_revisions_list(struct store *s, const char *slug, struct ir_revision **out, size_t *n,
		      struct tater_err *err)
{
	struct ir_playbook p;
	struct ir_revision *v = NULL;
	size_t cap = 0;
	sqlite3_stmt *st;
	int ret, rc;

	*out = NULL;
	*n = 0;
	if ((ret = ir_playbook_get(s, slug, &p, err)) < 0)
		return ret;
	if ((ret = store_prepare(s, &st,
			"SELECT id, revno, status, author, created_at, reviewed_by, reviewed_at,"
			" summary FROM playbook_revisions WHERE playbook_id = ? ORDER BY revno",
			err)) < 0)
		return ret;
	sqlite3_bind_int64(st, 1, p.id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ir_revision *r;

		if (*n == cap) {
			struct ir_revision *g;

			cap = cap ? 2 * cap : 8;
			if (!(g = realloc(v, cap * sizeof(*v)))) {
				ret = tater_errf(err, TATER_ENOMEM, "out of memory");
				goto fail;
			}
			v = g;
		}
		r = &v[(*n)++];
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, 0);
		r->revno = sqlite3_column_int(st, 1);
		store_col_text(st, 2, r->status, sizeof(r->status));
		store_col_text(st, 3, r->author, sizeof(r->author));
		store_col_text(st, 4, r->created_at, sizeof(r->created_at));
		store_col_text(st, 5, r->reviewed_by, sizeof(r->reviewed_by));
		store_col_text(st, 6, r->reviewed_at, sizeof(r->reviewed_at));
		store_col_text(st, 7, r->summary, sizeof(r->summary));
	}
	if (rc != SQLITE_DONE) {
		ret = store_sqlerr(s, "listing revisions", err);
		goto fail;
	}
	sqlite3_finalize(st);
	*out = v;
	return 0;
fail:
	sqlite3_finalize(st);
	free(v);
	*n = 0;
	return ret;
}

/* One revision row of a playbook.  revno 0: the newest; -1: the newest
 * approved, else the newest. */
struct rev_row {
	int64_t id;
	int revno;
	char status[16];
	char author[64];
	char *body;
};

static int rev_get(struct store *s, int64_t pb, const char *slug, int revno, struct rev_row *r,
		   struct tater_err *err)
{
	sqlite3_stmt *st;
	const char *sql;
	int ret = 0, rc;

	memset(r, 0, sizeof(*r));
	if (revno > 0)
		sql = "SELECT id, revno, status, author, body FROM playbook_revisions"
		      " WHERE playbook_id = ? AND revno = ?";
	else if (revno == 0)
		sql = "SELECT id, revno, status, author, body FROM playbook_revisions"
		      " WHERE playbook_id = ? ORDER BY revno DESC LIMIT 1";
	else
		sql =
		    "SELECT id, revno, status, author, body FROM playbook_revisions"
		    " WHERE playbook_id = ? ORDER BY status = 'approved' DESC, revno DESC LIMIT 1";
	if ((ret = store_prepare(s, &st, sql, err)) < 0)
		return ret;
	sqlite3_bind_int64(st, 1, pb);
	if (revno > 0)
		sqlite3_bind_int(st, 2, revno);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r->id = sqlite3_column_int64(st, 0);
		r->revno = sqlite3_column_int(st, 1);
		store_col_text(st, 2, r->status, sizeof(r->status));
		store_col_text(st, 3, r->author, sizeof(r->author));
		if (!(r->body = store_col_dup(st, 4)))
			ret = tater_errf(err, TATER_ENOMEM, "out of memory");
	} else if (rc == SQLITE_DONE) {
		ret = revno > 0 ? tater_errf(err, TATER_ENOTFOUND,
					     "playbook '%s' has no revision %d", slug, revno)
				: tater_errf(err, TATER_ENOTFOUND, "playbook '%s' has no revisions",
					     slug);
	} else {
		ret = store_sqlerr(s, "reading the revision", err);
	}
	sqlite3_finalize(st);
	return ret;
}

int ir_revision_body(struct store *s, const char *slug, int revno, struct ir_body *out,
		     struct tater_err *err)
{
	struct ir_playbook p;
	struct rev_row r;
	int ret;

	ir_body_init(out);
	if ((ret = ir_playbook_get(s, slug, &p, err)) < 0 ||
	    (ret = rev_get(s, p.id, slug, revno, &r, err)) < 0)
		return ret;
	ret = ir_body_load(r.body, out, err);
	free(r.body);
	return ret;
}

/* ---- changing ---- */

static int check_slug_name(const char *slug, const char *name, const char *type,
			   struct tater_err *err)
{
	struct tater_err local = {0};
	struct ir_file f;
	json_t *o;
	char *text;
	int ret;

	/* One set of rules for the command line, the forms and files: check the
	 * fields as the file parser would, through a minimal file. */
	o = json_pack("{s:s, s:s, s:s, s:s, s:[]}", "format", "tater-playbook/1", "slug",
		      slug ? slug : "", "name", name ? name : "", "incident_type", type ? type : "",
		      "phases");
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!text)
		return tater_errf(err, TATER_EINVAL, "slug, name and type must be text");
	ret = ir_file_parse(text, strlen(text), &f, &local);
	free(text);
	if (ret == 0)
		ir_file_free(&f);
	/* The empty phases always fail last: anything earlier is a field. */
	if (ret == 0 || strncmp(local.msg, "phases", 6) == 0)
		return 0;
	return tater_errf(err, TATER_EINVAL, "%s", local.msg);
}

int ir_playbook_create(struct store *s, const char *slug, const char *name,
		       const char *incident_type, const struct ir_body *body, const char *summary,
		       struct tater_err *err)
{
	struct ir_file f;
	int64_t id;
	int ret;

	if ((ret = store_role_require(s, STORE_ROLE_RESPONDER, "create a playbook", err)) < 0)
		return ret;
	if ((ret = ir_library_ensure(s, NULL, err)) < 0)
		return ret;
	if ((ret = check_slug_name(slug, name, incident_type, err)) < 0 ||
	    (ret = ir_body_validate(body, err)) < 0)
		return ret;
	memset(&f, 0, sizeof(f));
	snprintf(f.slug, sizeof(f.slug), "%s", slug);
	snprintf(f.name, sizeof(f.name), "%s", name);
	snprintf(f.incident_type, sizeof(f.incident_type), "%s", incident_type);
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	if ((ret = insert_playbook(s, &f, 0, store_actor(s), &id, err)) < 0 ||
	    (ret = insert_revision(s, id, 1, body, summary ? summary : "created", store_actor(s),
				   NULL, err)) < 0 ||
	    (ret = activity_append(s, "playbook.create", slug, "ok", "revision 1 (draft)", err)) <
		0) {
		store_rollback(s);
		return ret;
	}
	return store_commit(s, err);
}

int ir_playbook_copy(struct store *s, const char *from_slug, const char *new_slug, const char *name,
		     struct tater_err *err)
{
	struct ir_playbook p;
	struct ir_body b;
	struct rev_row r;
	char nm[160], summary[128];
	int ret;

	if ((ret = ir_playbook_get(s, from_slug, &p, err)) < 0 ||
	    (ret = rev_get(s, p.id, from_slug, -1, &r, err)) < 0)
		return ret;
	ret = ir_body_load(r.body, &b, err);
	free(r.body);
	if (ret < 0)
		return ret;
	snprintf(nm, sizeof(nm), "%s (copy)", p.name);
	snprintf(summary, sizeof(summary), "copied from %s revision %d", from_slug, r.revno);
	ret = ir_playbook_create(s, new_slug, name && *name ? name : nm, p.incident_type, &b,
				 summary, err);
	ir_body_free(&b);
	return ret;
}

static int refuse_builtin(const struct ir_playbook *p, struct tater_err *err)
{
	return tater_errf(err, TATER_EPERM,
			  "'%s' is a pre-built playbook and is not changed in place; copy it "
			  "(tater playbook copy %s my-%s) and change the copy",
			  p->slug, p->slug, p->slug);
}

/* Add body as the next draft revision of p (inside the caller's transaction). */
static int add_revision(struct store *s, const struct ir_playbook *p, const struct ir_body *body,
			const char *summary, const char *action, int *revno, struct tater_err *err)
{
	struct rev_row r;
	char *dump, detail[300];
	int ret, same;

	if ((ret = rev_get(s, p->id, p->slug, 0, &r, err)) < 0)
		return ret;
	dump = ir_body_dump(body);
	same = dump && !strcmp(dump, r.body);
	free(dump);
	free(r.body);
	if (same)
		return tater_errf(err, TATER_EINVAL,
				  "nothing changed since revision %d of '%s'; nothing saved",
				  r.revno, p->slug);
	if ((ret = insert_revision(s, p->id, r.revno + 1, body, summary, store_actor(s), NULL,
				   err)) < 0)
		return ret;
	snprintf(detail, sizeof(detail), "revision %d (draft): %.200s", r.revno + 1,
		 summary && *summary ? summary : "(no summary)");
	if ((ret = activity_append(s, action, p->slug, "ok", detail, err)) < 0)
		return ret;
	if (revno)
		*revno = r.revno + 1;
	return 0;
}

int ir_playbook_save(struct store *s, const char *slug, const struct ir_body *body,
		     const char *summary, int *revno, struct tater_err *err)
{
	struct ir_playbook p;
	int ret;

	if ((ret = store_role_require(s, STORE_ROLE_RESPONDER, "edit a playbook", err)) < 0 ||
	    (ret = ir_playbook_get(s, slug, &p, err)) < 0)
		return ret;
	if (p.builtin)
		return refuse_builtin(&p, err);
	if (summary && (strlen(summary) > 255 || !ir_text_ok(summary, 0)))
		return tater_errf(err, TATER_EINVAL,
				  "summary: one line of at most 255 bytes, no control characters");
	if ((ret = ir_body_validate(body, err)) < 0)
		return ret;
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	if ((ret = add_revision(s, &p, body, summary, "playbook.revise", revno, err)) < 0) {
		store_rollback(s);
		return ret;
	}
	return store_commit(s, err);
}

int ir_playbook_set_owner(struct store *s, const char *slug, const char *owner,
			  const char *review_due, struct tater_err *err)
{
	struct ir_playbook p;
	sqlite3_stmt *st;
	char detail[128], msg[128];
	int ret;

	if ((ret = store_role_require(s, STORE_ROLE_RESPONDER, "change a playbook's owner", err)) <
		0 ||
	    (ret = ir_playbook_get(s, slug, &p, err)) < 0)
		return ret;
	if (owner && (strlen(owner) > 63 || !ir_text_ok(owner, 0)))
		return tater_errf(err, TATER_EINVAL, "owner: a user name, at most 63 bytes");
	if (review_due && *review_due && valid_date(review_due, msg, sizeof(msg)) < 0)
		return tater_errf(err, TATER_EINVAL, "review date: %s", msg);
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	if ((ret = store_prepare(s, &st,
			"UPDATE playbooks SET owner = CASE WHEN ?1 THEN ?2 ELSE owner END,"
			" review_due = CASE WHEN ?3 THEN ?4 ELSE review_due END WHERE id = ?5",
			err)) < 0)
		goto fail;
	sqlite3_bind_int(st, 1, owner != NULL);
	store_bind_opt(st, 2, owner);
	sqlite3_bind_int(st, 3, review_due != NULL);
	store_bind_opt(st, 4, review_due);
	sqlite3_bind_int64(st, 5, p.id);
	if ((ret = store_step_done(s, st, "saving the owner", err)) < 0)
		goto fail;
	snprintf(detail, sizeof(detail), "owner %s, review due %s",
		 owner	      ? (*owner ? owner : "(none)")
		 : p.owner[0] ? p.owner
			      : "(none)",
		 review_due	   ? (*review_due ? review_due : "(none)")
		 : p.review_due[0] ? p.review_due
				   : "(none)");
	if ((ret = activity_append(s, "playbook.owner", slug, "ok", detail, err)) < 0)
		goto fail;
	return store_commit(s, err);
fail:
	store_rollback(s);
	return ret;
}

int ir_playbook_set_archived(struct store *s, const char *slug, int archived, struct tater_err *err)
{
	struct ir_playbook p;
	sqlite3_stmt *st;
	int ret;

	if ((ret = store_role_require(s, STORE_ROLE_RESPONDER, "archive a playbook", err)) < 0 ||
	    (ret = ir_playbook_get(s, slug, &p, err)) < 0)
		return ret;
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	if ((ret = store_prepare(s, &st, "UPDATE playbooks SET archived = ? WHERE id = ?", err)) < 0)
		goto fail;
	sqlite3_bind_int(st, 1, !!archived);
	sqlite3_bind_int64(st, 2, p.id);
	if ((ret = store_step_done(s, st, "archiving", err)) < 0 ||
	    (ret = activity_append(s, archived ? "playbook.archive" : "playbook.unarchive", slug,
				   "ok", NULL, err)) < 0)
		goto fail;
	return store_commit(s, err);
fail:
	store_rollback(s);
	return ret;
}

/* Approve or reject. */
static int review(struct store *s, const char *slug, int revno, const char *verdict,
		  const char *reason, struct tater_err *err)
{
	const char *action = !strcmp(verdict, "approved") ? "playbook.approve" : "playbook.reject";
	struct ir_playbook p;
	struct rev_row r = {0};
	sqlite3_stmt *st;
	char target[96], detail[300];
	int ret;

	if ((ret = ir_playbook_get(s, slug, &p, err)) < 0)
		return ret;
	if (revno <= 0)
		return tater_errf(err, TATER_EINVAL, "which revision? (tater playbook history %s)",
				  slug);
	if ((ret = rev_get(s, p.id, slug, revno, &r, err)) < 0)
		return ret;
	free(r.body);
	snprintf(target, sizeof(target), "%s rev %d", slug, revno);
	if (strcmp(r.status, "draft") != 0)
		return tater_errf(err, TATER_EINVAL,
				  "revision %d of '%s' is %s already, not a draft", revno, slug,
				  r.status);
	ret = store_role_require(s, STORE_ROLE_ADMIN,
				 !strcmp(verdict, "approved") ? "approve a playbook revision"
							      : "reject a playbook revision",
				 err);
	if (ret == 0 && !strcmp(r.author, store_actor(s)))
		ret = tater_errf(err, TATER_EPERM,
				 "%s wrote revision %d of '%s' and cannot review it: another admin "
				 "must",
				 store_actor(s), revno, slug);
	if (ret < 0) {
		/* A refused review is worth a line in the audit trail. */
		if (!is_readonly(s))
			activity_append(s, action, target, "refused", err ? err->msg : NULL, NULL);
		return ret;
	}
	if (reason && (strlen(reason) > 255 || !ir_text_ok(reason, 0)))
		return tater_errf(err, TATER_EINVAL, "reason: one line of at most 255 bytes");
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	if ((ret = store_prepare(s, &st,
			"UPDATE playbook_revisions SET status = ?, reviewed_by = ?, reviewed_at = ?"
			" WHERE id = ? AND status = 'draft'",
			err)) < 0)
		goto fail;
	{
		char now[32];

		store_now(now);
		sqlite3_bind_text(st, 1, verdict, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, store_actor(s), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 4, r.id);
	}
	if ((ret = store_step_done(s, st, "saving the review", err)) < 0)
		goto fail;
	snprintf(detail, sizeof(detail), "author %s%s%.200s", r.author, reason ? "; " : "",
		 reason ? reason : "");
	if ((ret = activity_append(s, action, target, "ok", detail, err)) < 0)
		goto fail;
	return store_commit(s, err);
fail:
	store_rollback(s);
	return ret;
}

int ir_revision_approve(struct store *s, const char *slug, int revno, struct tater_err *err)
{
	return review(s, slug, revno, "approved", NULL, err);
}

int ir_revision_reject(struct store *s, const char *slug, int revno, const char *reason,
		       struct tater_err *err)
{
	return review(s, slug, revno, "rejected", reason, err);
}

int ir_revision_diff(struct store *s, const char *slug, int rev_a, int rev_b, char **out,
		     struct tater_err *err)
{
	struct ir_body a, b;
	int ret;

	*out = NULL;
	if ((ret = ir_revision_body(s, slug, rev_a, &a, err)) < 0)
		return ret;
	if ((ret = ir_revision_body(s, slug, rev_b, &b, err)) < 0) {
		ir_body_free(&a);
		return ret;
	}
	*out = ir_body_diff(&a, &b);
	ir_body_free(&a);
	ir_body_free(&b);
	return *out ? 0 : tater_errf(err, TATER_ENOMEM, "out of memory");
}

/* ---- import and export ---- */

int ir_playbook_import(struct store *s, const char *json, size_t len, const char *origin,
		       char slug_out[64], int *revno, struct tater_err *err)
{
	struct ir_playbook p;
	struct ir_file f;
	char summary[256];
	int ret, exists;

	if (slug_out)
		slug_out[0] = '\0';
	if ((ret = ir_file_parse(json, len, &f, err)) < 0)
		return ret;
	if ((ret = store_role_require(s, STORE_ROLE_RESPONDER, "import a playbook", err)) < 0)
		goto out;
	snprintf(summary, sizeof(summary), "imported from %.200s", origin ? origin : "a file");
	ret = ir_playbook_get(s, f.slug, &p, err);
	if (ret < 0 && ret != TATER_ENOTFOUND)
		goto out;
	exists = ret == 0;
	tater_err_clear(err);
	if (exists && p.builtin) {
		ret = refuse_builtin(&p, err);
		goto out;
	}
	if ((ret = store_begin(s, err)) < 0)
		goto out;
	if (exists) {
		ret = add_revision(s, &p, &f.body, summary, "playbook.import", revno, err);
	} else {
		int64_t id = 0;

		if ((ret = insert_playbook(s, &f, 0, store_actor(s), &id, err)) == 0 &&
		    (ret = insert_revision(s, id, 1, &f.body, summary, store_actor(s), NULL,
					   err)) == 0)
			ret = activity_append(s, "playbook.import", f.slug, "ok",
					      "revision 1 (draft)", err);
		if (ret == 0 && revno)
			*revno = 1;
		p.id = id;
	}
	if (ret == 0)
		ret = link_alert_types(s, p.id, &f, 1, err);
	if (ret < 0) {
		store_rollback(s);
		goto out;
	}
	if ((ret = store_commit(s, err)) < 0)
		goto out;
	if (slug_out)
		snprintf(slug_out, 64, "%s", f.slug);
out:
	ir_file_free(&f);
	return ret;
}

static int alert_types_of(struct store *s, int64_t pb, json_t *arr, struct tater_err *err)
{
	sqlite3_stmt *st;
	int ret;

	if ((ret = store_prepare(s, &st,
			"SELECT detection_type FROM alert_type_playbooks WHERE playbook_id = ?"
			" ORDER BY detection_type",
			err)) < 0)
		return ret;
	sqlite3_bind_int64(st, 1, pb);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, json_string((const char *)sqlite3_column_text(st, 0)));
	sqlite3_finalize(st);
	return 0;
}

int ir_playbook_export(struct store *s, const char *slug, int revno, char **json_out,
		       struct tater_err *err)
{
	struct ir_playbook p;
	struct ir_body b;
	struct rev_row r;
	json_t *o = NULL, *types;
	int ret;

	*json_out = NULL;
	if ((ret = ir_playbook_get(s, slug, &p, err)) < 0 ||
	    (ret = rev_get(s, p.id, slug, revno > 0 ? revno : -1, &r, err)) < 0)
		return ret;
	ret = ir_body_load(r.body, &b, err);
	free(r.body);
	if (ret < 0)
		return ret;
	o = json_object();
	json_object_set_new(o, "format", json_string("tater-playbook/1"));
	json_object_set_new(o, "slug", json_string(p.slug));
	json_object_set_new(o, "name", json_string(p.name));
	json_object_set_new(o, "incident_type", json_string(p.incident_type));
	if (b.description)
		json_object_set_new(o, "description", json_string(b.description));
	if (p.owner[0])
		json_object_set_new(o, "owner", json_string(p.owner));
	if (p.review_due[0])
		json_object_set_new(o, "review_due", json_string(p.review_due));
	types = json_array();
	alert_types_of(s, p.id, types, NULL);
	if (json_array_size(types))
		json_object_set(o, "alert_types", types);
	json_decref(types);
	json_object_set_new(o, "phases", ir_body_to_json(&b));
	*json_out = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	ir_body_free(&b);
	return *json_out ? 0 : tater_errf(err, TATER_ENOMEM, "out of memory");
}

int ir_playbook_for_alert_type(struct store *s, const char *detection_type, char slug[64],
			       struct tater_err *err)
{
	sqlite3_stmt *st;
	int ret;

	slug[0] = '\0';
	if ((ret = ir_library_ensure(s, NULL, err)) < 0)
		return ret;
	if ((ret = store_prepare(s, &st,
			"SELECT p.slug FROM alert_type_playbooks a JOIN playbooks p"
			" ON p.id = a.playbook_id WHERE a.detection_type = ? AND p.archived = 0",
			err)) < 0)
		return ret;
	sqlite3_bind_text(st, 1, detection_type ? detection_type : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		store_col_text(st, 0, slug, 64);
	sqlite3_finalize(st);
	return 0;
}

int ir_alert_type_link(struct store *s, const char *detection_type, const char *slug,
		       struct tater_err *err)
{
	struct ir_playbook p;
	struct ir_file f = {0};
	char *types[1] = {(char *)detection_type};
	int ret;

	if ((ret = store_role_require(s, STORE_ROLE_RESPONDER, "link a playbook to alerts", err)) <
		0 ||
	    (ret = ir_playbook_get(s, slug, &p, err)) < 0)
		return ret;
	if (!detection_type || !*detection_type || strlen(detection_type) > 63 ||
	    !ir_text_ok(detection_type, 0))
		return tater_errf(err, TATER_EINVAL, "a detection type name, at most 63 bytes");
	f.alert_types = types;
	f.n_alert_types = 1;
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	if ((ret = link_alert_types(s, p.id, &f, 1, err)) < 0 ||
	    (ret = activity_append(s, "playbook.link", slug, "ok", detection_type, err)) < 0) {
		store_rollback(s);
		return ret;
	}
	return store_commit(s, err);
}
