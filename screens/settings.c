/* settings.c - the Settings screen.  Sections: Tenants (a table and a form
 * to add or edit one), and the sections later modules fill in.
 *
 * A save runs as a worker job: it may have to derive the vault key
 * (Argon2id takes a noticeable moment) and it writes the tenant, its sealed
 * client secret and an activity entry in one transaction.  The client
 * secret travels in locked memory (sodium_malloc) and is wiped when the job
 * is done with it; it is never drawn, logged or put in a message. */
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "idsec.h"
#include "tater/activity.h"
#include "tater/ir.h"
#include "tater/itdr.h"
#include "tater/remediate.h"
#include "tater/catalog.h"
#include "tater/collect.h"
#include "tater/console.h"
#include "tater/eval.h"
#include "tater/roles.h"
#include "tater/screen.h"
#include "tater/store.h"
#include "tater/tenants.h"
#include "tater/text.h"
#include "tater/ui_form.h"
#include "tater/ui_table.h"
#include "tater/vault.h"

/* Authentication comes last so the fields people fill most keep their places. */
enum { F_NAME, F_TENANT, F_CLIENT, F_SECRET, F_CLOUD, F_BASE, F_STALE, F_AUTH, F_CERT, NFIELDS };

static const char *const clouds[] = {"public", "gcchigh", "dod", "china", "custom", NULL};
static const char *const auth_kinds[] = {"secret", "certificate", NULL};

static const struct ui_field_def fields[NFIELDS] = {
    [F_NAME] = {"Name", UI_FIELD_TEXT, 1, NULL, NULL, "Contoso production", 64, 0, 0},
    [F_TENANT] = {"Tenant ID", UI_FIELD_TEXT, 1, ui_valid_guid_or_domain, NULL, "GUID or domain",
		  253, 0, 0},
    [F_CLIENT] = {"Client ID", UI_FIELD_TEXT, 1, ui_valid_guid, NULL, "app registration GUID", 36,
		  0, 0},
    [F_SECRET] = {"Client secret", UI_FIELD_SECRET, 1, NULL, NULL, NULL, 512, 0, 0},
    [F_CLOUD] = {"Cloud", UI_FIELD_CHOICE, 0, NULL, clouds, NULL, 0, 0, 0},
    [F_BASE] = {"Base URL", UI_FIELD_TEXT, 1, ui_valid_https_url, NULL,
		"https://... (http only to 127.0.0.1)", 250, 0, 0},
    [F_STALE] = {"Stale days", UI_FIELD_TEXT, 1, ui_valid_int_range, NULL, "90", 4, 1, 3650},
    [F_AUTH] = {"Sign in with", UI_FIELD_CHOICE, 0, NULL, auth_kinds, NULL, 0, 0, 0},
    /* A path, not the PEM: the key never passes through the form; the save job reads the
     * file (mode 0600 or stricter) and seals its content. Empty on edit keeps the stored one. */
    [F_CERT] = {"Certificate file", UI_FIELD_TEXT, 0, NULL, NULL,
		"PEM with its private key, mode 0600", 250, 0, 0},
};

enum { T_NAME, T_TENANT, T_CLIENT, T_CLOUD, T_SECRET, T_STALE, T_UPDATED, TCOLS };

static const struct ui_column columns[TCOLS] = {
    {"Name", 12, 2, 0},	 {"Tenant ID", 12, 2, 0}, {"Client ID", 10, 1, 0}, {"Cloud", 7, 0, 0},
    {"Secret", 7, 0, 0}, {"Stale", 5, 0, 1},	  {"Updated", 10, 1, 0},
};

static const char *const sections[] = {"Tenants", "Integrations", "Features", "Cloud accounts",
				       "Exclusions", "Alert playbooks"};
#define NSECTIONS 6
#define SEC_INTEGRATIONS 1 /* automated remediation (integ_* at the end) */
#define SEC_FEATURES 2	   /* the tenant's switches (feat_* at the end) */
#define SEC_EXCLUSIONS 4
#define SEC_ALERT_PLAYBOOKS 5 /* ITDR: alert type -> playbook (apb_* at the end) */

struct settings {
	struct screen_ctx *ctx;
	int section;
	struct ui_table *table;
	struct ui_rowset *rows;
	int64_t *ids; /* tenant id of each rowset row (insertion order) */
	struct ui_form *form;
	int64_t editing; /* 0: a new tenant */
	int editing_has_cert; /* the tenant being edited has a sealed certificate */
	uint64_t save_job, delete_job;
	int64_t deleting;
	/* Settings > Exclusions (the conditional-access gate) and the tenant form's Test. */
	struct idsec *is;
	struct ui_table *xtable;
	struct ui_rowset *xrows;
	struct eval_exclusion *xv; /* by rowset row (insertion order) */
	size_t xn;
	struct ui_form *xform;
	uint64_t xjob, test_job;
	char xscope[32];
	char test_msg[600];
	int test_ok;
	struct apb *apb; /* Settings > Alert playbooks */
	/* Settings > Integrations: the selected tenant's remediation settings. */
	struct rem_config icfg;
	int64_t itenant;
	char iredacted[300]; /* the stored webhook URL, redacted; "" when not known */
	struct ui_form *iform;
	uint64_t ijob;
	int itesting, iok;
	char imsg[600];
	/* Settings > Features: the selected tenant's settings (tenant_setting_defs order). */
	int64_t ftenant;
	char fval[TENANT_SETTING_COUNT][512];
	int fset[TENANT_SETTING_COUNT];
	struct ui_form *fform;
	uint64_t fjob;
	int fok;
	char fmsg[600];
};

struct apb;
static struct apb *apb_new(struct settings *st);
static void apb_free(struct apb *a);
static void apb_load(struct apb *a);
static void apb_draw(struct apb *a, struct ui_rect body);
static int apb_key(struct apb *a, const struct ui_event *ev);
static int apb_event(struct apb *a, struct worker_event *ev);

static void excl_section_free(struct settings *st);
static void excl_load(struct settings *st);
static void excl_draw(struct settings *st, struct ui_rect body);
static int excl_key(struct settings *st, const struct ui_event *ev);
static int excl_event(struct settings *st, struct worker_event *ev);
static void test_tenant(struct settings *st);
static int test_event(struct settings *st, struct worker_event *ev);
static void integ_load(struct settings *st);
static void integ_draw(struct settings *st, struct ui_rect body);
static int integ_key(struct settings *st, const struct ui_event *ev);
static int integ_event(struct settings *st, struct worker_event *ev);
static void feat_load(struct settings *st);
static void feat_draw(struct settings *st, struct ui_rect body);
static int feat_key(struct settings *st, const struct ui_event *ev);
static int feat_event(struct settings *st, struct worker_event *ev);

/* ---- jobs ---- */

struct save_arg {
	struct tenant t;
	int is_new;
	char *secret; /* sodium_malloc'd, or NULL: keep the stored one */
	size_t secret_len;
	char cert_path[256]; /* a certificate PEM file to read and seal, or "" */
	char *pass; /* sodium_malloc'd passphrase, or NULL: use key_file */
	size_t pass_len;
	int create_vault;
	char key_file[1024];
};

static void free_save_arg(void *p)
{
	struct save_arg *a = p;

	if (!a)
		return;
	if (a->secret)
		sodium_free(a->secret);
	if (a->pass)
		sodium_free(a->pass);
	free(a);
}

static int open_vault(struct store *s, struct save_arg *a, struct vault **v, struct tater_err *err)
{
	if (a->pass) {
		if (a->create_vault && !vault_exists(s)) {
			int rc = vault_create(s, a->pass, a->pass_len, err);

			if (rc < 0)
				return rc;
		}
		return vault_unlock(s, a->pass, a->pass_len, v, err);
	}
	{
		/* Never the terminal from here: curses owns it. */
		struct vault_source src = {a->key_file, NULL};

		return vault_unlock_from(s, &src, 1, v, err);
	}
}

static int save_job(struct job *j, struct store *s, void *p, struct tater_err *err)
{
	struct save_arg *a = p;
	struct vault *v = NULL;
	int rc;

	if (!s)
		return tater_errf(err, TATER_EIO, "no store");
	job_progress(j, 0, 3, "saving");
	if ((rc = store_begin(s, err)) < 0)
		return rc;
	if ((rc = tenant_save(s, &a->t, err)) < 0)
		goto out;
	if (a->secret || a->cert_path[0]) {
		job_progress(j, 1, 3, "unlocking the vault");
		if ((rc = open_vault(s, a, &v, err)) < 0)
			goto out;
		job_progress(j, 2, 3, "sealing the credential");
	}
	if (a->secret) {
		rc = vault_put(v, "tenants", a->t.id, "client_secret", a->secret, a->secret_len,
			       err);
		if (rc < 0)
			goto out;
	}
	if (a->cert_path[0]) {
		char *pem = NULL;
		size_t len = 0;

		/* Same rule as `tater tenant add --certificate`: a 0600 file. */
		if ((rc = vault_read_file(a->cert_path, &pem, &len, err)) < 0)
			goto out;
		rc = vault_put(v, "tenants", a->t.id, "certificate", pem, len, err);
		vault_free_passphrase(pem, len);
		if (rc < 0)
			goto out;
	}
	rc = activity_append(s, a->is_new ? "tenant.add" : "tenant.edit", a->t.name, "ok",
			     a->cert_path[0] ? "certificate sealed in the vault"
			     : a->secret    ? "client secret sealed in the vault"
					    : NULL,
			     err);
	if (rc < 0)
		goto out;
	rc = store_commit(s, err);
out:
	vault_close(v);
	if (rc < 0 && store_in_txn(s))
		store_rollback(s);
	if (rc < 0) {
		/* The refusal is part of the record too; the message names
		 * fields, never values of secrets. */
		struct tater_err e2 = {0};

		activity_append(s, a->is_new ? "tenant.add" : "tenant.edit", a->t.name, "failed",
				err->msg, &e2);
	}
	return rc;
}

struct delete_arg {
	int64_t id;
	char name[128];
};

static int delete_job(struct job *j, struct store *s, void *p, struct tater_err *err)
{
	struct delete_arg *a = p;
	int rc;

	(void)j;
	if (!s)
		return tater_errf(err, TATER_EIO, "no store");
	if ((rc = store_begin(s, err)) < 0)
		return rc;
	if ((rc = tenant_delete(s, a->id, err)) == 0 &&
	    (rc = activity_append(s, "tenant.delete", a->name, "ok", NULL, err)) == 0)
		rc = store_commit(s, err);
	if (rc < 0 && store_in_txn(s))
		store_rollback(s);
	return rc;
}

