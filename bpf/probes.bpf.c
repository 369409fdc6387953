// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Every probe family in one BPF object, the one zctrace loads first: libbpf
 * reads the kernel's BTF (5 MB) and searches it for CO-RE candidates once per
 * object, so one object instead of six is most of a run's start-up. If this
 * kernel refuses it, user space loads the families one by one instead, so
 * that one family failing does not take the others down.
 */
#include "syscalls.bpf.c"
#include "sched.bpf.c"
#include "faults.bpf.c"
#include "copies.bpf.c"
#include "block.bpf.c"
#include "net.bpf.c"
#include "signals.bpf.c"
