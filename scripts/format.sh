#!/bin/sh
# clang-format the tree (bpf/vmlinux.h is generated and left alone).
#   scripts/format.sh          rewrite files in place
#   scripts/format.sh --check  list files that are not formatted, exit 1 if any
set -eu
cd "$(dirname "$0")/.."
files=$(git ls-files '*.cpp' '*.h' '*.c' | grep -v '^bpf/vmlinux.h$')
if [ "${1:-}" = "--check" ]; then
  bad=0
  for f in $files; do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
      echo "$f"
      bad=1
    fi
  done
  exit $bad
fi
clang-format -i $files
