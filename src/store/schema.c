/* schema.c - the store's schema as a list of forward migrations.
 *
 * Migration N takes a store from user_version N-1 to N, inside one
 * transaction.  Never edit a released migration: add the next one.
 * SQL stays portable where it costs nothing (no SQLite-only column types,
 * ISO 8601 text for times) so the same shape can live on PostgreSQL. */
#include "schema.h"

static const char migration_1[] =
	/* Key-value metadata of the store itself (activity-log head, creator). */
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL);"

	/* The vault: one row holding the wrapped data key. */
	"CREATE TABLE vault ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  kdf TEXT NOT NULL,"            /* 'argon2id13' */
	"  salt BLOB NOT NULL,"
	"  opslimit INTEGER NOT NULL,"
	"  memlimit INTEGER NOT NULL,"
	"  wrap_alg TEXT NOT NULL,"       /* AEAD used to wrap the data key */
	"  wrapped_key BLOB NOT NULL,"    /* nonce || ciphertext || tag */
	"  created_at TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL);"

	/* Who may do what inside the console (the OS is the real boundary). */
	"CREATE TABLE roles ("
	"  os_user TEXT PRIMARY KEY,"
	"  role TEXT NOT NULL CHECK (role IN ('viewer','responder','admin')),"
	"  granted_by TEXT NOT NULL,"
	"  granted_at TEXT NOT NULL);"

	/* Microsoft 365 / Entra ID tenants and their endpoints. */
	"CREATE TABLE tenants ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  tenant_id TEXT NOT NULL,"      /* GUID or verified domain */
	"  client_id TEXT NOT NULL,"
	"  auth_kind TEXT NOT NULL DEFAULT 'secret' CHECK (auth_kind IN ('secret','certificate')),"
	"  client_secret BLOB,"           /* sealed */
	"  certificate BLOB,"             /* sealed PEM: certificate and private key */
	"  cloud TEXT NOT NULL DEFAULT 'public',"  /* public, gcchigh, dod, china, custom */
	"  login_url TEXT, graph_url TEXT, arm_url TEXT, exo_url TEXT,"
	"  stale_days INTEGER NOT NULL DEFAULT 90 CHECK (stale_days BETWEEN 1 AND 3650),"
	"  features TEXT NOT NULL DEFAULT '{}',"   /* JSON: per-tenant feature flags */
	"  created_at TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL);"

	/* Azure subscriptions to scan, per tenant. */
	"CREATE TABLE subscriptions ("
	"  id INTEGER PRIMARY KEY,"
	"  tenant_ref INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
	"  subscription_id TEXT NOT NULL,"
	"  display_name TEXT,"
	"  enabled INTEGER NOT NULL DEFAULT 1,"
	"  UNIQUE (tenant_ref, subscription_id));"

	/* Remediation through Azure Automation, per tenant. */
	"CREATE TABLE remediation_config ("
	"  tenant_ref INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,"
	"  enabled INTEGER NOT NULL DEFAULT 0,"
	"  webhook_url BLOB,"             /* sealed: the URL carries the webhook token */
	"  client_id TEXT,"
	"  automation_account TEXT,"      /* ARM resource id, for job status polling */
	"  updated_by TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL);"

	/* AWS accounts and GCP projects. */
	"CREATE TABLE cloud_accounts ("
	"  id INTEGER PRIMARY KEY,"
	"  provider TEXT NOT NULL CHECK (provider IN ('aws','gcp')),"
	"  name TEXT NOT NULL,"
	"  account_ref TEXT NOT NULL,"    /* AWS account id or GCP project id */
	"  auth_kind TEXT NOT NULL CHECK (auth_kind IN ('access_key','role_arn','service_account')),"
	"  access_key_id TEXT,"
	"  secret BLOB,"                  /* sealed: AWS secret key or GCP service-account JSON */
	"  role_arn TEXT,"
	"  region TEXT,"
	"  base_url TEXT,"
	"  status TEXT NOT NULL DEFAULT 'not_configured'"
	"    CHECK (status IN ('connected','error','not_configured')),"
	"  status_detail TEXT,"
	"  created_at TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL,"
	"  UNIQUE (provider, name));"

	/* Settings and feature flags: scope '' is global, else a scope string. */
	"CREATE TABLE settings ("
	"  scope TEXT NOT NULL,"
	"  key TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL,"
	"  PRIMARY KEY (scope, key));"

	/* Scans: one row per collection run. */
	"CREATE TABLE scans ("
	"  id INTEGER PRIMARY KEY,"
	"  scope TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"           /* m365, azure, aws, gcp, alerts */
	"  started_by TEXT NOT NULL,"
	"  pid INTEGER,"                  /* the process collecting, to spot a killed one */
	"  started_at TEXT NOT NULL,"
	"  finished_at TEXT,"
	"  status TEXT NOT NULL CHECK (status IN"
	"    ('running','complete','partial','error','canceled','interrupted')),"
	"  detail TEXT);"
	"CREATE INDEX scans_scope ON scans (scope, kind, id);"

	/* Collected API objects: the latest snapshot per scope and source. */
	"CREATE TABLE objects ("
	"  scope TEXT NOT NULL,"
	"  source TEXT NOT NULL,"         /* e.g. graph.users, arm.storageAccounts */
	"  key TEXT NOT NULL,"            /* the object's id within the source */
	"  kind TEXT NOT NULL,"
	"  scan_id INTEGER NOT NULL,"
	"  json TEXT NOT NULL,"
	"  PRIMARY KEY (scope, source, key));"
	"CREATE INDEX objects_kind ON objects (scope, kind);"

	/* How each source went in its latest collection (ok, denied, unlicensed, error). */
	"CREATE TABLE source_status ("
	"  scope TEXT NOT NULL,"
	"  source TEXT NOT NULL,"
	"  scan_id INTEGER NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('ok','denied','unlicensed','error')),"
	"  http_status INTEGER,"
	"  item_count INTEGER NOT NULL DEFAULT 0,"
	"  detail TEXT,"
	"  collected_at TEXT NOT NULL,"
	"  PRIMARY KEY (scope, source));"

	/* Incremental collection (sign-ins, detections): last value seen per stream. */
	"CREATE TABLE watermarks ("
	"  scope TEXT NOT NULL,"
	"  stream TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL,"
	"  PRIMARY KEY (scope, stream));"

	/* Control results: history, one row per control per scan. */
	"CREATE TABLE control_results ("
	"  id INTEGER PRIMARY KEY,"
	"  scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,"
	"  scope TEXT NOT NULL,"
	"  control_id TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('pass','fail','unknown')),"
	"  severity TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  evidence TEXT NOT NULL DEFAULT '[]',"  /* JSON array of objects at fault */
	"  evidence_count INTEGER NOT NULL DEFAULT 0,"
	"  evaluated_at TEXT NOT NULL,"
	"  UNIQUE (scan_id, control_id));"
	"CREATE INDEX control_results_latest ON control_results (scope, control_id, scan_id);"

	/* Accepted risks: a failing control shown as accepted until expiry. */
	"CREATE TABLE risk_acceptances ("
	"  id INTEGER PRIMARY KEY,"
	"  scope TEXT NOT NULL,"
	"  control_id TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  expires_at TEXT NOT NULL,"
	"  accepted_by TEXT NOT NULL,"
	"  accepted_at TEXT NOT NULL,"
	"  revoked_by TEXT,"
	"  revoked_at TEXT);"
	"CREATE INDEX risk_acceptances_control ON risk_acceptances (scope, control_id);"

	/* Per-control exclusions the admin allows (the conditional-access gate). */
	"CREATE TABLE control_exclusions ("
	"  scope TEXT NOT NULL,"
	"  control_id TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('user','group','application','role')),"
	"  object_id TEXT NOT NULL,"
	"  note TEXT,"
	"  added_by TEXT NOT NULL,"
	"  added_at TEXT NOT NULL,"
	"  PRIMARY KEY (scope, control_id, kind, object_id));"

	/* Remediation requests: at most one active per control and scope. */
	"CREATE TABLE remediation_requests ("
	"  id INTEGER PRIMARY KEY,"
	"  request_id TEXT NOT NULL UNIQUE,"  /* sent with the webhook */
	"  scope TEXT NOT NULL,"
	"  control_id TEXT NOT NULL,"
	"  script_id TEXT NOT NULL,"
	"  params TEXT NOT NULL DEFAULT '{}',"
	"  status TEXT NOT NULL CHECK (status IN"
	"    ('pending','submitted','running','completed','failed','stopped','timeout','error')),"
	"  job_id TEXT,"
	"  job_status TEXT,"
	"  requested_by TEXT NOT NULL,"
	"  requested_at TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL,"
	"  finished_at TEXT,"
	"  output TEXT,"
	"  error TEXT,"
	"  before_scan INTEGER, after_scan INTEGER);"
	"CREATE UNIQUE INDEX remediation_one_active ON remediation_requests (scope, control_id)"
	"  WHERE status IN ('pending','submitted','running');"

	/* Incident-response playbooks and their revisions. */
	"CREATE TABLE playbooks ("
	"  id INTEGER PRIMARY KEY,"
	"  slug TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  incident_type TEXT NOT NULL,"
	"  owner TEXT,"
	"  review_due TEXT,"
	"  builtin INTEGER NOT NULL DEFAULT 0,"
	"  archived INTEGER NOT NULL DEFAULT 0,"
	"  created_by TEXT NOT NULL,"
	"  created_at TEXT NOT NULL);"
	"CREATE TABLE playbook_revisions ("
	"  id INTEGER PRIMARY KEY,"
	"  playbook_id INTEGER NOT NULL REFERENCES playbooks(id) ON DELETE CASCADE,"
	"  revno INTEGER NOT NULL,"
	"  body TEXT NOT NULL,"           /* JSON: phases and their steps */
	"  summary TEXT NOT NULL,"
	"  author TEXT NOT NULL,"
	"  created_at TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','approved','rejected')),"
	"  reviewed_by TEXT,"
	"  reviewed_at TEXT,"
	"  UNIQUE (playbook_id, revno));"

	/* Incidents: an activated playbook with a frozen copy of its steps. */
	"CREATE TABLE incidents ("
	"  id INTEGER PRIMARY KEY,"
	"  title TEXT NOT NULL,"
	"  severity TEXT NOT NULL CHECK (severity IN ('critical','high','medium','low')),"
	"  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),"
	"  playbook_id INTEGER REFERENCES playbooks(id),"
	"  revision_id INTEGER REFERENCES playbook_revisions(id),"
	"  alert_id INTEGER,"
	"  link_user TEXT, link_host TEXT,"
	"  opened_by TEXT NOT NULL,"
	"  opened_at TEXT NOT NULL,"
	"  contained_at TEXT, recovered_at TEXT, closed_at TEXT,"
	"  lessons TEXT);"
	"CREATE TABLE incident_phases ("
	"  incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,"
	"  phase INTEGER NOT NULL CHECK (phase BETWEEN 0 AND 4),"
	"  assignee TEXT,"
	"  findings TEXT, decisions TEXT,"
	"  started_at TEXT, completed_at TEXT,"
	"  PRIMARY KEY (incident_id, phase));"
	"CREATE TABLE incident_steps ("
	"  id INTEGER PRIMARY KEY,"
	"  incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,"
	"  phase INTEGER NOT NULL CHECK (phase BETWEEN 0 AND 4),"
	"  seq INTEGER NOT NULL,"
	"  title TEXT NOT NULL,"
	"  detail TEXT,"
	"  status TEXT NOT NULL DEFAULT 'todo' CHECK (status IN ('todo','done','skipped','blocked')),"
	"  assignee TEXT,"
	"  reason TEXT,"
	"  findings TEXT, decisions TEXT,"
	"  updated_by TEXT, updated_at TEXT,"
	"  UNIQUE (incident_id, phase, seq));"
	"CREATE TABLE incident_events ("
	"  id INTEGER PRIMARY KEY,"
	"  incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,"
	"  step_id INTEGER REFERENCES incident_steps(id),"
	"  at TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  detail TEXT);"
	"CREATE INDEX incident_events_by_incident ON incident_events (incident_id, id);"

	/* ITDR alerts, their notes and related sign-ins. */
	"CREATE TABLE alerts ("
	"  id INTEGER PRIMARY KEY,"
	"  scope TEXT NOT NULL,"
	"  detection_id TEXT NOT NULL,"   /* Graph riskDetection id, or manual:<uuid> */
	"  source TEXT NOT NULL,"
	"  detection_type TEXT NOT NULL,"
	"  severity TEXT NOT NULL CHECK (severity IN ('critical','high','medium','low')),"
	"  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN"
	"    ('new','investigating','contained','resolved','false_positive')),"
	"  assignee TEXT,"
	"  user_upn TEXT, user_object_id TEXT,"
	"  ip TEXT, location TEXT,"
	"  risk_level TEXT, risk_state TEXT,"
	"  request_id TEXT, correlation_id TEXT,"
	"  detected_at TEXT,"
	"  description TEXT,"
	"  raw TEXT,"                     /* the detection as received */
	"  closing_note TEXT,"
	"  incident_id INTEGER REFERENCES incidents(id),"
	"  manual INTEGER NOT NULL DEFAULT 0,"
	"  created_at TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL,"
	"  UNIQUE (scope, detection_id));"
	"CREATE INDEX alerts_queue ON alerts (status, severity, detected_at);"
	"CREATE TABLE alert_notes ("
	"  id INTEGER PRIMARY KEY,"
	"  alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,"
	"  at TEXT NOT NULL,"
	"  author TEXT NOT NULL,"
	"  body TEXT NOT NULL);"
	"CREATE TABLE alert_signins ("
	"  alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,"
	"  signin_id TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"         /* user-window, request-id, correlation-id */
	"  PRIMARY KEY (alert_id, signin_id));"
	"CREATE TABLE alert_type_playbooks ("
	"  detection_type TEXT PRIMARY KEY,"
	"  playbook_id INTEGER NOT NULL REFERENCES playbooks(id) ON DELETE CASCADE);"
	"CREATE TABLE alert_views ("      /* 'new since your last look' */
	"  os_user TEXT PRIMARY KEY,"
	"  seen_at TEXT NOT NULL);"

	/* Data classification and privacy register. */
	"CREATE TABLE classification_labels ("
	"  label TEXT PRIMARY KEY CHECK (label IN ('public','internal','confidential','restricted')),"
	"  rank INTEGER NOT NULL,"
	"  handling TEXT NOT NULL,"
	"  access TEXT NOT NULL);"
	"INSERT INTO classification_labels VALUES"
	"  ('public', 0, 'May be published.', 'Anyone'),"
	"  ('internal', 1, 'Staff only; no public posting.', 'All staff'),"
	"  ('confidential', 2, 'Encrypted at rest and in transit; need to know.', 'Named groups'),"
	"  ('restricted', 3, 'Encrypted, access logged and reviewed quarterly.', 'Named people');"
	"CREATE TABLE retention_policies ("
	"  id INTEGER PRIMARY KEY,"
	"  category TEXT NOT NULL UNIQUE,"
	"  period_days INTEGER NOT NULL CHECK (period_days > 0),"
	"  disposition TEXT NOT NULL CHECK (disposition IN ('delete','archive','review','anonymise')),"
	"  next_review TEXT,"
	"  notes TEXT,"
	"  updated_by TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL);"
	"CREATE TABLE data_assets ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL,"           /* database, file_share, saas, bucket, ... */
	"  location TEXT,"
	"  owner TEXT,"
	"  label TEXT NOT NULL REFERENCES classification_labels(label),"
	"  categories TEXT NOT NULL DEFAULT '[]',"  /* JSON: personal, health, payment, ... */
	"  retention_id INTEGER REFERENCES retention_policies(id),"
	"  description TEXT,"
	"  updated_by TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL);"
	"CREATE TABLE data_flows ("
	"  id INTEGER PRIMARY KEY,"
	"  source_asset INTEGER NOT NULL REFERENCES data_assets(id) ON DELETE CASCADE,"
	"  dest_asset INTEGER REFERENCES data_assets(id) ON DELETE CASCADE,"
	"  dest_external TEXT,"           /* a third party, when not an asset of ours */
	"  categories TEXT NOT NULL DEFAULT '[]',"
	"  cross_border INTEGER NOT NULL DEFAULT 0,"
	"  transfer_mechanism TEXT,"      /* SCCs, adequacy decision, ... */
	"  notes TEXT,"
	"  updated_by TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL);"
	"CREATE TABLE privacy_assessments ("
	"  id INTEGER PRIMARY KEY,"
	"  asset_id INTEGER REFERENCES data_assets(id) ON DELETE SET NULL,"
	"  title TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN"
	"    ('draft','in_review','approved','rejected')),"
	"  risk_level TEXT CHECK (risk_level IN ('low','medium','high')),"
	"  body TEXT NOT NULL DEFAULT '{}',"
	"  author TEXT NOT NULL,"
	"  reviewer TEXT,"
	"  decided_by TEXT, decided_at TEXT,"
	"  created_at TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL);"

	/* The activity log: append-only, hash-chained (see activity.c). */
	"CREATE TABLE activity_log ("
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL,"
	"  os_user TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  target TEXT NOT NULL,"
	"  outcome TEXT NOT NULL,"
	"  detail TEXT,"
	"  prev_hash BLOB NOT NULL,"
	"  hash BLOB NOT NULL);"
	"CREATE INDEX activity_by_time ON activity_log (at);"
	"CREATE TRIGGER activity_no_update BEFORE UPDATE ON activity_log"
	"  BEGIN SELECT RAISE(ABORT, 'the activity log is append-only'); END;"
	"CREATE TRIGGER activity_no_delete BEFORE DELETE ON activity_log"
	"  BEGIN SELECT RAISE(ABORT, 'the activity log is append-only'); END;";

/* ITDR lookups that grew with real volumes: the queue of one tenant by time, and the daily
 * prune of sign-ins that no alert links to. */
static const char migration_2[] =
	"CREATE INDEX alerts_scope_detected ON alerts (scope, detected_at);"
	"CREATE INDEX alert_signins_signin ON alert_signins (signin_id);";

const struct schema_migration schema_migrations[] = {
	{1, "initial schema", migration_1},
	{2, "ITDR indexes", migration_2},
};

const int schema_migration_count = (int)(sizeof(schema_migrations) / sizeof(schema_migrations[0]));
