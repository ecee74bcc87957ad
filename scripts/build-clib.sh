#!/usr/bin/env bash
# Builds the C ABI: liblogstore.so (Swift runtime and Foundation linked in statically, so it
# needs only the system's libc, libm, libstdc++, libgcc_s and libsqlite3) and its header.
# Prints the folder that holds lib/liblogstore.so and include/logstore.h.
# Build folder: .build-clib (gitignored); $LOGSTORE_CLIB_CONFIG=debug|release (default release).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
scripts/ensure-deps.sh >&2
config="${LOGSTORE_CLIB_CONFIG:-release}"
scratch=.build-clib
# SwiftPM's --static-swift-stdlib applies to executables only; -static-stdlib reaches the link
# of the dynamic library. The product may not be named `logstore` (the CLI is), so the soname
# is set here and the file installed under that name.
swift build -c "$config" --scratch-path "$scratch" --product LogStoreC \
  -Xswiftc -static-stdlib -Xlinker -soname=liblogstore.so >&2
dist="$PWD/$scratch/dist"
mkdir -p "$dist/lib" "$dist/include"
# Without debug info and local symbols: the static runtime's would make the file larger (the
# dynamic symbol table, logstore_* included, stays). Most of what remains is ICU's data (Foundation).
strip --strip-unneeded -o "$dist/lib/liblogstore.so.tmp" "$scratch/$config/libLogStoreC.so"
mv "$dist/lib/liblogstore.so.tmp" "$dist/lib/liblogstore.so"
cp Sources/LogStoreC/include/logstore.h "$dist/include/logstore.h"
echo "$dist"