/* ---- the tenants table ---- */

static void load_tenants(struct settings *st)
{
	struct tenant *v = NULL;
	size_t n = 0;
	struct tater_err err = {0};
	struct ui_rowset *rs;
	struct ui_table_source src;
	int64_t *ids;

	if (!st->ctx->store || tenant_list(st->ctx->store, &v, &n, &err) < 0) {
		if (st->ctx->store)
			ui_error(st->ctx->ui, "Tenants: %s", err.msg);
		return;
	}
	rs = ui_rowset_new(TCOLS);
	ids = calloc(n ? n : 1, sizeof(*ids));
	if (!rs || !ids) {
		ui_rowset_free(rs);
		free(ids);
		free(v);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char stale[16];
		const char *cells[TCOLS];

		snprintf(stale, sizeof(stale), "%d", v[i].stale_days);
		cells[T_NAME] = v[i].name;
		cells[T_TENANT] = v[i].tenant_id;
		cells[T_CLIENT] = v[i].client_id;
		cells[T_CLOUD] = v[i].cloud;
		cells[T_SECRET] =
		    v[i].has_secret ? "sealed" : (v[i].has_certificate ? "cert" : "none");
		cells[T_STALE] = stale;
		cells[T_UPDATED] = v[i].updated_at;
		ui_rowset_add(rs, cells);
		ids[i] = v[i].id;
	}
	free(v);
	ui_rowset_free(st->rows);
	free(st->ids);
	st->rows = rs;
	st->ids = ids;
	ui_rowset_source(rs, &src);
	ui_table_set_source(st->table, &src);
}

static int64_t selected_id(struct settings *st)
{
	size_t i = ui_table_selected(st->table);

	if (!st->rows || i == (size_t)-1)
		return 0;
	return st->ids[ui_rowset_index(st->rows, i)];
}

/* ---- the form ---- */

static void sync_hidden(struct settings *st)
{
	int cert = strcmp(ui_form_get(st->form, F_AUTH), "certificate") == 0;

	ui_form_set_hidden(st->form, F_BASE, strcmp(ui_form_get(st->form, F_CLOUD), "custom") != 0);
	ui_form_set_hidden(st->form, F_SECRET, cert);
	ui_form_set_hidden(st->form, F_CERT, !cert);
}

static void close_form(struct settings *st)
{
	st->test_msg[0] = '\0';
	ui_form_free(st->form);
	st->form = NULL;
	st->editing = 0;
}

static void open_form(struct settings *st, int64_t id)
{
	struct tenant t;
	struct tater_err err = {0};

	tenant_init(&t);
	if (id && tenant_get_id(st->ctx->store, id, &t, &err) < 0) {
		ui_error(st->ctx->ui, "%s", err.msg);
		return;
	}
	st->form = ui_form_new(id ? "Edit tenant" : "Add a tenant", fields, NFIELDS);
	if (!st->form) {
		ui_error(st->ctx->ui, "out of memory");
		return;
	}
	st->editing = id;
	ui_form_set(st->form, F_NAME, t.name);
	ui_form_set(st->form, F_TENANT, t.tenant_id);
	ui_form_set(st->form, F_CLIENT, t.client_id);
	ui_form_set(st->form, F_CLOUD, t.cloud);
	ui_form_set(st->form, F_BASE, t.base_url);
	{
		char days[16];

		snprintf(days, sizeof(days), "%d", t.stale_days);
		ui_form_set(st->form, F_STALE, days);
	}
	ui_form_set_stored(st->form, F_SECRET, t.has_secret);
	ui_form_set(st->form, F_AUTH, t.auth_kind);
	st->editing_has_cert = t.has_certificate;
	ui_form_clean(st->form);
	sync_hidden(st);
}

static const char *key_file_of(struct settings *st)
{
	const char *kf = st->ctx->opts ? st->ctx->opts->key_file : NULL;

	if (!kf || !kf[0])
		kf = getenv("TATER_KEY_FILE");
	return kf && kf[0] ? kf : NULL;
}

static void submit_save(struct settings *st, struct save_arg *a)
{
	struct tater_err err = {0};

	if (worker_submit(st->ctx->worker, "save tenant", save_job, a, free_save_arg, &st->save_job,
			  &err) < 0)
		ui_error(st->ctx->ui, "%s", err.msg);
	else
		ui_message(st->ctx->ui, "Saving tenant %s...", a->t.name);
}

/* Modal chain for the passphrase: done() gets the typed text. */
struct pass_ctx {
	struct settings *st;
	struct save_arg *a;
	char *first; /* a new vault: the first entry, to compare */
	size_t first_len;
};

static void pass_ctx_free(struct pass_ctx *pc)
{
	if (pc->first)
		sodium_free(pc->first);
	free_save_arg(pc->a);
	free(pc);
}

static void pass_done(void *ctx, int result, const char *input);

static void ask_pass(struct pass_ctx *pc)
{
	struct ui *ui = pc->st->ctx->ui;
	int creating = pc->a->create_vault;
	int rc = ui_prompt(
	    ui,
	    creating ? (pc->first ? "Repeat the vault passphrase" : "New vault passphrase")
		     : "Vault passphrase",
	    creating ? (pc->first ? "Type the same passphrase again."
				  : "No vault yet: choose a passphrase. It seals every "
				    "secret tater stores; keep it safe.")
		     : "The client secret is sealed in the vault. Type the vault "
		       "passphrase to unlock it.",
	    1, pass_done, pc);

	if (rc < 0) {
		ui_error(ui, "cannot ask for the passphrase");
		pass_ctx_free(pc);
	}
}

static void pass_done(void *ctx, int result, const char *input)
{
	struct pass_ctx *pc = ctx;
	struct settings *st = pc->st;
	size_t len = input ? strlen(input) : 0;

	if (result != UI_MODAL_OK || !input || !len) {
		ui_message(st->ctx->ui, "Not saved: no passphrase given (the form is still open)");
		pass_ctx_free(pc);
		return;
	}
	if (pc->a->create_vault && !pc->first) {
		pc->first = sodium_malloc(len + 1);
		if (!pc->first) {
			pass_ctx_free(pc);
			return;
		}
		memcpy(pc->first, input, len + 1);
		pc->first_len = len;
		ask_pass(pc);
		return;
	}
	if (pc->first && (pc->first_len != len || sodium_memcmp(pc->first, input, len) != 0)) {
		ui_error(st->ctx->ui, "The two passphrases differ; not saved");
		pass_ctx_free(pc);
		return;
	}
	pc->a->pass = sodium_malloc(len + 1);
	if (!pc->a->pass) {
		pass_ctx_free(pc);
		return;
	}
	memcpy(pc->a->pass, input, len + 1);
	pc->a->pass_len = len;
	submit_save(st, pc->a);
	pc->a = NULL;
	pass_ctx_free(pc);
}

static int field_index(const char *name)
{
	static const char *const names[NFIELDS] = {"name",     "tenant_id",  "client_id",
						   "",	       "cloud",	     "base_url",
						   "stale_days", "auth_kind", ""};

	for (int i = 0; name && i < NFIELDS; i++)
		if (names[i][0] && strcmp(names[i], name) == 0)
			return i;
	return -1;
}

