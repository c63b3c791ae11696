/* cli.h - what main.c hands to the subcommands, and their shared helpers. */
#ifndef TATER_CLI_H
#define TATER_CLI_H

#include <stdio.h>

#include "tater/err.h"

struct store;
struct vault;

/* Exit codes of every subcommand (documented in tater(1)). */
enum {
	CLI_OK = 0,       /* done; nothing wrong found */
	CLI_FOUND = 1,    /* done, and it found something wrong (failing controls, a broken chain) */
	CLI_ERROR = 2,    /* could not do it (store, network, credentials) */
	CLI_USAGE = 64,   /* the command line is wrong */
};

struct cli {
	const char *store_path; /* resolved: --store or the default */
	const char *key_file;   /* --key-file, or NULL ($TATER_KEY_FILE is read by the vault) */
	int readonly;
	int no_color;
	int json;               /* --json given to the subcommand */
	char path_buf[4096];
};

/* Open the store for a subcommand: create when asked, else it must exist. */
int cli_open_store(struct cli *c, int create, struct store **out, struct tater_err *err);
/* Unlock the vault (key file, $TATER_KEY_FILE or the terminal). */
int cli_unlock(struct cli *c, struct store *s, struct vault **out, struct tater_err *err);

/* Print "tater: <message>" on stderr, the message made safe for a terminal. */
void cli_error(const struct tater_err *err);
void cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Subcommands: argv[0] is the subcommand's name. Return an exit code. */
int cmd_db(struct cli *c, int argc, char **argv);
int cmd_tenant(struct cli *c, int argc, char **argv);
int cmd_scan(struct cli *c, int argc, char **argv);
int cmd_controls(struct cli *c, int argc, char **argv);
/* Incident response (src/cmd/playbooks.c). */
int cmd_playbooks(struct cli *c, int argc, char **argv);
int cmd_playbook(struct cli *c, int argc, char **argv);
int cmd_incidents(struct cli *c, int argc, char **argv);
int cmd_incident(struct cli *c, int argc, char **argv);
int cmd_report(struct cli *c, int argc, char **argv);
/* ITDR (src/cmd/itdr.c). */
int cmd_alerts(struct cli *c, int argc, char **argv);
int cmd_alert(struct cli *c, int argc, char **argv);
int cmd_ingest(struct cli *c, int argc, char **argv);
/* Automated remediation (src/cmd/remediate.c). */
int cmd_remediation(struct cli *c, int argc, char **argv);
int cmd_remediate(struct cli *c, int argc, char **argv);

struct console_opts;
/* --demo: tater-sim on loopback, a throwaway store, a first scan, the console. */
int cli_demo(struct cli *c, struct console_opts *copts);

#endif
