/*
 * LIGHTVIBES XS host: the SymmetricCrypto port (hal/crypto.ts) backed by the system's libcrypto
 * (OpenSSL 3), the C side of hal/xs/crypto.ts. The host is not linked against libcrypto: it is
 * opened at run time (dlopen "libcrypto.so.3", then "libcrypto.so"), so lvxs builds and runs on a
 * machine without it and then says so (xs_lv_crypto_backend returns ""), and the caller decides
 * whether noble may stand in. Built only where the OpenSSL 3 headers are (for the types); boards
 * put their mbedTLS or hardware-engine binding behind the same functions.
 *
 *   native("xs_lv_crypto_backend")()   "OpenSSL 3.x.y ..." (libcrypto's version string), or ""
 *   native("xs_lv_crypto_seal")(aead, key, nonce, aad, plaintext, out)    out = ciphertext || tag
 *   native("xs_lv_crypto_open")(aead, key, nonce, aad, sealed, out) -> true, or false when the tag
 *       does not verify (out is then wiped)
 *   native("xs_lv_crypto_sha256")(data, out); ("xs_lv_crypto_hmac_sha256")(key, message, out);
 *   native("xs_lv_crypto_hkdf")(ikm, salt, info, out)                    HKDF-SHA256 into out
 *   native("xs_lv_crypto_hkdf_digest")(ikm, salt, info, okm, digestInput, digest)  HKDF + SHA-256 (below)
 *   native("xs_lv_crypto_seal_frame") / ("xs_lv_crypto_open_frame"): frames in place (below)
 * aead: 1 AES-256-GCM, 2 ChaCha20-Poly1305; lengths are checked by hal/xs/crypto.ts and again here.
 */
#include "lvxs.h"
#include "xsmc.h"

#include <dlfcn.h>
#include <limits.h>
#include <string.h>

#if defined(__has_include)
#if __has_include(<openssl/evp.h>) && __has_include(<openssl/kdf.h>) && __has_include(<openssl/core_names.h>)
#define LV_HAVE_OPENSSL_HEADERS 1
#endif
#endif

#ifdef LV_HAVE_OPENSSL_HEADERS
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/sha.h>

/* The libcrypto entry points used, resolved once with dlsym. */
static struct {
	int tried;
	void* handle;
	const char* version;
	EVP_CIPHER_CTX* (*ctx_new)(void);
	void (*ctx_free)(EVP_CIPHER_CTX*);
	int (*ctx_ctrl)(EVP_CIPHER_CTX*, int, int, void*);
	const EVP_CIPHER* (*aes_256_gcm)(void);
	const EVP_CIPHER* (*chacha20_poly1305)(void);
	int (*encrypt_init)(EVP_CIPHER_CTX*, const EVP_CIPHER*, ENGINE*, const unsigned char*, const unsigned char*);
	int (*encrypt_update)(EVP_CIPHER_CTX*, unsigned char*, int*, const unsigned char*, int);
	int (*encrypt_final)(EVP_CIPHER_CTX*, unsigned char*, int*);
	int (*decrypt_init)(EVP_CIPHER_CTX*, const EVP_CIPHER*, ENGINE*, const unsigned char*, const unsigned char*);
	int (*decrypt_update)(EVP_CIPHER_CTX*, unsigned char*, int*, const unsigned char*, int);
	int (*decrypt_final)(EVP_CIPHER_CTX*, unsigned char*, int*);
	const EVP_MD* (*sha256_md)(void);
	int (*digest)(const void*, size_t, unsigned char*, unsigned int*, const EVP_MD*, ENGINE*);
	unsigned char* (*hmac)(const EVP_MD*, const void*, int, const unsigned char*, size_t, unsigned char*, unsigned int*);
	EVP_KDF* (*kdf_fetch)(OSSL_LIB_CTX*, const char*, const char*);
	void (*kdf_free)(EVP_KDF*);
	EVP_KDF_CTX* (*kdf_ctx_new)(EVP_KDF*);
	void (*kdf_ctx_free)(EVP_KDF_CTX*);
	int (*kdf_derive)(EVP_KDF_CTX*, unsigned char*, size_t, const OSSL_PARAM*);
	OSSL_PARAM (*param_utf8)(const char*, char*, size_t);
	OSSL_PARAM (*param_octets)(const char*, void*, size_t);
	OSSL_PARAM (*param_end)(void);
	void (*cleanse)(void*, size_t);
	const char* (*version_text)(int);
} lc;