static void save(struct settings *st)
{
	struct save_arg *a;
	const char *field = NULL;
	struct tater_err err = {0};

	if (!ui_may_change(st->ctx->ui, st->editing ? "editing a tenant" : "adding a tenant"))
		return;
	if (st->save_job) {
		ui_message(st->ctx->ui, "Still saving...");
		return;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return;
	tenant_init(&a->t);
	a->t.id = st->editing;
	a->is_new = !st->editing;
	snprintf(a->t.name, sizeof(a->t.name), "%s", ui_form_get(st->form, F_NAME));
	snprintf(a->t.tenant_id, sizeof(a->t.tenant_id), "%s", ui_form_get(st->form, F_TENANT));
	snprintf(a->t.client_id, sizeof(a->t.client_id), "%s", ui_form_get(st->form, F_CLIENT));
	snprintf(a->t.cloud, sizeof(a->t.cloud), "%s", ui_form_get(st->form, F_CLOUD));
	if (strcmp(a->t.cloud, "custom") == 0)
		snprintf(a->t.base_url, sizeof(a->t.base_url), "%s", ui_form_get(st->form, F_BASE));
	a->t.stale_days = atoi(ui_form_get(st->form, F_STALE));
	snprintf(a->t.auth_kind, sizeof(a->t.auth_kind), "%s", ui_form_get(st->form, F_AUTH));
	if (!strcmp(a->t.auth_kind, "certificate")) {
		const char *path = ui_form_get(st->form, F_CERT);

		while (*path == ' ')
			path++;
		if (!*path && !st->editing_has_cert) {
			ui_form_set_error(st->form, F_CERT, "required: the PEM file to seal");
			ui_form_set_focus(st->form, F_CERT);
			free_save_arg(a);
			return;
		}
		snprintf(a->cert_path, sizeof(a->cert_path), "%s", path);
	}
	/* The store's own check, so the form and tenant_save agree. */
	if (tenant_validate(&a->t, &field, &err) < 0) {
		int fi = field_index(field);

		if (fi >= 0) {
			ui_form_set_error(st->form, fi, err.msg);
			ui_form_set_focus(st->form, fi);
		} else {
			ui_error(st->ctx->ui, "%s", err.msg);
		}
		free_save_arg(a);
		return;
	}
	if (strcmp(a->t.auth_kind, "certificate") != 0 &&
	    ui_form_secret_changed(st->form, F_SECRET)) {
		const char *sec = ui_form_get(st->form, F_SECRET);

		a->secret_len = strlen(sec);
		a->secret = sodium_malloc(a->secret_len + 1);
		if (!a->secret) {
			free_save_arg(a);
			return;
		}
		memcpy(a->secret, sec, a->secret_len + 1);
	}
	if (a->secret || a->cert_path[0]) {
		if (key_file_of(st)) {
			snprintf(a->key_file, sizeof(a->key_file), "%s", key_file_of(st));
		} else {
			struct pass_ctx *pc = calloc(1, sizeof(*pc));

			if (!pc) {
				free_save_arg(a);
				return;
			}
			pc->st = st;
			pc->a = a;
			a->create_vault = !vault_exists(st->ctx->store);
			ask_pass(pc);
			return;
		}
	}
	submit_save(st, a);
}

static void discard_done(void *ctx, int result, const char *input)
{
	struct settings *st = ctx;

	(void)input;
	if (result == UI_MODAL_OK) {
		close_form(st);
		ui_message(st->ctx->ui, "Changes discarded");
	}
}

static void cancel_form(struct settings *st)
{
	if (ui_form_dirty(st->form))
		ui_confirm(st->ctx->ui, "Discard changes?",
			   "This tenant has unsaved changes. Discard them?", "Discard",
			   discard_done, st);
	else
		close_form(st);
}

static void delete_done(void *ctx, int result, const char *input)
{
	struct settings *st = ctx;
	struct delete_arg *a;
	struct tenant t;
	struct tater_err err = {0};

	(void)input;
	if (result != UI_MODAL_OK || !st->deleting)
		return;
	if (!ui_may_change(st->ctx->ui, "deleting a tenant"))
		return;
	if (tenant_get_id(st->ctx->store, st->deleting, &t, &err) < 0) {
		ui_error(st->ctx->ui, "%s", err.msg);
		return;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return;
	a->id = t.id;
	snprintf(a->name, sizeof(a->name), "%s", t.name);
	if (worker_submit(st->ctx->worker, "delete tenant", delete_job, a, free, &st->delete_job,
			  &err) < 0)
		ui_error(st->ctx->ui, "%s", err.msg);
}

/* ---- screen ops ---- */

static void *create(struct screen_ctx *ctx)
{
	struct settings *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->ctx = ctx;
	st->table = ui_table_new(columns, TCOLS);
	if (!st->table) {
		free(st);
		return NULL;
	}
	ui_table_set_empty_text(st->table, "No tenants yet. Press a to add one.");
	st->is = idsec_get(ctx);
	if (!st->is) {
		ui_table_free(st->table);
		free(st);
		return NULL;
	}
	st->apb = apb_new(st);
	return st;
}

static void destroy(void *self)
{
	struct settings *st = self;

	if (!st)
		return;
	ui_form_free(st->form);
	ui_table_free(st->table);
	ui_rowset_free(st->rows);
	free(st->ids);
	excl_section_free(st);
	ui_form_free(st->iform);
	ui_form_free(st->fform);
	apb_free(st->apb);
	idsec_put(st->is);
	free(st);
}

/* What the shown section needs read afresh. */
static void section_load(struct settings *st)
{
	if (st->section == SEC_INTEGRATIONS)
		integ_load(st);
	if (st->section == SEC_FEATURES)
		feat_load(st);
	if (st->section == SEC_EXCLUSIONS)
		excl_load(st);
	if (st->section == SEC_ALERT_PLAYBOOKS)
		apb_load(st->apb);
}

static void enter(void *self)
{
	load_tenants(self);
	section_load(self);
}

/* The section bar; on a narrow terminal (80 columns) shorter labels and no prefix or hint,
 * so that every section, the active one included, stays in sight. */
static void draw_sections(struct settings *st, int y, int w)
{
	static const char *const shorter[NSECTIONS] = {"Tenants",    "Integrations", "Features",
						       "Clouds",     "Exclusions",   "Alert types"};
	int x = 1, full = text_width("Settings: ") + text_width("([ ] switch)") + 1;
	int narrow;

	for (int i = 0; i < NSECTIONS; i++)
		full += text_width(sections[i]) + 3;
	narrow = full > w - 1;
	ui_fill(y, 0, w, UI_NORMAL);
	if (!narrow)
		x += ui_text(y, x, w - x, UI_DIM, "Settings: ");
	for (int i = 0; i < NSECTIONS; i++) {
		char label[48];

		snprintf(label, sizeof(label), " %s ", narrow ? shorter[i] : sections[i]);
		x += ui_text(y, x, w - x, i == st->section ? UI_TAB_ACTIVE : UI_NORMAL, label) + 1;
	}
	if (!narrow)
		ui_text(y, x + 1, w - x - 1, UI_DIM, "([ ] switch)");
}

static void draw(void *self, struct ui_rect r)
{
	struct settings *st = self;
	struct ui_rect body = r;

	draw_sections(st, r.y, r.w);
	body.y += 2;
	body.h -= 2;
	if (st->section == SEC_EXCLUSIONS) {
		excl_draw(st, body);
		return;
	}
	if (st->section == SEC_ALERT_PLAYBOOKS) {
		apb_draw(st->apb, body);
		return;
	}
	if (st->section == SEC_INTEGRATIONS) {
		integ_draw(st, body);
		return;
	}
	if (st->section == SEC_FEATURES) {
		feat_draw(st, body);
		return;
	}
	if (st->section != 0) {
		static const struct screen_plan plans[NSECTIONS] = {
		    {"", "", ""},
		    {"", "", ""},
		    {"", "", ""},
		    {"Settings > Cloud accounts",
		     "AWS accounts (access key and secret, or a role ARN) and GCP projects "
		     "(service-account JSON), sealed in the vault, with their connection health.",
		     "Comes with the multi-cloud module (not built yet)."},
		    {"", "", ""},
		    {"", "", ""},
		};

		screen_draw_plan(&plans[st->section], body);
		return;
	}
	if (st->form) {
		struct ui_rect fr = body;
		int lines = st->test_msg[0] && !st->test_job ? 3 : 1;
		int y = body.y + body.h - lines;

		/* The last lines are the Test button's: what it does, or what it found (the
		 * service's own words can be long: up to three lines). */
		fr.h -= lines;
		ui_form_draw(st->form, fr);
		if (st->test_job)
			ui_text(y, 1, body.w - 2, UI_NORMAL, "Test: signing in...");
		else if (st->test_msg[0])
			ui_wrap((struct ui_rect){y, 1, lines, body.w - 2},
				st->test_ok ? UI_OK : UI_ERROR, st->test_msg, 0);
		else
			ui_text(
			    y, 1, body.w - 2, UI_DIM,
			    "[ Test: C-t ] signs in with the saved secret and reads /organization");
		return;
	}
	{
		struct ui_rect t = screen_header(body, "Tenants (Microsoft 365 / Entra ID)",
						 "a add  e edit  d delete");

		ui_table_draw(st->table, t, 1);
	}
}

static int key(void *self, const struct ui_event *ev)
{
	struct settings *st = self;

	if (st->form && ev->act == UI_ACT_TEST) {
		test_tenant(st);
		return UI_HANDLED;
	}
	if (st->form) {
		enum ui_form_result r = ui_form_key(st->form, ev);

		sync_hidden(st);
		if (r == UI_FORM_SAVE)
			save(st);
		else if (r == UI_FORM_CANCEL)
			cancel_form(st);
		return r == UI_FORM_IGNORED ? UI_IGNORED : UI_HANDLED;
	}
	if (st->section == SEC_INTEGRATIONS && st->iform)
		return integ_key(st, ev);
	if (st->section == SEC_FEATURES && st->fform)
		return feat_key(st, ev);
	if (st->section == SEC_EXCLUSIONS &&
	    (st->xform || (st->xtable && ui_table_filtering(st->xtable))))
		return excl_key(st, ev);
	if (st->section == SEC_ALERT_PLAYBOOKS && st->apb && apb_key(st->apb, NULL))
		return apb_key(st->apb, ev); /* its filter is being typed */
	if (ui_table_filtering(st->table))
		return ui_table_key(st->table, ev);
	switch (ev->act) {
	case UI_ACT_NEXT_SECTION:
		st->section = (st->section + 1) % NSECTIONS;
		section_load(st);
		return UI_HANDLED;
	case UI_ACT_PREV_SECTION:
		st->section = (st->section + NSECTIONS - 1) % NSECTIONS;
		section_load(st);
		return UI_HANDLED;
	default:
		break;
	}
	if (st->section == SEC_INTEGRATIONS)
		return integ_key(st, ev);
	if (st->section == SEC_FEATURES)
		return feat_key(st, ev);
	if (st->section == SEC_EXCLUSIONS)
		return excl_key(st, ev);
	if (st->section == SEC_ALERT_PLAYBOOKS)
		return apb_key(st->apb, ev);
	if (st->section != 0)
		return UI_IGNORED;
	switch (ev->act) {
	case UI_ACT_ADD:
		if (ui_may_change(st->ctx->ui, "adding a tenant"))
			open_form(st, 0);
		return UI_HANDLED;
	case UI_ACT_EDIT:
	case UI_ACT_OPEN:
		if (!selected_id(st))
			return UI_HANDLED;
		if (ui_may_change(st->ctx->ui, "editing a tenant"))
			open_form(st, selected_id(st));
		return UI_HANDLED;
	case UI_ACT_DELETE:
		if (!selected_id(st) || !ui_may_change(st->ctx->ui, "deleting a tenant"))
			return UI_HANDLED;
		st->deleting = selected_id(st);
		{
			char text[256];
			size_t i = ui_table_selected(st->table);

			snprintf(text, sizeof(text),
				 "Delete tenant %s? Its collected data and results go with it.",
				 ui_rowset_cell(st->rows, ui_rowset_index(st->rows, i), T_NAME));
			ui_confirm(st->ctx->ui, "Delete tenant?", text, "Delete", delete_done, st);
		}
		return UI_HANDLED;
	case UI_ACT_REFRESH:
		load_tenants(st);
		return UI_HANDLED;
	default:
		return ui_table_key(st->table, ev);
	}
}

static int event(void *self, struct worker_event *ev)
{
	struct settings *st = self;

	if (excl_event(st, ev) || test_event(st, ev) || integ_event(st, ev) || feat_event(st, ev) ||
	    apb_event(st->apb, ev))
		return 1;

	if (st->save_job && ev->job_id == st->save_job) {
		st->save_job = 0;
		if (ev->rc == 0) {
			char name[128];

			snprintf(name, sizeof(name), "%s",
				 st->form ? ui_form_get(st->form, F_NAME) : "");
			close_form(st);
			load_tenants(st);
			ui_message(st->ctx->ui, "Tenant %s saved", name);
		} else if (st->form) {
			/* "name: a tenant called ... exists": put it beside the field. */
			const char *colon = strchr(ev->err.msg, ':');
			int fi = -1;

			if (colon) {
				char head[32];

				snprintf(head, sizeof(head), "%.*s", (int)(colon - ev->err.msg),
					 ev->err.msg);
				fi = field_index(head);
			}
			if (fi >= 0)
				ui_form_set_error(st->form, fi, colon + 2);
		}
		return 1;
	}
	if (st->delete_job && ev->job_id == st->delete_job) {
		st->delete_job = 0;
		st->deleting = 0;
		load_tenants(st);
		if (ev->rc == 0)
			ui_message(st->ctx->ui, "Tenant deleted");
		return 1;
	}
	return 0;
}

static int dirty(void *self)
{
	struct settings *st = self;

	return (st->form && ui_form_dirty(st->form)) || (st->xform && ui_form_dirty(st->xform)) ||
	       (st->iform && ui_form_dirty(st->iform)) || (st->fform && ui_form_dirty(st->fform));
}

/* ---- Settings > Exclusions: the conditional-access gate's allowed exclusions ----
 *
 * ScubaGear counts a conditional access policy only when each user, group and application
 * it excludes is on a list the admin allowed for that control (doc/controls.md).  This
 * section lists, adds and removes those per tenant (t: next tenant).  Writes are worker jobs
 * calling eval_exclusion_add / eval_exclusion_remove (recorded in the activity log), for
 * admins only, refused under --readonly.  The new list counts from the next scan. */

enum { X_CONTROL, X_KIND, X_OBJECT, X_NOTE, XFIELDS };
enum { XC_CONTROL, XC_KIND, XC_OBJECT, XC_NOTE, XC_BY, XC_AT, XCOLS };

static const char *const excl_kinds[] = {"user", "group", "application", "role", NULL};
static const struct catalog *excl_catalog; /* for the Control field's check (UI thread) */

static int valid_control(const struct ui_form *f, int field, const char *v, char *msg, size_t n)
{
	(void)f;
	(void)field;
	if (excl_catalog && !catalog_find(excl_catalog, v)) {
		snprintf(msg, n, "no control with this id (see the Controls screen)");
		return -1;
	}
	return 0;
}

static const struct ui_field_def excl_fields[XFIELDS] = {
    [X_CONTROL] = {"Control", UI_FIELD_TEXT, 1, valid_control, NULL, "aad.mfa-all-users", 64, 0, 0},
    [X_KIND] = {"Kind", UI_FIELD_CHOICE, 0, NULL, excl_kinds, NULL, 0, 0, 0},
    [X_OBJECT] = {"Object ID", UI_FIELD_TEXT, 1, NULL, NULL, "GUID as in the policy", 128, 0, 0},
    [X_NOTE] = {"Note", UI_FIELD_TEXT, 0, NULL, NULL, "break-glass account", 200, 0, 0},
};

static const struct ui_column excl_columns[XCOLS] = {
    {"Control", 14, 2, 0}, {"Kind", 6, 0, 0},	  {"Object ID", 12, 2, 0},
    {"Note", 8, 2, 0},	   {"Added by", 8, 0, 0}, {"Added", 10, 0, 0},
};

struct excl_arg {
	char scope[32], control[64], kind[16], object[130], note[202];
	int remove;
	const struct catalog *cat; /* read-only, shared; outlives the job (worker stops first) */
};

static int excl_job(struct job *j, struct store *s, void *p, struct tater_err *err)
{
	struct excl_arg *a = p;
	int ret;

	(void)j;
	if (!s)
		return tater_errf(err, TATER_EIO, "no store");
	if ((ret = store_role_require(s, STORE_ROLE_ADMIN, "change the allowed exclusions", err)) <
	    0)
		return ret;
	if (a->remove)
		return eval_exclusion_remove(s, a->scope, a->control, a->kind, a->object, err);
	return eval_exclusion_add(s, a->cat, a->scope, a->control, a->kind, a->object,
				  a->note[0] ? a->note : NULL, err);
}

static void excl_section_free(struct settings *st)
{
	ui_table_free(st->xtable);
	st->xtable = NULL;
	ui_rowset_free(st->xrows);
	st->xrows = NULL;
	eval_exclusions_free(st->xv, st->xn);
	st->xv = NULL;
	st->xn = 0;
	ui_form_free(st->xform);
	st->xform = NULL;
}

static void excl_load(struct settings *st)
{
	struct tater_err err = {0};
	struct ui_table_source src;
	struct ui_rowset *rs;

	if (!st->xtable) {
		st->xtable = ui_table_new(excl_columns, XCOLS);
		if (!st->xtable)
			return;
		ui_table_set_empty_text(st->xtable,
					"No exclusions allowed: a policy that excludes anyone does "
					"not count. Press a to allow one.");
	}
	idsec_reload_tenants(st->is);
	idsec_scope(st->is, st->xscope, sizeof(st->xscope));
	eval_exclusions_free(st->xv, st->xn);
	st->xv = NULL;
	st->xn = 0;
	if (st->xscope[0] &&
	    eval_exclusions(st->ctx->store, st->xscope, NULL, &st->xv, &st->xn, &err) < 0)
		ui_error(st->ctx->ui, "Exclusions: %s", err.msg);
	rs = ui_rowset_new(XCOLS);
	if (!rs)
		return;
	for (size_t i = 0; i < st->xn; i++) {
		const struct eval_exclusion *x = &st->xv[i];
		char at[11];
		const char *cells[XCOLS];

		snprintf(at, sizeof(at), "%.10s", x->added_at);
		cells[XC_CONTROL] = x->control_id;
		cells[XC_KIND] = x->kind;
		cells[XC_OBJECT] = x->object_id;
		cells[XC_NOTE] = x->note;
		cells[XC_BY] = x->added_by;
		cells[XC_AT] = at;
		ui_rowset_add(rs, cells);
	}
	ui_rowset_free(st->xrows);
	st->xrows = rs;
	ui_rowset_source(rs, &src);
	ui_table_set_source(st->xtable, &src);
}

static const struct eval_exclusion *excl_selected(struct settings *st)
{
	size_t i = st->xtable ? ui_table_selected(st->xtable) : (size_t)-1;

	if (!st->xrows || i == (size_t)-1)
		return NULL;
	return &st->xv[ui_rowset_index(st->xrows, i)];
}

static void excl_draw(struct settings *st, struct ui_rect body)
{
	const struct tenant *t = idsec_tenant(st->is);
	char right[200];
	struct ui_rect r;

	if (st->xform) {
		ui_form_draw(st->xform, body);
		return;
	}
	snprintf(right, sizeof(right), "%s%s", t ? t->name : "no tenant",
		 st->is->ntenants > 1 ? " (t: next)" : "");
	r = screen_header(body, "Exclusions the conditional-access gate allows", right);
	ui_text(r.y, 1, r.w - 2, UI_DIM,
		"Per control; counted from the next scan.  a allow  d remove  t tenant");
	r.y++;
	r.h--;
	if (!t) {
		ui_text(r.y + 1, 2, r.w - 4, UI_WARN,
			"No tenant yet: add one under Tenants first.");
		return;
	}
	if (st->xtable)
		ui_table_draw(st->xtable, r, 1);
}

static void excl_submit(struct settings *st, struct excl_arg *a)
{
	struct tater_err err = {0};

	snprintf(a->scope, sizeof(a->scope), "%s", st->xscope);
	a->cat = idsec_catalog(st->is);
	if (worker_submit(st->ctx->worker, a->remove ? "remove an exclusion" : "allow an exclusion",
			  excl_job, a, free, &st->xjob, &err) < 0)
		ui_error(st->ctx->ui, "%s", err.msg);
}

static void excl_remove_done(void *ctx, int result, const char *input)
{
	struct settings *st = ctx;
	const struct eval_exclusion *x = excl_selected(st);
	struct excl_arg *a;

	(void)input;
	if (result != UI_MODAL_OK || !x || !ui_may_change(st->ctx->ui, "removing an exclusion"))
		return;
	if (!(a = calloc(1, sizeof(*a))))
		return;
	a->remove = 1;
	snprintf(a->control, sizeof(a->control), "%s", x->control_id);
	snprintf(a->kind, sizeof(a->kind), "%s", x->kind);
	snprintf(a->object, sizeof(a->object), "%s", x->object_id);
	excl_submit(st, a);
}

static int excl_admin(struct settings *st)
{
	struct tater_err err = {0};

	if (store_role_require(st->ctx->store, STORE_ROLE_ADMIN, "change the allowed exclusions",
			       &err) < 0) {
		ui_error(st->ctx->ui, "%s", err.msg);
		return 0;
	}
	return 1;
}

static void excl_discard_done(void *ctx, int result, const char *input)
{
	struct settings *st = ctx;

	(void)input;
	if (result == UI_MODAL_OK) {
		ui_form_free(st->xform);
		st->xform = NULL;
	}
}

static int excl_key(struct settings *st, const struct ui_event *ev)
{
	if (st->xform) {
		enum ui_form_result r = ui_form_key(st->xform, ev);

		if (r == UI_FORM_SAVE && ui_may_change(st->ctx->ui, "allowing an exclusion")) {
			struct excl_arg *a = calloc(1, sizeof(*a));

			if (!a)
				return UI_HANDLED;
			snprintf(a->control, sizeof(a->control), "%s",
				 ui_form_get(st->xform, X_CONTROL));
			snprintf(a->kind, sizeof(a->kind), "%s", ui_form_get(st->xform, X_KIND));
			snprintf(a->object, sizeof(a->object), "%s",
				 ui_form_get(st->xform, X_OBJECT));
			snprintf(a->note, sizeof(a->note), "%s", ui_form_get(st->xform, X_NOTE));
			excl_submit(st, a);
		} else if (r == UI_FORM_CANCEL) {
			if (ui_form_dirty(st->xform))
				ui_confirm(st->ctx->ui, "Discard changes?",
					   "This exclusion is not saved. Discard it?", "Discard",
					   excl_discard_done, st);
			else
				excl_discard_done(st, UI_MODAL_OK, NULL);
		}
		return r == UI_FORM_IGNORED ? UI_IGNORED : UI_HANDLED;
	}
	if (st->xtable && ui_table_filtering(st->xtable))
		return ui_table_key(st->xtable, ev);
	switch (ev->act) {
	case UI_ACT_ADD:
		if (!idsec_tenant(st->is) || !ui_may_change(st->ctx->ui, "allowing an exclusion") ||
		    !excl_admin(st))
			return UI_HANDLED;
		excl_catalog = idsec_catalog(st->is);
		st->xform = ui_form_new("Allow an exclusion", excl_fields, XFIELDS);
		if (st->xform) {
			ui_form_set(st->xform, X_KIND, "user");
			ui_form_clean(st->xform);
		}
		return UI_HANDLED;
	case UI_ACT_DELETE: {
		const struct eval_exclusion *x = excl_selected(st);
		char text[400];

		if (!x || !ui_may_change(st->ctx->ui, "removing an exclusion") || !excl_admin(st))
			return UI_HANDLED;
		snprintf(text, sizeof(text),
			 "Stop allowing %s %s for %s? Policies excluding it stop counting from the "
			 "next scan.",
			 x->kind, x->object_id, x->control_id);
		ui_confirm(st->ctx->ui, "Remove exclusion?", text, "Remove", excl_remove_done, st);
		return UI_HANDLED;
	}
	case UI_ACT_NEXT_TENANT:
		idsec_next_tenant(st->is);
		excl_load(st);
		return UI_HANDLED;
	case UI_ACT_REFRESH:
		excl_load(st);
		return UI_HANDLED;
	default:
		return st->xtable ? ui_table_key(st->xtable, ev) : UI_IGNORED;
	}
}

static int excl_event(struct settings *st, struct worker_event *ev)
{
	if (!st->xjob || ev->job_id != st->xjob)
		return 0;
	st->xjob = 0;
	if (ev->rc == 0) {
		if (st->xform) {
			ui_message(st->ctx->ui, "Exclusion allowed: counted from the next scan");
			ui_form_free(st->xform);
			st->xform = NULL;
		} else {
			ui_message(st->ctx->ui, "Exclusion removed: counted from the next scan");
		}
	} else if (st->xform) {
		ui_form_set_error(st->xform, X_OBJECT, ev->err.msg);
	}
	excl_load(st);
	return 1;
}

/* ---- the tenant form's Test ---- */

struct test_arg {
	struct tenant t;
	struct idsec_key *k;
	struct settings *st; /* UI side only: where the answer goes */
	char ca_file[1024];
};

struct test_result {
	int ok;
	char msg[560];
	struct vault *unlocked;
};

static void free_test_arg(void *p)
{
	struct test_arg *a = p;

	if (!a)
		return;
	idsec_key_free(a->k);
	free(a);
}

static void free_test_result(void *p)
{
	struct test_result *r = p;

	if (!r)
		return;
	vault_close(r->unlocked);
	free(r);
}

static int test_job(struct job *j, struct store *s, void *p, struct tater_err *err)
{
	struct test_arg *a = p;
	struct test_result *r = calloc(1, sizeof(*r));
	struct tater_err terr = {0};
	struct vault *v = NULL;
	char org[256];

	if (!r)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	if (!s) {
		free(r);
		return tater_errf(err, TATER_EIO, "no store");
	}
	job_progress(j, 0, 0, "signing in");
	if (idsec_key_open(a->k, s, &v, &r->unlocked, &terr) < 0) {
		snprintf(r->msg, sizeof(r->msg), "Test failed: %s", terr.msg);
	} else if (collect_tenant_test(v, &a->t, a->ca_file[0] ? a->ca_file : NULL, org,
				       sizeof(org), &terr) < 0) {
		/* The service's own words (AADSTS...), sanitised when drawn. */
		snprintf(r->msg, sizeof(r->msg), "Test failed: %s", terr.msg);
	} else {
		r->ok = 1;
		snprintf(r->msg, sizeof(r->msg), "Test passed: signed in; organisation \"%s\"",
			 org);
	}
	vault_close(v);
	job_set_result(j, r, free_test_result);
	/* The outcome is shown beside the form, not as a job error. */
	return 0;
}

static void test_key_ready(void *ctx, struct idsec_key *k)
{
	struct test_arg *a = ctx;
	struct settings *st = a->st;
	struct tater_err err = {0};

	if (!k) {
		snprintf(st->test_msg, sizeof(st->test_msg), "Test not run: no passphrase given");
		st->test_ok = 0;
		free_test_arg(a);
		return;
	}
	a->k = k;
	if (worker_submit(st->ctx->worker, "test tenant sign-in", test_job, a, free_test_arg,
			  &st->test_job, &err) < 0) {
		st->test_job = 0;
		ui_error(st->ctx->ui, "%s", err.msg);
	}
}

static void test_tenant(struct settings *st)
{
	struct test_arg *a;
	struct tater_err err = {0};
	const char *field = NULL, *ca = getenv("TATER_CA_FILE");

	if (st->test_job)
		return;
	if (!st->editing || ui_form_secret_changed(st->form, F_SECRET) ||
	    ui_form_get(st->form, F_CERT)[0]) {
		snprintf(st->test_msg, sizeof(st->test_msg),
			 "Save first: Test signs in with the saved credential");
		st->test_ok = 0;
		return;
	}
	if (!(a = calloc(1, sizeof(*a))))
		return;
	a->st = st;
	if (ca)
		snprintf(a->ca_file, sizeof(a->ca_file), "%s", ca);
	/* The saved tenant with the form's endpoints and ids: a changed tenant ID or URL is
	 * tried before it is saved. */
	if (tenant_get_id(st->ctx->store, st->editing, &a->t, &err) < 0) {
		ui_error(st->ctx->ui, "%s", err.msg);
		free(a);
		return;
	}
	if (strcmp(a->t.auth_kind, ui_form_get(st->form, F_AUTH)) != 0) {
		snprintf(st->test_msg, sizeof(st->test_msg),
			 "Save first: Test signs in with the saved credential");
		st->test_ok = 0;
		free(a);
		return;
	}
	snprintf(a->t.tenant_id, sizeof(a->t.tenant_id), "%s", ui_form_get(st->form, F_TENANT));
	snprintf(a->t.client_id, sizeof(a->t.client_id), "%s", ui_form_get(st->form, F_CLIENT));
	snprintf(a->t.cloud, sizeof(a->t.cloud), "%s", ui_form_get(st->form, F_CLOUD));
	snprintf(a->t.base_url, sizeof(a->t.base_url), "%s",
		 strcmp(a->t.cloud, "custom") == 0 ? ui_form_get(st->form, F_BASE) : "");
	if (tenant_validate(&a->t, &field, &err) < 0) {
		int fi = field_index(field);

		if (fi >= 0)
			ui_form_set_error(st->form, fi, err.msg);
		snprintf(st->test_msg, sizeof(st->test_msg), "Test not run: %s", err.msg);
		st->test_ok = 0;
		free(a);
		return;
	}
	st->test_msg[0] = '\0';
	idsec_with_key(st->is, "test the sign-in", test_key_ready, a);
}

static int test_event(struct settings *st, struct worker_event *ev)
{
	struct test_result *r;

	if (!st->test_job || ev->job_id != st->test_job)
		return 0;
	st->test_job = 0;
	r = worker_event_take(ev);
	if (r) {
		idsec_keep_vault(st->is, r->unlocked);
		r->unlocked = NULL;
		snprintf(st->test_msg, sizeof(st->test_msg), "%s", r->msg);
		st->test_ok = r->ok;
		free_test_result(r);
	}
	return 1;
}

const struct screen_def screen_settings = {
    .name = "settings",
    .title = "Settings",
    .create = create,
    .destroy = destroy,
    .enter = enter,
    .draw = draw,
    .key = key,
    .event = event,
    .dirty = dirty,
};

/* ---- Settings > Alert playbooks: which playbook answers each ITDR alert type ----
 *
 * Rows: every type linked to a playbook, every type seen in an alert, and the Identity
 * Protection types Graph documents.  Enter or e links the selected type (a playbook's slug;
 * empty unlinks), a adds a type.  The links are stored by ir_alert_type_link (the playbook
 * library's table), the unlink by itdr_alert_type_unlink; both are in the activity log. */

static const char *const apb_known_types[] = {
    "adminConfirmedUserCompromised", "anomalousToken", "anomalousUserActivity",
    "anonymizedIPAddress", "attackerinTheMiddle", "impossibleTravel", "leakedCredentials",
    "maliciousIPAddress", "mcasSuspiciousInboxManipulationRules", "passwordSpray",
    "suspiciousAPITraffic", "suspiciousBrowser", "suspiciousInboxForwarding", "tokenIssuerAnomaly",
    "unfamiliarFeatures", "unlikelyTravel", NULL};

enum { APB_TYPE, APB_SLUG, APB_NAME, APB_ALERTS, APB_NCOLS };

static const struct ui_column apb_columns[APB_NCOLS] = {
    {"Alert type", 20, 2, 0}, {"Playbook", 12, 1, 0}, {"Name", 12, 2, 0}, {"Alerts", 6, 0, 1}};

struct apb {
	struct settings *st;
	struct ui_table *table;
	struct ui_rowset *rows;
	uint64_t job;
	char editing[96];
};

struct apb_arg {
	char type[96];
	char slug[64];
};

static int apb_job(struct job *j, struct store *s, void *p, struct tater_err *err)
{
	struct apb_arg *a = p;

	(void)j;
	if (!s)
		return tater_errf(err, TATER_EIO, "no store");
	if (a->slug[0])
		return ir_alert_type_link(s, a->type, a->slug, err);
	return itdr_alert_type_unlink(s, a->type, err);
}

static struct apb *apb_new(struct settings *st)
{
	struct apb *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->st = st;
	if (!(a->table = ui_table_new(apb_columns, APB_NCOLS))) {
		free(a);
		return NULL;
	}
	ui_table_set_empty_text(a->table, "No alert types yet.");
	return a;
}

static void apb_free(struct apb *a)
{
	if (!a)
		return;
	ui_table_free(a->table);
	ui_rowset_free(a->rows);
	free(a);
}

static void apb_load(struct apb *a)
{
	struct store *s = a ? a->st->ctx->store : NULL;
	struct ui_rowset *rs;
	struct ui_table_source src;
	sqlite3_stmt *st = NULL;

	if (!s || !(rs = ui_rowset_new(APB_NCOLS)))
		return;
	/* The union of documented, linked and seen types, each once (no write: the UI
	 * thread's connection only reads). */
	{
		char sql[2048];
		size_t len = 0;

		len += (size_t)snprintf(sql + len, sizeof(sql) - len,
					"SELECT t.t, coalesce(p.slug, ''), coalesce(p.name, ''),"
					" (SELECT count(*) FROM alerts WHERE detection_type = t.t)"
					" FROM (SELECT column1 AS t FROM (VALUES ");
		for (int i = 0; apb_known_types[i] && len < sizeof(sql); i++)
			len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s('%s')",
						i ? "," : "", apb_known_types[i]);
		if (len < sizeof(sql))
			snprintf(sql + len, sizeof(sql) - len,
				 ") UNION SELECT detection_type FROM alert_type_playbooks UNION"
				 " SELECT DISTINCT detection_type FROM alerts) t"
				 " LEFT JOIN alert_type_playbooks l ON l.detection_type = t.t"
				 " LEFT JOIN playbooks p ON p.id = l.playbook_id"
				 " ORDER BY t.t COLLATE NOCASE");
		if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
			st = NULL;
	}
	if (st) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *cells[APB_NCOLS];

			for (int c = 0; c < APB_NCOLS; c++)
				cells[c] = (const char *)sqlite3_column_text(st, c);
			if (!cells[APB_SLUG] || !cells[APB_SLUG][0])
				cells[APB_SLUG] = "-";
			ui_rowset_add(rs, cells);
		}
	}
	sqlite3_finalize(st);
	ui_rowset_free(a->rows);
	a->rows = rs;
	ui_rowset_source(rs, &src);
	ui_table_set_source(a->table, &src);
}

