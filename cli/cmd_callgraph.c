#include "cli/cli.h"
int cmd_callgraph(int argc, char **argv) { (void)argc; (void)argv; return cli_error(1, "callgraph: not built yet"); }
