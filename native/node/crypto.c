/*
 * lv_crypto: the SymmetricCrypto port's primitives (hal/crypto.ts) for Node, over the OpenSSL that
 * the running node binary itself exports (headers: <nodedir>/include/node/openssl; the symbols are
 * resolved against node at load time, nothing else is linked or downloaded).
 *
 * Why a binding when node:crypto exists: a rekey round is a dozen small primitives, and node:crypto
 * spends 5–15 µs per call building objects around OpenSSL. Here each call is one Node-API call that
 * writes into a caller's buffer, and AEAD contexts stay keyed: a small per-instance cache maps
 * (algorithm, key bytes) to an EVP_CIPHER_CTX whose key schedule (AES round keys, GHASH table, or
 * the ChaCha key) is computed once per epoch key; each call only sets the nonce. HMAC (RFC 2104)
 * and HKDF (RFC 5869) run on OpenSSL's SHA-256 block function with keyed states kept as structs.
 * The port's batched calls (frames in place, HKDF with a digest, several keys released at once)
 * bring a QSP rekey round to 8 crossings; what remains per call is OpenSSL 3.0's own EVP framing
 * (~0.5 µs for a small GCM seal, its OSSL_PARAM lookups included) and a key schedule per new key.
 *
 * Plain C against node_api.h, unlike the other two addons (node-addon-api): this is the QSP rekey
 * path (8 crossings in a 14 µs round), and node-addon-api's typed-array wrappers cost about 45 ns
 * more per Uint8Array argument than the one napi_get_typedarray_info below (lv_pqc's verify with 4
 * arguments: 160 → 328 ns a call, measured when lv_pqc moved to node-addon-api).
 *
 * Every function returns a status (LV_CRYPTO_*), never throws; hal/node/crypto-native.ts checks
 * the arguments first and turns statuses into typed failures. Secrets: the cache keeps copies of
 * keys; `release(keys)` and `clear()` rekey the contexts with zeros and cleanse the copies, and the
 * instance finaliser frees everything with OPENSSL_cleanse. Per Node environment (worker threads
 * each get their own cache), single-threaded inside one.
 *
 *   aeadSeal(alg, key, nonce, aad, plaintext, out)   out = ciphertext ‖ tag (plaintext + 16 bytes)
 *   aeadOpen(alg, key, nonce, aad, sealed, out)      out = plaintext (sealed − 16); OK or AUTH_FAILED
 *   aeadSealFrame / aeadOpenFrame                   the same on a frame in place (header ‖ nonce ‖ sealed)
 *   hkdf(ikm, salt, info, out)                      HKDF-SHA256, out.length bytes (1..8160)
 *   hkdfWithDigest(ikm, salt, info, okm, digestInput, digest32)
 *                                                   HKDF-SHA256 into okm and SHA-256 into digest32:
 *                                                   a key-schedule step (epoch keys + confirm) in one call
 *   hmac(key, message, out32) · sha256(data, out32)
 *   release(keys) · clear() · version()             keys: one 32-byte key or several back to back
 */
#define NAPI_VERSION 8
#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_Init/Update/Final: the block function without provider contexts */
#include <node_api.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/sha.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
	LV_CRYPTO_OK = 0,
	LV_CRYPTO_AUTH_FAILED = 1,
	LV_CRYPTO_BAD_ARGUMENT = 2,
	LV_CRYPTO_LIBCRYPTO = 3,
};

#define LV_AES_256_GCM 1
#define LV_CHACHA20_POLY1305 2
#define LV_KEY 32
#define LV_NONCE 12
#define LV_TAG 16
/* previous + current + pending epoch, two directions each, and room for a second session */
#define LV_SLOTS 12

typedef struct {
	int alg; /* 0: empty */
	uint32_t used;
	uint8_t key[LV_KEY];
	EVP_CIPHER_CTX* ctx; /* kept across keys: rekeying reuses the allocation */
} LvSlot;

