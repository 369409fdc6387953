#!/bin/sh
# Start-up: `zctrace run mmap_write --size 1M` end to end, against a floor
# (bpftrace attaching one tracepoint program to the same sys_enter and
# running /usr/bin/true), alternating over N rounds. Prints each side's median and
# range in ms and the ratio of medians. The first zctrace run of a boot
# probes the kernel (trial attaches, about 10 ms each) and keeps the results
# in /run/zctrace/probe-cache: it is run once before the rounds, unmeasured;
# --cold removes the cache before every zctrace round instead.
#
#   bench/startup.sh [ROUNDS] [--cold] [--zctrace PATH]
set -eu
rounds=15
cold=no
here=$(cd "$(dirname "$0")/.." && pwd)
zctrace=$here/build/bin/zctrace
while [ $# -gt 0 ]; do
  case "$1" in
  --cold) cold=yes ;;
  --zctrace) zctrace=$2; shift ;;
  [0-9]*) rounds=$1 ;;
  *) echo "usage: $0 [ROUNDS] [--cold] [--zctrace PATH]" >&2; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" = 0 ] || { echo "$0: run as root (both load BPF programs)" >&2; exit 2; }
[ -x "$zctrace" ] || { echo "$0: no zctrace at $zctrace (build first)" >&2; exit 2; }
command -v bpftrace >/dev/null || { echo "$0: bpftrace is not installed" >&2; exit 2; }

# Milliseconds a command takes, end to end (its output discarded).
ms() {
  python3 -c '
import subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if r.returncode:
    sys.exit("%s exited %d" % (sys.argv[1], r.returncode))
print("%.1f" % ((time.monotonic() - t) * 1000))' "$@"
}

"$zctrace" run mmap_write --size 1M >/dev/null 2>&1 # probe once, unmeasured
z=""
b=""
i=0
while [ $i -lt "$rounds" ]; do
  i=$((i + 1))
  [ $cold = yes ] && rm -f /run/zctrace/probe-cache
  z="$z $(ms "$zctrace" run mmap_write --size 1M)"
  b="$b $(ms bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @ = count(); }' -c /usr/bin/true)"
done
python3 - "$rounds" "$cold" "$z" "$b" <<'PY'
import statistics, sys
rounds, cold, z, b = sys.argv[1], sys.argv[2], [float(x) for x in sys.argv[3].split()], [float(x) for x in sys.argv[4].split()]
def show(v):
    return "%.0f ms (%.0f..%.0f)" % (statistics.median(v), min(v), max(v))
print("%s alternating rounds%s; median (min..max)" % (rounds, ", probe cache removed before each zctrace run" if cold == "yes" else ""))
print("  zctrace run mmap_write --size 1M   %s   target: median <= 150 ms" % show(z))
print("  bpftrace (sys_enter count) -c /usr/bin/true   %s" % show(b))
print("  ratio of medians zctrace/bpftrace %.2f" % (statistics.median(z) / statistics.median(b)))
PY
