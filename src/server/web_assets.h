/*
 * web_assets.h: the files the server serves from memory: the web page (web/) and the OpenAPI
 * document (src/server/openapi.json), turned into byte arrays at build time by
 * cmake/embed_assets.cmake, so a server binary needs no installed data to show its page.
 */
#ifndef EMBARGO_SERVER_WEB_ASSETS_H
#define EMBARGO_SERVER_WEB_ASSETS_H

#include <stddef.h>

typedef struct em_web_asset {
	const char *path;           /* the URL path ("/index.html", "/web/app.js", "/openapi.json") */
	const char *file;           /* the file name, for --web-root ("index.html") */
	const unsigned char *data;  /* the bytes */
	size_t len;
} em_web_asset;

extern const em_web_asset em_web_assets[];
extern const size_t em_web_asset_count;

#endif
