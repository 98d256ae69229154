/* PLACEHOLDER */
#include "tools/tools.h"
#include <stdio.h>
int import_main(const config_t *cfg, int argc, char **argv)
{
    (void)cfg; (void)argc; (void)argv;
    fprintf(stderr, "import: not implemented yet\n");
    return 1;
}
