/*
 * lv_pqc: the AsymmetricCrypto port (hal/pqc.ts) for Node — ML-DSA-65 and ML-KEM-768 from the
 * PQClean core (native/kernels/pqc_core.c, PQClean's clean C from npm pqclean@0.8.1), X25519 from
 * the OpenSSL that the running node binary exports (as lv_crypto does: headers from --nodedir,
 * symbols resolved against node at load). The TypeScript side is hal/node/pqc-native.ts.
 *
 * Why X25519 through OpenSSL here rather than node:crypto: node:crypto needs KeyObjects built
 * from JWK for raw keys, several object allocations per call; here a call writes into a buffer.
 *
 * Every function returns a status (pqc_core.h's lvPqcStatus, plus LV_PQC_X25519_REJECTED) and
 * never throws; the caller checks lengths first and the core checks them again.
 *
 *   mlDsa65Keygen(seed32, publicKey, secretKey)              mlDsa65Sign(sk, message, context, rnd32, signature)
 *   mlDsa65Verify(pk, message, context, signature)  → OK or INVALID
 *   mlKem768Keygen(seed64, publicKey, secretKey)             mlKem768Encapsulate(ek, m32, cipherText, sharedSecret)
 *   mlKem768Decapsulate(cipherText, dk, sharedSecret)
 *   x25519PublicKey(sk32, out32)   x25519SharedSecret(sk32, pk32, out32) → OK or X25519_REJECTED (all-zero result)
 *   version() → a description of what runs
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pqc_core.h"

#define LV_PQC_X25519_REJECTED 7
#define LV_MAX_ARGS 5

#include "napi_bytes.h"

/* Reads `count` Uint8Array arguments into b[]; outputs must have exactly their fixed length. */
static int lvRead(napi_env env, napi_callback_info info, size_t count, LvBytes* b)
{
	napi_value argv[LV_MAX_ARGS];
	if (!lvArgs(env, info, count, argv))
		return 0;
	for (size_t i = 0; i < count; i++)
		if (!lvBytes(env, argv[i], &b[i]))
			return 0;
	return 1;
}

#define LV_WANT(b, length) ((b).n == (size_t)(length))

/* ------------------------------------------------------------------------------------ ML-DSA */

static napi_value lvMlDsaKeygen(napi_env env, napi_callback_info info)
{
	LvBytes b[3];
	if (!lvRead(env, info, 3, b) || !LV_WANT(b[1], LV_ML_DSA65_PUBLIC_KEY_BYTES) || !LV_WANT(b[2], LV_ML_DSA65_SECRET_KEY_BYTES))
		return lvStatus(env, LV_PQC_E_ARGUMENT);
	return lvStatus(env, lv_ml_dsa65_keygen(b[0].p, b[0].n, b[1].p, b[2].p));
}

static napi_value lvMlDsaSign(napi_env env, napi_callback_info info)
{
	LvBytes b[5];
	if (!lvRead(env, info, 5, b) || !LV_WANT(b[4], LV_ML_DSA65_SIGNATURE_BYTES))
		return lvStatus(env, LV_PQC_E_ARGUMENT);
	return lvStatus(env, lv_ml_dsa65_sign(b[0].p, b[0].n, b[1].p, b[1].n, b[2].p, b[2].n, b[3].p, b[3].n, b[4].p));
}

static napi_value lvMlDsaVerify(napi_env env, napi_callback_info info)
{
	LvBytes b[4];
	if (!lvRead(env, info, 4, b))
		return lvStatus(env, LV_PQC_E_ARGUMENT);
	return lvStatus(env, lv_ml_dsa65_verify(b[0].p, b[0].n, b[1].p, b[1].n, b[2].p, b[2].n, b[3].p, b[3].n));
}

/* ------------------------------------------------------------------------------------ ML-KEM */

static napi_value lvMlKemKeygen(napi_env env, napi_callback_info info)
{
	LvBytes b[3];
	if (!lvRead(env, info, 3, b) || !LV_WANT(b[1], LV_ML_KEM768_PUBLIC_KEY_BYTES) || !LV_WANT(b[2], LV_ML_KEM768_SECRET_KEY_BYTES))
		return lvStatus(env, LV_PQC_E_ARGUMENT);
	return lvStatus(env, lv_ml_kem768_keygen(b[0].p, b[0].n, b[1].p, b[2].p));
}

