// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Syscall family: every syscall of a target process, by number, with the
 * bytes it returned and the time it took. Also keeps the per-thread context
 * (which syscall a thread is in) that the other families attribute their
 * events to, and follows forks of processes traced with their children.
 */
#include "common.bpf.h"

/* x86_64 numbers (vmlinux.h is x86_64 only): these never return, so they are
 * counted when they enter. */
#define ZC_NR_EXIT	 60
#define ZC_NR_EXIT_GROUP 231

static __always_inline struct zc_task_ctx *ctx_for_enter(__u32 tid)
{
	struct zc_task_ctx *tc = bpf_map_lookup_elem(&zc_tasks, &tid);

	if (tc)
		return tc;
	struct zc_task_ctx fresh = {};

	bpf_map_update_elem(&zc_tasks, &tid, &fresh, BPF_NOEXIST);
	tc = bpf_map_lookup_elem(&zc_tasks, &tid);
	if (!tc)
		zc_health_inc(ZC_HEALTH_TASKS_FULL);
	return tc;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(zc_sys_enter, struct pt_regs *regs, long id)
{
	__u64 id_tgid = bpf_get_current_pid_tgid();
	__u8 role = zc_role_of_tgid(id_tgid >> 32);
	struct zc_task_ctx *tc;

	if (!role)
		return 0;
	tc = ctx_for_enter((__u32)id_tgid);
	if (!tc)
		return 0;
	tc->enter_ns = bpf_ktime_get_ns();
	tc->nr = (__u32)id;
	tc->in_syscall = 1;
	tc->copy_flags = 0;
	tc->send_dir = 0;
	tc->send_site = 0;
	tc->role = role;
	if (id == ZC_NR_EXIT || id == ZC_NR_EXIT_GROUP) {
		zc_count(role, ZC_KIND_SYSCALL, 0, 0, (__u16)id, 0);
		zc_emit(ZC_EV_SYSCALL, role, 0, 0, (__u16)id, 0, 0, tc->enter_ns);
	}
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(zc_sys_exit, struct pt_regs *regs, long ret)
{
	struct zc_task_ctx *tc = zc_current_ctx();
	__u64 now, took;
	__u16 nr;

	/* No context, or the enter happened before the process became a target
	 * (the read that releases a workload from its start gate): skip. */
	if (!tc || !tc->in_syscall)
		return 0;
	now = bpf_ktime_get_ns();
	took = now - tc->enter_ns;
	nr = (__u16)tc->nr;
	zc_count(tc->role, ZC_KIND_SYSCALL, 0, 0, nr, ret > 0 ? (__u64)ret : 0);
	if (ret < 0)
		zc_count(tc->role, ZC_KIND_SYSCALL_ERR, 0, 0, nr, 0);
	zc_count(tc->role, ZC_KIND_SYSCALL_TIME, 0, 0, nr, took);
	zc_emit(ZC_EV_SYSCALL, tc->role, 0, 0, nr, ret, took, tc->enter_ns);
	/* Only in_syscall is cleared here: the copies family reads nr and
	 * copy_flags in its own sys_exit program, which may run after this one. */
	tc->in_syscall = 0;
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(zc_process_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 parent_tgid = BPF_CORE_READ(parent, tgid);
	__u32 child_tgid = BPF_CORE_READ(child, tgid);
	struct zc_target *t;

	if (parent_tgid == child_tgid) /* a new thread: same tgid, already a target */
		return 0;
	t = bpf_map_lookup_elem(&zc_targets, &parent_tgid);
	if (!t || !t->follow_children)
		return 0;
	struct zc_target copy = *t;

	bpf_map_update_elem(&zc_targets, &child_tgid, &copy, BPF_NOEXIST);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(zc_process_exit, struct task_struct *task)
{
	__u32 tid = BPF_CORE_READ(task, pid);

	bpf_map_delete_elem(&zc_tasks, &tid);
	return 0;
}
