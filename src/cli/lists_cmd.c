/*
 * lists_cmd.c: `embargo lists ...`: reading list files, and (with the store) importing,
 * listing, comparing and updating list versions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "embargo/em_lists.h"

static void lists_usage(FILE *f)
{
	fprintf(f, "usage:\n"
		   "  embargo lists inspect [--json] FILE...   read list files and print what they hold\n");
}

/* `lists inspect`: read each file completely and print its format and counts (or every entity). */
static int lists_inspect(int argc, char **argv)
{
	int json = 0, rc = CLI_OK, nfiles = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
			continue;
		}
		nfiles++;
		em_list *l;
		if (em_list_read_file(&l, argv[i], NULL) != 0) {
			rc = cli_report_error(NULL);
			continue;
		}
		if (json) {
			for (size_t k = 0; k < em_list_count(l); k++) {
				char *s = em_entity_to_json(em_list_entity(l, k));
				if (s)
					puts(s);
				free(s);
			}
		} else {
			size_t types[5], names = 0;
			em_list_count_types(l, types);
			for (size_t k = 0; k < em_list_count(l); k++)
				names += em_list_entity(l, k)->n_names;
			printf("%s: format %s, source %s, %zu entities (%zu persons, %zu organizations, "
			       "%zu vessels, %zu aircraft, %zu other), %zu names, sha256 %s\n",
			       argv[i], em_list_format(l), em_list_source(l), em_list_count(l),
			       types[EM_ENTITY_PERSON], types[EM_ENTITY_ORGANIZATION],
			       types[EM_ENTITY_VESSEL], types[EM_ENTITY_AIRCRAFT],
			       types[EM_ENTITY_UNKNOWN], names, em_list_sha256(l));
		}
		em_list_free(l);
	}
	if (!nfiles) {
		lists_usage(stderr);
		return CLI_USAGE;
	}
	return rc;
}

int cmd_lists(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "inspect"))
		return lists_inspect(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "update"))
		return cmd_lists_update(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		lists_usage(stdout);
		return CLI_OK;
	}
	lists_usage(stderr);
	return CLI_USAGE;
}