static napi_value lvMlKemEncapsulate(napi_env env, napi_callback_info info)
{
	LvBytes b[4];
	if (!lvRead(env, info, 4, b) || !LV_WANT(b[2], LV_ML_KEM768_CIPHERTEXT_BYTES) || !LV_WANT(b[3], LV_ML_KEM768_SHARED_BYTES))
		return lvStatus(env, LV_PQC_E_ARGUMENT);
	return lvStatus(env, lv_ml_kem768_encapsulate(b[0].p, b[0].n, b[1].p, b[1].n, b[2].p, b[3].p));
}

static napi_value lvMlKemDecapsulate(napi_env env, napi_callback_info info)
{
	LvBytes b[3];
	if (!lvRead(env, info, 3, b) || !LV_WANT(b[2], LV_ML_KEM768_SHARED_BYTES))
		return lvStatus(env, LV_PQC_E_ARGUMENT);
	return lvStatus(env, lv_ml_kem768_decapsulate(b[0].p, b[0].n, b[1].p, b[1].n, b[2].p));
}

/* ------------------------------------------------------------------------------------ X25519 */

static napi_value lvX25519Public(napi_env env, napi_callback_info info)
{
	LvBytes b[2];
	EVP_PKEY* key;
	size_t length = 32;
	int ok;
	if (!lvRead(env, info, 2, b) || !LV_WANT(b[0], 32) || !LV_WANT(b[1], 32))
		return lvStatus(env, LV_PQC_E_ARGUMENT);
	/* OpenSSL clamps the scalar as RFC 7748 §5 says, and computes X25519(k, 9) */
	if (!(key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, b[0].p, 32)))
		return lvStatus(env, LV_PQC_E_INTERNAL);
	ok = EVP_PKEY_get_raw_public_key(key, b[1].p, &length) == 1 && length == 32;
	EVP_PKEY_free(key); /* cleanses the private key */
	return lvStatus(env, ok ? LV_PQC_OK : LV_PQC_E_INTERNAL);
}

static napi_value lvX25519Shared(napi_env env, napi_callback_info info)
{
	LvBytes b[3];
	EVP_PKEY *mine = NULL, *peer = NULL;
	EVP_PKEY_CTX* ctx = NULL;
	size_t length = 32;
	int status = LV_PQC_E_INTERNAL;
	if (!lvRead(env, info, 3, b) || !LV_WANT(b[0], 32) || !LV_WANT(b[1], 32) || !LV_WANT(b[2], 32))
		return lvStatus(env, LV_PQC_E_ARGUMENT);
	if ((mine = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, b[0].p, 32)) &&
		(peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, b[1].p, 32)) &&
		(ctx = EVP_PKEY_CTX_new(mine, NULL)) && EVP_PKEY_derive_init(ctx) == 1 && EVP_PKEY_derive_set_peer(ctx, peer) == 1) {
		/* OpenSSL refuses an all-zero result (a low-order peer point, RFC 7748 §6.1), as noble does */
		status = EVP_PKEY_derive(ctx, b[2].p, &length) == 1 && length == 32 ? LV_PQC_OK : LV_PQC_X25519_REJECTED;
	}
	if (status != LV_PQC_OK)
		OPENSSL_cleanse(b[2].p, 32);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer);
	EVP_PKEY_free(mine);
	return lvStatus(env, status);
}

static napi_value lvVersion(napi_env env, napi_callback_info info)
{
	napi_value v;
	char text[160];
	snprintf(text, sizeof(text), "PQClean clean (npm pqclean 0.8.1) + %s", OpenSSL_version(OPENSSL_VERSION));
	napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &v);
	return v;
}

NAPI_MODULE_INIT()
{
	napi_property_descriptor props[] = {
		{ "mlDsa65Keygen", NULL, lvMlDsaKeygen, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "mlDsa65Sign", NULL, lvMlDsaSign, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "mlDsa65Verify", NULL, lvMlDsaVerify, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "mlKem768Keygen", NULL, lvMlKemKeygen, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "mlKem768Encapsulate", NULL, lvMlKemEncapsulate, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "mlKem768Decapsulate", NULL, lvMlKemDecapsulate, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "x25519PublicKey", NULL, lvX25519Public, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "x25519SharedSecret", NULL, lvX25519Shared, NULL, NULL, NULL, napi_enumerable, NULL },
		{ "version", NULL, lvVersion, NULL, NULL, NULL, napi_enumerable, NULL },
	};
	napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
	return exports;
}