static void apb_draw(struct apb *a, struct ui_rect body)
{
	struct ui_rect t;

	if (!a)
		return;
	t = screen_header(body, "Alert playbooks: the playbook shown with each ITDR alert type",
			  "Enter/e link  a add a type");
	ui_table_draw(a->table, t, 1);
}

static void apb_submit(struct apb *a, const char *type, const char *slug)
{
	struct apb_arg *arg = calloc(1, sizeof(*arg));
	struct tater_err err = {0};

	if (!arg)
		return;
	snprintf(arg->type, sizeof(arg->type), "%s", type);
	snprintf(arg->slug, sizeof(arg->slug), "%s", slug ? slug : "");
	if (worker_submit(a->st->ctx->worker, "link alert type", apb_job, arg, free, &a->job,
			  &err) < 0)
		ui_error(a->st->ctx->ui, "%s", err.msg);
}

static void apb_link_done(void *ctx, int result, const char *input)
{
	struct apb *a = ctx;
	char slug[64];
	size_t i = 0;

	if (result != UI_MODAL_OK)
		return;
	while (input && (*input == ' ' || *input == '\t'))
		input++;
	snprintf(slug, sizeof(slug), "%s", input ? input : "");
	i = strcspn(slug, " \t");
	slug[i] = '\0';
	apb_submit(a, a->editing, slug);
}

