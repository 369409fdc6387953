#!/bin/sh
# zctrace on a fresh Debian 12 machine, as root:
#   scripts/bootstrap.sh run    install, build, run `zctrace run mmap_write`
#   scripts/bootstrap.sh test   install, build, run every test
#   scripts/bootstrap.sh build  install and build only
set -eu
cd "$(dirname "$0")/.."

what=${1:-}
case "$what" in
  run|test|build) ;;
  *) echo "usage: $0 run|test|build" >&2; exit 2 ;;
esac

if [ "$(id -u)" != 0 ]; then
  echo "$0: run as root: it installs Debian packages, and zctrace loads BPF programs" >&2
  exit 1
fi

scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"
# zctrace on the PATH (/usr/local/bin), with zctrace(1) and bash completion.
cmake --install build

case "$what" in
  run) exec zctrace run mmap_write ;;
  test) exec ctest --test-dir build --output-on-failure --timeout 600 ;;
esac
