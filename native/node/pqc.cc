/*
 * lv_pqc: the AsymmetricCrypto port (hal/pqc.ts) for Node, over node-addon-api — ML-DSA-65 and
 * ML-KEM-768 from the PQClean core (native/kernels/pqc_core.c, PQClean's clean C from npm
 * pqclean@0.8.1), X25519 from the OpenSSL that the running node binary exports (as lv_crypto does:
 * headers from --nodedir, symbols resolved against node at load). The TypeScript side is
 * hal/node/pqc-native.ts.
 *
 * Why X25519 through OpenSSL here rather than node:crypto: node:crypto needs KeyObjects built
 * from JWK for raw keys, several object allocations per call; here a call writes into a buffer.
 *
 * Every function returns a status (pqc_core.h's lvPqcStatus, plus X25519_REJECTED) and never
 * throws on caller data; the caller checks lengths first and the core checks them again.
 *
 *   mlDsa65Keygen(seed32, publicKey, secretKey)              mlDsa65Sign(sk, message, context, rnd32, signature)
 *   mlDsa65Verify(pk, message, context, signature)  → OK or INVALID
 *   mlKem768Keygen(seed64, publicKey, secretKey)             mlKem768Encapsulate(ek, m32, cipherText, sharedSecret)
 *   mlKem768Decapsulate(cipherText, dk, sharedSecret)
 *   x25519PublicKey(sk32, out32)   x25519SharedSecret(sk32, pk32, out32) → OK or X25519_REJECTED (all-zero result)
 *   version() → a description of what runs
 */
#include <napi.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>

#include <cstdint>
#include <cstdio>

#include "pqc_core.h"

namespace {

constexpr int X25519_REJECTED = 7;

/* What an empty Uint8Array points at, so no library ever sees NULL data. */
uint8_t noBytes[1];

struct Bytes {
	uint8_t* p;
	size_t n;
	bool is(size_t length) const { return n == length; }
};

/* The call's first `count` arguments as Uint8Arrays into b[]; false if one is missing or anything else. */
bool readBytes(const Napi::CallbackInfo& info, size_t count, Bytes* b)
{
	if (info.Length() < count) return false;
	for (size_t i = 0; i < count; i++) {
		Napi::Value v = info[i];
		if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) return false;
		Napi::Uint8Array a = v.As<Napi::Uint8Array>();
		b[i] = { a.ElementLength() ? a.Data() : noBytes, a.ElementLength() };
	}
	return true;
}

Napi::Value status(const Napi::CallbackInfo& info, int s)
{
	return Napi::Number::New(info.Env(), s);
}

/* ------------------------------------------------------------------------------------ ML-DSA */

Napi::Value MlDsaKeygen(const Napi::CallbackInfo& info)
{
	Bytes b[3];
	if (!readBytes(info, 3, b) || !b[1].is(LV_ML_DSA65_PUBLIC_KEY_BYTES) || !b[2].is(LV_ML_DSA65_SECRET_KEY_BYTES)) return status(info, LV_PQC_E_ARGUMENT);
	return status(info, lv_ml_dsa65_keygen(b[0].p, b[0].n, b[1].p, b[2].p));
}

Napi::Value MlDsaSign(const Napi::CallbackInfo& info)
{
	Bytes b[5];
	if (!readBytes(info, 5, b) || !b[4].is(LV_ML_DSA65_SIGNATURE_BYTES)) return status(info, LV_PQC_E_ARGUMENT);
	return status(info, lv_ml_dsa65_sign(b[0].p, b[0].n, b[1].p, b[1].n, b[2].p, b[2].n, b[3].p, b[3].n, b[4].p));
}

Napi::Value MlDsaVerify(const Napi::CallbackInfo& info)
{
	Bytes b[4];
	if (!readBytes(info, 4, b)) return status(info, LV_PQC_E_ARGUMENT);
	return status(info, lv_ml_dsa65_verify(b[0].p, b[0].n, b[1].p, b[1].n, b[2].p, b[2].n, b[3].p, b[3].n));
}

/* ------------------------------------------------------------------------------------ ML-KEM */

Napi::Value MlKemKeygen(const Napi::CallbackInfo& info)
{
	Bytes b[3];
	if (!readBytes(info, 3, b) || !b[1].is(LV_ML_KEM768_PUBLIC_KEY_BYTES) || !b[2].is(LV_ML_KEM768_SECRET_KEY_BYTES)) return status(info, LV_PQC_E_ARGUMENT);
	return status(info, lv_ml_kem768_keygen(b[0].p, b[0].n, b[1].p, b[2].p));
}