typedef struct {
	LvSlot slots[LV_SLOTS];
	uint32_t tick;
	EVP_CIPHER* aes;
	EVP_CIPHER* chacha;
} LvState;

static const uint8_t lvZero[LV_KEY];

/*
 * Key bytes equal, in constant time and inline: CRYPTO_memcmp is a byte loop behind a call
 * (~32 ns here), and a lookup may compare against every slot, on every call.
 */
static inline int lvKeyEqual(const uint8_t* a, const uint8_t* b)
{
	uint64_t x, y, diff = 0;
	for (int i = 0; i < LV_KEY; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		diff |= x ^ y;
	}
	return diff == 0;
}

static void lvStateFree(LvState* s)
{
	if (!s)
		return;
	for (int i = 0; i < LV_SLOTS; i++) {
		EVP_CIPHER_CTX_free(s->slots[i].ctx); /* cleanses the schedule */
		OPENSSL_cleanse(s->slots[i].key, LV_KEY);
	}
	EVP_CIPHER_free(s->aes);
	EVP_CIPHER_free(s->chacha);
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
}

static void lvFinalize(napi_env env, void* data, void* hint)
{
	lvStateFree((LvState*)data);
}

static LvState* lvState(napi_env env)
{
	void* data = NULL;
	if (napi_get_instance_data(env, &data) != napi_ok)
		return NULL;
	return (LvState*)data;
}

/* ----------------------------------------------------------------------------------------- args */

/* The most arguments a function of this addon takes. */
#define LV_MAX_ARGS 8

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

/* A Uint8Array argument, in one Node-API call; 0 for anything else. */
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

/* ----------------------------------------------------------------------------------------- AEAD */

/* The kept context for (alg, key): a hit sets nothing; a miss rekeys the least recently used slot. */
static EVP_CIPHER_CTX* lvAeadContext(LvState* s, int alg, const uint8_t* key)
{
	LvSlot* victim = NULL;
	s->tick++;
	for (int i = 0; i < LV_SLOTS; i++) {
		LvSlot* slot = &s->slots[i];
		if (slot->alg == alg && lvKeyEqual(slot->key, key)) {
			slot->used = s->tick;
			return slot->ctx;
		}
		/* the first empty slot, else the least recently used */
		if (!victim || (victim->alg && (!slot->alg || slot->used < victim->used)))
			victim = slot;
	}
	if (!victim->ctx && !(victim->ctx = EVP_CIPHER_CTX_new()))
		return NULL;
	/* a new cipher on the kept ctx when the algorithm changes; else only the key */
	const EVP_CIPHER* cipher = alg == LV_AES_256_GCM ? s->aes : s->chacha;
	int same = victim->alg == alg;
	victim->alg = 0;
	if (EVP_CipherInit_ex(victim->ctx, same ? NULL : cipher, NULL, key, NULL, 1) != 1) {
		EVP_CIPHER_CTX_reset(victim->ctx);
		return NULL;
	}
	memcpy(victim->key, key, LV_KEY);
	victim->alg = alg;
	victim->used = s->tick;
	return victim->ctx;
}

/* Forget one key: the schedule is overwritten by a zero key's, and the copy cleansed. */
static void lvSlotRelease(LvSlot* slot)
{
	if (slot->alg && slot->ctx && EVP_CipherInit_ex(slot->ctx, NULL, NULL, lvZero, NULL, 1) != 1)
		EVP_CIPHER_CTX_reset(slot->ctx);
	OPENSSL_cleanse(slot->key, LV_KEY);
	slot->alg = 0;
	slot->used = 0;
}

/* Partial overlap of two byte ranges (an exact alias is in-place and allowed; empty ranges never overlap). */
static int lvPartialOverlap(const uint8_t* a, size_t an, const uint8_t* b, size_t bn)
{
	return an && bn && a != b && a < b + bn && b < a + an;
}

/*
 * One AEAD call on a kept context: seal `in` (in.n bytes) into out = ciphertext ‖ tag, or open
 * `in` = ciphertext ‖ tag into out (in.n − 16 bytes; wiped on a forgery). Lengths checked by callers.
 */
