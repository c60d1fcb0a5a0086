# The Node-API addon of the native kernels: the same C cores as the XS host (native/kernels/),
# one binding (binding.c). Built by scripts/build-native.mjs at npm install with node-gyp
# (bundled with npm) against this machine's Node headers: nothing is downloaded.
{
  "targets": [
    {
      "target_name": "lv_kernels",
      "sources": ["binding.c", "../kernels/toeplitz.c", "../kernels/ldpc.c", "pulse.c", "../kernels/pulse.c"],
      "include_dirs": ["../kernels"],
      "cflags_c": ["-std=gnu11", "-O3", "-Wall", "-Wextra", "-Wno-unused-parameter", "-ffp-contract=off"],
      "cflags!": ["-O2", "-O0"],
      "defines": ["NAPI_VERSION=8"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-std=gnu11", "-O3"]
      }
    },
    {
      "comment": "QSP's SymmetricCrypto primitives over the OpenSSL the node binary exports (its headers come with --nodedir; symbols resolve against node at load)",
      "target_name": "lv_crypto",
      "sources": ["crypto.c"],
      "cflags_c": ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags!": ["-O0"],
      "defines": ["NAPI_VERSION=8"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-std=gnu11", "-O2"]
      }
    }
  ]
}