Napi::Value MlKemEncapsulate(const Napi::CallbackInfo& info)
{
	Bytes b[4];
	if (!readBytes(info, 4, b) || !b[2].is(LV_ML_KEM768_CIPHERTEXT_BYTES) || !b[3].is(LV_ML_KEM768_SHARED_BYTES)) return status(info, LV_PQC_E_ARGUMENT);
	return status(info, lv_ml_kem768_encapsulate(b[0].p, b[0].n, b[1].p, b[1].n, b[2].p, b[3].p));
}

Napi::Value MlKemDecapsulate(const Napi::CallbackInfo& info)
{
	Bytes b[3];
	if (!readBytes(info, 3, b) || !b[2].is(LV_ML_KEM768_SHARED_BYTES)) return status(info, LV_PQC_E_ARGUMENT);
	return status(info, lv_ml_kem768_decapsulate(b[0].p, b[0].n, b[1].p, b[1].n, b[2].p));
}

/* ------------------------------------------------------------------------------------ X25519 */

Napi::Value X25519Public(const Napi::CallbackInfo& info)
{
	Bytes b[2];
	size_t length = 32;
	if (!readBytes(info, 2, b) || !b[0].is(32) || !b[1].is(32)) return status(info, LV_PQC_E_ARGUMENT);
	/* OpenSSL clamps the scalar as RFC 7748 §5 says, and computes X25519(k, 9) */
	EVP_PKEY* key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, b[0].p, 32);
	if (!key) return status(info, LV_PQC_E_INTERNAL);
	bool ok = EVP_PKEY_get_raw_public_key(key, b[1].p, &length) == 1 && length == 32;
	EVP_PKEY_free(key); /* cleanses the private key */
	return status(info, ok ? LV_PQC_OK : LV_PQC_E_INTERNAL);
}

Napi::Value X25519Shared(const Napi::CallbackInfo& info)
{
	Bytes b[3];
	EVP_PKEY *mine = nullptr, *peer = nullptr;
	EVP_PKEY_CTX* ctx = nullptr;
	size_t length = 32;
	int s = LV_PQC_E_INTERNAL;
	if (!readBytes(info, 3, b) || !b[0].is(32) || !b[1].is(32) || !b[2].is(32)) return status(info, LV_PQC_E_ARGUMENT);
	if ((mine = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, b[0].p, 32)) &&
		(peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, b[1].p, 32)) &&
		(ctx = EVP_PKEY_CTX_new(mine, nullptr)) && EVP_PKEY_derive_init(ctx) == 1 && EVP_PKEY_derive_set_peer(ctx, peer) == 1) {
		/* OpenSSL refuses an all-zero result (a low-order peer point, RFC 7748 §6.1), as noble does */
		s = EVP_PKEY_derive(ctx, b[2].p, &length) == 1 && length == 32 ? LV_PQC_OK : X25519_REJECTED;
	}
	if (s != LV_PQC_OK) OPENSSL_cleanse(b[2].p, 32);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer);
	EVP_PKEY_free(mine);
	return status(info, s);
}

Napi::Value Version(const Napi::CallbackInfo& info)
{
	char text[160];
	snprintf(text, sizeof text, "PQClean clean (npm pqclean 0.8.1) + %s", OpenSSL_version(OPENSSL_VERSION));
	return Napi::String::New(info.Env(), text);
}

Napi::Object Init(Napi::Env env, Napi::Object exports)
{
	exports.Set("mlDsa65Keygen", Napi::Function::New(env, MlDsaKeygen, "mlDsa65Keygen"));
	exports.Set("mlDsa65Sign", Napi::Function::New(env, MlDsaSign, "mlDsa65Sign"));
	exports.Set("mlDsa65Verify", Napi::Function::New(env, MlDsaVerify, "mlDsa65Verify"));
	exports.Set("mlKem768Keygen", Napi::Function::New(env, MlKemKeygen, "mlKem768Keygen"));
	exports.Set("mlKem768Encapsulate", Napi::Function::New(env, MlKemEncapsulate, "mlKem768Encapsulate"));
	exports.Set("mlKem768Decapsulate", Napi::Function::New(env, MlKemDecapsulate, "mlKem768Decapsulate"));
	exports.Set("x25519PublicKey", Napi::Function::New(env, X25519Public, "x25519PublicKey"));
	exports.Set("x25519SharedSecret", Napi::Function::New(env, X25519Shared, "x25519SharedSecret"));
	exports.Set("version", Napi::Function::New(env, Version, "version"));
	return exports;
}

} // namespace

NODE_API_MODULE(NODE_GYP_MODULE_NAME, Init)
