// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Syscall family: every syscall of a target process, by number, with the
 * bytes it returned and the time it took. Also keeps the per-thread context
 * (which syscall a thread is in) that the other families attribute their
 * events to, and follows forks of processes traced with their children.
 */
#include "common.bpf.h"
#include "syscall_nr.bpf.h"

/* exit and exit_group never return: they are counted when they enter. */

/* include/uapi/linux/stat.h and asm-generic/fcntl.h (x86_64). */
#define ZC_S_IFMT   0170000
#define ZC_S_IFREG  0100000
#define ZC_S_IFIFO  0010000
#define ZC_S_IFSOCK 0140000
#define ZC_O_DIRECT 0040000

/* include/linux/fs.h */
#define ZC_FMODE_WRITE 0x2

/* The file behind fd in the current task's fd table, or NULL. */
static __always_inline struct file *fd_file(long fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *file = NULL;

	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]))
		return NULL;
	return file;
}

static __always_inline bool fd_writable(long fd)
{
	struct file *file = fd_file(fd);

	return file && (BPF_CORE_READ(file, f_mode) & ZC_FMODE_WRITE);
}

/* What the file behind fd is. */
static __always_inline __u8 fd_kind(long fd)
{
	struct file *file = fd_file(fd);
	unsigned int mode, flags;

	if (!file)
		return ZC_FD_NONE;
	mode = BPF_CORE_READ(file, f_inode, i_mode) & ZC_S_IFMT;
	flags = BPF_CORE_READ(file, f_flags);
	if (mode == ZC_S_IFREG)
		return (flags & ZC_O_DIRECT) ? ZC_FD_REG_DIRECT : ZC_FD_REG;
	if (mode == ZC_S_IFIFO)
		return ZC_FD_FIFO;
	if (mode == ZC_S_IFSOCK)
		return ZC_FD_SOCK;
	return ZC_FD_OTHER;
}

/* Where the data of this syscall comes from and goes to. */
static __always_inline void classify_fds(struct zc_task_ctx *tc, long id, struct pt_regs *regs)
{
	long a0 = BPF_CORE_READ(regs, di), a1 = BPF_CORE_READ(regs, si),
	     a2 = BPF_CORE_READ(regs, dx);

	tc->fd_src = ZC_FD_NONE;
	tc->fd_dst = ZC_FD_NONE;
	switch (id) {
	case ZC_NR_READ:
	case ZC_NR_PREAD64:
	case ZC_NR_READV:
	case ZC_NR_PREADV:
	case ZC_NR_PREADV2:
	case ZC_NR_RECVFROM:
	case ZC_NR_RECVMSG:
		tc->fd_src = fd_kind(a0);
		break;
	case ZC_NR_WRITE:
	case ZC_NR_PWRITE64:
	case ZC_NR_WRITEV:
	case ZC_NR_PWRITEV:
	case ZC_NR_PWRITEV2:
	case ZC_NR_SENDTO:
	case ZC_NR_SENDMSG:
		tc->fd_dst = fd_kind(a0);
		break;
	case ZC_NR_SENDFILE: /* (out_fd, in_fd, ...) */
		tc->fd_dst = fd_kind(a0);
		tc->fd_src = fd_kind(a1);
		break;
	case ZC_NR_SPLICE: /* (fd_in, off_in, fd_out, ...) */
	case ZC_NR_COPY_FILE_RANGE:
		tc->fd_src = fd_kind(a0);
		tc->fd_dst = fd_kind(a2);
		break;
	case ZC_NR_TEE: /* (fd_in, fd_out, ...) */
		tc->fd_src = fd_kind(a0);
		tc->fd_dst = fd_kind(a1);
		break;
	case ZC_NR_VMSPLICE: /* (fd, iov, ...): into a pipe opened for writing,
				out of one opened for reading */
		if (fd_writable(a0))
			tc->fd_dst = fd_kind(a0);
		else
			tc->fd_src = fd_kind(a0);
		break;
	}
}

SEC("tp_btf/sys_enter")
int BPF_PROG(zc_sys_enter, struct pt_regs *regs, long id)
{
	__u64 id_tgid = bpf_get_current_pid_tgid();
	__u8 role = zc_role_of_tgid(id_tgid >> 32);
	struct zc_task_ctx *tc;

	if (!role)
		return 0;
	tc = zc_ctx_create((__u32)id_tgid);
	if (!tc)
		return 0;
	tc->enter_ns = bpf_ktime_get_ns();
	tc->nr = (__u32)id;
	tc->in_syscall = 1;
	tc->copy_flags = 0;
	tc->send_dir = 0;
	tc->send_site = 0;
	tc->send_seen = 0;
	tc->recv_seen = 0;
	tc->write_seen = 0;
	tc->copies_pending = 1;
	tc->role = role;
	classify_fds(tc, id, regs);
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
