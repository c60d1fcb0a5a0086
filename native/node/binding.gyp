# The Node-API addon of the native kernels: the same C cores as the XS host (native/kernels/),
# one binding (binding.cc + pulse.cc, C++ over node-addon-api, with C++ exceptions: a bad argument
# throws a JS error that names it). node-addon-api's own gyp target node_addon_api_except brings
# its include directory and the exception settings of each platform. Built by
# scripts/build-native.mjs at npm install with node-gyp (bundled with npm) against this machine's
# Node headers: nothing is downloaded.
{
  "targets": [
    {
      "target_name": "lv_kernels",
      "sources": ["binding.cc", "pulse.cc", "../kernels/toeplitz.c", "../kernels/ldpc.c", "../kernels/pulse.c", "../os/scratch.c"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "include_dirs": ["../kernels", "../os"],
      "cflags_c": ["-std=gnu11", "-O3", "-Wall", "-Wextra", "-Wno-unused-parameter", "-ffp-contract=off"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags!": ["-O2", "-O0"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-std=gnu11", "-O3"],
        "OTHER_CPLUSPLUSFLAGS": ["-std=c++17", "-O2"]
      }
    },
    {
      "comment": "QSP's SymmetricCrypto primitives over the OpenSSL the node binary exports (its headers come with --nodedir; symbols resolve against node at load). Plain C Node-API, not node-addon-api: the rekey path (crypto.c says why)",
      "target_name": "lv_crypto",
      "sources": ["crypto.c"],
      "cflags_c": ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags!": ["-O0"],
      "defines": ["NAPI_VERSION=8"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-std=gnu11", "-O2"]
      }
    },
    {
      "comment": "The handshake's AsymmetricCrypto (hal/pqc.ts): ML-DSA-65 + ML-KEM-768 from PQClean's clean C in npm pqclean@0.8.1 (its own install script stays denied; only its sources are compiled), X25519 from node's OpenSSL. Hidden visibility: PQClean's fips202 names (shake256, sha3_256, ...) stay inside the addon.",
      "target_name": "lv_pqc",
      "variables": {
        "pqclean": "../../node_modules/pqclean/deps/PQClean"
      },
      "sources": [
        "pqc.cc", "../kernels/pqc_core.c",
        "<(pqclean)/common/fips202.c",
        "<(pqclean)/crypto_sign/ml-dsa-65/clean/ntt.c",
        "<(pqclean)/crypto_sign/ml-dsa-65/clean/packing.c",
        "<(pqclean)/crypto_sign/ml-dsa-65/clean/poly.c",
        "<(pqclean)/crypto_sign/ml-dsa-65/clean/polyvec.c",
        "<(pqclean)/crypto_sign/ml-dsa-65/clean/reduce.c",
        "<(pqclean)/crypto_sign/ml-dsa-65/clean/rounding.c",
        "<(pqclean)/crypto_sign/ml-dsa-65/clean/sign.c",
        "<(pqclean)/crypto_sign/ml-dsa-65/clean/symmetric-shake.c",
        "<(pqclean)/crypto_kem/ml-kem-768/clean/cbd.c",
        "<(pqclean)/crypto_kem/ml-kem-768/clean/indcpa.c",
        "<(pqclean)/crypto_kem/ml-kem-768/clean/kem.c",
        "<(pqclean)/crypto_kem/ml-kem-768/clean/ntt.c",
        "<(pqclean)/crypto_kem/ml-kem-768/clean/poly.c",
        "<(pqclean)/crypto_kem/ml-kem-768/clean/polyvec.c",
        "<(pqclean)/crypto_kem/ml-kem-768/clean/reduce.c",
        "<(pqclean)/crypto_kem/ml-kem-768/clean/symmetric-shake.c",
        "<(pqclean)/crypto_kem/ml-kem-768/clean/verify.c"
      ],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "include_dirs": ["../kernels", "<(pqclean)", "<(pqclean)/common"],
      "cflags_c": ["-std=gnu11", "-O3", "-Wall", "-Wextra", "-Wno-unused-parameter", "-fvisibility=hidden"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-fvisibility=hidden"],
      "cflags!": ["-O2", "-O0"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-std=gnu11", "-O3", "-fvisibility=hidden"],
        "OTHER_CPLUSPLUSFLAGS": ["-std=c++17", "-O2", "-fvisibility=hidden"]
      }
    }
  ]
}
