/*
 * empact: the command line. argv goes to the subcommand table in src/cli/; nothing else lives
 * here.
 */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return ep_cli_main(argc, argv);
}
