/*
 * libFuzzer target: the asymmetric kernel (native/kernels/pqc_core.c over PQClean's ML-DSA-65 and
 * ML-KEM-768) on caller bytes. The first byte picks an entry point; the rest fills its inputs:
 *   0 verify: a public key, message, context and signature of arbitrary content
 *   1 encapsulate to an arbitrary encapsulation key (FIPS 203 §7.2 check)
 *   2 decapsulate an arbitrary ciphertext under an arbitrary decapsulation key (§7.3 check)
 *   3 ML-DSA round trip from the fuzzer's seed, message, context and rnd: verifies; one flipped
 *     signature bit does not
 *   4 ML-KEM round trip from the fuzzer's seed and message: both sides share the secret; a
 *     flipped ciphertext bit gives a different one (implicit rejection), still status OK
 *   5 lengths off by one on every fixed-size argument: LV_PQC_E_ARGUMENT (a signature of another
 *     length: INVALID, as noble), outputs untouched or wiped
 * Any other outcome aborts; ASan and UBSan watch every access.
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Inative/kernels -I<PQClean> -I<PQClean>/common \
 *     native/fuzz/fuzz_pqc_api.c native/kernels/pqc_core.c <PQClean ml-dsa-65 + ml-kem-768 clean + common/fips202.c>
 * (scripts/fuzz-native.mjs compiles the PQClean sources apart, without -fsanitize-coverage=trace-cmp:
 * about 5 times the inputs a second, every access still under ASan and UBSan).
 */
#include "pqc_core.h"

#include <stdlib.h>
#include <string.h>

/* The fuzzer's bytes, cycled, as the content of a buffer of any length. */
static void fill(uint8_t* out, size_t n, const uint8_t* data, size_t size, size_t salt)
{
	size_t k;
	for (k = 0; k < n; k++)
		out[k] = size ? (uint8_t)(data[(k + salt) % size] ^ (uint8_t)(k * 131 + salt)) : (uint8_t)k;
}

