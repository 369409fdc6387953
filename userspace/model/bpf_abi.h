// The plain-C structures shared with the BPF programs, checked for size so
// that both sides of the ring buffer and the maps agree byte for byte.
#pragma once

#include <cstddef>

#include "zctrace.h"

static_assert(sizeof(zc_counter_key) == 8, "zc_counter_key is 8 bytes on both sides");
static_assert(sizeof(zc_counter_val) == 16, "zc_counter_val is 16 bytes on both sides");
static_assert(sizeof(zc_target) == 32 && offsetof(zc_target, comm) == 16,
              "zc_target layout matches bpf/zctrace.h");
static_assert(sizeof(zc_event) == 40, "zc_event is 40 bytes on both sides");
static_assert(sizeof(zc_flow_key) == 40, "zc_flow_key is 40 bytes on both sides");
static_assert(offsetof(zc_flow_key, src_fd) == 8 && offsetof(zc_flow_key, src_ino) == 16 &&
                  offsetof(zc_flow_key, flags) == 32,
              "zc_flow_key layout matches bpf/zctrace.h");
static_assert(sizeof(zc_syscall_val) == 32, "zc_syscall_val is 32 bytes on both sides");
static_assert(sizeof(zc_pending_flows) == 112, "zc_pending_flows is 112 bytes on both sides");
static_assert(sizeof(zc_flow_val) == 16, "zc_flow_val is 16 bytes on both sides");
static_assert(sizeof(zc_dev_key) == 16, "zc_dev_key is 16 bytes on both sides");
static_assert(sizeof(zc_device) == 48 && offsetof(zc_device, name) == 8 &&
                  offsetof(zc_device, of) == 32,
              "zc_device layout matches bpf/zctrace.h");
static_assert(sizeof(zc_config) == 32, "zc_config is 32 bytes on both sides");
static_assert(offsetof(zc_config, payload_ino) == 24, "zc_config: no padding before payload_ino");
static_assert(offsetof(zc_event, kind) == 16 && offsetof(zc_event, site) == 20 &&
                  offsetof(zc_event, value) == 24 && offsetof(zc_event, aux) == 32,
              "zc_event layout matches bpf/zctrace.h");