static void apb_add_done(void *ctx, int result, const char *input)
{
	struct apb *a = ctx;
	char type[96], slug[64];

	if (result != UI_MODAL_OK || !input)
		return;
	if (sscanf(input, "%95s %63s", type, slug) != 2) {
		ui_error(a->st->ctx->ui, "Type the alert type, a space, then the playbook's slug");
		return;
	}
	apb_submit(a, type, slug);
}

/* ev NULL: is the table's filter being typed? */
static int apb_key(struct apb *a, const struct ui_event *ev)
{
	size_t i;

	if (!a)
		return ev ? UI_IGNORED : 0;
	if (!ev)
		return ui_table_filtering(a->table);
	if (ui_table_filtering(a->table))
		return ui_table_key(a->table, ev);
	switch (ev->act) {
	case UI_ACT_OPEN:
	case UI_ACT_EDIT:
		i = ui_table_selected(a->table);
		if (!a->rows || i == (size_t)-1 ||
		    !ui_may_change(a->st->ctx->ui, "linking a playbook to an alert type"))
			return UI_HANDLED;
		snprintf(a->editing, sizeof(a->editing), "%s",
			 ui_rowset_cell(a->rows, ui_rowset_index(a->rows, i), APB_TYPE));
		{
			char text[256];

			snprintf(text, sizeof(text),
				 "Playbook for %s: its slug (Playbooks, 4, lists them; empty "
				 "unlinks):",
				 a->editing);
			ui_prompt(a->st->ctx->ui, "Link a playbook", text, 0, apb_link_done, a);
		}
		return UI_HANDLED;
	case UI_ACT_ADD:
		if (ui_may_change(a->st->ctx->ui, "linking a playbook to an alert type"))
			ui_prompt(a->st->ctx->ui, "Add an alert type",
				  "Alert type and playbook slug (e.g. suspiciousInboxForwarding "
				  "phishing):",
				  0, apb_add_done, a);
		return UI_HANDLED;
	case UI_ACT_REFRESH:
		apb_load(a);
		return UI_HANDLED;
	default:
		return ui_table_key(a->table, ev);
	}
}

