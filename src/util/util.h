/*
 * util.h: small shared helpers of the library: errors, an arena, growable byte buffers,
 * a string hash map, whole-file reading, SHA-256 and number parsing. Nothing here knows about
 * lists, entities or screening, so any module (and any binary) can use it.
 */
#ifndef EMBARGO_UTIL_H
#define EMBARGO_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "embargo/em_common.h"

#if defined(__GNUC__)
#define EM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define EM_PRINTF(a, b)
#endif

/* Records the thread's last error; returns `code` so callers can `return em_fail(...)`. */
int em_fail(int code, const char *fmt, ...) EM_PRINTF(2, 3);
int em_failv(int code, const char *fmt, va_list ap) EM_PRINTF(2, 0);
/* Prefixes the current message with "prefix: " (adds context on the way up). */
void em_error_prefix(const char *fmt, ...) EM_PRINTF(1, 2);

/* --- arena: many small allocations freed at once -------------------------------------- */
typedef struct em_arena_block em_arena_block;
typedef struct em_arena {
	em_arena_block *head; /* newest block first */
	size_t used;          /* bytes used in head */
	size_t total;         /* bytes reserved in all blocks (for memory reports) */
	size_t min_block;     /* the smallest block it reserves */
} em_arena;

void em_arena_init(em_arena *a);
/* An arena whose first block holds `first` bytes: for short-lived arenas that hold little, so
 * that the block comes from malloc's per-thread cache, not from its heap. */
void em_arena_init_small(em_arena *a, size_t first);
void em_arena_free(em_arena *a);
/* Aligned to 16 bytes; NULL when out of memory. */
void *em_arena_alloc(em_arena *a, size_t n);
void *em_arena_calloc(em_arena *a, size_t n);
char *em_arena_strdup(em_arena *a, const char *s);
char *em_arena_strndup(em_arena *a, const char *s, size_t n);

/* --- ring cache: a bounded cache of byte keys to byte values ------------------------- */
/*
 * Entries of any size are written one after the other into a ring of bytes (the oldest written
 * over first) and found through an index of `sets` sets of EM_RING_CACHE_WAYS, most recent
 * first. Not thread-safe: one per thread.
 */
#define EM_RING_CACHE_WAYS 4
typedef struct em_ring_cache em_ring_cache;
/* ring_bytes >= 4096; sets a power of two. NULL on bad sizes or out of memory. */
em_ring_cache *em_ring_cache_new(size_t ring_bytes, size_t sets);
void em_ring_cache_free(em_ring_cache *c);
void em_ring_cache_clear(em_ring_cache *c);
/* The value stored for key (hash: of the key, any 64-bit hash), or NULL; *vlen gets its length.
 * The value is aligned to 8 bytes and stays valid until the next put or clear. */
const void *em_ring_cache_get(em_ring_cache *c, const void *key, size_t klen, uint64_t hash, size_t *vlen);
/* Starts fetching the index set of `hash` into the processor's cache, for a get soon after. */
void em_ring_cache_prefetch(const em_ring_cache *c, uint64_t hash);
/* Stores a copy of key and value; false when the entry is too large to keep (over an eighth of
 * the ring). */
bool em_ring_cache_put(em_ring_cache *c, const void *key, size_t klen, uint64_t hash, const void *val, size_t vlen);

/* --- growable byte buffer, always NUL-terminated, with an optional size limit ----------- */
typedef struct em_buf {
	char *data;   /* NUL-terminated contents (NULL until the first write) */
	size_t len;   /* bytes used, excluding the NUL */
	size_t cap;   /* bytes allocated */
	size_t limit; /* 0 = unlimited; appends past it fail with EM_ELIMIT */
} em_buf;

#define EM_BUF_INIT {NULL, 0, 0, 0}
int em_buf_append(em_buf *b, const void *data, size_t n);
int em_buf_puts(em_buf *b, const char *s);
int em_buf_putc(em_buf *b, char c);
int em_buf_printf(em_buf *b, const char *fmt, ...) EM_PRINTF(2, 3);
void em_buf_clear(em_buf *b);
void em_buf_free(em_buf *b);
/* Hands the contents to the caller (malloc'd, never NULL unless out of memory). */
char *em_buf_detach(em_buf *b);

/* --- string -> size_t hash map (open addressing; keys are borrowed, not copied) --------- */
/*
 * Probing reads only `tags`, 4 bytes a slot (32 bits of the key's hash, never 0; 0: empty), and
 * touches a key only when its tag matches: most lookups during screening are misses (spellings
 * one letter off that no listed word has), and a tag array a quarter the size of the slots stays
 * in the caches far better.
 */
typedef struct em_strmap_slot {
	const char *key; /* NULL: empty */
	size_t val;
} em_strmap_slot;

typedef struct em_strmap {
	uint32_t *tags;
	em_strmap_slot *slots;
	size_t cap;   /* power of two */
	size_t count;
} em_strmap;

int em_strmap_put(em_strmap *m, const char *key, size_t val); /* replaces an existing value */
/* Sizes the map for n keys up front (no rehashing while filling). */
int em_strmap_reserve(em_strmap *m, size_t n);
/*
 * Looks key up and inserts it with value `val` when absent; *found says which, *out gets the
 * value now stored. One probe instead of a get and a put.
 */
int em_strmap_get_or_put(em_strmap *m, const char *key, size_t val, size_t *out, bool *found);
/* Returns true and sets *val when found. */
bool em_strmap_get(const em_strmap *m, const char *key, size_t *val);
/* The same when the key's hash (em_hash_bytes of its bytes) is known already. */
bool em_strmap_get_hashed(const em_strmap *m, const char *key, uint64_t h, size_t *val);
void em_strmap_free(em_strmap *m);
/* The key in slot i (0 <= i < cap), or NULL for an empty slot: for walking every key. */
static inline const char *em_strmap_key_at(const em_strmap *m, size_t i)
{
	return m->slots[i].key;
}
uint64_t em_hash_bytes(const void *data, size_t n);
/* em_hash_bytes (FNV-1a) one byte at a time: the hash of no bytes, and of one byte more. Hashing
 * a key as it grows gives the hash of each of its prefixes on the way. */
#define EM_HASH_EMPTY 1469598103934665603ULL
static inline uint64_t em_hash_step(uint64_t h, unsigned char c)
{
	return (h ^ c) * 1099511628211ULL;
}

/* --- files ---------------------------------------------------------------------------- */
/* Reads a whole file (NUL added after the end). *out is malloc'd. */
int em_file_read(const char *path, char **out, size_t *len);
/* Writes a file atomically (temporary file then rename). */
int em_file_write_atomic(const char *path, const void *data, size_t len);
/* Makes a directory and its parents (mode 0700). */
int em_mkdirs(const char *path);

/* --- hashing ------------------------------------------------------------------------- */
/* Lower-case hex SHA-256 of data into out[65]. */
void em_sha256_hex(const void *data, size_t len, char out[65]);

/* --- text helpers --------------------------------------------------------------------- */
/* Parses a whole base-10 integer; false on junk, overflow or empty text. */
bool em_parse_long(const char *s, long *out);
/* ASCII case-insensitive prefix test. */
bool em_starts_with_ci(const char *s, const char *prefix);
/* Copies s without leading/trailing whitespace and with inner runs of whitespace as one space. */
char *em_squeeze_ws(const char *s, size_t n, em_arena *a);
/* True when the bytes are valid UTF-8. */
bool em_utf8_valid(const char *s, size_t n);

#endif
