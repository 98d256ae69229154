/* The command-line tools beside the server: the demo-data generator and the
 * importer of real marketplace data. Each takes the arguments after its
 * subcommand name and returns the process exit code. */
#ifndef FH_TOOLS_TOOLS_H
#define FH_TOOLS_TOOLS_H

#include "config.h"

/* freelance-hub seed --jobs N [--freelancers N --clients N --seed S] */
int seed_main(const config_t *cfg, int argc, char **argv);

/* freelance-hub import [DIR] */
int import_main(const config_t *cfg, int argc, char **argv);

#endif