#define RESOLVE(field, symbol) ok &= (*(void**)&lc.field = dlsym(lc.handle, symbol)) != NULL

/* Opens libcrypto once; 1 when every entry point is there. */
static int lvCrypto(void)
{
	int ok = 1;
	if (lc.tried) return lc.handle != NULL;
	lc.tried = 1;
	lc.handle = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
	if (!lc.handle) lc.handle = dlopen("libcrypto.so", RTLD_NOW | RTLD_LOCAL);
	if (!lc.handle) return 0;
	RESOLVE(ctx_new, "EVP_CIPHER_CTX_new");
	RESOLVE(ctx_free, "EVP_CIPHER_CTX_free");
	RESOLVE(ctx_ctrl, "EVP_CIPHER_CTX_ctrl");
	RESOLVE(aes_256_gcm, "EVP_aes_256_gcm");
	RESOLVE(chacha20_poly1305, "EVP_chacha20_poly1305");
	RESOLVE(encrypt_init, "EVP_EncryptInit_ex");
	RESOLVE(encrypt_update, "EVP_EncryptUpdate");
	RESOLVE(encrypt_final, "EVP_EncryptFinal_ex");
	RESOLVE(decrypt_init, "EVP_DecryptInit_ex");
	RESOLVE(decrypt_update, "EVP_DecryptUpdate");
	RESOLVE(decrypt_final, "EVP_DecryptFinal_ex");
	RESOLVE(sha256_md, "EVP_sha256");
	RESOLVE(digest, "EVP_Digest");
	RESOLVE(hmac, "HMAC");
	RESOLVE(kdf_fetch, "EVP_KDF_fetch");
	RESOLVE(kdf_free, "EVP_KDF_free");
	RESOLVE(kdf_ctx_new, "EVP_KDF_CTX_new");
	RESOLVE(kdf_ctx_free, "EVP_KDF_CTX_free");
	RESOLVE(kdf_derive, "EVP_KDF_derive");
	RESOLVE(param_utf8, "OSSL_PARAM_construct_utf8_string");
	RESOLVE(param_octets, "OSSL_PARAM_construct_octet_string");
	RESOLVE(param_end, "OSSL_PARAM_construct_end");
	RESOLVE(cleanse, "OPENSSL_cleanse");
	RESOLVE(version_text, "OpenSSL_version");
	if (!ok) {
		dlclose(lc.handle);
		lc.handle = NULL;
		return 0;
	}
	lc.version = lc.version_text(OPENSSL_VERSION);
	return 1;
}
#else
static int lvCrypto(void) { return 0; }
#endif

/* The bytes of a Uint8Array argument (xsVar(0) holds Uint8Array.prototype); length must be `want` unless want < 0. */
static uint8_t* lvCryptoBytes(xsMachine* the, int index, const char* field, long want, size_t* length, int writable)
{
	void* data;
	xsUnsignedValue count;
	if (xsmcArgc <= index || !xsmcIsInstanceOf(xsArg(index), xsVar(0)))
		xsTypeError("crypto: \"%s\" expected Uint8Array", field);
	if (writable)
		xsmcGetBufferWritable(xsArg(index), &data, &count);
	else
		xsmcGetBufferReadable(xsArg(index), &data, &count);
	if (want >= 0 && count != (xsUnsignedValue)want)
		xsRangeError("crypto: \"%s\" expected Uint8Array of length %ld, got length=%lu", field, want, (unsigned long)count);
	if (count > INT_MAX)
		xsRangeError("crypto: \"%s\" is longer than this backend takes (%d bytes)", field, INT_MAX);
	*length = count;
	return data ? data : (uint8_t*)"";
}

