#!/bin/sh
# Storage bytes, every run: cold runs of the methods that read their file
# from the disk, each checked in the same run against the kernel's own
# per-task I/O accounting of the source (/proc/PID/io read_bytes, read by
# zctrace when the source has exited and before it is reaped).
#
#   bench/storage-attribution.sh [RUNS] [--load] [--size SIZE] [--zctrace PATH]
#
# RUNS (default 200) are spread over read_write, mmap_write, sendfile, splice
# and direct_io. --load runs a writer beside them (dd with conv=fsync, in a
# loop): other processes' requests then share the disk's queue, which is
# when attribution by request went wrong (requests dispatched from another
# process's context). A run is short when the source's storage bytes are
# fewer than the payload, long when they are more than /proc/PID/io says it
# read, and it disagrees when the two differ at all. Exit 1 if any run was
# short, long or disagreed.
set -eu
runs=200
load=no
size=16M
here=$(cd "$(dirname "$0")/.." && pwd)
zctrace=$here/build/bin/zctrace
while [ $# -gt 0 ]; do
  case "$1" in
  --load) load=yes ;;
  --size) size=$2; shift ;;
  --zctrace) zctrace=$2; shift ;;
  [0-9]*) runs=$1 ;;
  *) echo "usage: $0 [RUNS] [--load] [--size SIZE] [--zctrace PATH]" >&2; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" = 0 ] || { echo "$0: run as root (zctrace loads BPF programs)" >&2; exit 2; }
[ -x "$zctrace" ] || { echo "$0: no zctrace at $zctrace (build first)" >&2; exit 2; }

# A run killed outright (SIGKILL) cannot clean up: its folder says whose it
# was, and one of a process no longer alive is removed here. Only root's
# own folders (mktemp -d makes them 0700: nothing can be planted in them).
for old in /var/tmp/zctrace-bench.*; do
  [ -d "$old" ] && [ ! -L "$old" ] && [ -O "$old" ] && [ -f "$old/pid" ] || continue
  kill -0 "$(cat "$old/pid")" 2>/dev/null || rm -rf "$old"
done
work=$(mktemp -d /var/tmp/zctrace-bench.XXXXXX)
echo $$ > "$work/pid"
loader=
# The writer stops at the end of its current dd once the stop file exists,
# so no dd outlives the script.
cleanup() {
  touch "$work/stop"
  [ -n "$loader" ] && wait "$loader" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
if [ "$load" = yes ]; then
  (while [ ! -e "$work/stop" ]; do
    dd if=/dev/zero of="$work/load" bs=1M count=200 conv=fsync 2>/dev/null
  done) &
  loader=$!
fi

methods="read_write mmap_write sendfile splice direct_io"
i=0
: > "$work/results"
while [ $i -lt "$runs" ]; do
  for m in $methods; do
    [ $i -lt "$runs" ] || break
    i=$((i + 1))
    if ! "$zctrace" run "$m" --size "$size" --cache cold --json "$work/run.json" > "$work/run.txt" 2>&1; then
      echo "$m FAILED $(tail -n 1 "$work/run.txt")" >> "$work/results"
      continue
    fi
    python3 - "$work/run.json" "$m" >> "$work/results" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["source"]
storage = s["device"]["storage_read_bytes"]
proc = s["rusage"]["io_read_bytes"]
size = d["params"]["size"]
state = "ok"
if storage is None or proc is None:
    state = "unmeasured"
elif storage < size:
    state = "short"
elif storage > proc:
    state = "long"
elif storage != proc:
    state = "disagrees"
print(sys.argv[2], state, storage, proc, size, d["events"]["probe_runs_missed"])
EOF
  done
done

echo "storage attribution: $runs cold runs of $size ($methods), load: $load"
status=0
python3 - "$work/results" <<'EOF' || status=1
import collections, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
by = collections.defaultdict(collections.Counter)
for r in rows:
    by[r[0]][r[1]] += 1
bad = 0
for m, c in by.items():
    print("  %-12s %s" % (m, ", ".join("%s %d" % kv for kv in sorted(c.items()))))
    bad += sum(n for k, n in c.items() if k != "ok")
print("short, long, disagreeing or failed: %d of %d" % (bad, len(rows)))
for r in rows:
    if r[1] != "ok":
        print("  " + " ".join(r))
sys.exit(1 if bad else 0)
EOF
exit $status
