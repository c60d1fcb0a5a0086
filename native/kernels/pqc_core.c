/*
 * LIGHTVIBES native kernel: ML-DSA-65 and ML-KEM-768 over PQClean (see pqc_core.h for the
 * contract). Compiled with PQClean's common/fips202.c and the ml-dsa-65/clean and
 * ml-kem-768/clean sources (include path: the PQClean root and its common/ folder).
 */
#include "pqc_core.h"

#include "crypto_kem/ml-kem-768/clean/kem.h"
#include "crypto_sign/ml-dsa-65/clean/api.h"
#include "fips202.h"
#include "randombytes.h"

#include <string.h>

/* ------------------------------------------------------------------------------ randomness */

/* The bytes the call in progress may hand to PQClean, and whether they were taken. */
static _Thread_local const uint8_t* lvPending;
static _Thread_local size_t lvPendingLength;
static _Thread_local int lvPendingTaken;
static _Thread_local int lvPendingMisuse;

/*
 * PQClean's randombytes (renamed PQCLEAN_randombytes by randombytes.h): exactly the caller's
 * bytes, exactly once per call. Anything else is a misuse that the caller turns into
 * LV_PQC_E_RANDOM; the bytes given out then are zeros, never system randomness.
 */
int randombytes(uint8_t* output, size_t n)
{
	if (!lvPending || lvPendingTaken || n != lvPendingLength) {
		memset(output, 0, n);
		lvPendingMisuse = 1;
		return -1;
	}
	memcpy(output, lvPending, n);
	lvPendingTaken = 1;
	return 0;
}

static void lvProvide(const uint8_t* bytes, size_t n)
{
	lvPending = bytes;
	lvPendingLength = n;
	lvPendingTaken = 0;
	lvPendingMisuse = 0;
}

/* 1 when the call that just ran took the provided bytes, once, and asked for nothing else. */
static int lvProvidedOk(void)
{
	int ok = lvPendingTaken && !lvPendingMisuse;
	lvPending = NULL;
	lvPendingLength = 0;
	lvPendingTaken = 0;
	lvPendingMisuse = 0;
	return ok;
}

void lv_pqc_wipe(void* p, size_t n)
{
	volatile uint8_t* v = (volatile uint8_t*)p;
	while (n--)
		*v++ = 0;
}

/* -------------------------------------------------------------------------------- ML-DSA-65 */

lvPqcStatus lv_ml_dsa65_keygen(const uint8_t* seed, size_t seedLength, uint8_t* publicKey, uint8_t* secretKey)
{
	int ok;
	if (seedLength != LV_ML_DSA65_SEED_BYTES)
		return LV_PQC_E_ARGUMENT;
	lvProvide(seed, seedLength); /* ξ of FIPS 204 Algorithm 1 */
	ok = PQCLEAN_MLDSA65_CLEAN_crypto_sign_keypair(publicKey, secretKey) == 0;
	if (!lvProvidedOk() || !ok) {
		lv_pqc_wipe(publicKey, LV_ML_DSA65_PUBLIC_KEY_BYTES);
		lv_pqc_wipe(secretKey, LV_ML_DSA65_SECRET_KEY_BYTES);
		return ok ? LV_PQC_E_RANDOM : LV_PQC_E_INTERNAL;
	}
	return LV_PQC_OK;
}

lvPqcStatus lv_ml_dsa65_sign(const uint8_t* secretKey, size_t secretKeyLength, const uint8_t* message, size_t messageLength,
	const uint8_t* context, size_t contextLength, const uint8_t* rnd, size_t rndLength, uint8_t* signature)
{
	size_t written = 0;
	int ok;
	if (secretKeyLength != LV_ML_DSA65_SECRET_KEY_BYTES || rndLength != LV_ML_DSA65_RND_BYTES || contextLength > LV_ML_DSA65_MAX_CONTEXT)
		return LV_PQC_E_ARGUMENT;
	lvProvide(rnd, rndLength); /* hedged signing: rnd of FIPS 204 Algorithm 2 */
	ok = PQCLEAN_MLDSA65_CLEAN_crypto_sign_signature_ctx(signature, &written, message, messageLength, context, contextLength, secretKey) == 0 &&
		written == LV_ML_DSA65_SIGNATURE_BYTES;
	if (!lvProvidedOk() || !ok) {
		lv_pqc_wipe(signature, LV_ML_DSA65_SIGNATURE_BYTES);
		return ok ? LV_PQC_E_RANDOM : LV_PQC_E_INTERNAL;
	}
	return LV_PQC_OK;
}

