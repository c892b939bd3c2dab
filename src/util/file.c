/*
 * file.c: whole-file reads, atomic writes (write a temporary file, fsync, rename: a reader
 * sees the old file or the new one, never half of one), directory creation, SHA-256 through
 * OpenSSL's libcrypto, and small text helpers.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "util.h"

int em_file_read(const char *path, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return em_fail(EM_EIO, "%s: cannot open: %s", path, strerror(errno));
	em_buf b = EM_BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		int rc = em_buf_append(&b, chunk, n);
		if (rc) {
			fclose(f);
			em_buf_free(&b);
			return rc;
		}
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		em_buf_free(&b);
		return em_fail(EM_EIO, "%s: read error", path);
	}
	*len = b.len;
	*out = em_buf_detach(&b);
	return *out ? 0 : em_fail(EM_ENOMEM, "out of memory reading %s", path);
}

int em_file_write_atomic(const char *path, const void *data, size_t len)
{
	char tmp[PATH_MAX];
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= sizeof tmp)
		return em_fail(EM_EINVAL, "%s: path too long", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return em_fail(EM_EIO, "%s: cannot create: %s", tmp, strerror(errno));
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			unlink(tmp);
			return em_fail(EM_EIO, "%s: write failed: %s", tmp, strerror(e));
		}
		p += w;
		left -= (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		unlink(tmp);
		return em_fail(EM_EIO, "%s: cannot flush: %s", tmp, strerror(errno));
	}
	if (rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return em_fail(EM_EIO, "%s: cannot replace: %s", path, strerror(e));
	}
	return 0;
}

int em_mkdirs(const char *path)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof buf)
		return em_fail(EM_EINVAL, "bad directory path '%s'", path);
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		char c = buf[i];
		buf[i] = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return em_fail(EM_EIO, "%s: cannot create directory: %s", buf, strerror(errno));
		buf[i] = c;
	}
	return 0;
}

void em_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	static const char hex[] = "0123456789abcdef";
	out[0] = '\0';
	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
		return;
	for (unsigned i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

bool em_parse_long(const char *s, long *out)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end != '\0' || end == s)
		return false;
	*out = v;
	return true;
}

bool em_starts_with_ci(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++)
		if (tolower((unsigned char)*s) != tolower((unsigned char)*prefix))
			return false;
	return true;
}

char *em_squeeze_ws(const char *s, size_t n, em_arena *a)
{
	/* Most list fields are clean already: one scan, then a plain copy. */
	bool clean = n > 0 && s[0] != ' ' && s[n - 1] != ' ';
	for (size_t i = 0; i < n && clean; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < ' ' || (c == ' ' && s[i + 1] == ' '))
			clean = false;
	}
	if (clean)
		return em_arena_strndup(a, s, n);
	char *out = em_arena_alloc(a, n + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	bool space = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
			space = o > 0;
			continue;
		}
		if (space)
			out[o++] = ' ';
		space = false;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}

bool em_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t len;
		uint32_t cp;
		if ((c & 0xE0) == 0xC0) {
			len = 2;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

int em_utf8_valid_text(const char *text)
{
	return text && em_utf8_valid(text, strlen(text));
}
