#!/bin/sh
# Loops a ctest label and prints, per test, how often it failed: a test that
# fails one run in ten is a bug to find, not a test to retry.
#
#   scripts/flake-rate.sh LABEL [N] [BUILD_DIR]     (default N 10, build)
#
# Also counts the kernel log's crash lines of zctrace processes (segfault,
# general protection, traps) that appeared during the loop. Exit 1 if any
# test failed or anything crashed.
set -eu
label=${1:?usage: $0 LABEL [N] [BUILD_DIR]}
n=${2:-10}
build=${3:-build}
cd "$(dirname "$0")/.."
# A crash leaves a core to look at (where kernel.core_pattern puts it).
ulimit -c unlimited 2>/dev/null || true
log=$(mktemp)
trap 'rm -f "$log"' EXIT
crashes() { dmesg 2>/dev/null | grep -E 'zctrace|zc-(source|sink|netns)' | grep -cE 'segfault|general protection|traps:' || true; }
before=$(crashes)
i=1
while [ "$i" -le "$n" ]; do
  start=$(date +%s)
  if ctest --test-dir "$build" -L "$label" --timeout 900 > "$log.run" 2>&1; then
    echo "run $i/$n: passed ($(( $(date +%s) - start )) s)"
  else
    echo "run $i/$n: FAILED ($(( $(date +%s) - start )) s)"
    sed -n '/The following tests FAILED/,$p' "$log.run" | grep -E '^\s+[0-9]+ - ' | sed 's/^[[:space:]]*[0-9]* - //; s/ (.*//' >> "$log"
  fi
  i=$((i + 1))
done
rm -f "$log.run"
after=$(crashes)
echo
echo "label $label, $n runs:"
if [ -s "$log" ]; then
  sort "$log" | uniq -c | while read -r count name; do
    echo "  $name: failed $count of $n"
  done
else
  echo "  every test passed every run"
fi
echo "  crash lines of zctrace processes in the kernel log: $((after - before))"
[ ! -s "$log" ] && [ "$after" -eq "$before" ]
