/*
 * `empact serve`: the web API on the configured address until SIGTERM or SIGINT.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "http/http.h"
#include "core/banned.h"

int ep_cli_serve(ep_cli *cli, int argc, char **argv)
{
	if (argc > 1) {
		ep_cli_fail(cli, "unknown argument '%s' (usage: empact serve [--listen ADDR:PORT])", argv[1]);
		return EP_EXIT_USAGE;
	}
	return ep_http_serve(&cli->cfg) == 0 ? EP_EXIT_OK : EP_EXIT_FAIL;
}
