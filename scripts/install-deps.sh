#!/bin/sh
# Every package zctrace needs to build, test and run, from Debian 12 (bookworm).
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
  bpftool \
  ca-certificates \
  clang \
  cmake \
  g++ \
  libbpf-dev \
  libcli11-dev \
  libelf-dev \
  libgtest-dev \
  linux-libc-dev \
  make \
  nlohmann-json3-dev \
  util-linux \
  zlib1g-dev
