#!/bin/bash
# Checks that every #include "..." in the tree follows the flow
#   base <- model <- probes <- collect <- export <- cli
# with analysis/ on model, workloads/ and vmtest/ on base (see CONTRIBUTING.md):
# a header is only included from its own room or from a room that may use it.
# CMake enforces the same through each room's include directories; this says
# which line breaks the rule, in one pass over the tree.
#   scripts/check-layout.sh        exit 1 and one line per violation if any
set -eu
cd "$(dirname "$0")/.."

# The room a path belongs to.
room_of() {
  case "$1" in
  userspace/base/*) echo base ;;
  userspace/model/*) echo model ;;
  userspace/probes/*) echo probes ;;
  userspace/collect/*) echo collect ;;
  userspace/export/*) echo export ;;
  userspace/cli/*) echo cli ;;
  analysis/*) echo analysis ;;
  workloads/*) echo workloads ;;
  vmtest/*) echo vmtest ;;
  bpf/*) echo bpf ;;
  bench/*) echo bench ;;
  tests/*) echo tests ;;
  *) echo other ;;
  esac
}

# The rooms a room may include from (its own included).
allowed() {
  case "$1" in
  base) echo "base" ;;
  model) echo "model base bpf" ;;
  probes) echo "probes model base bpf" ;;
  collect) echo "collect probes model base bpf workloads" ;;
  analysis) echo "analysis model base bpf" ;;
  export) echo "export collect probes model base bpf workloads analysis" ;;
  cli) echo "cli export collect probes model base bpf workloads analysis vmtest" ;;
  workloads) echo "workloads base" ;;
  vmtest) echo "vmtest base" ;;
  bench) echo "bench collect probes model base bpf workloads" ;;
  *) echo "*" ;;
  esac
}

declare -A owner
while IFS= read -r h; do
  name=${h##*/}
  if [ -n "${owner[$name]:-}" ]; then
    echo "$h: header name also used by ${owner[$name]}: includes by name must be unique"
    exit 1
  fi
  owner[$name]=$h
done < <(git ls-files '*.h')

bad=0
while IFS= read -r f; do
  from=$(room_of "$f")
  may=$(allowed "$from")
  [ "$may" = "*" ] && continue
  while IFS= read -r line; do
    inc=${line#*\"}
    inc=${inc%%\"*}
    name=${inc##*/}
    h=${owner[$name]:-}
    [ -z "$h" ] && continue # generated (skeletons, tables) or a system header
    to=$(room_of "$h")
    case " $may " in
    *" $to "*) ;;
    *)
      echo "$f: includes $inc ($to), which $from may not use"
      bad=1
      ;;
    esac
  done < <(grep -E '^#include "' "$f" || true)
done < <(git ls-files '*.cpp' '*.h' '*.c')
exit $bad