lvPqcStatus lv_ml_dsa65_verify(const uint8_t* publicKey, size_t publicKeyLength, const uint8_t* message, size_t messageLength,
	const uint8_t* context, size_t contextLength, const uint8_t* signature, size_t signatureLength)
{
	if (publicKeyLength != LV_ML_DSA65_PUBLIC_KEY_BYTES || contextLength > LV_ML_DSA65_MAX_CONTEXT)
		return LV_PQC_E_ARGUMENT;
	if (signatureLength != LV_ML_DSA65_SIGNATURE_BYTES)
		return LV_PQC_INVALID; /* as noble: a signature of another length is just not valid */
	return PQCLEAN_MLDSA65_CLEAN_crypto_sign_verify_ctx(signature, signatureLength, message, messageLength, context, contextLength, publicKey) == 0
		? LV_PQC_OK
		: LV_PQC_INVALID;
}

/* ------------------------------------------------------------------------------- ML-KEM-768 */

#define LV_KEM_POLYVEC_BYTES (3 * 384) /* 384k: ByteEncode12 of t̂ (ek) or ŝ (dk) */

/* FIPS 203 §7.2: ek[0:384k] must re-encode to itself, i.e. every 12-bit coefficient is < q. */
static int lvModulusOk(const uint8_t* ek)
{
	unsigned bad = 0;
	for (size_t i = 0; i < LV_KEM_POLYVEC_BYTES; i += 3) {
		unsigned a = ek[i] | ((unsigned)(ek[i + 1] & 0x0f) << 8);
		unsigned b = (ek[i + 1] >> 4) | ((unsigned)ek[i + 2] << 4);
		bad |= (a >= 3329) | (b >= 3329);
	}
	return !bad;
}

/* FIPS 203 §7.3: H(dk[384k : 768k+32]) = dk[768k+32 : 768k+64] (the embedded ek and its hash). */
static int lvDecapsulationKeyOk(const uint8_t* dk)
{
	uint8_t h[32];
	unsigned diff = 0;
	sha3_256(h, dk + LV_KEM_POLYVEC_BYTES, LV_ML_KEM768_PUBLIC_KEY_BYTES);
	for (int i = 0; i < 32; i++)
		diff |= h[i] ^ dk[LV_KEM_POLYVEC_BYTES + LV_ML_KEM768_PUBLIC_KEY_BYTES + i];
	return diff == 0;
}

lvPqcStatus lv_ml_kem768_keygen(const uint8_t* seed, size_t seedLength, uint8_t* publicKey, uint8_t* secretKey)
{
	if (seedLength != LV_ML_KEM768_SEED_BYTES)
		return LV_PQC_E_ARGUMENT;
	/* seed = d ‖ z, as FIPS 203 ML-KEM.KeyGen_internal(d, z) and noble's keygen(seed) take them */
	if (PQCLEAN_MLKEM768_CLEAN_crypto_kem_keypair_derand(publicKey, secretKey, seed) != 0) {
		lv_pqc_wipe(secretKey, LV_ML_KEM768_SECRET_KEY_BYTES);
		return LV_PQC_E_INTERNAL;
	}
	return LV_PQC_OK;
}

lvPqcStatus lv_ml_kem768_encapsulate(const uint8_t* publicKey, size_t publicKeyLength, const uint8_t* message, size_t messageLength,
	uint8_t* cipherText, uint8_t* sharedSecret)
{
	if (publicKeyLength != LV_ML_KEM768_PUBLIC_KEY_BYTES || messageLength != LV_ML_KEM768_MESSAGE_BYTES)
		return LV_PQC_E_ARGUMENT;
	if (!lvModulusOk(publicKey))
		return LV_PQC_E_ENCAPSULATION_KEY;
	if (PQCLEAN_MLKEM768_CLEAN_crypto_kem_enc_derand(cipherText, sharedSecret, publicKey, message) != 0) {
		lv_pqc_wipe(sharedSecret, LV_ML_KEM768_SHARED_BYTES);
		return LV_PQC_E_INTERNAL;
	}
	return LV_PQC_OK;
}

lvPqcStatus lv_ml_kem768_decapsulate(const uint8_t* cipherText, size_t cipherTextLength, const uint8_t* secretKey, size_t secretKeyLength,
	uint8_t* sharedSecret)
{
	if (cipherTextLength != LV_ML_KEM768_CIPHERTEXT_BYTES || secretKeyLength != LV_ML_KEM768_SECRET_KEY_BYTES)
		return LV_PQC_E_ARGUMENT;
	if (!lvDecapsulationKeyOk(secretKey))
		return LV_PQC_E_DECAPSULATION_KEY;
	/* a tampered ciphertext gives the implicit-rejection secret J(z ‖ c), as FIPS 203 says */
	if (PQCLEAN_MLKEM768_CLEAN_crypto_kem_dec(sharedSecret, cipherText, secretKey) != 0) {
		lv_pqc_wipe(sharedSecret, LV_ML_KEM768_SHARED_BYTES);
		return LV_PQC_E_INTERNAL;
	}
	return LV_PQC_OK;
}
