/*
 * LIGHTVIBES XS host: the AsymmetricCrypto port (hal/pqc.ts), the C side of hal/xs/pqc-native.ts.
 * ML-DSA-65 and ML-KEM-768 come from the PQClean core (native/kernels/pqc_core.c over PQClean's
 * clean C from npm pqclean@0.8.1, compiled into lvxs by native/host/Makefile); X25519 from the
 * system's libcrypto when this machine has one (opened at run time like native/host/crypto.c,
 * so lvxs still builds and runs without it: xs_lv_pqc_x25519_backend then returns "" and the
 * TypeScript side names its stand-in). Needs no OpenSSL headers: the few EVP_PKEY calls are
 * declared here over opaque pointers.
 *
 * Each function returns the core's status (pqc_core.h; 7 = X25519 result rejected) as a number;
 * a non-Uint8Array argument is a TypeError. Lengths are checked by the TypeScript side and again
 * by the core.
 *   native("xs_lv_pqc_backend")()                                   "PQClean clean (npm pqclean 0.8.1)"
 *   native("xs_lv_pqc_x25519_backend")()                            libcrypto's version string, or ""
 *   native("xs_lv_pqc_ml_dsa65_keygen")(seed32, publicKey, secretKey)
 *   native("xs_lv_pqc_ml_dsa65_sign")(secretKey, message, context, rnd32, signature)
 *   native("xs_lv_pqc_ml_dsa65_verify")(publicKey, message, context, signature)     0 valid, 1 invalid
 *   native("xs_lv_pqc_ml_kem768_keygen")(seed64, publicKey, secretKey)
 *   native("xs_lv_pqc_ml_kem768_encapsulate")(publicKey, message32, cipherText, sharedSecret)
 *   native("xs_lv_pqc_ml_kem768_decapsulate")(cipherText, secretKey, sharedSecret)
 *   native("xs_lv_pqc_x25519_public")(secretKey32, out32); ("xs_lv_pqc_x25519_shared")(secretKey32, publicKey32, out32)
 */
#include "xsmc.h"
#include "../kernels/pqc_core.h"

#include <dlfcn.h>
#include <string.h>

#define LV_PQC_X25519_REJECTED 7
#define LV_NID_X25519 1034 /* EVP_PKEY_X25519 = NID_X25519, stable across OpenSSL 1.1 and 3 */

/* ------------------------------------------------------------------------------ arguments */

static uint8_t* lvPqcBytes(xsMachine* the, int index, const char* field, size_t* length, int writable)
{
	void* data;
	xsUnsignedValue count;
	if (xsmcArgc <= index || !xsmcIsInstanceOf(xsArg(index), xsVar(0)))
		xsTypeError("pqc: \"%s\" expected Uint8Array", field);
	if (writable)
		xsmcGetBufferWritable(xsArg(index), &data, &count);
	else
		xsmcGetBufferReadable(xsArg(index), &data, &count);
	*length = count;
	return data ? (uint8_t*)data : (uint8_t*)"";
}

/* An output of exactly `want` bytes, else NULL (the status says E_ARGUMENT). */
static uint8_t* lvPqcOut(xsMachine* the, int index, const char* field, size_t want)
{
	size_t length;
	uint8_t* p = lvPqcBytes(the, index, field, &length, 1);
	return length == want ? p : NULL;
}

/* An input of exactly `want` bytes, else NULL. */
static uint8_t* lvPqcIn(xsMachine* the, int index, const char* field, size_t want)
{
	size_t length;
	uint8_t* p = lvPqcBytes(the, index, field, &length, 0);
	return length == want ? p : NULL;
}

static void lvPqcPrologue(xsMachine* the)
{
	xsmcVars(1);
	xsmcGet(xsVar(0), xsGlobal, xsID("Uint8Array"));
	xsmcGet(xsVar(0), xsVar(0), xsID("prototype"));
}

void xs_lv_pqc_backend(xsMachine* the)
{
	xsmcSetString(xsResult, "PQClean clean (npm pqclean 0.8.1)");
}

/* -------------------------------------------------------------------------------- ML-DSA-65 */

void xs_lv_pqc_ml_dsa65_keygen(xsMachine* the)
{
	size_t seedLength;
	uint8_t *seed, *pk, *sk;
	lvPqcPrologue(the);
	seed = lvPqcBytes(the, 0, "seed", &seedLength, 0);
	pk = lvPqcOut(the, 1, "publicKey", LV_ML_DSA65_PUBLIC_KEY_BYTES);
	sk = lvPqcOut(the, 2, "secretKey", LV_ML_DSA65_SECRET_KEY_BYTES);
	xsmcSetInteger(xsResult, pk && sk ? lv_ml_dsa65_keygen(seed, seedLength, pk, sk) : LV_PQC_E_ARGUMENT);
}

