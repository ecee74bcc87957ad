#!/usr/bin/env bash
# The C ABI's test: builds liblogstore.so (scripts/build-clib.sh), checks that it needs only
# system libraries, compiles Tests/LogStoreC/logstore_test.c against include/logstore.h with
# the warnings on, and runs it in a fresh folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
dist="$(scripts/build-clib.sh)"
if ! command -v cc >/dev/null 2>&1; then
  echo "installing: gcc" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq gcc libc6-dev >/dev/null
fi

echo "ldd liblogstore.so:"
ldd "$dist/lib/liblogstore.so" | tee .build-clib/ldd.txt
# Only the C and C++ runtimes and SQLite: no Swift runtime, no Foundation.
if grep -v -E '^\s*(linux-vdso\.so|/lib64/ld-linux|libc\.so|libm\.so|libstdc\+\+\.so|libgcc_s\.so|libsqlite3\.so|libdl\.so|libpthread\.so|librt\.so|libutil\.so)' .build-clib/ldd.txt | grep -q .; then
  echo "FAIL: liblogstore.so needs a library that is not a system library (above)" >&2
  exit 1
fi
exported=$(nm -D --defined-only "$dist/lib/liblogstore.so" | awk '{print $3}' | grep '^logstore_' | sort)
declared=$(grep -oE '\blogstore_[a-z_]+\(' "$dist/include/logstore.h" | tr -d '(' | sort -u)
if [ "$exported" != "$declared" ]; then
  echo "FAIL: the functions logstore.h declares and the library exports differ:" >&2
  diff <(echo "$declared") <(echo "$exported") >&2 || true
  exit 1
fi

out=.build-clib/test
mkdir -p "$out"
cc -std=c11 -Wall -Wextra -Werror -pthread -o "$out/logstore_test" Tests/LogStoreC/logstore_test.c \
  -I"$dist/include" -L"$dist/lib" -llogstore -Wl,-rpath,"$dist/lib" -lm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$out/logstore_test" "$work"
