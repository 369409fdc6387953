// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Scheduler family: each time a target thread is switched out, voluntary
 * (it blocked) or involuntary (it was preempted while runnable). This is
 * what getrusage() calls ru_nvcsw / ru_nivcsw; it is not what the popular
 * tables call "context switches" (those are user/kernel mode switches, two
 * per syscall, counted by the syscall family).
 */
#include "common.bpf.h"

/* TASK_RUNNING: a task switched out in this state did not block. */
#define ZC_TASK_RUNNING 0

SEC("tp_btf/sched_switch")
int BPF_PROG(zc_sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	__u8 role = zc_role_of_tgid(prev->tgid); /* a BTF pointer: a plain load */
	__u16 kind;

	if (!role)
		return 0;
	/* __schedule() charges nivcsw unless the switch is not a preemption and
	 * the task left the running state: mirror that rule. */
	kind = (preempt || prev_state == ZC_TASK_RUNNING) ? ZC_SWITCH_INVOLUNTARY
							  : ZC_SWITCH_VOLUNTARY;
	zc_count(role, ZC_KIND_SWITCH, kind, 0, zc_current_syscall(), 0);
	zc_emit(ZC_EV_SWITCH, role, kind, 0, zc_current_syscall(), 0, prev_state, 0);
	/* A thread that has exited switches out one last time, after
	 * exit_notify() made it a zombie: its parent's wait4() may reap it, and
	 * read its rusage, before that switch or after it. Counted apart so
	 * that rusage can be compared either way. */
	if (kind == ZC_SWITCH_VOLUNTARY && prev->exit_state)
		zc_count(role, ZC_KIND_SWITCH, ZC_SWITCH_EXIT, 0, ZC_NO_SYSCALL, 0);
	return 0;
}
