/* SPDX-License-Identifier: GPL-2.0 */
/* A small streaming JSON writer for the CLI's -j output. */

#ifndef KESP_COMMON_JSON_H
#define KESP_COMMON_JSON_H

#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	int count[JSON_MAX_DEPTH];	/* members written at each level */
};

/* @key is the member name inside an object, NULL inside an array or at top. */
void json_init(struct json *j, FILE *f);
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_u64(struct json *j, const char *key, uint64_t val);
void json_bool(struct json *j, const char *key, int val);
/* Ends the document with a newline. */
void json_finish(struct json *j);

#endif /* KESP_COMMON_JSON_H */
