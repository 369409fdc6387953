// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Syscall family: every syscall of a target process, by number, with the
 * bytes it returned and the time it took. Also keeps the per-thread context
 * (which syscall a thread is in) that the other families attribute their
 * events to, and follows forks of processes traced with their children.
 */
#include "common.bpf.h"
#include "syscall_nr.bpf.h"
#include "syscall_copies.bpf.h"
#include "vma_lookup.bpf.h"

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

/* The file behind fd in the current task's fd table, or NULL. The task is a
 * BTF pointer: the walk to the table is plain loads (no helper call per
 * field); only the slot itself, an index into an array the verifier cannot
 * bound, is read with a helper. */
static __always_inline struct file *fd_file(long fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = task->files->fdt;
	struct file *file = NULL;

	if (fd < 0 || fd >= fdt->max_fds)
		return NULL;
	if (bpf_probe_read_kernel(&file, sizeof(file), &fdt->fd[fd]))
		return NULL;
	return file;
}

static __always_inline bool fd_writable(long fd)
{
	struct file *file = fd_file(fd);

	return file && (BPF_CORE_READ(file, f_mode) & ZC_FMODE_WRITE);
}

/* Makes a pointer read from kernel memory a BTF pointer again, so that its
 * fields are plain loads instead of a helper call each (kfunc since 6.2,
 * "bpf: Add a kfunc for generic type cast"). Weak: the
 * program that calls it is loaded only where Features found it
 * ("kfunc:bpf_rdonly_cast"); zc_sys_enter_compat reads field by field. */
extern void *bpf_rdonly_cast(void *obj, __u32 btf_id) __ksym __weak;

/* What the file behind fd is; its inode number in *ino. `cast`: through
 * bpf_rdonly_cast (constant: each program is compiled for one way). */
static __always_inline __u8 fd_kind(long fd, __u64 *ino, const bool cast)
{
	struct file *file = fd_file(fd);
	struct inode *inode;
	unsigned int mode, flags;

	*ino = 0;
	if (!file)
		return ZC_FD_NONE;
	if (cast) {
		file = bpf_rdonly_cast(file, bpf_core_type_id_kernel(struct file));
		inode = file->f_inode;
		*ino = inode->i_ino;
		mode = inode->i_mode & ZC_S_IFMT;
		flags = file->f_flags;
	} else {
		inode = BPF_CORE_READ(file, f_inode);
		*ino = BPF_CORE_READ(inode, i_ino);
		mode = BPF_CORE_READ(inode, i_mode) & ZC_S_IFMT;
		flags = BPF_CORE_READ(file, f_flags);
	}
	if (mode == ZC_S_IFREG)
		return (flags & ZC_O_DIRECT) ? ZC_FD_REG_DIRECT : ZC_FD_REG;
	if (mode == ZC_S_IFIFO)
		return ZC_FD_FIFO;
	if (mode == ZC_S_IFSOCK)
		return ZC_FD_SOCK;
	return ZC_FD_OTHER;
}

/* fd_kind as global functions: the verifier checks each once, not once per
 * syscall of classify_fds's switch that names a descriptor (each of its
 * loads through a BTF pointer costs the verifier a search of the kernel's
 * BTF). */
__noinline int zc_fd_kind_cast(long fd, __u64 *ino)
{
	__u64 i = 0;
	int kind = fd_kind(fd, &i, true);

	if (ino)
		*ino = i;
	return kind;
}

__noinline int zc_fd_kind_compat(long fd, __u64 *ino)
{
	__u64 i = 0;
	int kind = fd_kind(fd, &i, false);

	if (ino)
		*ino = i;
	return kind;
}

static __always_inline void set_src(struct zc_task_ctx *tc, long fd, const bool cast)
{
	__u64 ino = 0;

	tc->src_fd = (__s32)fd;
	tc->fd_src = cast ? zc_fd_kind_cast(fd, &ino) : zc_fd_kind_compat(fd, &ino);
	tc->src_ino = ino;
}

static __always_inline void set_dst(struct zc_task_ctx *tc, long fd, const bool cast)
{
	__u64 ino = 0;

	tc->dst_fd = (__s32)fd;
	tc->fd_dst = cast ? zc_fd_kind_cast(fd, &ino) : zc_fd_kind_compat(fd, &ino);
	tc->dst_ino = ino;
}