static int lvAeadRun(LvState* s, int alg, const uint8_t* key, const uint8_t* nonce, const uint8_t* aad, size_t aadN, const LvBytes* in, uint8_t* out, int enc)
{
	size_t body = enc ? in->n : in->n - LV_TAG;
	EVP_CIPHER_CTX* ctx = lvAeadContext(s, alg, key);
	if (!ctx)
		return LV_CRYPTO_LIBCRYPTO;
	int n = 0;
	if (EVP_CipherInit_ex(ctx, NULL, NULL, NULL, nonce, enc) != 1)
		return LV_CRYPTO_LIBCRYPTO;
	if (aadN && EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aadN) != 1)
		return LV_CRYPTO_LIBCRYPTO;
	if (enc) {
		if (body && EVP_CipherUpdate(ctx, out, &n, in->p, (int)body) != 1)
			return LV_CRYPTO_LIBCRYPTO;
		if (EVP_CipherFinal_ex(ctx, out + body, &n) != 1 ||
			EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, LV_TAG, out + body) != 1)
			return LV_CRYPTO_LIBCRYPTO;
		return LV_CRYPTO_OK;
	}
	/* the tag is copied out first: `in` and `out` may be the same bytes (an in-place open) */
	uint8_t tag[LV_TAG];
	memcpy(tag, in->p + body, LV_TAG);
	if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, LV_TAG, tag) != 1 ||
		(body && EVP_CipherUpdate(ctx, out, &n, in->p, (int)body) != 1)) {
		OPENSSL_cleanse(out, body);
		return LV_CRYPTO_LIBCRYPTO;
	}
	if (EVP_CipherFinal_ex(ctx, out + body, &n) != 1) {
		OPENSSL_cleanse(out, body); /* no plaintext is released on a forgery */
		return LV_CRYPTO_AUTH_FAILED;
	}
	return LV_CRYPTO_OK;
}

static int lvAeadAlgorithm(napi_env env, napi_value v, int32_t* alg)
{
	return napi_get_value_int32(env, v, alg) == napi_ok && (*alg == LV_AES_256_GCM || *alg == LV_CHACHA20_POLY1305);
}

/* aeadSeal / aeadOpen(alg, key, nonce, aad, in, out) */
static int lvAead(napi_env env, napi_callback_info info, int enc)
{
	napi_value argv[LV_MAX_ARGS];
	LvBytes key, nonce, aad, in, out;
	int32_t alg;
	LvState* s = lvState(env);
	if (!s || !lvArgs(env, info, 6, argv) || !lvAeadAlgorithm(env, argv[0], &alg) || !lvBytes(env, argv[1], &key) || key.n != LV_KEY ||
		!lvBytes(env, argv[2], &nonce) || nonce.n != LV_NONCE || !lvBytes(env, argv[3], &aad) ||
		!lvBytes(env, argv[4], &in) || !lvBytes(env, argv[5], &out) || aad.n > INT32_MAX || in.n > INT32_MAX)
		return LV_CRYPTO_BAD_ARGUMENT;
	if ((!enc && in.n < LV_TAG) || out.n != (enc ? in.n + LV_TAG : in.n - LV_TAG) || lvPartialOverlap(in.p, in.n, out.p, out.n))
		return LV_CRYPTO_BAD_ARGUMENT;
	return lvAeadRun(s, alg, key.p, nonce.p, aad.p, aad.n, &in, out.p, enc);
}

static napi_value lvAeadSeal(napi_env env, napi_callback_info info) { return lvStatus(env, lvAead(env, info, 1)); }
static napi_value lvAeadOpen(napi_env env, napi_callback_info info) { return lvStatus(env, lvAead(env, info, 0)); }

