#include "cli/cli.h"
int cmd_dump(int argc, char **argv) { (void)argc; (void)argv; return cli_error(1, "dump: not built yet"); }