__attribute__((noinline)) static void check(int ok)
{
	if (!ok) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	static uint8_t pk[LV_ML_DSA65_PUBLIC_KEY_BYTES], sk[LV_ML_DSA65_SECRET_KEY_BYTES], sig[LV_ML_DSA65_SIGNATURE_BYTES];
	static uint8_t ek[LV_ML_KEM768_PUBLIC_KEY_BYTES], dk[LV_ML_KEM768_SECRET_KEY_BYTES], ct[LV_ML_KEM768_CIPHERTEXT_BYTES];
	uint8_t seed[LV_ML_KEM768_SEED_BYTES], rnd[LV_ML_DSA65_RND_BYTES], m[LV_ML_KEM768_MESSAGE_BYTES], ss[32], ss2[32];
	const uint8_t *msg, *ctx;
	size_t msgLength, ctxLength;
	lvPqcStatus s;
	uint8_t op;

	if (size < 3) return 0;
	op = data[0] % 6;
	ctxLength = data[1] % (LV_ML_DSA65_MAX_CONTEXT + 2); /* 256: one past the limit */
	data += 2;
	size -= 2;
	msg = data;
	msgLength = size / 2;
	ctx = data + msgLength;
	if (ctxLength > size - msgLength) ctxLength = size - msgLength;

	switch (op) {
	case 0:
		fill(pk, sizeof pk, data, size, 1);
		fill(sig, sizeof sig, data, size, 2);
		s = lv_ml_dsa65_verify(pk, sizeof pk, msg, msgLength, ctx, ctxLength, sig, sizeof sig);
		check(s == LV_PQC_OK || s == LV_PQC_INVALID || (s == LV_PQC_E_ARGUMENT && ctxLength > LV_ML_DSA65_MAX_CONTEXT));
		break;
	case 1:
		fill(ek, sizeof ek, data, size, 3);
		fill(m, sizeof m, data, size, 4);
		s = lv_ml_kem768_encapsulate(ek, sizeof ek, m, sizeof m, ct, ss);
		check(s == LV_PQC_OK || s == LV_PQC_E_ENCAPSULATION_KEY);
		break;
	case 2:
		fill(ct, sizeof ct, data, size, 5);
		fill(dk, sizeof dk, data, size, 6);
		s = lv_ml_kem768_decapsulate(ct, sizeof ct, dk, sizeof dk, ss);
		check(s == LV_PQC_OK || s == LV_PQC_E_DECAPSULATION_KEY);
		break;
	case 3:
		if (ctxLength > LV_ML_DSA65_MAX_CONTEXT) ctxLength = LV_ML_DSA65_MAX_CONTEXT;
		fill(seed, LV_ML_DSA65_SEED_BYTES, data, size, 7);
		fill(rnd, sizeof rnd, data, size, 8);
		check(lv_ml_dsa65_keygen(seed, LV_ML_DSA65_SEED_BYTES, pk, sk) == LV_PQC_OK);
		check(lv_ml_dsa65_sign(sk, sizeof sk, msg, msgLength, ctx, ctxLength, rnd, sizeof rnd, sig) == LV_PQC_OK);
		check(lv_ml_dsa65_verify(pk, sizeof pk, msg, msgLength, ctx, ctxLength, sig, sizeof sig) == LV_PQC_OK);
		sig[(size * 7919) % sizeof sig] ^= (uint8_t)(1u << (size % 8));
		check(lv_ml_dsa65_verify(pk, sizeof pk, msg, msgLength, ctx, ctxLength, sig, sizeof sig) == LV_PQC_INVALID);
		break;
	case 4:
		fill(seed, sizeof seed, data, size, 9);
		fill(m, sizeof m, data, size, 10);
		check(lv_ml_kem768_keygen(seed, sizeof seed, ek, dk) == LV_PQC_OK);
		check(lv_ml_kem768_encapsulate(ek, sizeof ek, m, sizeof m, ct, ss) == LV_PQC_OK);
		check(lv_ml_kem768_decapsulate(ct, sizeof ct, dk, sizeof dk, ss2) == LV_PQC_OK && memcmp(ss, ss2, sizeof ss) == 0);
		ct[(size * 7919) % sizeof ct] ^= (uint8_t)(1u << (size % 8));
		check(lv_ml_kem768_decapsulate(ct, sizeof ct, dk, sizeof dk, ss2) == LV_PQC_OK && memcmp(ss, ss2, sizeof ss) != 0);
		break;
	default:
		memset(ss, 0xA5, sizeof ss);
		check(lv_ml_dsa65_keygen(seed, LV_ML_DSA65_SEED_BYTES - 1, pk, sk) == LV_PQC_E_ARGUMENT);
		check(lv_ml_dsa65_sign(sk, sizeof sk - 1, msg, msgLength, ctx, 0, rnd, sizeof rnd, sig) == LV_PQC_E_ARGUMENT);
		check(lv_ml_dsa65_sign(sk, sizeof sk, msg, msgLength, ctx, 0, rnd, sizeof rnd + 1, sig) == LV_PQC_E_ARGUMENT);
		check(lv_ml_dsa65_verify(pk, sizeof pk + 1, msg, msgLength, ctx, 0, sig, sizeof sig) == LV_PQC_E_ARGUMENT);
		check(lv_ml_dsa65_verify(pk, sizeof pk, msg, msgLength, ctx, 0, sig, sizeof sig - 1) == LV_PQC_INVALID); /* as noble */
		check(lv_ml_kem768_keygen(seed, sizeof seed - 1, ek, dk) == LV_PQC_E_ARGUMENT);
		check(lv_ml_kem768_encapsulate(ek, sizeof ek - 1, m, sizeof m, ct, ss) == LV_PQC_E_ARGUMENT);
		check(lv_ml_kem768_encapsulate(ek, sizeof ek, m, sizeof m + 1, ct, ss) == LV_PQC_E_ARGUMENT);
		check(lv_ml_kem768_decapsulate(ct, sizeof ct + 1, dk, sizeof dk, ss) == LV_PQC_E_ARGUMENT);
		check(lv_ml_kem768_decapsulate(ct, sizeof ct, dk, sizeof dk - 1, ss) == LV_PQC_E_ARGUMENT);
		/* on refusal an output is left alone or wiped (pqc_core.h), never part of a result */
		for (size_t k = 1; k < sizeof ss; k++) check(ss[k] == ss[0] && (ss[0] == 0xA5 || ss[0] == 0));
		break;
	}
	return 0;
}
