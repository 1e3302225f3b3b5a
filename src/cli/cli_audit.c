/* Placeholder: replaced by the real command. */
#include "cli/cli.h"

#include "core/banned.h"

int ep_cli_audit(ep_cli *cli, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	ep_cli_fail(cli, "not built yet");
	return 1;
}