static void lvCryptoPrologue(xsMachine* the)
{
	if (!lvCrypto())
		xsUnknownError("crypto: this host has no libcrypto (OpenSSL 3) to use");
	xsmcVars(1);
	xsmcGet(xsVar(0), xsGlobal, xsID("Uint8Array"));
	xsmcGet(xsVar(0), xsVar(0), xsID("prototype"));
}

void xs_lv_crypto_backend(xsMachine* the)
{
#ifdef LV_HAVE_OPENSSL_HEADERS
	xsmcSetString(xsResult, lvCrypto() ? (char*)lc.version : "");
#else
	xsmcSetString(xsResult, "");
#endif
}

#ifdef LV_HAVE_OPENSSL_HEADERS
static const EVP_CIPHER* lvAead(xsMachine* the)
{
	int aead = xsmcArgc > 0 ? xsmcToInteger(xsArg(0)) : 0;
	if (aead == 1) return lc.aes_256_gcm();
	if (aead == 2) return lc.chacha20_poly1305();
	xsRangeError("crypto: \"aead\" expected 1 (AES-256-GCM) or 2 (ChaCha20-Poly1305), got %d", aead);
	return NULL;
}
#endif

void xs_lv_crypto_seal(xsMachine* the)
{
#ifdef LV_HAVE_OPENSSL_HEADERS
	size_t keyLength, nonceLength, aadLength, plainLength, outLength;
	const EVP_CIPHER* cipher;
	uint8_t *key, *nonce, *aad, *plain, *out;
	EVP_CIPHER_CTX* ctx;
	int n = 0, tail = 0, ok;
	lvCryptoPrologue(the);
	cipher = lvAead(the);
	key = lvCryptoBytes(the, 1, "key", 32, &keyLength, 0);
	nonce = lvCryptoBytes(the, 2, "nonce", 12, &nonceLength, 0);
	aad = lvCryptoBytes(the, 3, "aad", -1, &aadLength, 0);
	plain = lvCryptoBytes(the, 4, "plaintext", -1, &plainLength, 0);
	out = lvCryptoBytes(the, 5, "out", (long)plainLength + 16, &outLength, 1);
	if (!(ctx = lc.ctx_new()))
		xsUnknownError("crypto: out of memory");
	ok = lc.encrypt_init(ctx, cipher, NULL, key, nonce) == 1 &&
		(aadLength == 0 || lc.encrypt_update(ctx, NULL, &n, aad, (int)aadLength) == 1) &&
		lc.encrypt_update(ctx, out, &n, plain, (int)plainLength) == 1 &&
		lc.encrypt_final(ctx, out + n, &tail) == 1 && (size_t)(n + tail) == plainLength &&
		lc.ctx_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, out + plainLength) == 1;
	lc.ctx_free(ctx);
	if (!ok) {
		lc.cleanse(out, outLength);
		xsUnknownError("crypto: libcrypto refused to seal");
	}
#else
	xsUnknownError("crypto: this host was built without the OpenSSL headers");
#endif
}

