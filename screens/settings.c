/* settings.c - the Settings screen.  Sections: Tenants (a table and a form
 * to add or edit one), and the sections later modules fill in.
 *
 * A save runs as a worker job: it may have to derive the vault key
 * (Argon2id takes a noticeable moment) and it writes the tenant, its sealed
 * client secret and an activity entry in one transaction.  The client
 * secret travels in locked memory (sodium_malloc) and is wiped when the job
 * is done with it; it is never drawn, logged or put in a message. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "tater/activity.h"
#include "tater/console.h"
#include "tater/screen.h"
#include "tater/store.h"
#include "tater/tenants.h"
#include "tater/ui_form.h"
#include "tater/ui_table.h"
#include "tater/vault.h"

enum { F_NAME, F_TENANT, F_CLIENT, F_SECRET, F_CLOUD, F_BASE, F_STALE, NFIELDS };

static const char *const clouds[] = {"public", "gcchigh", "dod", "china", "custom", NULL};

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
};

enum { T_NAME, T_TENANT, T_CLIENT, T_CLOUD, T_SECRET, T_STALE, T_UPDATED, TCOLS };

static const struct ui_column columns[TCOLS] = {
    {"Name", 12, 2, 0},	 {"Tenant ID", 12, 2, 0}, {"Client ID", 10, 1, 0}, {"Cloud", 7, 0, 0},
    {"Secret", 7, 0, 0}, {"Stale", 5, 0, 1},	  {"Updated", 10, 1, 0},
};

static const char *const sections[] = {"Tenants", "Integrations", "Features", "Cloud accounts"};
#define NSECTIONS 4

struct settings {
	struct screen_ctx *ctx;
	int section;
	struct ui_table *table;
	struct ui_rowset *rows;
	int64_t *ids; /* tenant id of each rowset row (insertion order) */
	struct ui_form *form;
	int64_t editing; /* 0: a new tenant */
	uint64_t save_job, delete_job;
	int64_t deleting;
};

/* ---- jobs ---- */

struct save_arg {
	struct tenant t;
	int is_new;
	char *secret; /* sodium_malloc'd, or NULL: keep the stored one */
	size_t secret_len;
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
	if (a->secret) {
		job_progress(j, 1, 3, "unlocking the vault");
		if ((rc = open_vault(s, a, &v, err)) < 0)
			goto out;
		job_progress(j, 2, 3, "sealing the secret");
		rc = vault_put(v, "tenants", a->t.id, "client_secret", a->secret, a->secret_len,
			       err);
		if (rc < 0)
			goto out;
	}
	rc = activity_append(s, a->is_new ? "tenant.add" : "tenant.edit", a->t.name, "ok",
			     a->secret ? "client secret sealed in the vault" : NULL, err);
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
	ui_form_set_hidden(st->form, F_BASE, strcmp(ui_form_get(st->form, F_CLOUD), "custom") != 0);
}

static void close_form(struct settings *st)
{
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
	static const char *const names[NFIELDS] = {"name",  "tenant_id", "client_id", "",
						   "cloud", "base_url",	 "stale_days"};

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
	if (ui_form_secret_changed(st->form, F_SECRET)) {
		const char *sec = ui_form_get(st->form, F_SECRET);

		a->secret_len = strlen(sec);
		a->secret = sodium_malloc(a->secret_len + 1);
		if (!a->secret) {
			free_save_arg(a);
			return;
		}
		memcpy(a->secret, sec, a->secret_len + 1);
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
	free(st);
}

static void enter(void *self)
{
	load_tenants(self);
}

static void draw_sections(struct settings *st, int y, int w)
{
	int x = 1;

	ui_fill(y, 0, w, UI_NORMAL);
	x += ui_text(y, x, w - x, UI_DIM, "Settings: ");
	for (int i = 0; i < NSECTIONS; i++) {
		char label[48];

		snprintf(label, sizeof(label), " %s ", sections[i]);
		x += ui_text(y, x, w - x, i == st->section ? UI_TAB_ACTIVE : UI_NORMAL, label) + 1;
	}
	ui_text(y, x + 1, w - x - 1, UI_DIM, "([ ] switch)");
}

static void draw(void *self, struct ui_rect r)
{
	struct settings *st = self;
	struct ui_rect body = r;

	draw_sections(st, r.y, r.w);
	body.y += 2;
	body.h -= 2;
	if (st->section != 0) {
		static const struct screen_plan plans[NSECTIONS] = {
		    {"", "", ""},
		    {"Settings > Integrations",
		     "The Automated Remediation toggle, the Azure Automation webhook URL of the "
		     "Run-Remediation runbook (sealed; shown redacted), the runbook's app "
		     "registration client ID, and a Test button.",
		     "Comes with automated remediation (issue 6)."},
		    {"Settings > Features",
		     "Per-tenant feature switches: Azure resource scanning, the multi-cloud "
		     "module, ITDR ingestion.",
		     "Comes with those modules; the switches are stored per tenant already."},
		    {"Settings > Cloud accounts",
		     "AWS accounts (access key and secret, or a role ARN) and GCP projects "
		     "(service-account JSON), sealed in the vault, with their connection health.",
		     "Comes with the multi-cloud module (not built yet)."},
		};

		screen_draw_plan(&plans[st->section], body);
		return;
	}
	if (st->form) {
		ui_form_draw(st->form, body);
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

	if (st->form) {
		enum ui_form_result r = ui_form_key(st->form, ev);

		sync_hidden(st);
		if (r == UI_FORM_SAVE)
			save(st);
		else if (r == UI_FORM_CANCEL)
			cancel_form(st);
		return r == UI_FORM_IGNORED ? UI_IGNORED : UI_HANDLED;
	}
	if (ui_table_filtering(st->table))
		return ui_table_key(st->table, ev);
	switch (ev->act) {
	case UI_ACT_NEXT_SECTION:
		st->section = (st->section + 1) % NSECTIONS;
		return UI_HANDLED;
	case UI_ACT_PREV_SECTION:
		st->section = (st->section + NSECTIONS - 1) % NSECTIONS;
		return UI_HANDLED;
	default:
		break;
	}
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

	return st->form && ui_form_dirty(st->form);
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
