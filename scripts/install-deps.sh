#!/bin/sh
# Every package zctrace needs to build, test and run, from Debian 12 (bookworm).
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update
# Build: compilers, libbpf, bpftool (skeletons), CLI11, nlohmann-json, toml++,
# liburing (the io_uring workloads), libjs-chart.js (Chart.js, inlined into
# every report page to draw its charts).
# Tests: GoogleTest, cpio, util-linux (setpriv, unshare), bpftrace (an
# independent route for zctrace crosscheck), chromium (renders zctrace
# report's HTML headless to check its charts), python3 (the bench scripts
# read zctrace's JSON with it); and the programs nobody here wrote that the
# tests trace: nginx, curl, fio, iperf3, OpenJDK (javac builds the Java
# methods' program, and a JVM runs it; also a test program), python3,
# coreutils; xfsprogs, btrfs-progs and e2fsprogs (the mkfs programs of
# run --fs, and of the loop images the tests make; copied into the vmtest
# guests too); binutils (readelf checks the libraries a guest's program is
# given); man-db (the test of the installed manual page renders it); python3-jsonschema (every JSON document a test produces is
# validated against its schema in schemas/).
# vmtest: qemu, a static busybox for the guests, mkfs.ext4 for their disks,
# modinfo/xz/zstd for the kernel modules they load.
apt-get install -y --no-install-recommends \
  binutils \
  bpftool \
  bpftrace \
  btrfs-progs \
  busybox-static \
  ca-certificates \
  chromium \
  clang \
  libclang-rt-14-dev \
  cmake \
  cpio \
  curl \
  e2fsprogs \
  fio \
  g++ \
  iperf3 \
  kmod \
  libbpf-dev \
  libcli11-dev \
  libelf-dev \
  libgtest-dev \
  libjs-chart.js \
  libtomlplusplus-dev \
  liburing-dev \
  linux-libc-dev \
  make \
  man-db \
  nginx \
  nlohmann-json3-dev \
  openjdk-17-jdk-headless \
  python3 \
  python3-jsonschema \
  qemu-system-x86 \
  util-linux \
  xfsprogs \
  xz-utils \
  zlib1g-dev \
  zstd