static int apb_event(struct apb *a, struct worker_event *ev)
{
	if (!a || !a->job || ev->job_id != a->job)
		return 0;
	a->job = 0;
	if (ev->rc == 0)
		ui_message(a->st->ctx->ui, "Alert playbook link saved");
	apb_load(a);
	return 1;
}

/* ---- Settings > Integrations: automated remediation per tenant (issue 6) ----
 *
 * The selected tenant's (t: next) remediation settings: the Automated Remediation toggle, the
 * webhook URL of the Run-Remediation runbook, the app registration's client ID and the
 * Automation account's resource ID.  The webhook URL carries the webhook's token: it is a
 * secret field (masked while typed, never drawn back), and once saved only its redacted form
 * (rem_config_webhook_redacted: "https://…/webhooks?token=****") is shown; leaving it empty
 * keeps the stored one.  Save is a worker job calling rem_config_save (admins only, recorded
 * in the activity log), Test one calling rem_test_account (an authenticated ARM read of the
 * Automation account; no job started), each opening the vault as the tenant form's Test
 * does.  Editing is refused under --readonly; Test only reads. */

enum { I_ENABLED, I_WEBHOOK, I_CLIENT, I_ACCOUNT, IFIELDS };
/* What an Integrations job does; INTEG_REDACT only reads the stored URL, redacted, for the
 * summary (run on entering the section when a key file opens the vault without asking). */
enum { INTEG_SAVE, INTEG_TEST, INTEG_REDACT };

static int valid_opt_guid(const struct ui_form *f, int field, const char *v, char *msg, size_t n)
{
	return !v || !*v ? 0 : ui_valid_guid(f, field, v, msg, n);
}

static int valid_account(const struct ui_form *f, int field, const char *v, char *msg, size_t n)
{
	(void)f;
	(void)field;
	return !v || !*v ? 0 : rem_valid_account(v, msg, n);
}

static const struct ui_field_def integ_fields[IFIELDS] = {
    [I_ENABLED] = {"Automated remediation", UI_FIELD_TOGGLE, 0, NULL, NULL, NULL, 0, 0, 0},
    /* Secret fields are not checked by the form: integ_save checks it (rem_valid_webhook,
     * whose messages never repeat the value). */
    [I_WEBHOOK] = {"Webhook URL", UI_FIELD_SECRET, 0, NULL, NULL,
		   "https://<region>.webhook.azure-automation.net/webhooks?token=...", 1000, 0, 0},
    [I_CLIENT] = {"App client ID", UI_FIELD_TEXT, 0, valid_opt_guid, NULL, "app registration GUID",
		  36, 0, 0},
    [I_ACCOUNT] = {"Automation account", UI_FIELD_TEXT, 0, valid_account, NULL,
		   "/subscriptions/ID/resourceGroups/RG/providers/Microsoft.Automation/"
		   "automationAccounts/NAME",
		   500, 0, 0},
};

struct integ_arg {
	struct idsec_key *k;
	struct settings *st; /* UI side only */
	int64_t tenant;
	int test; /* INTEG_SAVE, INTEG_TEST, INTEG_REDACT */
	struct rem_config cfg;
	char *webhook; /* sodium_malloc'd, or NULL: keep the stored one */
	size_t webhook_len;
	char ca_file[1024];
};

struct integ_result {
	int ok;
	char msg[600];
	char redacted[300];
	int64_t tenant;
	struct vault *unlocked;
};

static void free_integ_arg(void *p)
{
	struct integ_arg *a = p;

	if (!a)
		return;
	idsec_key_free(a->k);
	if (a->webhook)
		sodium_free(a->webhook);
	free(a);
}

static void free_integ_result(void *p)
{
	struct integ_result *r = p;

	if (!r)
		return;
	vault_close(r->unlocked);
	free(r);
}

static int integ_job(struct job *j, struct store *s, void *p, struct tater_err *err)
{
	struct integ_arg *a = p;
	struct integ_result *r = calloc(1, sizeof(*r));
	struct tater_err terr = {0};
	struct vault *v = NULL;
	struct tenant t;
	int rc = 0;

	if (!r)
		return tater_errf(err, TATER_ENOMEM, "out of memory");
	if (!s) {
		free(r);
		return tater_errf(err, TATER_EIO, "no store");
	}
	job_set_result(j, r, free_integ_result);
	r->tenant = a->tenant;
	job_progress(j, 0, 0, a->test ? "reading the Automation account" : "saving");
	if (idsec_key_open(a->k, s, &v, &r->unlocked, &terr) < 0) {
		snprintf(r->msg, sizeof(r->msg), "%s: %s", a->test ? "Test failed" : "Not saved",
			 terr.msg);
	} else if (a->test == INTEG_REDACT) {
		r->ok = 1;
	} else if (a->test) {
		char info[300];

		if (tenant_get_id(s, a->tenant, &t, &terr) < 0 ||
		    rem_test_account(v, &t, &a->cfg, a->ca_file[0] ? a->ca_file : NULL, info,
				     sizeof(info), &terr) < 0) {
			/* The service's own words (sanitised when drawn). */
			snprintf(r->msg, sizeof(r->msg), "Test failed: %s", terr.msg);
		} else {
			r->ok = 1;
			snprintf(r->msg, sizeof(r->msg), "Test passed: %s", info);
		}
	} else if ((rc = rem_config_save(s, v, a->tenant, &a->cfg, a->webhook, err)) == 0) {
		r->ok = 1;
		snprintf(r->msg, sizeof(r->msg), "Remediation settings saved");
	}
	if (v && rc == 0 && (a->cfg.has_webhook || a->webhook) &&
	    rem_config_webhook_redacted(v, a->tenant, r->redacted, sizeof(r->redacted), &terr) < 0)
		r->redacted[0] = '\0';
	vault_close(v);
	return rc;
}

static void integ_key_ready(void *ctx, struct idsec_key *k);
static struct integ_arg *integ_arg_new(struct settings *st, int test);

static void integ_redact(struct settings *st)
{
	struct integ_arg *a = integ_arg_new(st, INTEG_REDACT);

	if (a)
		idsec_with_key(st->is, "show the webhook URL redacted", integ_key_ready, a);
}

