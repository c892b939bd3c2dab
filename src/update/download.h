/*
 * download.h: one bounded HTTP(S) download into a file, through libcurl (internal to the
 * update module). Every limit is enforced here: connection and overall time, a low-speed
 * cut-off for servers that stall, a size cap, a bounded number of redirects that may not
 * leave https, certificate verification, and HTTP statuses >= 400 as failures.
 */
#ifndef EMBARGO_UPDATE_DOWNLOAD_H
#define EMBARGO_UPDATE_DOWNLOAD_H

#include "embargo/em_update.h"

typedef struct em_download {
	/* in */
	const char *url;            /* http:// or https:// */
	const char *path;           /* file the body is written to (created, or truncated) */
	const char *etag;           /* validator to send as If-None-Match, or NULL */
	const char *last_modified;  /* validator to send as If-Modified-Since, or NULL */
	/* out */
	long status;                /* final HTTP status (0 when no response) */
	int not_modified;           /* 1: answered 304; the file is then empty */
	size_t bytes;               /* body bytes written */
	char *new_etag;             /* ETag of the final response, or NULL (malloc'd) */
	char *new_last_modified;    /* Last-Modified of the final response, or NULL (malloc'd) */
} em_download;

/*
 * Fetches d->url into d->path under the limits of `opts` (NULL: defaults). Returns 0 on a 200
 * (body complete) or a 304; otherwise a negative code (EM_ENET, EM_ETRUNCATED, EM_ELIMIT,
 * EM_EIO) with a message naming the URL, and the file removed.
 */
int em_download_file(em_download *d, const em_update_options *opts);
/* Frees the out strings. */
void em_download_clear(em_download *d);

#endif