/*
 * Frames sealed and opened in place (the port's sealFrame / openFrame): frame = header ‖ nonce(12)
 * ‖ ciphertext ‖ tag, aad = aadPrefix ‖ header. Given the frame and the header's length, the addon
 * finds the nonce, the associated data and the sealed bytes itself, so a caller makes no views
 * and copies no header per frame; sealing also writes the nonce from its parts (RFC 5116 §3.2:
 * fixed u32 ‖ counter u64, big-endian).
 *   aeadSealFrame(alg, key, aadPrefix, headerBytes, nonceFixed, nonceCounter, plaintext, frame)
 *       frame.length = header + 12 + plaintext + 16
 *   aeadOpenFrame(alg, key, aadPrefix, headerBytes, frame, out)   out.length = frame − header − 12 − 16
 */
#define LV_MAX_AAD_PREFIX 32
#define LV_MAX_HEADER 64
#define LV_MAX_COUNTER 9007199254740991.0 /* 2^53 − 1: exact in a JavaScript number */

static void lvPutU32(uint8_t* p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int lvAeadFrame(napi_env env, napi_callback_info info, int enc)
{
	napi_value argv[LV_MAX_ARGS];
	LvBytes key, prefix, data, frame;
	int32_t alg, headerBytes;
	uint32_t fixed = 0;
	double counter = 0;
	uint8_t aad[LV_MAX_AAD_PREFIX + LV_MAX_HEADER];
	LvState* s = lvState(env);
	int frameArg = enc ? 7 : 4, dataArg = enc ? 6 : 5;
	if (!s || !lvArgs(env, info, enc ? 8 : 6, argv) || !lvAeadAlgorithm(env, argv[0], &alg) || !lvBytes(env, argv[1], &key) || key.n != LV_KEY ||
		!lvBytes(env, argv[2], &prefix) || prefix.n > LV_MAX_AAD_PREFIX ||
		napi_get_value_int32(env, argv[3], &headerBytes) != napi_ok || headerBytes < 0 || headerBytes > LV_MAX_HEADER ||
		!lvBytes(env, argv[frameArg], &frame) || !lvBytes(env, argv[dataArg], &data) || frame.n > INT32_MAX)
		return LV_CRYPTO_BAD_ARGUMENT;
	if (enc && (napi_get_value_uint32(env, argv[4], &fixed) != napi_ok || napi_get_value_double(env, argv[5], &counter) != napi_ok ||
		!(counter >= 0 && counter <= LV_MAX_COUNTER) || counter != (double)(uint64_t)counter))
		return LV_CRYPTO_BAD_ARGUMENT;
	size_t at = (size_t)headerBytes + LV_NONCE;
	/* seal: data = plaintext, the sealed bytes run to the frame's end; open: data = the plaintext out */
	if (frame.n < at + LV_TAG || data.n != frame.n - at - LV_TAG || lvPartialOverlap(data.p, data.n, frame.p + at, frame.n - at) ||
		(data.n && data.p < frame.p + at && frame.p < data.p + data.n)) /* never over the header or nonce */
		return LV_CRYPTO_BAD_ARGUMENT;
	uint8_t* nonce = frame.p + headerBytes;
	if (enc) {
		uint64_t c = (uint64_t)counter;
		lvPutU32(nonce, fixed);
		lvPutU32(nonce + 4, (uint32_t)(c >> 32));
		lvPutU32(nonce + 8, (uint32_t)c);
	}
	memcpy(aad, prefix.p, prefix.n);
	memcpy(aad + prefix.n, frame.p, (size_t)headerBytes);
	LvBytes sealed = { frame.p + at, frame.n - at };
	return enc ? lvAeadRun(s, alg, key.p, nonce, aad, prefix.n + headerBytes, &data, frame.p + at, 1)
			   : lvAeadRun(s, alg, key.p, nonce, aad, prefix.n + headerBytes, &sealed, data.p, 0);
}

static napi_value lvAeadSealFrame(napi_env env, napi_callback_info info) { return lvStatus(env, lvAeadFrame(env, info, 1)); }
static napi_value lvAeadOpenFrame(napi_env env, napi_callback_info info) { return lvStatus(env, lvAeadFrame(env, info, 0)); }

/* ----------------------------------------------------------------------------- hashes and MACs */

/*
 * Wipes a temporary: an inlined memset the compiler may not drop (the asm claims to read the
 * memory). OPENSSL_cleanse is an out-of-line byte loop, and one HKDF wipes a dozen temporaries.
 */
static inline void lvWipe(void* p, size_t n)
{
	memset(p, 0, n);
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

/*
 * HMAC-SHA256 (RFC 2104) on OpenSSL's SHA-256 block function (SHA256_Init/Update/Final, the
 * SHA-NI / AVX2 code). Not EVP_MAC or HMAC_CTX: on OpenSSL 3.0 those copy provider contexts
 * (a malloc each) for every block, which made HKDF-96 cost ~2.6 µs here; the keyed inner and
 * outer states below are plain structs, copied by value, so an HMAC is its compressions.
 */
typedef struct {
	SHA256_CTX inner, outer;
} LvHmacKey;

static void lvSha256(const uint8_t* p, size_t n, uint8_t* out32)
{
	SHA256_CTX c;
	SHA256_Init(&c);
	SHA256_Update(&c, p, n);
	SHA256_Final(out32, &c);
	lvWipe(&c, sizeof(c)); /* the input may be secret (a rekey confirm's material) */
}

static void lvHmacSetKey(LvHmacKey* h, const uint8_t* key, size_t keyLength)
{
	uint8_t block[64], pad[64];
	memset(block, 0, sizeof(block));
	if (keyLength > 64)
		lvSha256(key, keyLength, block);
	else if (keyLength)
		memcpy(block, key, keyLength);
	for (int i = 0; i < 64; i++)
		pad[i] = block[i] ^ 0x36;
	SHA256_Init(&h->inner);
	SHA256_Update(&h->inner, pad, 64);
	for (int i = 0; i < 64; i++)
		pad[i] = block[i] ^ 0x5c;
	SHA256_Init(&h->outer);
	SHA256_Update(&h->outer, pad, 64);
	lvWipe(block, sizeof(block));
	lvWipe(pad, sizeof(pad));
}

/* HMAC(key, a ‖ b ‖ c) into out32; `b`, `c` may be empty; out32 may be `a` (T(i−1) → T(i)). */
static void lvHmacMac(const LvHmacKey* h, const uint8_t* a, size_t an, const uint8_t* b, size_t bn, const uint8_t* c, size_t cn, uint8_t* out32)
{
	SHA256_CTX x = h->inner;
	uint8_t inner[32];
	SHA256_Update(&x, a, an);
	if (bn)
		SHA256_Update(&x, b, bn);
	if (cn)
		SHA256_Update(&x, c, cn);
	SHA256_Final(inner, &x);
	x = h->outer;
	SHA256_Update(&x, inner, 32);
	SHA256_Final(out32, &x);
	lvWipe(&x, sizeof(x));
	lvWipe(inner, sizeof(inner));
}

static napi_value lvHmac(napi_env env, napi_callback_info info)
{
	napi_value argv[LV_MAX_ARGS];
	LvBytes key, msg, out;
	LvHmacKey h;
	if (!lvArgs(env, info, 3, argv) || !lvBytes(env, argv[0], &key) || !lvBytes(env, argv[1], &msg) ||
		!lvBytes(env, argv[2], &out) || out.n != 32)
		return lvStatus(env, LV_CRYPTO_BAD_ARGUMENT);
	lvHmacSetKey(&h, key.p, key.n);
	lvHmacMac(&h, msg.p, msg.n, NULL, 0, NULL, 0, out.p);
	lvWipe(&h, sizeof(h));
	return lvStatus(env, LV_CRYPTO_OK);
}

static napi_value lvSha256Call(napi_env env, napi_callback_info info)
{
	napi_value argv[LV_MAX_ARGS];
	LvBytes data, out;
	if (!lvArgs(env, info, 2, argv) || !lvBytes(env, argv[0], &data) || !lvBytes(env, argv[1], &out) || out.n != 32)
		return lvStatus(env, LV_CRYPTO_BAD_ARGUMENT);
	lvSha256(data.p, data.n, out.p);
	return lvStatus(env, LV_CRYPTO_OK);
}

/* RFC 5869: PRK = HMAC(salt, IKM); T(i) = HMAC(PRK, T(i−1) ‖ info ‖ i); OKM = T(1) ‖ T(2) ‖ … */
static void lvHkdf(const LvBytes* ikm, const LvBytes* salt, const LvBytes* info, LvBytes* out)
{
	uint8_t prk[32], t[32];
	LvHmacKey h;
	lvHmacSetKey(&h, salt->p, salt->n);
	lvHmacMac(&h, ikm->p, ikm->n, NULL, 0, NULL, 0, prk);
	lvHmacSetKey(&h, prk, 32);
	for (size_t done = 0, i = 1; done < out->n; i++) {
		uint8_t counter = (uint8_t)i;
		size_t take = out->n - done < 32 ? out->n - done : 32;
		if (i == 1)
			lvHmacMac(&h, info->p, info->n, &counter, 1, NULL, 0, t);
		else
			lvHmacMac(&h, t, 32, info->p, info->n, &counter, 1, t);
		memcpy(out->p + done, t, take);
		done += take;
	}
	lvWipe(prk, sizeof(prk));
	lvWipe(t, sizeof(t));
	lvWipe(&h, sizeof(h));
}

static int lvHkdfLength(const LvBytes* out) { return out->n >= 1 && out->n <= 255 * 32; }

static napi_value lvHkdfCall(napi_env env, napi_callback_info info)
{
	napi_value argv[LV_MAX_ARGS];
	LvBytes ikm, salt, inf, out;
	if (!lvArgs(env, info, 4, argv) || !lvBytes(env, argv[0], &ikm) || !lvBytes(env, argv[1], &salt) ||
		!lvBytes(env, argv[2], &inf) || !lvBytes(env, argv[3], &out) || !lvHkdfLength(&out))
		return lvStatus(env, LV_CRYPTO_BAD_ARGUMENT);
	lvHkdf(&ikm, &salt, &inf, &out);
	return lvStatus(env, LV_CRYPTO_OK);
}

/*
 * A key-schedule step in one call (the port's hkdfWithDigest): okm = HKDF(ikm, salt, info) and
 * digest = SHA-256(digestInput). QSP's rekey derives an epoch's keys and the confirm of its
 * material together; as two calls, the second crossing cost more than its one compression.
 * okm is written block by block while info is still read: it may overlap no input (nor digest).
 */
static int lvOverlap(const LvBytes* a, const LvBytes* b)
{
	return a->n && b->n && a->p < b->p + b->n && b->p < a->p + a->n;
}

static napi_value lvHkdfWithDigest(napi_env env, napi_callback_info info)
{
	napi_value argv[LV_MAX_ARGS];
	LvBytes ikm, salt, inf, okm, digestInput, digest;
	if (!lvArgs(env, info, 6, argv) || !lvBytes(env, argv[0], &ikm) || !lvBytes(env, argv[1], &salt) ||
		!lvBytes(env, argv[2], &inf) || !lvBytes(env, argv[3], &okm) || !lvHkdfLength(&okm) ||
		!lvBytes(env, argv[4], &digestInput) || !lvBytes(env, argv[5], &digest) || digest.n != 32 ||
		lvOverlap(&okm, &ikm) || lvOverlap(&okm, &salt) || lvOverlap(&okm, &inf) || lvOverlap(&okm, &digestInput) || lvOverlap(&okm, &digest))
		return lvStatus(env, LV_CRYPTO_BAD_ARGUMENT);
	lvHkdf(&ikm, &salt, &inf, &okm);
	lvSha256(digestInput.p, digestInput.n, digest.p);
	return lvStatus(env, LV_CRYPTO_OK);
}

/* --------------------------------------------------------------------------------- key hygiene */

static napi_value lvRelease(napi_env env, napi_callback_info info)
{
	napi_value argv[LV_MAX_ARGS];
	LvBytes key;
	int released = 0;
	LvState* s = lvState(env);
	if (!s || !lvArgs(env, info, 1, argv) || !lvBytes(env, argv[0], &key) || key.n == 0 || key.n % LV_KEY)
		return lvStatus(env, -1);
	/* one call for both directions' keys of an epoch (they sit back to back) */
	for (size_t at = 0; at < key.n; at += LV_KEY)
		for (int i = 0; i < LV_SLOTS; i++)
			if (s->slots[i].alg && lvKeyEqual(s->slots[i].key, key.p + at)) {
				lvSlotRelease(&s->slots[i]);
				released++;
			}
	return lvStatus(env, released);
}

static napi_value lvClear(napi_env env, napi_callback_info info)
{
	LvState* s = lvState(env);
	if (!s)
		return lvStatus(env, LV_CRYPTO_BAD_ARGUMENT);
	for (int i = 0; i < LV_SLOTS; i++)
		lvSlotRelease(&s->slots[i]);
	return lvStatus(env, LV_CRYPTO_OK);
}

static napi_value lvCachedKeys(napi_env env, napi_callback_info info)
{
	int held = 0;
	LvState* s = lvState(env);
	if (s)
		for (int i = 0; i < LV_SLOTS; i++)
			held += s->slots[i].alg != 0;
	return lvStatus(env, held);
}

static napi_value lvVersion(napi_env env, napi_callback_info info)
{
	napi_value v;
	napi_create_string_utf8(env, OpenSSL_version(OPENSSL_VERSION), NAPI_AUTO_LENGTH, &v);
	return v;
}

/* ---------------------------------------------------------------------------------------- init */

static napi_value lvInit(napi_env env, napi_value exports)
{
	LvState* s = calloc(1, sizeof(LvState));
	if (!s)
		return NULL;
	s->aes = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
	s->chacha = EVP_CIPHER_fetch(NULL, "ChaCha20-Poly1305", NULL);
	if (!s->aes || !s->chacha || napi_set_instance_data(env, s, lvFinalize, NULL) != napi_ok) {
		lvStateFree(s);
		napi_throw_error(env, NULL, "lv_crypto: OpenSSL lacks AES-256-GCM or ChaCha20-Poly1305");
		return NULL;
	}
	napi_property_descriptor props[] = {
		{ "aeadSeal", NULL, lvAeadSeal, NULL, NULL, NULL, napi_default, NULL },
		{ "aeadOpen", NULL, lvAeadOpen, NULL, NULL, NULL, napi_default, NULL },
		{ "aeadSealFrame", NULL, lvAeadSealFrame, NULL, NULL, NULL, napi_default, NULL },
		{ "aeadOpenFrame", NULL, lvAeadOpenFrame, NULL, NULL, NULL, napi_default, NULL },
		{ "hkdf", NULL, lvHkdfCall, NULL, NULL, NULL, napi_default, NULL },
		{ "hkdfWithDigest", NULL, lvHkdfWithDigest, NULL, NULL, NULL, napi_default, NULL },
		{ "hmac", NULL, lvHmac, NULL, NULL, NULL, napi_default, NULL },
		{ "sha256", NULL, lvSha256Call, NULL, NULL, NULL, napi_default, NULL },
		{ "release", NULL, lvRelease, NULL, NULL, NULL, napi_default, NULL },
		{ "clear", NULL, lvClear, NULL, NULL, NULL, napi_default, NULL },
		{ "cachedKeys", NULL, lvCachedKeys, NULL, NULL, NULL, napi_default, NULL },
		{ "version", NULL, lvVersion, NULL, NULL, NULL, napi_default, NULL },
	};
	napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
	return exports;
}

NAPI_MODULE_INIT()
{
	return lvInit(env, exports);
}