void xs_lv_crypto_open(xsMachine* the)
{
#ifdef LV_HAVE_OPENSSL_HEADERS
	size_t keyLength, nonceLength, aadLength, sealedLength, outLength, bodyLength;
	const EVP_CIPHER* cipher;
	uint8_t *key, *nonce, *aad, *sealed, *out, tag[16];
	EVP_CIPHER_CTX* ctx;
	int n = 0, tail = 0, ok;
	lvCryptoPrologue(the);
	cipher = lvAead(the);
	key = lvCryptoBytes(the, 1, "key", 32, &keyLength, 0);
	nonce = lvCryptoBytes(the, 2, "nonce", 12, &nonceLength, 0);
	aad = lvCryptoBytes(the, 3, "aad", -1, &aadLength, 0);
	sealed = lvCryptoBytes(the, 4, "sealed", -1, &sealedLength, 0);
	if (sealedLength < 16)
		xsRangeError("crypto: \"sealed\" expected at least 16 bytes, got length=%lu", (unsigned long)sealedLength);
	bodyLength = sealedLength - 16;
	out = lvCryptoBytes(the, 5, "out", (long)bodyLength, &outLength, 1);
	memcpy(tag, sealed + bodyLength, 16);
	if (!(ctx = lc.ctx_new()))
		xsUnknownError("crypto: out of memory");
	ok = lc.decrypt_init(ctx, cipher, NULL, key, nonce) == 1 &&
		(aadLength == 0 || lc.decrypt_update(ctx, NULL, &n, aad, (int)aadLength) == 1) &&
		lc.decrypt_update(ctx, out, &n, sealed, (int)bodyLength) == 1 &&
		lc.ctx_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, tag) == 1 &&
		lc.decrypt_final(ctx, out + n, &tail) == 1;
	lc.ctx_free(ctx);
	if (!ok) lc.cleanse(out, outLength); /* a forged frame releases no plaintext */
	xsmcSetBoolean(xsResult, ok);
#else
	xsUnknownError("crypto: this host was built without the OpenSSL headers");
#endif
}

void xs_lv_crypto_sha256(xsMachine* the)
{
#ifdef LV_HAVE_OPENSSL_HEADERS
	size_t dataLength, outLength;
	uint8_t *data, *out;
	unsigned int written = 0;
	lvCryptoPrologue(the);
	data = lvCryptoBytes(the, 0, "data", -1, &dataLength, 0);
	out = lvCryptoBytes(the, 1, "out", 32, &outLength, 1);
	if (lc.digest(data, dataLength, out, &written, lc.sha256_md(), NULL) != 1 || written != 32)
		xsUnknownError("crypto: libcrypto refused SHA-256");
#else
	xsUnknownError("crypto: this host was built without the OpenSSL headers");
#endif
}

void xs_lv_crypto_hmac_sha256(xsMachine* the)
{
#ifdef LV_HAVE_OPENSSL_HEADERS
	size_t keyLength, messageLength, outLength;
	uint8_t *key, *message, *out;
	unsigned int written = 0;
	lvCryptoPrologue(the);
	key = lvCryptoBytes(the, 0, "key", -1, &keyLength, 0);
	message = lvCryptoBytes(the, 1, "message", -1, &messageLength, 0);
	out = lvCryptoBytes(the, 2, "out", 32, &outLength, 1);
	if (!lc.hmac(lc.sha256_md(), key, (int)keyLength, message, messageLength, out, &written) || written != 32)
		xsUnknownError("crypto: libcrypto refused HMAC-SHA256");
#else
	xsUnknownError("crypto: this host was built without the OpenSSL headers");
#endif
}

#ifdef LV_HAVE_OPENSSL_HEADERS
/* HKDF-SHA256(ikm, salt, info) into out (1..8160 bytes, checked by the caller); throws on refusal. */
static void lvHkdf(xsMachine* the, uint8_t* ikm, size_t ikmLength, uint8_t* salt, size_t saltLength, uint8_t* info, size_t infoLength, uint8_t* out, size_t outLength)
{
	EVP_KDF* kdf;
	EVP_KDF_CTX* ctx;
	OSSL_PARAM params[5];
	int ok;
	if (!(kdf = lc.kdf_fetch(NULL, "HKDF", NULL)))
		xsUnknownError("crypto: libcrypto has no HKDF");
	ctx = lc.kdf_ctx_new(kdf);
	lc.kdf_free(kdf);
	if (!ctx)
		xsUnknownError("crypto: out of memory");
	params[0] = lc.param_utf8(OSSL_KDF_PARAM_DIGEST, "SHA256", 0);
	params[1] = lc.param_octets(OSSL_KDF_PARAM_KEY, ikm, ikmLength);
	/* RFC 5869: an absent salt is HashLen zeros, which is what an empty salt gives through HMAC */
	params[2] = lc.param_octets(OSSL_KDF_PARAM_SALT, salt, saltLength);
	params[3] = lc.param_octets(OSSL_KDF_PARAM_INFO, info, infoLength);
	params[4] = lc.param_end();
	ok = lc.kdf_derive(ctx, out, outLength, params) == 1;
	lc.kdf_ctx_free(ctx);
	if (!ok) {
		lc.cleanse(out, outLength);
		xsUnknownError("crypto: libcrypto refused HKDF");
	}
}

