/*
 * em_keys.h: API keys for the HTTP server, kept in the store. A key is shown once, when it is
 * made, and only a salted SHA-256 of it is stored. Each key has a name (what the audit trail
 * records as "who") and a role; roles are ordered, each allowing what the one before it
 * allows: screen < analyst < admin. A revoked key stays in the store (the audit trail names
 * it) but no longer verifies.
 *
 * A key reads "emk_" + 12 hex characters (its public id, which finds its row) + "_" + 48 hex
 * characters of secret; the stored hash is SHA-256(salt bytes || whole key text).
 */
#ifndef EMBARGO_EM_KEYS_H
#define EMBARGO_EM_KEYS_H

#include "em_store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum em_role {
	EM_ROLE_NONE = 0,    /* no key, or an unknown role name */
	EM_ROLE_SCREEN = 1,  /* screen parties; read entities, lists and metrics */
	EM_ROLE_ANALYST = 2, /* and review and decide alerts */
	EM_ROLE_ADMIN = 3,   /* and swap the screening index */
} em_role;

/* "screen", "analyst", "admin" ("none" for EM_ROLE_NONE). */
const char *em_role_name(em_role role);
/* The inverse of em_role_name(); EM_ROLE_NONE for anything else. */
em_role em_role_parse(const char *name);

typedef struct em_api_key {
	int64_t id;             /* row id, increasing */
	const char *name;       /* unique among valid keys; the audit trail's "who" */
	em_role role;           /* what the key may do */
	const char *key_id;     /* the public id inside the key text (12 hex characters) */
	const char *salt;       /* hex, 16 random bytes */
	const char *hash;       /* hex SHA-256 of the salt bytes followed by the key text */
	const char *created_at; /* ISO 8601 UTC */
	const char *revoked_at; /* ISO 8601 UTC, or NULL while the key is valid */
} em_api_key;

typedef struct em_key_set {
	em_api_key *items; /* oldest first */
	size_t count;
} em_key_set;

/* Longest key text em_keys_add() makes, without the NUL. */
#define EM_KEY_TEXT_MAX 80

/*
 * Makes a key called `name` (1..64 printable ASCII characters, no spaces) with `role` and
 * stores its salted hash. *secret gets the key text (malloc'd): show it once, it cannot be
 * recovered. EM_EREFUSED when a valid key already has that name.
 */
int em_keys_add(em_store *store, const char *name, em_role role, char **secret);

/* Every key, the revoked ones included, oldest first. */
int em_keys_list(em_store *store, em_key_set *out);

/* Revokes the valid key called `name` (or whose public id is `name`); EM_ENOTFOUND if none. */
int em_keys_revoke(em_store *store, const char *name);

void em_key_set_free(em_key_set *set); /* accepts NULL; empties the set */

/* Number of keys in the set that are not revoked. */
size_t em_keys_valid_count(const em_key_set *set);

/*
 * The valid key whose hash matches the presented key text, or NULL. Needs no store, so a
 * server can keep the set in memory; the comparison takes the same time however many hex
 * digits match.
 */
const em_api_key *em_keys_verify(const em_key_set *set, const char *presented);

#ifdef __cplusplus
}
#endif
#endif