/* Where a write's user buffer lies: in a mapping of a file (shared or
 * private), that file is where the data came from (mmap+write, whatever
 * else the process has mapped). */
static __always_inline void buffer_source(struct zc_task_ctx *tc, unsigned long buf)
{
	struct zc_vma v = {};
	long err;

	/* Only where a copy method can go (a file, a pipe, a socket): a write
	 * to a terminal or /dev/null is no copy method, and the VMA lookup
	 * (mmap_lock, a tree walk) is the dearest step of a syscall's entry. */
	if (tc->fd_dst != ZC_FD_REG && tc->fd_dst != ZC_FD_REG_DIRECT && tc->fd_dst != ZC_FD_FIFO &&
	    tc->fd_dst != ZC_FD_SOCK)
		return;
	if (!buf)
		return;
	/* -EBUSY when another thread holds mmap_lock and nothing cached
	 * answers: the write's source is then unknown, and counted so. */
	err = zc_vma_at(tc, buf, &v);
	if (err == -16 /* EBUSY */)
		zc_health_inc(ZC_HEALTH_BUFFER_UNKNOWN);
	if (err || !v.file)
		return;
	tc->fd_src = ZC_FD_MAPPED;
	tc->src_fd = -1;
	tc->src_ino = v.ino;
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

/* Reads iocb `i` of the io_submit in progress into tc->aio[i]; 0 when it
 * cannot be read. A global function: the loop below calls it, so the
 * verifier walks its body once instead of once per iteration. */
__noinline int zc_read_iocb(struct zc_task_ctx *tc, __u32 i, unsigned long iocbpp)
{
	struct iocb cb = {};
	unsigned long ptr = 0;
	__u64 ino = 0, bytes;
	__u8 kind;
	bool read, direct;

	if (!tc || i >= ZC_AIO_MAX)
		return 0;
	if (bpf_probe_read_user(&ptr, sizeof(ptr), (void *)(iocbpp + i * sizeof(ptr))) ||
	    bpf_probe_read_user(&cb, sizeof(cb), (void *)ptr))
		return 0;
	kind = zc_fd_kind_compat(cb.aio_fildes, &ino);
	read = cb.aio_lio_opcode == ZC_IOCB_CMD_PREAD || cb.aio_lio_opcode == ZC_IOCB_CMD_PREADV;
	if (!read && cb.aio_lio_opcode != ZC_IOCB_CMD_PWRITE &&
	    cb.aio_lio_opcode != ZC_IOCB_CMD_PWRITEV)
		kind = ZC_FD_OTHER; /* fsync, poll: no data */
	direct = kind == ZC_FD_REG_DIRECT;
	bytes = cb.aio_nbytes;
	if (cb.aio_lio_opcode == ZC_IOCB_CMD_PREADV || cb.aio_lio_opcode == ZC_IOCB_CMD_PWRITEV) {
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
		tc->aio[i].cls = read ? (direct ? ZC_ASYNC_AIO_READ_DIRECT : ZC_ASYNC_AIO_READ)
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
	return 1;
}

/* libaio: the iocbs io_submit(ctx, nr, iocbpp) is given, read from user
 * memory at entry. What each will move is what it asks for, clipped to the
 * file's size for reads: a buffered one completes inside io_submit, an
 * O_DIRECT one on the device (its bios are counted as storage bytes). */
__noinline int zc_read_iocbs(struct zc_task_ctx *tc, long nr, unsigned long iocbpp)
{
	if (!tc)
		return 0;
	tc->aio_n = 0;
#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < ZC_AIO_MAX; i++) {
		if (i >= nr || !zc_read_iocb(tc, i, iocbpp))
			break;
		tc->aio_n = i + 1;
	}
	return 0;
}

/* What a recvmsg(MSG_ERRQUEUE) dequeued, read back from the process's
 * memory as the syscall returns: a zero-copy completion is one cmsg
 * (IP_RECVERR / IPV6_RECVERR) holding a struct sock_extended_err of origin
 * SO_EE_ORIGIN_ZEROCOPY, whose [ee_info, ee_data] range names the sends it
 * completes and whose ee_code says the kernel copied them after all
 * (Documentation/networking/msg_zerocopy.rst). Counted whether or not the
 * process looks at the code. A global function, checked once. */
#define ZC_SO_EE_ORIGIN_ZEROCOPY      5
#define ZC_SO_EE_CODE_ZEROCOPY_COPIED 1

struct zc_cmsghdr {
	__u64 len;
	__s32 level;
	__s32 type;
};

__noinline int zc_errqueue_completions(struct zc_task_ctx *tc, long ret)
{
	struct user_msghdr m = {};
	struct zc_cmsghdr cm = {};
	struct sock_extended_err ee = {};
	__u64 msg;
	__u32 sends;

	if (!tc)
		return 0;
	msg = tc->errqueue_msg;
	tc->errqueue_msg = 0;
	if (ret < 0 || !msg || bpf_probe_read_user(&m, sizeof(m), (void *)msg))
		return 0;
	if (!m.msg_control || m.msg_controllen < sizeof(cm) + sizeof(ee))
		return 0;
	if (bpf_probe_read_user(&cm, sizeof(cm), m.msg_control) ||
	    bpf_probe_read_user(&ee, sizeof(ee), (char *)m.msg_control + sizeof(cm)))
		return 0;
	if (ee.ee_origin != ZC_SO_EE_ORIGIN_ZEROCOPY)
		return 0;
	sends = ee.ee_data - ee.ee_info + 1;
	zc_count_n(tc->role, ZC_KIND_ZEROCOPY, ZC_ZC_ERRQUEUE_SENDS, 0, 0, sends, 0);
	if (ee.ee_code & ZC_SO_EE_CODE_ZEROCOPY_COPIED)
		zc_count_n(tc->role, ZC_KIND_ZEROCOPY, ZC_ZC_ERRQUEUE_COPIED, 0, 0, sends, 0);
	return 0;
}

/* A syscall's arguments, as classify_fds reads them. */
struct sys_args {
	long a0, a1, a2, a3, a4; /* di, si, dx, r10, r8 */
};

/* Where the data of this syscall comes from and goes to. */
static __always_inline void classify_fds(struct zc_task_ctx *tc, long id,
					 const struct sys_args *args, const bool cast)
{
	long a0 = args->a0, a1 = args->a1, a2 = args->a2;

	tc->fd_src = ZC_FD_NONE;
	tc->fd_dst = ZC_FD_NONE;
	tc->src_fd = -1;
	tc->dst_fd = -1;
	tc->src_ino = 0;
	tc->dst_ino = 0;
	tc->flow_flags = 0;
	tc->errqueue_msg = 0;
	switch (id) {
	case ZC_NR_READ:
	case ZC_NR_PREAD64:
	case ZC_NR_READV:
	case ZC_NR_PREADV:
	case ZC_NR_PREADV2:
	case ZC_NR_RECVFROM:
		set_src(tc, a0, cast);
		break;
	case ZC_NR_RECVMSG: /* (fd, msg, flags) */
		set_src(tc, a0, cast);
		if (a2 & ZC_MSG_ERRQUEUE)
			tc->errqueue_msg = a1;
		break;
	case ZC_NR_WRITE:
	case ZC_NR_PWRITE64: /* (fd, buf, ...) */
		set_dst(tc, a0, cast);
		buffer_source(tc, a1);
		break;
	case ZC_NR_WRITEV:
	case ZC_NR_PWRITEV:
	case ZC_NR_PWRITEV2: /* (fd, iov, ...) */
		set_dst(tc, a0, cast);
		buffer_source(tc, iov_buffer(a1));
		break;
	case ZC_NR_SENDTO: /* (fd, buf, len, flags, ...) */
		set_dst(tc, a0, cast);
		buffer_source(tc, a1);
		if (args->a3 & ZC_MSG_ZEROCOPY)
			tc->flow_flags = ZC_FLOW_ZEROCOPY;
		break;
	case ZC_NR_SENDMSG: /* (fd, msg, flags) */
		set_dst(tc, a0, cast);
		buffer_source(tc, msg_buffer(a1));
		if (a2 & ZC_MSG_ZEROCOPY)
			tc->flow_flags = ZC_FLOW_ZEROCOPY;
		break;
	case ZC_NR_IO_SUBMIT: /* (ctx, nr, iocbpp) */
		zc_read_iocbs(tc, a1, a2);
		break;
	case ZC_NR_IO_URING_ENTER: /* (ring fd, ...): the data's descriptors are
				      in the ring's requests, not here */
		set_src(tc, a0, cast);
		tc->flow_flags = ZC_FLOW_IO_URING;
		break;
	case ZC_NR_MMAP: /* (addr, len, prot, flags, fd, off): the file mapped,
			    if shared (private ones are mostly libraries) */
		if ((args->a3 & ZC_MAP_TYPE) != ZC_MAP_PRIVATE) {
			set_src(tc, args->a4, cast);
			tc->map_len = a1;
		}
		break;
	case ZC_NR_SENDFILE: /* (out_fd, in_fd, ...) */
		set_dst(tc, a0, cast);
		set_src(tc, a1, cast);
		break;
	case ZC_NR_SPLICE: /* (fd_in, off_in, fd_out, ...) */
	case ZC_NR_COPY_FILE_RANGE:
		set_src(tc, a0, cast);
		set_dst(tc, a2, cast);
		break;
	case ZC_NR_TEE: /* (fd_in, fd_out, ...) */
		set_src(tc, a0, cast);
		set_dst(tc, a1, cast);
		break;
	case ZC_NR_VMSPLICE: /* (fd, iov, ...): into a pipe opened for writing,
				out of one opened for reading */
		if (fd_writable(a0)) {
			set_dst(tc, a0, cast);
			buffer_source(tc, iov_buffer(a1));
		} else {
			set_src(tc, a0, cast);
		}
		break;
	}
}

/* The bytes of the first `submitted` iocbs of the io_submit in progress.
 * Global functions with loops, here and below: the verifier walks a loop
 * once per path that reaches it when it is inlined, once in all when it is
 * a function of its own. */
__noinline __u64 zc_aio_bytes(struct zc_task_ctx *tc, long submitted)
{
	__u64 bytes = 0;

	if (!tc)
		return 0;
#pragma clang loop unroll(disable)
	for (int i = 0; i < ZC_AIO_MAX; i++) {
		if (i >= submitted || i >= tc->aio_n)
			break;
		bytes += tc->aio[i].bytes;
	}
	return bytes;
}

/* Adds a thread's pending flow to zc_flows. */
static __always_inline void flush_flow(struct zc_flow_key *key, struct zc_flow_val *pending)
{
	const struct zc_flow_val zero = {};
	struct zc_flow_val *val;

	if (!pending->calls)
		return;
	/* On the stack: 6.1's verifier takes no plain memory (a global
	 * function's argument) as a map key ("R2 type=mem expected=fp, pkt,
	 * pkt_meta, map_key, map_value"). */
	const struct zc_flow_key k = *key;

	val = zc_lookup_or_init(&zc_flows, &k, &zero, ZC_HEALTH_FLOWS_FULL);
	if (val) {
		__sync_fetch_and_add(&val->calls, pending->calls);
		__sync_fetch_and_add(&val->bytes, pending->bytes);
	}
	pending->calls = 0;
	pending->bytes = 0;
}

static __always_inline bool same_flow(const struct zc_flow_key *a, const struct zc_flow_key *b)
{
	const __u64 *x = (const __u64 *)a, *y = (const __u64 *)b;

	return x[0] == y[0] && x[1] == y[1] && x[2] == y[2] && x[3] == y[3] && x[4] == y[4];
}

/* One data-moving syscall for zc_flows (through the thread's pending
 * flows). mmap is a flow only of a file. A global function, checked by the
 * verifier on its own, as the classifiers below. */
__noinline int zc_count_flow(struct zc_task_ctx *tc, __u32 tgid, __u32 nr, long ret)
{
	struct zc_flow_key key = {};
	struct zc_flow_key *pending_key;
	struct zc_flow_val *pending;
	__u64 bytes = 0;

	if (!tc || (tc->fd_src == ZC_FD_NONE && tc->fd_dst == ZC_FD_NONE))
		return 0;
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
	/* mmap returns an address (its bytes are the length mapped),
	 * io_uring_enter a count of requests (their bytes are counted when
	 * they complete), io_submit a count of iocbs */
	if (nr == ZC_NR_MMAP && ret >= 0)
		bytes = tc->map_len;
	else if (nr == ZC_NR_IO_SUBMIT && ret > 0)
		bytes = zc_aio_bytes(tc, ret);
	else if (ret > 0 && nr != ZC_NR_MMAP && nr != ZC_NR_IO_URING_ENTER)
		bytes = (__u64)ret;
	if (key.dst_kind == ZC_FD_NONE) {
		pending_key = &tc->flows.key[0];
		pending = &tc->flows.val[0];
	} else {
		pending_key = &tc->flows.key[1];
		pending = &tc->flows.val[1];
	}
	if (!pending->calls || !same_flow(pending_key, &key)) {
		flush_flow(pending_key, pending);
		*pending_key = key;
	}
	/* Only this thread writes its context (user space only reads it). */
	pending->calls += 1;
	pending->bytes += bytes;
	return 0;
}

/* Where the data of this syscall comes from and goes to: global functions
 * (the verifier checks each once, on its own: inlined into the entry
 * program, their branches times the context's take it past its limits),
 * one per way of reading a struct file. */
__noinline int zc_classify_cast(struct zc_task_ctx *tc, long id, const struct sys_args *args)
{
	if (tc && args)
		classify_fds(tc, id, args, true);
	return 0;
}

__noinline int zc_classify_compat(struct zc_task_ctx *tc, long id, const struct sys_args *args)
{
	if (tc && args)
		classify_fds(tc, id, args, false);
	return 0;
}

static __always_inline int sys_enter(struct pt_regs *regs, long id, const bool cast)
{
	__u64 id_tgid = bpf_get_current_pid_tgid();
	__u8 role = zc_role_of_tgid(id_tgid >> 32);
	struct zc_task_ctx *tc;

	if (!role) /* all a process not traced pays */
		return 0;
	/* A BTF pointer: plain loads, after the check. */
	const struct sys_args args = {regs->di, regs->si, regs->dx, regs->r10, regs->r8};
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
	tc->role = role;
	tc->rchar_enter = zc_task_rchar(bpf_get_current_task_btf());
	tc->aio_n = 0;
	tc->cow_page = 0;
	if (cast)
		zc_classify_cast(tc, id, &args);
	else
		zc_classify_compat(tc, id, &args);
	if (id == ZC_NR_EXIT || id == ZC_NR_EXIT_GROUP) {
		zc_count_syscall(role, (__u32)id, 0, false, 0);
		zc_emit(ZC_EV_SYSCALL, role, 0, 0, (__u16)id, 0, 0, tc->enter_ns);
	}
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(zc_sys_enter, struct pt_regs *regs, long id)
{
	return sys_enter(regs, id, true);
}

/* Where bpf_rdonly_cast is not (before 6.2): a helper call per field. */
SEC("tp_btf/sys_enter")
int BPF_PROG(zc_sys_enter_compat, struct pt_regs *regs, long id)
{
	return sys_enter(regs, id, false);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(zc_sys_exit, struct pt_regs *regs, long ret)
{
	__u64 id_tgid = bpf_get_current_pid_tgid();
	struct zc_task_ctx *tc;
	__u64 now, took;
	__u16 nr;

	if (!zc_role_of_tgid(id_tgid >> 32)) /* all a process not traced pays */
		return 0;
	tc = zc_ctx_of((__u32)id_tgid);
	/* No context, or the enter happened before the process became a target
	 * (the read that releases a workload from its start gate): skip. */
	if (!tc || !tc->in_syscall)
		return 0;
	now = bpf_ktime_get_ns();
	took = now - tc->enter_ns;
	nr = (__u16)tc->nr;
	zc_count_syscall(tc->role, nr, ret, true, took);
	zc_emit(ZC_EV_SYSCALL, tc->role, 0, 0, nr, ret, took, tc->enter_ns);
	zc_count_flow(tc, id_tgid >> 32, nr, ret);
	zc_syscall_copies(tc, ret);
	if (tc->errqueue_msg)
		zc_errqueue_completions(tc, ret);
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
	if (bpf_map_update_elem(&zc_targets, &child_tgid, &copy, BPF_NOEXIST) == -ZC_E2BIG) {
		zc_health_inc(ZC_HEALTH_TARGETS_FULL);
		return 0;
	}
	zc_set_role(child_tgid, (__u8)copy.role);
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
	struct zc_task_ctx *tc = zc_ctx_of(tid);

	if (!tc)
		return 0;
	flush_flow(&tc->flows.key[0], &tc->flows.val[0]);
	flush_flow(&tc->flows.key[1], &tc->flows.val[1]);
	zc_ctx_drop(tid, tc);
	return 0;
}
