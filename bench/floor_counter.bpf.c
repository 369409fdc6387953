// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The floor a tracer's cost is measured against: the least a BPF program
 * can do at an attach point and still count for one process. It checks the
 * current process against the one being measured (an array lookup the
 * verifier inlines) and adds one to a per-CPU counter; nothing else. User
 * space opens one copy of this object per attach point zctrace uses and
 * sets each program's target (bpf_program__set_attach_target).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* [0]: the tgid counted. */
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u32);
} floor_target SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} floor_hits SEC(".maps");

static __always_inline int count(void) {
  __u32 zero = 0;
  __u32 *target = bpf_map_lookup_elem(&floor_target, &zero);
  __u64 *hits;

  if (!target || *target != bpf_get_current_pid_tgid() >> 32)
    return 0;
  hits = bpf_map_lookup_elem(&floor_hits, &zero);
  if (hits)
    *hits += 1;
  return 0;
}

SEC("tp_btf")
int floor_tp_btf(void *ctx) { return count(); }

SEC("fentry")
int floor_fentry(void *ctx) { return count(); }

SEC("fexit")
int floor_fexit(void *ctx) { return count(); }