static int lvOverlaps(const uint8_t* a, size_t an, const uint8_t* b, size_t bn)
{
	return an && bn && a < b + bn && b < a + an;
}
#endif

void xs_lv_crypto_hkdf(xsMachine* the)
{
#ifdef LV_HAVE_OPENSSL_HEADERS
	size_t ikmLength, saltLength, infoLength, outLength;
	uint8_t *ikm, *salt, *info, *out;
	lvCryptoPrologue(the);
	ikm = lvCryptoBytes(the, 0, "ikm", -1, &ikmLength, 0);
	salt = lvCryptoBytes(the, 1, "salt", -1, &saltLength, 0);
	info = lvCryptoBytes(the, 2, "info", -1, &infoLength, 0);
	out = lvCryptoBytes(the, 3, "out", -1, &outLength, 1);
	if (outLength < 1 || outLength > 255 * 32)
		xsRangeError("crypto: \"length\" expected an integer in [1, 8160], got %lu", (unsigned long)outLength);
	lvHkdf(the, ikm, ikmLength, salt, saltLength, info, infoLength, out, outLength);
#else
	xsUnknownError("crypto: this host was built without the OpenSSL headers");
#endif
}

/*
 * SymmetricCrypto.hkdfWithDigest: okm = HKDF-SHA256(ikm, salt, info) and digest = SHA-256(digestInput)
 * in one call (a rekey step: an epoch's keys and the confirm of its material).
 *   native("xs_lv_crypto_hkdf_digest")(ikm, salt, info, okm, digestInput, digest32)
 */
void xs_lv_crypto_hkdf_digest(xsMachine* the)
{
#ifdef LV_HAVE_OPENSSL_HEADERS
	size_t ikmLength, saltLength, infoLength, okmLength, inputLength, digestLength;
	uint8_t *ikm, *salt, *info, *okm, *input, *digest;
	unsigned int written = 0;
	lvCryptoPrologue(the);
	ikm = lvCryptoBytes(the, 0, "ikm", -1, &ikmLength, 0);
	salt = lvCryptoBytes(the, 1, "salt", -1, &saltLength, 0);
	info = lvCryptoBytes(the, 2, "info", -1, &infoLength, 0);
	okm = lvCryptoBytes(the, 3, "okm", -1, &okmLength, 1);
	input = lvCryptoBytes(the, 4, "digestInput", -1, &inputLength, 0);
	digest = lvCryptoBytes(the, 5, "digest", 32, &digestLength, 1);
	if (okmLength < 1 || okmLength > 255 * 32)
		xsRangeError("crypto: \"okm.length\" expected an integer in [1, 8160], got %lu", (unsigned long)okmLength);
	if (lvOverlaps(okm, okmLength, ikm, ikmLength) || lvOverlaps(okm, okmLength, salt, saltLength) || lvOverlaps(okm, okmLength, info, infoLength) ||
		lvOverlaps(okm, okmLength, input, inputLength) || lvOverlaps(okm, okmLength, digest, digestLength))
		xsRangeError("crypto: \"okm\" must not overlap an input or \"digest\"");
	lvHkdf(the, ikm, ikmLength, salt, saltLength, info, infoLength, okm, okmLength);
	if (lc.digest(input, inputLength, digest, &written, lc.sha256_md(), NULL) != 1 || written != 32)
		xsUnknownError("crypto: libcrypto refused SHA-256");
#else
	xsUnknownError("crypto: this host was built without the OpenSSL headers");
#endif
}

