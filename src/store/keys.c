/*
 * keys.c: API keys (em_keys.h). A key is made from the kernel's random source, shown once and
 * stored as a salted SHA-256; verifying needs only the in-memory key set, so a server checks
 * keys without touching the database on every request.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "backend.h"

#define KEY_PREFIX "emk_"
#define KEY_ID_BYTES 6     /* 12 hex characters */
#define KEY_SECRET_BYTES 24 /* 48 hex characters */
#define SALT_BYTES 16
#define NAME_MAX_LEN 64

static const char *const role_names[] = {"none", "screen", "analyst", "admin"};

const char *em_role_name(em_role role)
{
	return role >= EM_ROLE_NONE && role <= EM_ROLE_ADMIN ? role_names[role] : "none";
}

em_role em_role_parse(const char *name)
{
	for (int r = EM_ROLE_SCREEN; name && r <= EM_ROLE_ADMIN; r++)
		if (!strcmp(name, role_names[r]))
			return (em_role)r;
	return EM_ROLE_NONE;
}

static int random_bytes(unsigned char *out, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = getrandom(out + got, n - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return em_fail(EM_ERROR, "no random bytes for a key: %s", strerror(errno));
		}
		got += (size_t)r;
	}
	return 0;
}

static void hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int unhex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* SHA-256 of the salt's bytes followed by the key text, as hex into out[65]. */
static int key_hash(const char *salt_hex, const char *key, char out[65])
{
	size_t sl = strlen(salt_hex), kl = strlen(key);
	if (sl % 2 || sl / 2 > SALT_BYTES || kl > EM_KEY_TEXT_MAX)
		return -1;
	unsigned char buf[SALT_BYTES + EM_KEY_TEXT_MAX];
	for (size_t i = 0; i < sl / 2; i++) {
		int hi = unhex_digit(salt_hex[2 * i]), lo = unhex_digit(salt_hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		buf[i] = (unsigned char)(hi << 4 | lo);
	}
	memcpy(buf + sl / 2, key, kl);
	em_sha256_hex(buf, sl / 2 + kl, out);
	return 0;
}

static int name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > NAME_MAX_LEN)
		return 0;
	for (const char *p = name; *p; p++)
		if (!isgraph((unsigned char)*p))
			return 0;
	return 1;
}

int em_keys_add(em_store *s, const char *name, em_role role, char **secret)
{
	*secret = NULL;
	if (!name || !name_ok(name))
		return em_fail(EM_EINVAL, "key name '%s': expected 1 to %d printable characters without spaces",
			       name ? name : "", NAME_MAX_LEN);
	if (role < EM_ROLE_SCREEN || role > EM_ROLE_ADMIN)
		return em_fail(EM_EINVAL, "key '%s': role must be screen, analyst or admin", name);
	unsigned char id_bytes[KEY_ID_BYTES], secret_bytes[KEY_SECRET_BYTES], salt_bytes[SALT_BYTES];
	int rc;
	if ((rc = random_bytes(id_bytes, sizeof id_bytes)) ||
	    (rc = random_bytes(secret_bytes, sizeof secret_bytes)) ||
	    (rc = random_bytes(salt_bytes, sizeof salt_bytes)))
		return rc;
	char key_id[2 * KEY_ID_BYTES + 1], secret_hex[2 * KEY_SECRET_BYTES + 1], salt[2 * SALT_BYTES + 1];
	hex(id_bytes, sizeof id_bytes, key_id);
	hex(secret_bytes, sizeof secret_bytes, secret_hex);
	hex(salt_bytes, sizeof salt_bytes, salt);
	char text[EM_KEY_TEXT_MAX + 1];
	snprintf(text, sizeof text, KEY_PREFIX "%s_%s", key_id, secret_hex);
	char hash[65], now[32];
	if (key_hash(salt, text, hash))
		return em_fail(EM_ERROR, "key '%s': hashing failed", name);
	em_store_now(now);
	em_api_key k = {0, name, role, key_id, salt, hash, now, NULL};
	if ((rc = s->ops->key_add(s->db, &k)))
		return rc;
	if (!(*secret = strdup(text)))
		return em_fail(EM_ENOMEM, "out of memory");
	return 0;
}

int em_keys_list(em_store *s, em_key_set *out)
{
	out->items = NULL;
	out->count = 0;
	int rc = s->ops->keys(s->db, out);
	if (rc)
		em_key_set_free(out);
	return rc;
}

int em_keys_revoke(em_store *s, const char *name)
{
	if (!name || !*name)
		return em_fail(EM_EINVAL, "em_keys_revoke: no key name");
	char now[32];
	em_store_now(now);
	return s->ops->key_revoke(s->db, name, now);
}

static void key_free(em_api_key *k)
{
	free((char *)k->name);
	free((char *)k->key_id);
	free((char *)k->salt);
	free((char *)k->hash);
	free((char *)k->created_at);
	free((char *)k->revoked_at);
}

int em_key_set_add(em_key_set *set, const em_api_key *k)
{
	em_api_key *items = realloc(set->items, (set->count + 1) * sizeof *items);
	if (!items)
		return em_fail(EM_ENOMEM, "out of memory listing keys");
	set->items = items;
	em_api_key *c = &items[set->count];
	*c = *k;
	c->name = strdup(k->name ? k->name : "");
	c->key_id = strdup(k->key_id ? k->key_id : "");
	c->salt = strdup(k->salt ? k->salt : "");
	c->hash = strdup(k->hash ? k->hash : "");
	c->created_at = strdup(k->created_at ? k->created_at : "");
	c->revoked_at = k->revoked_at ? strdup(k->revoked_at) : NULL;
	if (!c->name || !c->key_id || !c->salt || !c->hash || !c->created_at ||
	    (k->revoked_at && !c->revoked_at)) {
		key_free(c);
		return em_fail(EM_ENOMEM, "out of memory listing keys");
	}
	set->count++;
	return 0;
}

void em_key_set_free(em_key_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->count; i++)
		key_free(&set->items[i]);
	free(set->items);
	set->items = NULL;
	set->count = 0;
}

size_t em_keys_valid_count(const em_key_set *set)
{
	size_t n = 0;
	for (size_t i = 0; set && i < set->count; i++)
		n += set->items[i].revoked_at == NULL;
	return n;
}

/* Compares two equal-length strings without stopping at the first difference. */
static int same_text(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (strlen(b) != n)
		return 0;
	unsigned char diff = 0;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

const em_api_key *em_keys_verify(const em_key_set *set, const char *presented)
{
	size_t plen = strlen(KEY_PREFIX);
	if (!set || !presented || strncmp(presented, KEY_PREFIX, plen) != 0 ||
	    strlen(presented) > EM_KEY_TEXT_MAX)
		return NULL;
	const char *id = presented + plen;
	const char *sep = strchr(id, '_');
	if (!sep || (size_t)(sep - id) != 2 * KEY_ID_BYTES)
		return NULL;
	for (size_t i = 0; i < set->count; i++) {
		const em_api_key *k = &set->items[i];
		if (k->revoked_at || strncmp(k->key_id, id, 2 * KEY_ID_BYTES) != 0 ||
		    k->key_id[2 * KEY_ID_BYTES] != '\0')
			continue;
		char hash[65];
		if (key_hash(k->salt, presented, hash) == 0 && same_text(hash, k->hash))
			return k;
	}
	return NULL;
}
