/* main.c - tater's command line: global options, then a subcommand or the console.
 * No logic of its own: it parses, resolves the store path and dispatches. */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tater/cli.h"
#include "tater/console.h"
#include "tater/store.h"
#include "tater/ui.h"

static const char usage[] =
	"usage: tater [OPTIONS] [COMMAND [ARGS]]\n"
	"\n"
	"With no command, opens the console.\n"
	"\n"
	"Options:\n"
	"  --store PATH      the store (default $XDG_DATA_HOME/tater/tater.db)\n"
	"  --key-file FILE   vault passphrase from FILE (mode 0600), for unattended runs;\n"
	"                    also $TATER_KEY_FILE\n"
	"  --readonly        refuse every action that changes anything\n"
	"  --no-color        monochrome (also when NO_COLOR is set)\n"
	"  --no-mouse        ignore the mouse\n"
	"  --arrow-cursor    mark the selected row with an arrow, not a full-width bar\n"
	"                    (fewer bytes per move on slow links; also $TATER_ARROW_CURSOR)\n"
	"  --script FILE     console: read keys and commands from FILE (tests)\n"
	"  --demo            the console on a simulated tenant (tater-sim on loopback)\n"
	"  --help, --version\n"
	"\n"
	"Commands:\n"
	"  db init|verify|info|passwd   the store, its vault and the activity log\n"
	"  tenant add|list|test|remove  the Microsoft 365 tenants to scan\n"
	"  tenant settings|set ...      a tenant's switches (ITDR ingestion, pacing, DNS)\n"
	"  scan [TENANT] [--json]       collect and evaluate (exit 1: a control fails or is\n"
	"                               unknown; 2: the scan failed or is incomplete)\n"
	"  controls [--json] [--framework F] [--status S] [--evidence]   the latest control\n"
	"                               results (--evidence: what is at fault)\n"
	"  playbooks [--json]           the incident-response playbook library\n"
	"  playbook show|import|export|copy|approve|history|diff ...   one playbook\n"
	"  incidents [--json]           open incidents (--closed, --all)\n"
	"  incident activate|show|step|assign|note|close ...           one incident\n"
	"  report incident ID --format md|html [-o FILE]   post-incident report\n"
	"  ingest [TENANT] [--json]     ITDR: risk detections and sign-ins into alerts\n"
	"  alerts [--json] [--status S] [--severity S] [--tenant T]   the ITDR queue\n"
	"  alert show|status|assign|note|create|activate ...          one ITDR alert\n"
	"  remediation setup|show|test|scripts ...   Azure Automation remediation settings\n"
	"  remediate CONTROL_ID [--param N=V]... --yes [--resume] [--rescan]   fix a control\n"
	"\n"
	"Exit status: 0 ok; 1 done but something is wrong (e.g. a broken chain);\n"
	"2 could not do it; 64 wrong usage.  See tater(1).\n";

struct command {
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv);
};

static const struct command commands[] = {
	{"db", cmd_db},
	{"tenant", cmd_tenant},
	{"scan", cmd_scan},
	{"controls", cmd_controls},
	{"playbooks", cmd_playbooks},
	{"playbook", cmd_playbook},
	{"incidents", cmd_incidents},
	{"incident", cmd_incident},
	{"report", cmd_report},
	{"alerts", cmd_alerts},
	{"alert", cmd_alert},
	{"ingest", cmd_ingest},
	{"remediation", cmd_remediation},
	{"remediate", cmd_remediate},
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"store", required_argument, NULL, 's'},
		{"key-file", required_argument, NULL, 'k'},
		{"readonly", no_argument, NULL, 'r'},
		{"no-color", no_argument, NULL, 'C'},
		{"no-mouse", no_argument, NULL, 'M'},
		{"arrow-cursor", no_argument, NULL, 'A'},
		{"script", required_argument, NULL, 'S'},
		{"demo", no_argument, NULL, 'D'},
		{"keys-man", no_argument, NULL, 'K'}, /* hidden: the man page's key list */
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0, 0, 0, 0},
	};
	struct console_opts copts = {0};
	struct tater_err err = {0};
	struct cli c = {0};
	const char *nc;
	int ch, demo = 0;

	setlocale(LC_ALL, "");
	while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			c.store_path = optarg;
			break;
		case 'k':
			c.key_file = optarg;
			break;
		case 'r':
			c.readonly = 1;
			break;
		case 'C':
			c.no_color = 1;
			break;
		case 'M':
			copts.no_mouse = 1;
			break;
		case 'A':
			copts.arrow_cursor = 1;
			break;
		case 'S':
			copts.script = optarg;
			break;
		case 'D':
			demo = 1;
			break;
		case 'K':
			ui_keys_print_man(stdout);
			return CLI_OK;
		case 'h':
			fputs(usage, stdout);
			return CLI_OK;
		case 'V':
			printf("tater %s\n", TATER_VERSION);
			return CLI_OK;
		default:
			fputs(usage, stderr);
			return CLI_USAGE;
		}
	}
	nc = getenv("NO_COLOR");
	if (nc && *nc)
		c.no_color = 1;
	nc = getenv("TATER_ARROW_CURSOR");
	if (nc && *nc)
		copts.arrow_cursor = 1;
	if (!c.store_path) {
		if (store_default_path(c.path_buf, sizeof(c.path_buf), &err) < 0) {
			cli_error(&err);
			return CLI_ERROR;
		}
		c.store_path = c.path_buf;
	}

	if (optind < argc) {
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (!strcmp(argv[optind], commands[i].name))
				return commands[i].run(&c, argc - optind, argv + optind);
		cli_errorf("unknown command '%s' (tater --help lists them)", argv[optind]);
		return CLI_USAGE;
	}

	if (demo)
		return cli_demo(&c, &copts);
	copts.store_path = c.store_path;
	copts.key_file = c.key_file;
	copts.readonly = c.readonly;
	copts.no_color = c.no_color;
	if (console_run(&copts, &err) < 0) {
		cli_error(&err);
		return CLI_ERROR;
	}
	return CLI_OK;
}