/*
 * Frames in place (SymmetricCrypto.sealFrame / openFrame, hal/crypto.ts): frame = header ‖ nonce(12)
 * ‖ ciphertext ‖ tag, aad = aadPrefix ‖ header. The host finds the nonce, the associated data and the
 * sealed bytes in the frame and checks every argument by name, so the JavaScript around a frame makes
 * no views, copies no header and writes no nonce: on XS each of those costs more than this AEAD.
 *   native("xs_lv_crypto_seal_frame")(aead, key, aadPrefix, headerBytes, nonceFixed, nonceCounter, plaintext, frame)
 *       writes nonce = nonceFixed (u32) || nonceCounter (u64), big-endian, then ciphertext || tag to the end
 *   native("xs_lv_crypto_open_frame")(aead, key, aadPrefix, headerBytes, frame, out) -> true, or false
 *       when the tag does not verify (out is then wiped)
 */
#define LV_FRAME_MAX_AAD_PREFIX 32
#define LV_FRAME_MAX_HEADER 64

#ifdef LV_HAVE_OPENSSL_HEADERS
/* headerBytes, then the aad (prefix || header) into `aad`; returns the header's length. */
static size_t lvFrameAad(xsMachine* the, size_t* aadLength, uint8_t* aad)
{
	size_t prefixLength;
	uint8_t* prefix = lvCryptoBytes(the, 2, "aadPrefix", -1, &prefixLength, 0);
	double header;
	if (prefixLength > LV_FRAME_MAX_AAD_PREFIX)
		xsRangeError("crypto: \"aadPrefix\" expected at most %d bytes, got length=%lu", LV_FRAME_MAX_AAD_PREFIX, (unsigned long)prefixLength);
	header = xsmcArgc > 3 ? xsmcToNumber(xsArg(3)) : -1;
	if (!(header >= 0 && header <= LV_FRAME_MAX_HEADER) || header != (double)(int)header)
		xsRangeError("crypto: \"headerBytes\" expected an integer in [0, %d]", LV_FRAME_MAX_HEADER);
	memcpy(aad, prefix, prefixLength);
	*aadLength = prefixLength;
	return (size_t)header;
}

static void lvPutU32(uint8_t* p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}
#endif

