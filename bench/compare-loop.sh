#!/bin/sh
# `zctrace compare all`, again and again: every run must end with every
# method ok (none failed, none skipped that this kernel can run), and no
# zctrace process may crash (the kernel log is checked for segfault,
# general protection and trap lines of zctrace and its workload processes).
#
#   bench/compare-loop.sh [N] [--zctrace PATH] [-- COMPARE OPTIONS...]
#
# N defaults to 20. Core dumps of any crash are kept (ulimit -c unlimited).
set -eu
n=20
here=$(cd "$(dirname "$0")/.." && pwd)
zctrace=$here/build/bin/zctrace
while [ $# -gt 0 ]; do
  case "$1" in
  --zctrace) zctrace=$2; shift ;;
  --) shift; break ;;
  [0-9]*) n=$1 ;;
  *) echo "usage: $0 [N] [--zctrace PATH] [-- COMPARE OPTIONS...]" >&2; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" = 0 ] || { echo "$0: run as root" >&2; exit 2; }
ulimit -c unlimited
work=$(mktemp -d /var/tmp/zctrace-compare.XXXXXX)
trap 'rm -rf "$work"' EXIT
crashes() { dmesg 2>/dev/null | grep -E 'zctrace|zc-(source|sink|netns)' | grep -E 'segfault|general protection|traps:' || true; }
crashes > "$work/before"
failed=0
i=1
while [ "$i" -le "$n" ]; do
  start=$(date +%s)
  if "$zctrace" compare all "$@" --json "$work/c.json" > "$work/c.txt" 2>&1; then rc=0; else rc=$?; fi
  bad=$(python3 -c "
import json, sys
d = json.load(open('$work/c.json'))
print(' '.join(p['method'] + ':' + p['status'] for p in d['points'] if p['status'] == 'failed'))
" 2>/dev/null || echo "no JSON")
  echo "run $i/$n: exit $rc in $(( $(date +%s) - start )) s${bad:+; failed: $bad}"
  [ "$rc" -eq 0 ] && [ -z "$bad" ] || failed=$((failed + 1))
  i=$((i + 1))
done
crashes > "$work/after"
new=$(diff "$work/before" "$work/after" | grep -c '^>' || true)
echo
echo "compare all, $n runs: $failed failed; crash lines in the kernel log: $new"
diff "$work/before" "$work/after" | grep '^>' || true
[ "$failed" -eq 0 ] && [ "$new" -eq 0 ]
