/* PLACEHOLDER */
#include "tools/tools.h"
#include <stdio.h>
int seed_main(const config_t *cfg, int argc, char **argv)
{
    (void)cfg; (void)argc; (void)argv;
    fprintf(stderr, "seed: not implemented yet\n");
    return 1;
}
