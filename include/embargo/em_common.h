/*
 * em_common.h: error convention, version and small shared types of the embargo API.
 *
 * Every fallible function returns 0 on success or a negative EM_E* code. The message for the
 * last failure on the calling thread is kept by the library and read with em_error_last(); it
 * names the file, line and field where the failure was found when there is one. Objects handed
 * out through an `out` parameter belong to the caller and are released with the matching
 * `_free` function, which accepts NULL.
 */
#ifndef EMBARGO_EM_COMMON_H
#define EMBARGO_EM_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EM_VERSION "0.1.0"

/* Error codes: 0 is success, failures are negative. */
enum em_error_code {
	EM_OK = 0,
	EM_ERROR = -1,       /* generic failure */
	EM_ENOMEM = -2,      /* an allocation failed */
	EM_EIO = -3,         /* reading or writing a file failed */
	EM_EPARSE = -4,      /* input is malformed: see the message for file, line and field */
	EM_EFORMAT = -5,     /* the input's format is not recognised */
	EM_ETRUNCATED = -6,  /* the input ends before it should */
	EM_ENOTFOUND = -7,   /* the requested object does not exist */
	EM_EINVAL = -8,      /* an argument is invalid */
	EM_ESTORE = -9,      /* the store (database) failed */
	EM_EREFUSED = -10,   /* a safety check refused the operation (e.g. entity count dropped) */
	EM_ENET = -11,       /* a network transfer failed */
	EM_ELIMIT = -12,     /* a size or count limit was exceeded */
};

/* The last error on this thread. */
typedef struct em_error {
	int code;            /* the EM_E* code */
	const char *message; /* human-readable, never NULL; valid until the next failing call */
} em_error;

/* The last error recorded on the calling thread, or a struct with code 0 and message "" . */
const em_error *em_error_last(void);

/* Forget the last error on the calling thread. */
void em_error_clear(void);

/* A short name for an error code ("EM_EPARSE"). */
const char *em_error_name(int code);

/* 1 when the NUL-terminated text is valid UTF-8 (no overlong forms or surrogates), else 0. */
int em_utf8_valid_text(const char *text);

#ifdef __cplusplus
}
#endif
#endif
