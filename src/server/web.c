/*
 * web.c: the static files: the analysts' web page and the OpenAPI document, from the copy
 * built into the binary or, with web_root set, from that folder (for working on the page
 * without rebuilding). Only the files known at build time are served, so a path can never
 * reach outside the folder.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "web_assets.h"

static const char *content_type(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (dot && !strcmp(dot, ".html"))
		return "text/html; charset=utf-8";
	if (dot && !strcmp(dot, ".js"))
		return "text/javascript; charset=utf-8";
	if (dot && !strcmp(dot, ".css"))
		return "text/css; charset=utf-8";
	if (dot && !strcmp(dot, ".json"))
		return "application/json";
	return "application/octet-stream";
}

/* Reads web_root/file; NULL when it cannot be read. */
static char *read_file(const char *root, const char *file, size_t *len)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", root, file);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	sbuf b = {0};
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		sb_put(&b, chunk, n);
	fclose(f);
	return sb_take(&b, len);
}

bool handle_static(request *r, const char *path)
{
	if (!strcmp(path, "/"))
		path = "/index.html";
	const em_web_asset *a = NULL;
	for (size_t i = 0; i < em_web_asset_count; i++)
		if (!strcmp(em_web_assets[i].path, path))
			a = &em_web_assets[i];
	if (!a)
		return false;
	size_t len = a->len;
	char *copy = NULL;
	if (r->srv->cfg.web_root && strcmp(path, "/openapi.json") != 0)
		copy = read_file(r->srv->cfg.web_root, a->file, &len);
	if (!copy) {
		len = a->len;
		if ((copy = malloc(len ? len : 1)))
			memcpy(copy, a->data, len);
	}
	if (!copy) {
		respond_error(r, 500, "internal", "out of memory");
		return true;
	}
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, copy, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(copy);
		respond_error(r, 500, "internal", "out of memory");
		return true;
	}
	MHD_add_response_header(resp, "Content-Type", content_type(path));
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Cache-Control", "no-cache");
	if (strstr(path, ".html")) {
		/* everything the page uses comes from this server: it works offline and loads nothing else */
		MHD_add_response_header(resp, "Content-Security-Policy",
					"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
		MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	}
	MHD_queue_response(r->conn, 200, resp);
	MHD_destroy_response(resp);
	r->responded = true;
	r->status = 200;
	return true;
}
