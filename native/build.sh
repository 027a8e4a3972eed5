#!/usr/bin/env bash
# Build typofix's native attention op (native/*.c) for this machine's platform:
#   native/build/<os>-<arch>/libtypofix_attention.{so,dylib}   the onnxruntime custom-op library
#   native/build/<os>-<arch>/attention-bench                   the kernel's micro-benchmark (no onnxruntime)
#   native/build/<os>-<arch>/matmul-bench                      the 4-bit matmul's check and micro-benchmark
# CC picks the compiler (default cc); TARGET=<os>-<arch> names the output folder when cross-compiling
# (e.g. CC=aarch64-linux-gnu-gcc TARGET=linux-arm64). On x86-64 the kernel is compiled three times
# (AVX-512, AVX2, generic) and chosen at run time; elsewhere once. Needs only a C11 compiler with GNU
# vector extensions and __builtin_convertvector (GCC 9+, clang 3.7+). The library also holds typofix's
# 4-bit matmul (matmul.c): on x86-64 its AMX / AVX-512 VNNI paths (matmul_x86.c) are compiled where the
# compiler takes -mamx-tile -mamx-int8 (GCC 11+, clang 12+); elsewhere only its portable C path.
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
mmobjs=()
mmdefs=()
$CC "${CFLAGS[@]}" -DISA=generic -c attention_impl.c -o "$obj/generic.o"
objs+=("$obj/generic.o")
defs=()
case "$machine" in
  x86_64* | amd64*)
    $CC "${CFLAGS[@]}" -DISA=avx2 -mavx2 -mfma -mf16c -c attention_impl.c -o "$obj/avx2.o"
    $CC "${CFLAGS[@]}" -DISA=avx512 -mavx512f -mavx512vl -mavx2 -mfma -mf16c -mprefer-vector-width=512 -c attention_impl.c -o "$obj/avx512.o"
    objs+=("$obj/avx2.o" "$obj/avx512.o")
    defs+=(-DTYPOFIX_X86_ISAS)
    amx=(-mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vnni -mfma -mamx-tile -mamx-int8)
    if $CC "${CFLAGS[@]}" "${amx[@]}" -c matmul_x86.c -o "$obj/matmul_x86.o" 2>"$obj/amx.log"; then
      mmobjs+=("$obj/matmul_x86.o")
      mmdefs+=(-DTYPOFIX_MATMUL_X86)
    else
      echo "native/build.sh: $CC does not build the AMX matmul (needs GCC 11+ or clang 12+); the portable path only" >&2
    fi
    ;;
esac
$CC "${CFLAGS[@]}" "${mmdefs[@]}" -c matmul.c -o "$obj/matmul.o"
mmobjs+=("$obj/matmul.o")
$CC "${CFLAGS[@]}" "${defs[@]}" -c attention.c -o "$obj/dispatch.o"
$CC "${CFLAGS[@]}" -c ortop.c -o "$obj/ortop.o"
ext=so
shared=(-shared)
if [[ "$os" == darwin* ]]; then
  ext=dylib
  shared=(-dynamiclib)
fi
$CC "${shared[@]}" -o "$out/libtypofix_attention.$ext" "$obj/ortop.o" "$obj/dispatch.o" "${objs[@]}" "${mmobjs[@]}" -lm -lpthread
$CC "${CFLAGS[@]}" -o "$out/attention-bench" bench.c "$obj/dispatch.o" "${objs[@]}" -lm -lpthread
$CC "${CFLAGS[@]}" -o "$out/matmul-bench" matmul-bench.c "${mmobjs[@]}" -lm -lpthread
echo "$out/libtypofix_attention.$ext"