static void integ_load(struct settings *st)
{
	const struct tenant *t;
	struct tater_err err = {0};

	idsec_reload_tenants(st->is);
	t = idsec_tenant(st->is);
	memset(&st->icfg, 0, sizeof(st->icfg));
	if (!t || st->itenant != t->id)
		st->iredacted[0] = '\0';
	st->itenant = t ? t->id : 0;
	if (!t)
		return;
	if (rem_config_get(st->ctx->store, t->id, &st->icfg, &err) < 0) {
		ui_error(st->ctx->ui, "Integrations: %s", err.msg);
		return;
	}
	if (!st->icfg.has_webhook)
		st->iredacted[0] = '\0';
	else if (st->is->vault && rem_config_webhook_redacted(st->is->vault, t->id, st->iredacted,
							      sizeof(st->iredacted), &err) < 0)
		st->iredacted[0] = '\0';
	else if (!st->is->vault && !st->iredacted[0] && key_file_of(st) && !st->ijob)
		integ_redact(st); /* the key file opens the vault without asking */
}

static int integ_admin(struct settings *st)
{
	struct tater_err err = {0};

	if (store_role_require(st->ctx->store, STORE_ROLE_ADMIN, "change the remediation settings",
			       &err) < 0) {
		ui_error(st->ctx->ui, "%s", err.msg);
		return 0;
	}
	return 1;
}

static void integ_close_form(struct settings *st)
{
	ui_form_free(st->iform);
	st->iform = NULL;
}

static void integ_open_form(struct settings *st)
{
	if (!idsec_tenant(st->is) ||
	    !ui_may_change(st->ctx->ui, "changing the remediation settings") || !integ_admin(st))
		return;
	integ_load(st);
	st->iform = ui_form_new("Automated remediation", integ_fields, IFIELDS);
	if (!st->iform)
		return;
	ui_form_set(st->iform, I_ENABLED, st->icfg.enabled ? "1" : "0");
	ui_form_set(st->iform, I_CLIENT, st->icfg.client_id);
	ui_form_set(st->iform, I_ACCOUNT, st->icfg.automation_account);
	ui_form_set_stored(st->iform, I_WEBHOOK, st->icfg.has_webhook);
	ui_form_clean(st->iform);
	st->imsg[0] = '\0';
}

static void integ_key_ready(void *ctx, struct idsec_key *k)
{
	struct integ_arg *a = ctx;
	struct settings *st = a->st;
	struct tater_err err = {0};

	if (!k) {
		if (a->test != INTEG_REDACT)
			snprintf(st->imsg, sizeof(st->imsg), "%s: no passphrase given",
				 a->test ? "Test not run" : "Not saved");
		st->iok = 0;
		free_integ_arg(a);
		return;
	}
	a->k = k;
	if (worker_submit(st->ctx->worker,
			  a->test == INTEG_TEST	  ? "test the Automation account"
			  : a->test == INTEG_SAVE ? "save remediation settings"
						  : "read the webhook URL (redacted)",
			  integ_job, a, free_integ_arg, &st->ijob, &err) < 0) {
		st->ijob = 0;
		ui_error(st->ctx->ui, "%s", err.msg);
		return;
	}
	st->itesting = a->test;
}

static struct integ_arg *integ_arg_new(struct settings *st, int test)
{
	struct integ_arg *a = calloc(1, sizeof(*a));
	const char *ca = getenv("TATER_CA_FILE");

	if (!a)
		return NULL;
	a->st = st;
	a->test = test;
	a->tenant = st->itenant;
	a->cfg = st->icfg;
	if (ca)
		snprintf(a->ca_file, sizeof(a->ca_file), "%s", ca);
	return a;
}

static void integ_save(struct settings *st)
{
	struct integ_arg *a;
	char msg[200];

	if (!ui_may_change(st->ctx->ui, "changing the remediation settings") || !integ_admin(st))
		return;
	if (st->ijob) {
		ui_message(st->ctx->ui, "Still working...");
		return;
	}
	if (!(a = integ_arg_new(st, 0)))
		return;
	a->cfg.enabled = !strcmp(ui_form_get(st->iform, I_ENABLED), "1");
	snprintf(a->cfg.client_id, sizeof(a->cfg.client_id), "%s",
		 ui_form_get(st->iform, I_CLIENT));
	snprintf(a->cfg.automation_account, sizeof(a->cfg.automation_account), "%s",
		 ui_form_get(st->iform, I_ACCOUNT));
	if (ui_form_secret_changed(st->iform, I_WEBHOOK) && ui_form_get(st->iform, I_WEBHOOK)[0]) {
		const char *url = ui_form_get(st->iform, I_WEBHOOK);

		if (rem_valid_webhook(url, msg, sizeof(msg)) < 0) {
			ui_form_set_error(st->iform, I_WEBHOOK, msg);
			ui_form_set_focus(st->iform, I_WEBHOOK);
			free_integ_arg(a);
			return;
		}
		a->webhook_len = strlen(url);
		if (!(a->webhook = sodium_malloc(a->webhook_len + 1))) {
			free_integ_arg(a);
			return;
		}
		memcpy(a->webhook, url, a->webhook_len + 1);
	}
	st->imsg[0] = '\0';
	idsec_with_key(st->is, "seal the webhook URL", integ_key_ready, a);
}

static void integ_test(struct settings *st)
{
	struct integ_arg *a;

	if (!idsec_tenant(st->is))
		return;
	if (st->ijob) {
		ui_message(st->ctx->ui, "Still working...");
		return;
	}
	if (!integ_admin(st))
		return;
	if (!(a = integ_arg_new(st, 1)))
		return;
	/* The form's account when it is open: a changed ID is tried before it is saved. */
	if (st->iform)
		snprintf(a->cfg.automation_account, sizeof(a->cfg.automation_account), "%s",
			 ui_form_get(st->iform, I_ACCOUNT));
	if (!a->cfg.automation_account[0]) {
		snprintf(st->imsg, sizeof(st->imsg),
			 "Test not run: no Automation account resource ID yet");
		st->iok = 0;
		free_integ_arg(a);
		return;
	}
	st->imsg[0] = '\0';
	idsec_with_key(st->is, "test the Automation account", integ_key_ready, a);
}

/* The keys of a tenant section with a form (Integrations, Features): the form's own while
 * it is open (Cancel with changes asks first), else e/Enter opens it, t shows the next
 * tenant, r reads afresh. */
struct tsec {
	struct ui_form **form;
	char *msg;
	const char *unsaved; /* the discard question */
	void (*open)(struct settings *st);
	void (*save)(struct settings *st);
	void (*load)(struct settings *st);
	void (*discard_done)(void *ctx, int result, const char *input);
};

static int tsec_key(struct settings *st, const struct tsec *o, const struct ui_event *ev)
{
	if (*o->form) {
		enum ui_form_result r = ui_form_key(*o->form, ev);

		if (r == UI_FORM_SAVE)
			o->save(st);
		else if (r == UI_FORM_CANCEL && ui_form_dirty(*o->form))
			ui_confirm(st->ctx->ui, "Discard changes?", o->unsaved, "Discard",
				   o->discard_done, st);
		else if (r == UI_FORM_CANCEL)
			o->discard_done(st, UI_MODAL_OK, NULL);
		return r == UI_FORM_IGNORED ? UI_IGNORED : UI_HANDLED;
	}
	switch (ev->act) {
	case UI_ACT_EDIT:
	case UI_ACT_OPEN:
		o->open(st);
		return UI_HANDLED;
	case UI_ACT_NEXT_TENANT:
		idsec_next_tenant(st->is);
		o->msg[0] = '\0';
		o->load(st);
		return UI_HANDLED;
	case UI_ACT_REFRESH:
		o->load(st);
		return UI_HANDLED;
	default:
		return UI_IGNORED;
	}
}

/* A tenant section's title line, naming the tenant (t: next); 0, with a hint drawn, when
 * there is no tenant yet.  *r is the room under the title. */
static int tsec_header(struct settings *st, struct ui_rect body, const char *title,
		       struct ui_rect *r)
{
	const struct tenant *t = idsec_tenant(st->is);
	char right[200];

	snprintf(right, sizeof(right), "%s%s", t ? t->name : "no tenant",
		 st->is->ntenants > 1 ? " (t: next)" : "");
	*r = screen_header(body, title, right);
	if (!t)
		ui_text(r->y + 1, 2, r->w - 4, UI_WARN,
			"No tenant yet: add one under Tenants first.");
	return t != NULL;
}

static void integ_discard_done(void *ctx, int result, const char *input)
{
	(void)input;
	if (result == UI_MODAL_OK)
		integ_close_form(ctx);
}

static void integ_draw(struct settings *st, struct ui_rect body)
{
	struct ui_rect r;
	int y;

	if (!tsec_header(st, body, "Integrations: automated remediation (Azure Automation)", &r))
		return;
	y = r.y + r.h - 3;
	if (st->iform) {
		ui_form_draw(st->iform, (struct ui_rect){r.y, r.x, r.h - 3, r.w});
	} else {
		int x = r.x + 2, w = r.w - 4, yy = r.y + 1;

		ui_text(yy++, x, w, UI_DIM, "e edit  C-t test  t tenant  r reload  (admins)");
		yy++;
		ui_textf(yy++, x, w, st->icfg.enabled ? UI_OK : UI_NORMAL,
			 "Automated remediation  %s", st->icfg.enabled ? "on" : "off");
		ui_textf(yy++, x, w, UI_NORMAL, "Webhook URL            %s",
			 !st->icfg.has_webhook ? "none"
			 : st->iredacted[0]    ? st->iredacted
					       : "sealed in the vault");
		ui_textf(yy++, x, w, UI_NORMAL, "App client ID          %s",
			 st->icfg.client_id[0] ? st->icfg.client_id : "-");
		ui_textf(yy++, x, w, UI_NORMAL, "Automation account     %s",
			 st->icfg.automation_account[0] ? st->icfg.automation_account : "-");
		if (st->icfg.exists)
			ui_textf(yy++, x, w, UI_DIM, "Updated                %s by %s",
				 st->icfg.updated_at, st->icfg.updated_by);
		if (!st->icfg.enabled && yy < y)
			ui_text(yy + 1, x, w, UI_DIM,
				"Off: the Controls screen's Remediate (X) is refused for this "
				"tenant. e turns it on.");
	}
	if (st->ijob)
		ui_text(y, 1, r.w - 2, UI_NORMAL,
			st->itesting ? "Test: reading the Automation account..." : "Saving...");
	else if (st->imsg[0])
		ui_wrap((struct ui_rect){y, 1, 3, r.w - 2}, st->iok ? UI_OK : UI_ERROR, st->imsg,
			0);
	else
		ui_text(
		    y, 1, r.w - 2, UI_DIM,
		    "[ Test: C-t ] reads the Automation account through ARM; no job is started");
}

