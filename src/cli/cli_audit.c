/*
 * The audit command: `empact audit verify` recomputes the hash chain of the audit trail,
 * checks it against the anchor file and names the first record that was changed, removed,
 * inserted or reordered.
 */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "core/banned.h"

static int verify(ep_cli *cli)
{
	/* An empty audit_anchor setting means the file next to the database. */
	char path[sizeof cli->cfg.audit_anchor + 8];
	int n = cli->cfg.audit_anchor[0] ? snprintf(path, sizeof path, "%s", cli->cfg.audit_anchor)
					 : snprintf(path, sizeof path, "%s.anchor", cli->cfg.db);
	if (n < 0 || (size_t)n >= sizeof path) {
		ep_cli_fail(cli, "the anchor file path is too long");
		return EP_EXIT_FAIL;
	}
	ep_db *db = ep_cli_open_db(cli, false, false);
	if (!db)
		return EP_EXIT_FAIL;
	ep_audit_report rep;
	ep_err err;
	int rc = EP_EXIT_OK;
	if (ep_audit_verify(db, path, &rep, &err) != EP_OK) {
		ep_cli_fail(cli, "%s", err.msg);
		rc = EP_EXIT_FAIL;
	} else if (rep.problem != EP_AUDIT_GOOD) {
		ep_cli_fail(cli, "%s", rep.message);
		rc = EP_EXIT_FAIL;
	} else {
		printf("audit trail intact: %lld record%s, %lld anchor%s checked\n", (long long)rep.records,
		       rep.records == 1 ? "" : "s", (long long)rep.anchors, rep.anchors == 1 ? "" : "s");
	}
	ep_db_close(db);
	return rc;
}

int ep_cli_audit(ep_cli *cli, int argc, char **argv)
{
	if (argc < 2) {
		ep_cli_fail(cli, "give a subcommand (usage: empact audit verify)");
		return EP_EXIT_USAGE;
	}
	if (strcmp(argv[1], "verify") != 0) {
		ep_cli_fail(cli, "no subcommand '%s' (usage: empact audit verify)", argv[1]);
		return EP_EXIT_USAGE;
	}
	if (argc > 2) {
		ep_cli_fail(cli, "unknown argument '%s' (usage: empact audit verify)", argv[2]);
		return EP_EXIT_USAGE;
	}
	return verify(cli);
}
