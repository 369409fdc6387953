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

/* include/uapi/linux/mman.h: MAP_SHARED 1, MAP_PRIVATE 2, MAP_SHARED_VALIDATE 3 */
#define ZC_MAP_TYPE    0x3
#define ZC_MAP_PRIVATE 0x2

/* include/linux/fs.h */
#define ZC_FMODE_WRITE 0x2

/* include/uapi/linux/aio_abi.h */
#define ZC_IOCB_CMD_PREAD   0
#define ZC_IOCB_CMD_PWRITE  1
#define ZC_IOCB_CMD_PREADV  7
#define ZC_IOCB_CMD_PWRITEV 8

/* include/linux/mm.h */
#define ZC_VM_SHARED 0x00000008UL

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

/* What the file behind fd is; its inode number in *ino. */
static __always_inline __u8 fd_kind(long fd, __u64 *ino)
{
	struct file *file = fd_file(fd);
	unsigned int mode, flags;

	*ino = 0;
	if (!file)
		return ZC_FD_NONE;
	*ino = BPF_CORE_READ(file, f_inode, i_ino);
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

static __always_inline void set_src(struct zc_task_ctx *tc, long fd)
{
	tc->src_fd = (__s32)fd;
	tc->fd_src = fd_kind(fd, &tc->src_ino);
}

static __always_inline void set_dst(struct zc_task_ctx *tc, long fd)
{
	tc->dst_fd = (__s32)fd;
	tc->fd_dst = fd_kind(fd, &tc->dst_ino);
}

/* Where a write's user buffer lies: in a mapping of a file (shared or
 * private), that file is where the data came from (mmap+write, whatever
 * else the process has mapped). bpf_find_vma ("bpf: Introduce helper
 * bpf_find_vma", 5.17). */
struct mapped_src {
	__u64 ino;
	bool file;
};

static long buffer_vma(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
	struct mapped_src *m = data;
	struct file *file = BPF_CORE_READ(vma, vm_file);

	if (file) {
		m->file = true;
		m->ino = BPF_CORE_READ(file, f_inode, i_ino);
	}
	return 0;
}

static __always_inline void buffer_source(struct zc_task_ctx *tc, unsigned long buf)
{
	struct mapped_src m = {};

	if (!buf || bpf_find_vma(bpf_get_current_task_btf(), buf, buffer_vma, &m, 0) || !m.file)
		return;
	tc->fd_src = ZC_FD_MAPPED;
	tc->src_fd = -1;
	tc->src_ino = m.ino;
}

/* The first buffer of a msghdr's iovec (sendmsg). */
static __always_inline unsigned long msg_buffer(unsigned long msg)
{
	struct user_msghdr m = {};
	struct iovec iov = {};

	if (bpf_probe_read_user(&m, sizeof(m), (void *)msg) || !m.msg_iov || !m.msg_iovlen)
		return 0;
	if (bpf_probe_read_user(&iov, sizeof(iov), m.msg_iov))
		return 0;
	return (unsigned long)iov.iov_base;
}

/* The first buffer of an iovec array (writev, pwritev). */
static __always_inline unsigned long iov_buffer(unsigned long iovp)
{
	struct iovec iov = {};

	if (bpf_probe_read_user(&iov, sizeof(iov), (void *)iovp))
		return 0;
	return (unsigned long)iov.iov_base;
}

/* libaio: the iocbs io_submit(ctx, nr, iocbpp) is given, read from user
 * memory at entry. What each will move is what it asks for, clipped to the
 * file's size for reads: a buffered one completes inside io_submit, an
 * O_DIRECT one on the device (its bios are counted as storage bytes). */
static __always_inline void read_iocbs(struct zc_task_ctx *tc, long nr, unsigned long iocbpp)
{
	tc->aio_n = 0;
#pragma clang loop unroll(disable)
	for (int i = 0; i < ZC_AIO_MAX; i++) {
		struct iocb cb = {};
		unsigned long ptr = 0;
		__u64 ino = 0, bytes;
		__u8 kind;
		bool read, direct;

		if (i >= nr)
			break;
		if (bpf_probe_read_user(&ptr, sizeof(ptr), (void *)(iocbpp + i * sizeof(ptr))) ||
		    bpf_probe_read_user(&cb, sizeof(cb), (void *)ptr))
			break;
		kind = fd_kind(cb.aio_fildes, &ino);
		read = cb.aio_lio_opcode == ZC_IOCB_CMD_PREAD ||
		       cb.aio_lio_opcode == ZC_IOCB_CMD_PREADV;
		if (!read && cb.aio_lio_opcode != ZC_IOCB_CMD_PWRITE &&
		    cb.aio_lio_opcode != ZC_IOCB_CMD_PWRITEV)
			kind = ZC_FD_OTHER; /* fsync, poll: no data */
		direct = kind == ZC_FD_REG_DIRECT;
		bytes = cb.aio_nbytes;
		if (cb.aio_lio_opcode == ZC_IOCB_CMD_PREADV ||
		    cb.aio_lio_opcode == ZC_IOCB_CMD_PWRITEV) {
			/* aio_nbytes counts iovecs: add their lengths (the first 4) */
			__u64 total = 0;

#pragma clang loop unroll(disable)
			for (int v = 0; v < 4; v++) {
				struct iovec iov = {};

				if (v >= cb.aio_nbytes ||
				    bpf_probe_read_user(&iov, sizeof(iov),
							(void *)(cb.aio_buf + v * sizeof(iov))))
					break;
				total += iov.iov_len;
			}
			bytes = total;
		}
		if (read && (kind == ZC_FD_REG || direct)) {
			struct file *file = fd_file(cb.aio_fildes);
			__s64 size = BPF_CORE_READ(file, f_inode, i_size);

			bytes = cb.aio_offset >= size	       ? 0
				: bytes > size - cb.aio_offset ? size - cb.aio_offset
							       : bytes;
		}
		if (kind != ZC_FD_REG && kind != ZC_FD_REG_DIRECT) {
			tc->aio[i].cls = 0xff; /* no file data */
			tc->aio[i].bytes = 0;
		} else {
			tc->aio[i].cls =
			    read ? (direct ? ZC_ASYNC_AIO_READ_DIRECT : ZC_ASYNC_AIO_READ)
				 : (direct ? ZC_ASYNC_AIO_WRITE_DIRECT : ZC_ASYNC_AIO_WRITE);
			tc->aio[i].bytes = (__u32)bytes;
			if (i == 0) { /* the flow names the first iocb's file */
				if (read) {
					tc->src_fd = cb.aio_fildes;
					tc->fd_src = kind;
					tc->src_ino = ino;
				} else {
					tc->dst_fd = cb.aio_fildes;
					tc->fd_dst = kind;
					tc->dst_ino = ino;
				}
				tc->flow_flags = ZC_FLOW_AIO;
			}
		}
		tc->aio_n = i + 1;
	}
}

/* Where the data of this syscall comes from and goes to. */
static __always_inline void classify_fds(struct zc_task_ctx *tc, long id, struct pt_regs *regs)
{
	long a0 = BPF_CORE_READ(regs, di), a1 = BPF_CORE_READ(regs, si),
	     a2 = BPF_CORE_READ(regs, dx);

	tc->fd_src = ZC_FD_NONE;
	tc->fd_dst = ZC_FD_NONE;
	tc->src_fd = -1;
	tc->dst_fd = -1;
	tc->src_ino = 0;
	tc->dst_ino = 0;
	tc->flow_flags = 0;
	switch (id) {
	case ZC_NR_READ:
	case ZC_NR_PREAD64:
	case ZC_NR_READV:
	case ZC_NR_PREADV:
	case ZC_NR_PREADV2:
	case ZC_NR_RECVFROM:
	case ZC_NR_RECVMSG:
		set_src(tc, a0);
		break;
	case ZC_NR_WRITE:
	case ZC_NR_PWRITE64: /* (fd, buf, ...) */
		set_dst(tc, a0);
		buffer_source(tc, a1);
		break;
	case ZC_NR_WRITEV:
	case ZC_NR_PWRITEV:
	case ZC_NR_PWRITEV2: /* (fd, iov, ...) */
		set_dst(tc, a0);
		buffer_source(tc, iov_buffer(a1));
		break;
	case ZC_NR_SENDTO: /* (fd, buf, len, flags, ...) */
		set_dst(tc, a0);
		buffer_source(tc, a1);
		if (BPF_CORE_READ(regs, r10) & ZC_MSG_ZEROCOPY)
			tc->flow_flags = ZC_FLOW_ZEROCOPY;
		break;
	case ZC_NR_SENDMSG: /* (fd, msg, flags) */
		set_dst(tc, a0);
		buffer_source(tc, msg_buffer(a1));
		if (a2 & ZC_MSG_ZEROCOPY)
			tc->flow_flags = ZC_FLOW_ZEROCOPY;
		break;
	case ZC_NR_IO_SUBMIT: /* (ctx, nr, iocbpp) */
		read_iocbs(tc, a1, a2);
		break;
	case ZC_NR_IO_URING_ENTER: /* (ring fd, ...): the data's descriptors are
				      in the ring's requests, not here */
		set_src(tc, a0);
		tc->flow_flags = ZC_FLOW_IO_URING;
		break;
	case ZC_NR_MMAP: /* (addr, len, prot, flags, fd, off): the file mapped,
			    if shared (private ones are mostly libraries) */
		if ((BPF_CORE_READ(regs, r10) & ZC_MAP_TYPE) != ZC_MAP_PRIVATE) {
			set_src(tc, BPF_CORE_READ(regs, r8));
			tc->map_len = a1;
		}
		break;
	case ZC_NR_SENDFILE: /* (out_fd, in_fd, ...) */
		set_dst(tc, a0);
		set_src(tc, a1);
		break;
	case ZC_NR_SPLICE: /* (fd_in, off_in, fd_out, ...) */
	case ZC_NR_COPY_FILE_RANGE:
		set_src(tc, a0);
		set_dst(tc, a2);
		break;
	case ZC_NR_TEE: /* (fd_in, fd_out, ...) */
		set_src(tc, a0);
		set_dst(tc, a1);
		break;
	case ZC_NR_VMSPLICE: /* (fd, iov, ...): into a pipe opened for writing,
				out of one opened for reading */
		if (fd_writable(a0)) {
			set_dst(tc, a0);
			buffer_source(tc, iov_buffer(a1));
		} else {
			set_src(tc, a0);
		}
		break;
	}
}

/* One data-moving syscall into zc_flows. mmap is a flow only of a file. */
static __always_inline void count_flow(struct zc_task_ctx *tc, __u32 tgid, __u16 nr, long ret)
{
	const struct zc_flow_val zero = {};
	struct zc_flow_key key = {};
	struct zc_flow_val *val;

	if (tc->fd_src == ZC_FD_NONE && tc->fd_dst == ZC_FD_NONE)
		return;
	key.tgid = tgid;
	key.nr = nr;
	key.src_kind = tc->fd_src;
	key.dst_kind = tc->fd_dst;
	key.src_fd = tc->fd_src == ZC_FD_NONE ? -1 : tc->src_fd;
	key.dst_fd = tc->fd_dst == ZC_FD_NONE ? -1 : tc->dst_fd;
	key.src_ino = tc->src_ino;
	key.dst_ino = tc->dst_ino;
	/* Sockets are told apart by kind only: a server's thousands of
	 * connections make one flow per syscall and other end, not one each. */
	if (key.src_kind == ZC_FD_SOCK) {
		key.src_fd = -1;
		key.src_ino = 0;
	}
	if (key.dst_kind == ZC_FD_SOCK) {
		key.dst_fd = -1;
		key.dst_ino = 0;
	}
	key.flags = tc->flow_flags;
	val = zc_lookup_or_init(&zc_flows, &key, &zero, ZC_HEALTH_FLOWS_FULL);
	if (!val)
		return;
	__sync_fetch_and_add(&val->calls, 1);
	/* mmap returns an address (its bytes are the length mapped),
	 * io_uring_enter a count of requests (their bytes are counted when
	 * they complete), io_submit a count of iocbs */
	if (nr == ZC_NR_MMAP && ret >= 0)
		__sync_fetch_and_add(&val->bytes, tc->map_len);
	else if (nr == ZC_NR_IO_SUBMIT && ret > 0)
		__sync_fetch_and_add(&val->bytes, zc_aio_bytes(tc, ret));
	else if (ret > 0 && nr != ZC_NR_MMAP && nr != ZC_NR_IO_URING_ENTER)
		__sync_fetch_and_add(&val->bytes, (__u64)ret);
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
	tc->rchar_enter = zc_task_rchar(bpf_get_current_task_btf());
	tc->aio_n = 0;
	tc->cow_page = 0;
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
	count_flow(tc, bpf_get_current_pid_tgid() >> 32, nr, ret);
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

	copy.ppid = parent_tgid;
	copy.execs = 0;
	bpf_probe_read_kernel_str(copy.comm, sizeof(copy.comm), child->comm);
	if (bpf_map_update_elem(&zc_targets, &child_tgid, &copy, BPF_NOEXIST) == -ZC_E2BIG)
		zc_health_inc(ZC_HEALTH_TARGETS_FULL);
	return 0;
}

/* A followed process ran a new program: its name, for the list of what was
 * followed. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(zc_process_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	struct zc_target *t = bpf_map_lookup_elem(&zc_targets, &tgid);

	if (!t)
		return 0;
	t->execs += 1;
	bpf_probe_read_kernel_str(t->comm, sizeof(t->comm), p->comm);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(zc_process_exit, struct task_struct *task)
{
	__u32 tid = BPF_CORE_READ(task, pid);

	bpf_map_delete_elem(&zc_tasks, &tid);
	return 0;
}