static int integ_key(struct settings *st, const struct ui_event *ev)
{
	struct tsec o = {.form = &st->iform,
			 .msg = st->imsg,
			 .unsaved = "The remediation settings are not saved. Discard them?",
			 .open = integ_open_form,
			 .save = integ_save,
			 .load = integ_load,
			 .discard_done = integ_discard_done};

	if (ev->act == UI_ACT_TEST) {
		integ_test(st);
		return UI_HANDLED;
	}
	return tsec_key(st, &o, ev);
}

static int integ_event(struct settings *st, struct worker_event *ev)
{
	struct integ_result *r;

	if (!st->ijob || ev->job_id != st->ijob)
		return 0;
	st->ijob = 0;
	r = worker_event_take(ev);
	if (r) {
		idsec_keep_vault(st->is, r->unlocked);
		r->unlocked = NULL;
	}
	if (r && r->redacted[0] && st->itenant == r->tenant)
		snprintf(st->iredacted, sizeof(st->iredacted), "%s", r->redacted);
	if (st->itesting == INTEG_REDACT) {
		/* Only the summary's redacted URL. */
	} else if (st->itesting) {
		snprintf(st->imsg, sizeof(st->imsg), "%s", r ? r->msg : ev->err.msg);
		st->iok = r && r->ok;
	} else if (ev->rc == 0 && r && r->ok) {
		integ_close_form(st);
		integ_load(st);
		snprintf(st->imsg, sizeof(st->imsg), "%s", r->msg);
		st->iok = 1;
		ui_message(st->ctx->ui, "Remediation settings saved");
	} else {
		/* "client ID: ...", "webhook URL: ...": beside the field when it names one. */
		const char *m = ev->rc ? ev->err.msg : r ? r->msg : "not saved";
		int fi = !strncmp(m, "client ID:", 10)			    ? I_CLIENT
			 : !strncmp(m, "Automation account", 18)	    ? I_ACCOUNT
			 : !strncmp(m, "webhook URL:", 12)		    ? I_WEBHOOK
			 : strstr(m, "without a webhook URL")		    ? I_WEBHOOK
			 : strstr(m, "without the app registration client") ? I_CLIENT
									    : -1;

		if (st->iform && fi >= 0)
			ui_form_set_error(st->iform, fi, m);
		snprintf(st->imsg, sizeof(st->imsg), "Not saved: %s", m);
		st->iok = 0;
	}
	free_integ_result(r);
	return 1;
}

/* ---- Settings > Features: the selected tenant's switches (tenants.h) ----
 *
 * ITDR ingestion with each scan, how far back a first ingest reads, pacing by Microsoft's
 * published limits, and the DNS-over-HTTPS resolver for SPF/DKIM/DMARC: what `tater tenant
 * settings` shows and `tater tenant set` changes.  e edits them in a form (admins; refused under
 * --readonly); Save is a worker job calling tenant_setting_save for each changed one (each
 * recorded in the activity log).  t moves to the next tenant. */

static int feat_valid(const struct ui_form *f, int field, const char *v, char *msg, size_t n)
{
	(void)f;
	return tenant_setting_valid(&tenant_setting_defs[field], v, msg, n);
}

struct feat_arg {
	int64_t tenant;
	int changed[TENANT_SETTING_COUNT];
	char val[TENANT_SETTING_COUNT][512];
};

static int feat_job(struct job *j, struct store *s, void *p, struct tater_err *err)
{
	struct feat_arg *a = p;
	int ret;

	if (!s)
		return tater_errf(err, TATER_EIO, "no store");
	job_progress(j, 0, 0, "saving");
	/* One transaction: the form's changes are saved together or not at all. */
	if ((ret = store_begin(s, err)) < 0)
		return ret;
	for (size_t i = 0; i < TENANT_SETTING_COUNT; i++) {
		if (a->changed[i] &&
		    (ret = tenant_setting_save(s, a->tenant, tenant_setting_defs[i].key, a->val[i],
					       err)) < 0) {
			store_rollback(s);
			return ret;
		}
	}
	return store_commit(s, err);
}

static void feat_load(struct settings *st)
{
	const struct tenant *t;
	struct tater_err err = {0};

	idsec_reload_tenants(st->is);
	t = idsec_tenant(st->is);
	st->ftenant = t ? t->id : 0;
	for (size_t i = 0; t && i < TENANT_SETTING_COUNT; i++) {
		int set = tenant_setting_value(st->ctx->store, t->id, tenant_setting_defs[i].key,
					       st->fval[i], sizeof(st->fval[i]), &err);

		if (set < 0) {
			ui_error(st->ctx->ui, "Features: %s", err.msg);
			return;
		}
		st->fset[i] = set;
	}
}

static void feat_close_form(struct settings *st)
{
	ui_form_free(st->fform);
	st->fform = NULL;
}

static void feat_open_form(struct settings *st)
{
	static struct ui_field_def defs[TENANT_SETTING_COUNT];
	struct tater_err err = {0};

	if (!idsec_tenant(st->is) || !ui_may_change(st->ctx->ui, "changing a tenant's settings"))
		return;
	if (store_role_require(st->ctx->store, STORE_ROLE_ADMIN, "change a tenant's settings",
			       &err) < 0) {
		ui_error(st->ctx->ui, "%s", err.msg);
		return;
	}
	feat_load(st);
	for (size_t i = 0; i < TENANT_SETTING_COUNT; i++) {
		const struct tenant_setting_def *d = &tenant_setting_defs[i];

		defs[i] = (struct ui_field_def){
		    .label = d->label,
		    .kind = d->kind == TENANT_SETTING_TOGGLE ? UI_FIELD_TOGGLE : UI_FIELD_TEXT,
		    .check = d->kind == TENANT_SETTING_TOGGLE ? NULL : feat_valid,
		    .hint = d->kind == TENANT_SETTING_URL ? "empty: the built-in resolver" : NULL,
		    .maxlen = d->kind == TENANT_SETTING_URL ? 500 : 8};
	}
	st->fform = ui_form_new("Tenant settings", defs, TENANT_SETTING_COUNT);
	if (!st->fform)
		return;
	for (size_t i = 0; i < TENANT_SETTING_COUNT; i++)
		ui_form_set(st->fform, (int)i,
			    tenant_setting_defs[i].kind == TENANT_SETTING_TOGGLE
				? (!strcmp(st->fval[i], "off") ? "0" : "1")
				: st->fval[i]);
	ui_form_clean(st->fform);
	st->fmsg[0] = '\0';
}

static void feat_save(struct settings *st)
{
	struct feat_arg *a;
	struct tater_err err = {0};
	int any = 0;

	if (st->fjob) {
		ui_message(st->ctx->ui, "Still working...");
		return;
	}
	if (!(a = calloc(1, sizeof(*a))))
		return;
	a->tenant = st->ftenant;
	for (size_t i = 0; i < TENANT_SETTING_COUNT; i++) {
		const char *v = ui_form_get(st->fform, (int)i);

		if (tenant_setting_defs[i].kind == TENANT_SETTING_TOGGLE)
			v = !strcmp(v, "1") ? "on" : "off";
		snprintf(a->val[i], sizeof(a->val[i]), "%s", v);
		/* The default written out would pin it: an unset one stays unset. */
		a->changed[i] = strcmp(a->val[i], st->fval[i]) != 0;
		any |= a->changed[i];
	}
	if (!any) {
		free(a);
		feat_close_form(st);
		ui_message(st->ctx->ui, "Nothing changed");
		return;
	}
	if (worker_submit(st->ctx->worker, "save tenant settings", feat_job, a, free, &st->fjob,
			  &err) < 0) {
		st->fjob = 0;
		ui_error(st->ctx->ui, "%s", err.msg);
	}
}

static void feat_discard_done(void *ctx, int result, const char *input)
{
	(void)input;
	if (result == UI_MODAL_OK)
		feat_close_form(ctx);
}

static void feat_draw(struct settings *st, struct ui_rect body)
{
	struct ui_rect r;
	int y;

	if (!tsec_header(st, body, "Features: this tenant's switches", &r))
		return;
	y = r.y + r.h - 2;
	if (st->fform) {
		ui_form_draw(st->fform, (struct ui_rect){r.y, r.x, r.h - 2, r.w});
	} else {
		int x = r.x + 2, w = r.w - 4, yy = r.y + 1;

		ui_text(yy++, x, w, UI_DIM, "e edit  t tenant  r reload  (admins)");
		yy++;
		for (size_t i = 0; i < TENANT_SETTING_COUNT && yy < y - 1; i++) {
			const struct tenant_setting_def *d = &tenant_setting_defs[i];

			ui_textf(yy++, x, w, UI_NORMAL, "%-36s %s%s", d->label,
				 st->fval[i][0] ? st->fval[i] : "built in",
				 st->fset[i] ? "" : "  (default)");
			ui_textf(yy++, x + 2, w - 2, UI_DIM, "%s", d->help);
		}
		yy++;
		if (yy < y)
			ui_text(yy, x, w, UI_DIM,
				"Headless: tater tenant settings NAME, tater tenant set NAME KEY VALUE");
	}
	if (st->fjob)
		ui_text(y, 1, r.w - 2, UI_NORMAL, "Saving...");
	else if (st->fmsg[0])
		ui_wrap((struct ui_rect){y, 1, 2, r.w - 2}, st->fok ? UI_OK : UI_ERROR, st->fmsg, 0);
}

static int feat_key(struct settings *st, const struct ui_event *ev)
{
	struct tsec o = {.form = &st->fform,
			 .msg = st->fmsg,
			 .unsaved = "The tenant settings are not saved. Discard them?",
			 .open = feat_open_form,
			 .save = feat_save,
			 .load = feat_load,
			 .discard_done = feat_discard_done};

	return tsec_key(st, &o, ev);
}

static int feat_event(struct settings *st, struct worker_event *ev)
{
	if (!st->fjob || ev->job_id != st->fjob)
		return 0;
	st->fjob = 0;
	if (ev->rc == 0) {
		feat_close_form(st);
		feat_load(st);
		snprintf(st->fmsg, sizeof(st->fmsg), "Tenant settings saved");
		st->fok = 1;
		ui_message(st->ctx->ui, "Tenant settings saved");
	} else {
		snprintf(st->fmsg, sizeof(st->fmsg), "Not saved: %s", ev->err.msg);
		st->fok = 0;
	}
	return 1;
}