void xs_lv_pqc_ml_dsa65_sign(xsMachine* the)
{
	size_t skLength, messageLength, contextLength, rndLength;
	uint8_t *sk, *message, *context, *rnd, *signature;
	lvPqcPrologue(the);
	sk = lvPqcBytes(the, 0, "secretKey", &skLength, 0);
	message = lvPqcBytes(the, 1, "message", &messageLength, 0);
	context = lvPqcBytes(the, 2, "context", &contextLength, 0);
	rnd = lvPqcBytes(the, 3, "rnd", &rndLength, 0);
	signature = lvPqcOut(the, 4, "signature", LV_ML_DSA65_SIGNATURE_BYTES);
	xsmcSetInteger(xsResult, signature ? lv_ml_dsa65_sign(sk, skLength, message, messageLength, context, contextLength, rnd, rndLength, signature) : LV_PQC_E_ARGUMENT);
}

void xs_lv_pqc_ml_dsa65_verify(xsMachine* the)
{
	size_t pkLength, messageLength, contextLength, signatureLength;
	uint8_t *pk, *message, *context, *signature;
	lvPqcPrologue(the);
	pk = lvPqcBytes(the, 0, "publicKey", &pkLength, 0);
	message = lvPqcBytes(the, 1, "message", &messageLength, 0);
	context = lvPqcBytes(the, 2, "context", &contextLength, 0);
	signature = lvPqcBytes(the, 3, "signature", &signatureLength, 0);
	xsmcSetInteger(xsResult, lv_ml_dsa65_verify(pk, pkLength, message, messageLength, context, contextLength, signature, signatureLength));
}

/* ------------------------------------------------------------------------------- ML-KEM-768 */

void xs_lv_pqc_ml_kem768_keygen(xsMachine* the)
{
	size_t seedLength;
	uint8_t *seed, *ek, *dk;
	lvPqcPrologue(the);
	seed = lvPqcBytes(the, 0, "seed", &seedLength, 0);
	ek = lvPqcOut(the, 1, "publicKey", LV_ML_KEM768_PUBLIC_KEY_BYTES);
	dk = lvPqcOut(the, 2, "secretKey", LV_ML_KEM768_SECRET_KEY_BYTES);
	xsmcSetInteger(xsResult, ek && dk ? lv_ml_kem768_keygen(seed, seedLength, ek, dk) : LV_PQC_E_ARGUMENT);
}

void xs_lv_pqc_ml_kem768_encapsulate(xsMachine* the)
{
	size_t ekLength, messageLength;
	uint8_t *ek, *message, *ct, *ss;
	lvPqcPrologue(the);
	ek = lvPqcBytes(the, 0, "publicKey", &ekLength, 0);
	message = lvPqcBytes(the, 1, "message", &messageLength, 0);
	ct = lvPqcOut(the, 2, "cipherText", LV_ML_KEM768_CIPHERTEXT_BYTES);
	ss = lvPqcOut(the, 3, "sharedSecret", LV_ML_KEM768_SHARED_BYTES);
	xsmcSetInteger(xsResult, ct && ss ? lv_ml_kem768_encapsulate(ek, ekLength, message, messageLength, ct, ss) : LV_PQC_E_ARGUMENT);
}

void xs_lv_pqc_ml_kem768_decapsulate(xsMachine* the)
{
	size_t ctLength, dkLength;
	uint8_t *ct, *dk, *ss;
	lvPqcPrologue(the);
	ct = lvPqcBytes(the, 0, "cipherText", &ctLength, 0);
	dk = lvPqcBytes(the, 1, "secretKey", &dkLength, 0);
	ss = lvPqcOut(the, 2, "sharedSecret", LV_ML_KEM768_SHARED_BYTES);
	xsmcSetInteger(xsResult, ss ? lv_ml_kem768_decapsulate(ct, ctLength, dk, dkLength, ss) : LV_PQC_E_ARGUMENT);
}

/* ----------------------------------------------------------------------- X25519 (libcrypto) */

static struct {
	int tried;
	void* handle;
	const char* version;
	void* (*new_private)(int, void*, const unsigned char*, size_t);
	void* (*new_public)(int, void*, const unsigned char*, size_t);
	int (*get_public)(const void*, unsigned char*, size_t*);
	void (*pkey_free)(void*);
	void* (*ctx_new)(void*, void*);
	void (*ctx_free)(void*);
	int (*derive_init)(void*);
	int (*derive_set_peer)(void*, void*);
	int (*derive)(void*, unsigned char*, size_t*);
	void (*cleanse)(void*, size_t);
	const char* (*version_text)(int);
} lx;

