/*
 * main.c — `slide_scenario NAME OUT.trace`: run one slide scenario and save
 * its trace (scenario.h); `slide_scenario --list` names them all.
 */
#include <stdio.h>
#include <string.h>

#include "slides/scenarios/scenario.h"

static const struct scenario *const tables[] = {
    tcp_connection_scenarios,
    tcp_data_scenarios,
    lower_layer_scenarios,
    session_scenarios,
    app_scenarios,
};

#define TABLE_COUNT (sizeof tables / sizeof tables[0])

static int usage(void)
{
    fprintf(stderr, "usage: slide_scenario NAME OUT.trace | slide_scenario --list\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (size_t t = 0; t < TABLE_COUNT; t++)
            for (const struct scenario *s = tables[t]; s->name; s++)
                printf("%-22s %s\n", s->name, s->what);
        return 0;
    }
    if (argc != 3)
        return usage();
    for (size_t t = 0; t < TABLE_COUNT; t++)
        for (const struct scenario *s = tables[t]; s->name; s++)
            if (strcmp(s->name, argv[1]) == 0)
                return s->run(argv[2]) == 0 ? 0 : 1;
    fprintf(stderr, "slide_scenario: no scenario '%s' (try --list)\n", argv[1]);
    return 2;
}