void xs_lv_crypto_seal_frame(xsMachine* the)
{
#ifdef LV_HAVE_OPENSSL_HEADERS
	size_t keyLength, prefixLength, plainLength, frameLength, header, at;
	uint8_t aad[LV_FRAME_MAX_AAD_PREFIX + LV_FRAME_MAX_HEADER], *key, *plain, *frame, *nonce;
	const EVP_CIPHER* cipher;
	EVP_CIPHER_CTX* ctx;
	double fixed, counter;
	int n = 0, tail = 0, ok;
	lvCryptoPrologue(the);
	cipher = lvAead(the);
	key = lvCryptoBytes(the, 1, "key", 32, &keyLength, 0);
	header = lvFrameAad(the, &prefixLength, aad);
	fixed = xsmcArgc > 4 ? xsmcToNumber(xsArg(4)) : -1;
	counter = xsmcArgc > 5 ? xsmcToNumber(xsArg(5)) : -1;
	if (!(fixed >= 0 && fixed <= 4294967295.0) || fixed != (double)(uint32_t)fixed)
		xsRangeError("crypto: \"nonceFixed\" expected an integer in [0, 4294967295]");
	if (!(counter >= 0 && counter <= 9007199254740991.0) || counter != (double)(uint64_t)counter)
		xsRangeError("crypto: \"nonceCounter\" expected an integer in [0, 9007199254740991]");
	plain = lvCryptoBytes(the, 6, "plaintext", -1, &plainLength, 0);
	at = header + 12;
	frame = lvCryptoBytes(the, 7, "frame", (long)(at + plainLength + 16), &frameLength, 1);
	if (plainLength && plain < frame + frameLength && frame < plain + plainLength && plain != frame + at)
		xsRangeError("crypto: \"plaintext\" overlaps \"frame\" other than in place");
	nonce = frame + header;
	lvPutU32(nonce, (uint32_t)fixed);
	lvPutU32(nonce + 4, (uint32_t)((uint64_t)counter >> 32));
	lvPutU32(nonce + 8, (uint32_t)(uint64_t)counter);
	memcpy(aad + prefixLength, frame, header);
	if (!(ctx = lc.ctx_new()))
		xsUnknownError("crypto: out of memory");
	ok = lc.encrypt_init(ctx, cipher, NULL, key, nonce) == 1 &&
		(prefixLength + header == 0 || lc.encrypt_update(ctx, NULL, &n, aad, (int)(prefixLength + header)) == 1) &&
		lc.encrypt_update(ctx, frame + at, &n, plain, (int)plainLength) == 1 &&
		lc.encrypt_final(ctx, frame + at + n, &tail) == 1 && (size_t)(n + tail) == plainLength &&
		lc.ctx_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, frame + at + plainLength) == 1;
	lc.ctx_free(ctx);
	if (!ok) {
		lc.cleanse(frame + at, frameLength - at);
		xsUnknownError("crypto: libcrypto refused to seal");
	}
#else
	xsUnknownError("crypto: this host was built without the OpenSSL headers");
#endif
}

void xs_lv_crypto_open_frame(xsMachine* the)
{
#ifdef LV_HAVE_OPENSSL_HEADERS
	size_t keyLength, prefixLength, frameLength, outLength, header, at, bodyLength;
	uint8_t aad[LV_FRAME_MAX_AAD_PREFIX + LV_FRAME_MAX_HEADER], tag[16], *key, *frame, *out;
	const EVP_CIPHER* cipher;
	EVP_CIPHER_CTX* ctx;
	int n = 0, tail = 0, ok;
	lvCryptoPrologue(the);
	cipher = lvAead(the);
	key = lvCryptoBytes(the, 1, "key", 32, &keyLength, 0);
	header = lvFrameAad(the, &prefixLength, aad);
	frame = lvCryptoBytes(the, 4, "frame", -1, &frameLength, 0);
	at = header + 12;
	if (frameLength < at + 16)
		xsRangeError("crypto: \"frame\" expected at least %lu bytes, got length=%lu", (unsigned long)(at + 16), (unsigned long)frameLength);
	bodyLength = frameLength - at - 16;
	out = lvCryptoBytes(the, 5, "out", (long)bodyLength, &outLength, 1);
	if (bodyLength && out < frame + frameLength && frame < out + bodyLength && out != frame + at)
		xsRangeError("crypto: \"out\" overlaps \"frame\" other than in place");
	memcpy(aad + prefixLength, frame, header);
	memcpy(tag, frame + at + bodyLength, 16);
	if (!(ctx = lc.ctx_new()))
		xsUnknownError("crypto: out of memory");
	ok = lc.decrypt_init(ctx, cipher, NULL, key, frame + header) == 1 &&
		(prefixLength + header == 0 || lc.decrypt_update(ctx, NULL, &n, aad, (int)(prefixLength + header)) == 1) &&
		lc.decrypt_update(ctx, out, &n, frame + at, (int)bodyLength) == 1 &&
		lc.ctx_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, tag) == 1 &&
		lc.decrypt_final(ctx, out + n, &tail) == 1;
	lc.ctx_free(ctx);
	if (!ok) lc.cleanse(out, outLength); /* a forged frame releases no plaintext */
	xsmcSetBoolean(xsResult, ok);
#else
	xsUnknownError("crypto: this host was built without the OpenSSL headers");
#endif
}
