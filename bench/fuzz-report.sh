#!/bin/sh
# Fuzzes what `zctrace report` does with a result file, for a set time:
# builds tests/fuzz/report_fuzz.cpp with clang, libFuzzer, AddressSanitizer
# and UBSan in build-fuzz/, and runs it from the seed corpus (one real
# document of every schema zctrace writes, in tests/fuzz/corpus/). New inputs
# it finds go to build-fuzz/corpus/ (the seeds stay as they are); a crash
# leaves its input in build-fuzz/ and makes this exit 1.
#
#   bench/fuzz-report.sh [SECONDS]     (default 60)
set -eu
seconds=${1:-60}
case "$seconds" in
*[!0-9]* | '') echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/build-fuzz
CC=clang CXX=clang++ cmake -S "$here" -B "$out" -DZCTRACE_FUZZ=ON -DZCTRACE_BUILD_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$out" --target zctrace_report_fuzz -j"$(nproc)" >/dev/null
mkdir -p "$out/corpus"
cd "$out"
# -max_len: the seeds are up to ~150 KB; the reader's limits are what is tested.
./bin/zctrace_report_fuzz -max_total_time="$seconds" -max_len=262144 -print_final_stats=1 \
  -artifact_prefix="$out/" corpus "$here/tests/fuzz/corpus"
echo "fuzz-report: no crash in $seconds s"