#define LV_RESOLVE(field, symbol) ok &= (*(void**)&lx.field = dlsym(lx.handle, symbol)) != NULL

/* Opens libcrypto once; 1 when every entry point is there. */
static int lvX25519Library(void)
{
	int ok = 1;
	if (lx.tried)
		return lx.handle != NULL;
	lx.tried = 1;
	lx.handle = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
	if (!lx.handle)
		lx.handle = dlopen("libcrypto.so", RTLD_NOW | RTLD_LOCAL);
	if (!lx.handle)
		return 0;
	LV_RESOLVE(new_private, "EVP_PKEY_new_raw_private_key");
	LV_RESOLVE(new_public, "EVP_PKEY_new_raw_public_key");
	LV_RESOLVE(get_public, "EVP_PKEY_get_raw_public_key");
	LV_RESOLVE(pkey_free, "EVP_PKEY_free");
	LV_RESOLVE(ctx_new, "EVP_PKEY_CTX_new");
	LV_RESOLVE(ctx_free, "EVP_PKEY_CTX_free");
	LV_RESOLVE(derive_init, "EVP_PKEY_derive_init");
	LV_RESOLVE(derive_set_peer, "EVP_PKEY_derive_set_peer");
	LV_RESOLVE(derive, "EVP_PKEY_derive");
	LV_RESOLVE(cleanse, "OPENSSL_cleanse");
	LV_RESOLVE(version_text, "OpenSSL_version");
	if (!ok) {
		dlclose(lx.handle);
		lx.handle = NULL;
		return 0;
	}
	lx.version = lx.version_text(0); /* OPENSSL_VERSION */
	return 1;
}

void xs_lv_pqc_x25519_backend(xsMachine* the)
{
	xsmcSetString(xsResult, lvX25519Library() ? (char*)lx.version : "");
}

void xs_lv_pqc_x25519_public(xsMachine* the)
{
	uint8_t *sk, *out;
	void* key;
	size_t length = 32;
	int ok;
	if (!lvX25519Library())
		xsUnknownError("pqc: this host has no libcrypto for X25519");
	lvPqcPrologue(the);
	sk = lvPqcIn(the, 0, "secretKey", 32);
	out = lvPqcOut(the, 1, "out", 32);
	if (!sk || !out) {
		xsmcSetInteger(xsResult, LV_PQC_E_ARGUMENT);
		return;
	}
	if (!(key = lx.new_private(LV_NID_X25519, NULL, sk, 32))) {
		xsmcSetInteger(xsResult, LV_PQC_E_INTERNAL);
		return;
	}
	ok = lx.get_public(key, out, &length) == 1 && length == 32;
	lx.pkey_free(key);
	xsmcSetInteger(xsResult, ok ? LV_PQC_OK : LV_PQC_E_INTERNAL);
}

void xs_lv_pqc_x25519_shared(xsMachine* the)
{
	uint8_t *sk, *pk, *out;
	void *mine = NULL, *peer = NULL, *ctx = NULL;
	size_t length = 32;
	int status = LV_PQC_E_INTERNAL;
	if (!lvX25519Library())
		xsUnknownError("pqc: this host has no libcrypto for X25519");
	lvPqcPrologue(the);
	sk = lvPqcIn(the, 0, "secretKey", 32);
	pk = lvPqcIn(the, 1, "publicKey", 32);
	out = lvPqcOut(the, 2, "out", 32);
	if (!sk || !pk || !out) {
		xsmcSetInteger(xsResult, LV_PQC_E_ARGUMENT);
		return;
	}
	if ((mine = lx.new_private(LV_NID_X25519, NULL, sk, 32)) && (peer = lx.new_public(LV_NID_X25519, NULL, pk, 32)) &&
		(ctx = lx.ctx_new(mine, NULL)) && lx.derive_init(ctx) == 1 && lx.derive_set_peer(ctx, peer) == 1)
		/* libcrypto refuses an all-zero result (a low-order peer point, RFC 7748 §6.1), as noble does */
		status = lx.derive(ctx, out, &length) == 1 && length == 32 ? LV_PQC_OK : LV_PQC_X25519_REJECTED;
	if (status != LV_PQC_OK)
		lx.cleanse(out, 32);
	if (ctx)
		lx.ctx_free(ctx);
	if (peer)
		lx.pkey_free(peer);
	if (mine)
		lx.pkey_free(mine);
	xsmcSetInteger(xsResult, status);
}
