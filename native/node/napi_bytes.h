/*
 * Node-API argument helpers shared by the lv_crypto and lv_pqc addons: the arguments of a call,
 * a Uint8Array argument as (pointer, length), and an int status as the result. Define
 * LV_MAX_ARGS (the most arguments a function of the addon takes) before including it.
 */
#ifndef LV_NAPI_BYTES_H
#define LV_NAPI_BYTES_H

#include <node_api.h>
#include <stdint.h>

#ifndef LV_MAX_ARGS
#error "define LV_MAX_ARGS before including napi_bytes.h"
#endif

typedef struct {
	uint8_t* p;
	size_t n;
} LvBytes;

/* What an empty Uint8Array points at, so no library ever sees NULL data. */
static const uint8_t lvNoBytes[1];

/* The call's arguments into argv (LV_MAX_ARGS long); 0 when fewer than `want` were passed. */
static int lvArgs(napi_env env, napi_callback_info info, size_t want, napi_value* argv)
{
	size_t argc = LV_MAX_ARGS;
	return napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc >= want;
}

/* A Uint8Array argument; 0 for anything else. */
static int lvBytes(napi_env env, napi_value v, LvBytes* out)
{
	napi_typedarray_type type;
	void* data = NULL;
	size_t length = 0;
	if (napi_get_typedarray_info(env, v, &type, &length, &data, NULL, NULL) != napi_ok || type != napi_uint8_array)
		return 0;
	out->p = length ? (uint8_t*)data : (uint8_t*)lvNoBytes;
	out->n = length;
	return 1;
}

static napi_value lvStatus(napi_env env, int status)
{
	napi_value v;
	napi_create_int32(env, status, &v);
	return v;
}

#endif
