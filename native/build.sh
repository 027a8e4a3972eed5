#!/usr/bin/env bash
# Build typofix's native attention op (native/*.c) for this machine's platform:
#   native/build/<os>-<arch>/libtypofix_attention.{so,dylib}   the onnxruntime custom-op library
#   native/build/<os>-<arch>/attention-bench                   the kernel's micro-benchmark (no onnxruntime)
# CC picks the compiler (default cc); TARGET=<os>-<arch> names the output folder when cross-compiling
# (e.g. CC=aarch64-linux-gnu-gcc TARGET=linux-arm64). On x86-64 the kernel is compiled three times
# (AVX-512, AVX2, generic) and chosen at run time; elsewhere once. Needs only a C11 compiler with GNU
# vector extensions and __builtin_convertvector (GCC 9+, clang 3.7+).
set -euo pipefail
cd "$(dirname "$0")"
CC="${CC:-cc}"
os="$(uname -s | tr '[:upper:]' '[:lower:]')"
arch="$(uname -m)"
case "$arch" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; esac
TARGET="${TARGET:-$os-$arch}"
machine="$($CC -dumpmachine 2>/dev/null || echo unknown)"
out="build/$TARGET"
mkdir -p "$out"
obj="$(mktemp -d)"
trap 'rm -rf "$obj"' EXIT
CFLAGS=(-std=gnu11 -O3 -fPIC -fvisibility=hidden -Wall -Wno-unused-function)
objs=()
$CC "${CFLAGS[@]}" -DISA=generic -c attention_impl.c -o "$obj/generic.o"
objs+=("$obj/generic.o")
defs=()
case "$machine" in
  x86_64* | amd64*)
    $CC "${CFLAGS[@]}" -DISA=avx2 -mavx2 -mfma -mf16c -c attention_impl.c -o "$obj/avx2.o"
    $CC "${CFLAGS[@]}" -DISA=avx512 -mavx512f -mavx512vl -mavx2 -mfma -mf16c -mprefer-vector-width=512 -c attention_impl.c -o "$obj/avx512.o"
    objs+=("$obj/avx2.o" "$obj/avx512.o")
    defs+=(-DTYPOFIX_X86_ISAS)
    ;;
esac
$CC "${CFLAGS[@]}" "${defs[@]}" -c attention.c -o "$obj/dispatch.o"
$CC "${CFLAGS[@]}" -c ortop.c -o "$obj/ortop.o"
ext=so
shared=(-shared)
if [[ "$os" == darwin* ]]; then
  ext=dylib
  shared=(-dynamiclib)
fi
$CC "${shared[@]}" -o "$out/libtypofix_attention.$ext" "$obj/ortop.o" "$obj/dispatch.o" "${objs[@]}" -lm -lpthread
$CC "${CFLAGS[@]}" -o "$out/attention-bench" bench.c "$obj/dispatch.o" "${objs[@]}" -lm -lpthread
echo "$out/libtypofix_attention.$ext"
