#ifndef EP_CLI_H
#define EP_CLI_H
int ep_cli_main(int argc, char **argv);
#endif
