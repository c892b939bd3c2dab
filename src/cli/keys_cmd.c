/*
 * keys_cmd.c: `embargo keys add|list|revoke`: the API keys of the HTTP server, kept in the
 * store as salted hashes. `add` prints the new key once; it cannot be shown again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "embargo/em_keys.h"

static void keys_usage(FILE *f)
{
	fprintf(f,
		"usage:\n"
		"  embargo keys add NAME --role screen|analyst|admin   make a key (printed once) for NAME\n"
		"  embargo keys list [--json]                          every key, revoked ones included\n"
		"  embargo keys revoke NAME                            revoke NAME's key (or a key id)\n"
		"options: --store URL (default: $EMBARGO_STORE or $EMBARGO_HOME)\n"
		"Roles: screen (screening, entities, lists), analyst (and alerts and decisions),\n"
		"admin (and reloading the lists). A server with no valid key is open to everyone.\n");
}

static int keys_list(em_store *st, int json)
{
	em_key_set set;
	if (em_keys_list(st, &set))
		return cli_report_error("listing keys");
	if (json) {
		json_t *a = json_array();
		for (size_t i = 0; i < set.count; i++) {
			const em_api_key *k = &set.items[i];
			json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:o}", "name", k->name, "role",
							   em_role_name(k->role), "key_id", k->key_id, "created_at",
							   k->created_at, "revoked_at",
							   k->revoked_at ? json_string(k->revoked_at) : json_null()));
		}
		char *s = json_dumps(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (s)
			puts(s);
		free(s);
		json_decref(a);
	} else {
		if (set.count == 0)
			printf("no keys: the server is open to everyone (add one with `embargo keys add NAME --role ROLE`)\n");
		for (size_t i = 0; i < set.count; i++) {
			const em_api_key *k = &set.items[i];
			printf("%-20s %-8s emk_%s_...  created %s%s%s\n", k->name, em_role_name(k->role), k->key_id,
			       k->created_at, k->revoked_at ? ", revoked " : "", k->revoked_at ? k->revoked_at : "");
		}
	}
	em_key_set_free(&set);
	return CLI_OK;
}

int cmd_keys(int argc, char **argv)
{
	const char *store_url = NULL, *role = NULL, *sub = NULL, *name = NULL;
	int json = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			keys_usage(stdout);
			return CLI_OK;
		} else if (!strcmp(a, "--json")) {
			json = 1;
		} else if (!strcmp(a, "--store") || !strcmp(a, "--role")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "embargo keys: %s needs a value\n", a);
				return CLI_USAGE;
			}
			*(!strcmp(a, "--store") ? &store_url : &role) = argv[++i];
		} else if (a[0] == '-') {
			fprintf(stderr, "embargo keys: unknown option %s\n", a);
			keys_usage(stderr);
			return CLI_USAGE;
		} else if (!sub) {
			sub = a;
		} else if (!name) {
			name = a;
		} else {
			fprintf(stderr, "embargo keys: unexpected argument '%s'\n", a);
			return CLI_USAGE;
		}
	}
	int is_add = sub && !strcmp(sub, "add"), is_list = sub && !strcmp(sub, "list"),
	    is_revoke = sub && !strcmp(sub, "revoke");
	if (!is_add && !is_list && !is_revoke) {
		keys_usage(stderr);
		return CLI_USAGE;
	}
	if ((is_add || is_revoke) && !name) {
		fprintf(stderr, "embargo keys %s: which key? give its NAME\n", sub);
		return CLI_USAGE;
	}
	if (is_list && name) {
		fprintf(stderr, "embargo keys list: unexpected argument '%s'\n", name);
		return CLI_USAGE;
	}
	em_role r = EM_ROLE_NONE;
	if (is_add && (r = em_role_parse(role)) == EM_ROLE_NONE) {
		fprintf(stderr, "embargo keys add: --role must be screen, analyst or admin\n");
		return CLI_USAGE;
	}
	em_store *st;
	if (em_store_open(&st, store_url))
		return cli_report_error("opening the store");
	int rc = CLI_OK;
	if (is_list) {
		rc = keys_list(st, json);
	} else if (is_add) {
		char *secret = NULL;
		if (em_keys_add(st, name, r, &secret)) {
			rc = cli_report_error("adding the key");
		} else {
			printf("%s\n", secret);
			fprintf(stderr, "key for '%s' (role %s): keep it now, it is stored only as a hash and "
					"cannot be shown again\n",
				name, em_role_name(r));
		}
		free(secret);
	} else if (em_keys_revoke(st, name)) {
		rc = cli_report_error("revoking the key");
	} else {
		fprintf(stderr, "revoked the key '%s' (servers stop accepting it within their key refresh)\n", name);
	}
	em_store_free(st);
	return rc;
}
