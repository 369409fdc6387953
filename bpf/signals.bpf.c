// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Signals family: every signal the kernel generates for a target process,
 * counted for the role of the process it is meant for, by what became of it.
 * "Which signal, to whom" is then the kernel's answer, whoever sent it: a
 * fault's SIGBUS (force_sig_fault), a lease break's F_SETSIG signal
 * (kill_fasync from lease_break_callback), another process's kill().
 *
 * signal:signal_generate fires in __send_signal_locked() (send_signal()
 * before 6.1) with the same five arguments since it was added in 3.5
 * (commit 98af37f39c1a, "tracing/signal: Add signal_generate ..."), and for
 * signals that are not queued too ("result" says why).
 */
#include "common.bpf.h"

SEC("tp_btf/signal_generate")
int BPF_PROG(zc_signal_generate, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	__u8 role = zc_role_of_tgid(task->tgid); /* a BTF pointer: a plain load */
	__u32 sender = bpf_get_current_pid_tgid() >> 32;

	if (!role || sig <= 0 || sig >= ZC_SIGNAL_MAX)
		return 0;
	/* id: the target sent it to itself (a fault, raise()) or another
	 * process did (kill(), a lease break). */
	zc_count(role, ZC_KIND_SIGNAL, (__u16)sig, (__u8)result,
		 sender == (__u32)task->tgid ? ZC_SIGNAL_FROM_ITSELF : ZC_SIGNAL_FROM_OTHER, 0);
	return 0;
}
