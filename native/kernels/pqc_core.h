/*
 * LIGHTVIBES native kernel: the asymmetric primitives of the QSP handshake (hal/pqc.ts) over
 * PQClean's "clean" C sources shipped in the npm package pqclean@0.8.1 — ML-DSA-65 (FIPS 204) and
 * ML-KEM-768 (FIPS 203). One core, two bindings: native/node/pqc.cc (Node-API) and
 * native/host/pqc.c (xsmc). X25519 is not here: each binding takes it from an OpenSSL it can
 * reach.
 *
 * Deterministic by construction: PQClean asks randombytes() for ML-DSA's rnd (hedged signing) and
 * keygen seed; this core defines randombytes to hand out exactly the caller's bytes, once, for the
 * one call in progress, and refuses (LV_PQC_E_RANDOM) anything else. No system randomness is ever
 * drawn, so outputs are byte-identical to the noble reference (src/crypto/pqc-noble.ts) for the
 * same inputs. ML-KEM uses PQClean's _derand entry points.
 *
 * FIPS 203 input checks that PQClean leaves to the caller are done here, as noble does them:
 * encapsulation-key modulus check (§7.2) and decapsulation-key hash check (§7.3).
 *
 * Lengths are fixed by the API (the *_BYTES below); only message and context vary. Every function
 * returns a status; outputs are written only on LV_PQC_OK (and wiped otherwise).
 * Thread-safe: the pending random bytes are thread-local (Node worker threads).
 */
#ifndef LV_PQC_CORE_H
#define LV_PQC_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LV_ML_DSA65_SEED_BYTES 32
#define LV_ML_DSA65_RND_BYTES 32
#define LV_ML_DSA65_PUBLIC_KEY_BYTES 1952
#define LV_ML_DSA65_SECRET_KEY_BYTES 4032
#define LV_ML_DSA65_SIGNATURE_BYTES 3309
#define LV_ML_DSA65_MAX_CONTEXT 255
#define LV_ML_KEM768_SEED_BYTES 64
#define LV_ML_KEM768_MESSAGE_BYTES 32
#define LV_ML_KEM768_PUBLIC_KEY_BYTES 1184
#define LV_ML_KEM768_SECRET_KEY_BYTES 2400
#define LV_ML_KEM768_CIPHERTEXT_BYTES 1088
#define LV_ML_KEM768_SHARED_BYTES 32

typedef enum {
	LV_PQC_OK = 0,
	LV_PQC_INVALID = 1,          /* verify: the signature does not verify */
	LV_PQC_E_ARGUMENT = 2,       /* a length or a context the API does not take */
	LV_PQC_E_ENCAPSULATION_KEY = 3, /* FIPS 203 §7.2 modulus check failed */
	LV_PQC_E_DECAPSULATION_KEY = 4, /* FIPS 203 §7.3 hash check failed */
	LV_PQC_E_RANDOM = 5,         /* PQClean asked for random bytes this call did not provide */
	LV_PQC_E_INTERNAL = 6,       /* PQClean returned an error */
} lvPqcStatus;

lvPqcStatus lv_ml_dsa65_keygen(const uint8_t* seed, size_t seedLength, uint8_t* publicKey, uint8_t* secretKey);
lvPqcStatus lv_ml_dsa65_sign(const uint8_t* secretKey, size_t secretKeyLength, const uint8_t* message, size_t messageLength,
	const uint8_t* context, size_t contextLength, const uint8_t* rnd, size_t rndLength, uint8_t* signature);
lvPqcStatus lv_ml_dsa65_verify(const uint8_t* publicKey, size_t publicKeyLength, const uint8_t* message, size_t messageLength,
	const uint8_t* context, size_t contextLength, const uint8_t* signature, size_t signatureLength);
lvPqcStatus lv_ml_kem768_keygen(const uint8_t* seed, size_t seedLength, uint8_t* publicKey, uint8_t* secretKey);
lvPqcStatus lv_ml_kem768_encapsulate(const uint8_t* publicKey, size_t publicKeyLength, const uint8_t* message, size_t messageLength,
	uint8_t* cipherText, uint8_t* sharedSecret);
lvPqcStatus lv_ml_kem768_decapsulate(const uint8_t* cipherText, size_t cipherTextLength, const uint8_t* secretKey, size_t secretKeyLength,
	uint8_t* sharedSecret);

/* Wipes memory the compiler may not optimise away. */
void lv_pqc_wipe(void* p, size_t n);

#ifdef __cplusplus
}
#endif

#endif
