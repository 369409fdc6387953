// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Copy family: where payload bytes move, and whether the CPU copies them.
 *
 * The copy routines themselves (_copy_to_user, copy_page_to_iter, ...) live
 * in lib/, which is built without ftrace: nothing attaches to them on a stock
 * kernel. So each copy is observed at a traceable site that owns it and knows
 * its size. Every site has alternatives, and user space autoloads the best
 * one this kernel accepts (userspace/probe_catalog.cpp):
 *
 *   1. fexit at the site itself: the byte count is its return value or
 *      argument (evidence "site");
 *   2. tracepoints near it (evidence "tracepoint", or "derived" when the
 *      bytes are the syscall's return);
 *   3. the syscall's return, by the kind of its fd (zc_cfg.derive_*).
 *
 * Events are attributed to the thread's process and to the syscall it is in;
 * sites that also run outside syscalls (io_uring workers, softirq) record
 * ZC_NO_SYSCALL, and owners are found through the skb's socket where the
 * thread is not the workload's. Nothing is dropped: an event no workload owns
 * is counted for ZC_ROLE_NONE.
 */
#include "common.bpf.h"
#include "syscall_nr.bpf.h"

/* include/linux/socket.h; #defines, so not in vmlinux.h. */
#define ZC_MSG_ZEROCOPY	    0x4000000
#define ZC_MSG_SPLICE_PAGES 0x8000000
/* NETIF_F_SG_BIT is 0 in every kernel that has it (include/linux/netdev_features.h). */
#define ZC_NETIF_F_SG (1ULL << 0)
/* asm-generic/fcntl.h (x86_64) */
#define ZC_O_DIRECT 0040000

/* ---- iterators ---------------------------------------------------------- */

enum iter_class { ITER_CLASS_USER, ITER_CLASS_KERNEL, ITER_CLASS_PIPE, ITER_CLASS_DISCARD };

/* ITER_PIPE filled pipes with page references for splice reads until
 * "iov_iter: Kill ITER_PIPE" (6.5); 6.18's vmlinux.h no longer has it. */
enum iter_type___pipe { ITER_PIPE___pipe = 0 };

/* Before commit 8cd54c1c8480 ("iov_iter: separate direction from
 * flavour", 5.14) the flavour and direction shared `type`, as flag bits. */
struct iov_iter___pre514 {
	unsigned int type;
} __attribute__((preserve_access_index));
#define ZC_PRE514_ITER_IOVEC   4
#define ZC_PRE514_ITER_PIPE    32
#define ZC_PRE514_ITER_DISCARD 64

static __always_inline int iter_class(const struct iov_iter *iter)
{
	if (bpf_core_field_exists(iter->iter_type)) {
		__u8 t = BPF_CORE_READ(iter, iter_type);

		/* ITER_UBUF arrived in 6.0 (commit fcb14cb1bdac, "new iov_iter
		 * flavour - ITER_UBUF"); user memory was ITER_IOVEC before.
		 * The values moved between versions: read them with CO-RE. */
		if (bpf_core_enum_value_exists(enum iter_type, ITER_UBUF) &&
		    t == bpf_core_enum_value(enum iter_type, ITER_UBUF))
			return ITER_CLASS_USER;
		if (t == bpf_core_enum_value(enum iter_type, ITER_IOVEC))
			return ITER_CLASS_USER;
		if (bpf_core_enum_value_exists(enum iter_type___pipe, ITER_PIPE___pipe) &&
		    t == bpf_core_enum_value(enum iter_type___pipe, ITER_PIPE___pipe))
			return ITER_CLASS_PIPE;
		if (t == bpf_core_enum_value(enum iter_type, ITER_DISCARD))
			return ITER_CLASS_DISCARD;
		return ITER_CLASS_KERNEL;
	}
	unsigned int type = BPF_CORE_READ((struct iov_iter___pre514 *)iter, type);

	if (type & ZC_PRE514_ITER_IOVEC)
		return ITER_CLASS_USER;
	if (type & ZC_PRE514_ITER_PIPE)
		return ITER_CLASS_PIPE;
	if (type & ZC_PRE514_ITER_DISCARD)
		return ITER_CLASS_DISCARD;
	return ITER_CLASS_KERNEL;
}

/* Copying out of the kernel into this iterator. */
static __always_inline __u8 dir_into(const struct iov_iter *iter)
{
	return iter_class(iter) == ITER_CLASS_USER ? ZC_DIR_KERNEL_TO_USER
						   : ZC_DIR_KERNEL_TO_KERNEL;
}

/* Copying from this iterator into the kernel. */
static __always_inline __u8 dir_from(const struct iov_iter *iter)
{
	return iter_class(iter) == ITER_CLASS_USER ? ZC_DIR_USER_TO_KERNEL
						   : ZC_DIR_KERNEL_TO_KERNEL;
}

/* ---- accounting helpers -------------------------------------------------- */

static __always_inline void payload(__u8 role, __u16 site, __u8 dir, __u16 nr, __u64 bytes)
{
	zc_count(role, ZC_KIND_PAYLOAD, site, dir, nr, bytes);
	zc_emit(ZC_EV_PAYLOAD, role, site, dir, nr, bytes, 0, 0);
}

static __always_inline __u64 arg(__u64 *ctx, __u32 n)
{
	__u64 v = 0;

	bpf_get_func_arg(ctx, n, &v);
	return v;
}

static __always_inline __s64 ret_of(__u64 *ctx)
{
	__u64 v = 0;

	bpf_get_func_ret(ctx, &v);
	return (__s64)v;
}

/* The workload a socket's work belongs to, when the current thread is not. */
static __always_inline __u8 owner_of_sock(__u64 sk)
{
	__u32 *owner = sk ? bpf_map_lookup_elem(&zc_owners, &sk) : NULL;

	return owner ? (__u8)*owner : ZC_ROLE_NONE;
}

/* Mirror tcp_sendmsg_locked()'s choice between copying and taking page
 * references (net/ipv4/tcp.c): both zero-copy paths need NETIF_F_SG on the
 * route; MSG_ZEROCOPY also needs SO_ZEROCOPY on the socket or a ubuf handed
 * in by io_uring. Without SG the bytes are copied from the iterator. The
 * site says which: MSG_ZEROCOPY references may still be copied later. */
static __always_inline __u8 classify_tcp_send(const struct sock *sk, const struct msghdr *msg,
					      __u16 *site)
{
	unsigned int flags = BPF_CORE_READ(msg, msg_flags);
	__u64 caps = BPF_CORE_READ(sk, sk_route_caps);
	bool sg = caps & ZC_NETIF_F_SG;

	*site = ZC_SITE_TCP_SENDMSG;
	/* MSG_SPLICE_PAGES replaced ->sendpage in 6.5 (commit dc97391e6610,
	 * "sock: Remove ->sendpage*() in favour of sendmsg(MSG_SPLICE_PAGES)"). */
	if (sg && (flags & ZC_MSG_SPLICE_PAGES))
		return ZC_DIR_REFERENCE;
	if (sg && (flags & ZC_MSG_ZEROCOPY)) {
		unsigned long sk_flags = BPF_CORE_READ(sk, __sk_common.skc_flags);
		int bit = bpf_core_enum_value(enum sock_flags, SOCK_ZEROCOPY);
		bool ubuf = false;

		/* msg_ubuf arrived in 6.0 for io_uring zero-copy send (commit
		 * 7c701d92b2b5, "skbuff: carry external ubuf_info in msghdr"). */
		if (bpf_core_field_exists(msg->msg_ubuf))
			ubuf = BPF_CORE_READ(msg, msg_ubuf) != NULL;
		if (ubuf || (sk_flags & (1UL << bit))) {
			*site = ZC_SITE_TCP_ZEROCOPY;
			return ZC_DIR_REFERENCE;
		}
	}
	return dir_from(&msg->msg_iter);
}

/* ---- page cache -> iterator: filemap_read -------------------------------- */

/* filemap_read(iocb, iter, already_read) returns already_read plus what it
 * copied out of the page cache. Into a pipe (6.1's splice reads) it takes
 * page references instead: that is the splice-read site. */
SEC("fexit/filemap_read")
int zc_filemap_read_fexit(__u64 *ctx)
{
	struct zc_task_ctx *tc;
	__u16 nr;
	__u8 role = zc_site_context(&tc, &nr);
	const struct iov_iter *iter = (const struct iov_iter *)arg(ctx, 1);
	__s64 already = (__s64)arg(ctx, 2), ret = ret_of(ctx);
	int class;

	if (!role || ret <= already)
		return 0;
	class = iter_class(iter);
	if (class == ITER_CLASS_DISCARD)
		return 0;
	if (class == ITER_CLASS_PIPE)
		payload(role, ZC_SITE_SPLICE_READ, ZC_DIR_REFERENCE, nr, ret - already);
	else
		payload(role, ZC_SITE_FILEMAP_READ, dir_into(iter), nr, ret - already);
	return 0;
}

/* Tracepoint tier: the lookup marks the syscall; its return sizes the copy.
 * Outside a syscall (an io_uring worker) nothing sizes it: the lookup is
 * counted with ZC_NO_SYSCALL so the account can say so. */
SEC("tp_btf/mm_filemap_get_pages")
int BPF_PROG(zc_filemap_get_pages, struct address_space *mapping, unsigned long index,
	     unsigned long last_index)
{
	struct zc_task_ctx *tc;
	__u16 nr;
	__u8 role = zc_site_context(&tc, &nr);

	if (!role)
		return 0;
	if (tc && tc->in_syscall)
		tc->copy_flags |= ZC_CF_FILEMAP_GET_PAGES;
	zc_count(role, ZC_KIND_FILEMAP, ZC_FILEMAP_GET_PAGES, 0, nr,
		 (last_index - index + 1) * 4096);
	return 0;
}

/* ---- iterator -> page cache: generic_perform_write ----------------------- */

SEC("fexit/generic_perform_write")
int zc_file_write_fexit(__u64 *ctx)
{
	struct zc_task_ctx *tc;
	__u16 nr;
	__u8 role = zc_site_context(&tc, &nr);
	const struct iov_iter *iter = (const struct iov_iter *)arg(ctx, 1);
	__s64 ret = ret_of(ctx);

	if (role && ret > 0)
		payload(role, ZC_SITE_FILE_WRITE, dir_from(iter), nr, ret);
	return 0;
}

/* Tracepoint tier: ext4's ->write_end reports what generic_perform_write
 * copied into each page. */
static __always_inline void file_write_end(unsigned int copied)
{
	struct zc_task_ctx *tc;
	__u16 nr;
	__u8 role = zc_site_context(&tc, &nr);

	if (!role || !copied)
		return;
	payload(role, ZC_SITE_FILE_WRITE,
		(tc && tc->in_syscall && zc_write_family(tc->nr)) ? ZC_DIR_USER_TO_KERNEL
								  : ZC_DIR_KERNEL_TO_KERNEL,
		nr, copied);
}

SEC("tp_btf/ext4_da_write_end")
int BPF_PROG(zc_ext4_da_write_end, struct inode *inode, loff_t pos, unsigned int len,
	     unsigned int copied)
{
	file_write_end(copied);
	return 0;
}

SEC("tp_btf/ext4_write_end")
int BPF_PROG(zc_ext4_write_end, struct inode *inode, loff_t pos, unsigned int len,
	     unsigned int copied)
{
	file_write_end(copied);
	return 0;
}

/* ---- iterator -> socket --------------------------------------------------- */

static __always_inline void send_counted(struct zc_task_ctx *tc, __u64 bytes)
{
	if (!tc)
		return;
	tc->send_dir = ZC_SEND_COUNTED;
	tc->send_seen += bytes;
}

SEC("fexit/tcp_sendmsg_locked")
int zc_tcp_sendmsg_fexit(__u64 *ctx)
{
	struct zc_task_ctx *tc;
	__u16 nr;
	const struct sock *sk = (const struct sock *)arg(ctx, 0);
	const struct msghdr *msg = (const struct msghdr *)arg(ctx, 1);
	__s64 ret = ret_of(ctx);
	__u8 role = zc_site_context(&tc, &nr);
	__u64 key = (__u64)sk;

	if (!role)
		return 0;
	__u16 site;
	__u8 dir;

	zc_remember_owner(&zc_owners, &key, role);
	if (ret <= 0)
		return 0;
	dir = classify_tcp_send(sk, msg, &site);
	payload(role, site, dir, nr, ret);
	send_counted(tc, ret);
	return 0;
}

/* Before 6.5, sendfile and splice reached TCP through ->sendpage; with SG on
 * the route tcp_sendpage() calls do_tcp_sendpages(), which attaches the
 * pages to skbs (without SG it falls back to a copying sendmsg, seen above). */
SEC("fexit/do_tcp_sendpages")
int zc_tcp_sendpages_fexit(__u64 *ctx)
{
	struct zc_task_ctx *tc;
	__u16 nr;
	__u64 key = arg(ctx, 0);
	__s64 ret = ret_of(ctx);
	__u8 role = zc_site_context(&tc, &nr);

	if (!role)
		return 0;
	zc_remember_owner(&zc_owners, &key, role);
	if (ret <= 0)
		return 0;
	payload(role, ZC_SITE_TCP_SENDPAGE, ZC_DIR_REFERENCE, nr, ret);
	send_counted(tc, ret);
	return 0;
}

/* Tracepoint tier of tcp_sendmsg_locked: fires once per loop iteration,
 * before that iteration copies or splices; the decision holds for the whole
 * call, so the first firing classifies it and sock_send_length sizes it. */
SEC("tp_btf/tcp_sendmsg_locked")
int BPF_PROG(zc_tcp_sendmsg_locked, const struct sock *sk, const struct msghdr *msg,
	     const struct sk_buff *skb, int size_goal)
{
	struct zc_task_ctx *tc = zc_current_ctx();
	__u64 key = (__u64)sk;

	__u16 site;

	if (!tc || !tc->in_syscall || tc->send_dir)
		return 0;
	tc->send_dir = classify_tcp_send(sk, msg, &site);
	tc->send_site = site;
	zc_remember_owner(&zc_owners, &key, tc->role);
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(zc_sock_send_length, struct sock *sk, int ret, int flags)
{
	struct zc_task_ctx *tc = zc_current_ctx();
	__u64 key = (__u64)sk;
	__u8 dir;
	__u16 site;

	if (!tc || !tc->in_syscall)
		return 0;
	zc_remember_owner(&zc_owners, &key, tc->role);
	zc_count(tc->role, ZC_KIND_SOCK, ZC_SOCK_SEND, 0, (__u16)tc->nr, ret > 0 ? ret : 0);
	dir = tc->send_dir;
	site = tc->send_site;
	tc->send_dir = 0;
	tc->send_site = 0;
	if (dir == ZC_SEND_COUNTED || ret <= 0)
		return 0; /* the site itself counted these bytes */
	/* No classification: not TCP (or tcp_sendmsg_locked is not watched).
	 * A write-family send copies from user memory whatever the protocol;
	 * what sendfile and splice did is unknown. */
	if (!dir) {
		site = ZC_SITE_SOCK_SENDMSG;
		dir = zc_write_family(tc->nr) || tc->nr == ZC_NR_SENDTO || tc->nr == ZC_NR_SENDMSG
			  ? ZC_DIR_USER_TO_KERNEL
			  : ZC_DIR_UNKNOWN;
	}
	payload(tc->role, site, dir, (__u16)tc->nr, ret);
	tc->send_seen += ret;
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(zc_sock_recv_length, struct sock *sk, int ret, int flags)
{
	struct zc_task_ctx *tc = zc_current_ctx();
	__u64 key = (__u64)sk;

	if (!tc || !tc->in_syscall)
		return 0;
	zc_remember_owner(&zc_owners, &key, tc->role);
	zc_count(tc->role, ZC_KIND_SOCK, ZC_SOCK_RECV, 0, (__u16)tc->nr, ret > 0 ? ret : 0);
	return 0;
}

/* ---- skb -> iterator: the receive copy ----------------------------------- */

static __always_inline void receive_copy(const struct sk_buff *skb, __u8 dir, __u64 len)
{
	struct zc_task_ctx *tc;
	__u16 nr;
	__u8 role = zc_site_context(&tc, &nr);
	__u64 sk = (__u64)BPF_CORE_READ(skb, sk);

	if (!role || !len)
		return;
	/* The reader owns the socket: its ACKs are its transmits. */
	if (sk)
		zc_remember_owner(&zc_owners, &sk, role);
	payload(role, ZC_SITE_SKB_COPY_DATAGRAM, dir, nr, len);
	if (tc)
		tc->recv_seen += len;
}

/* skb_copy_datagram_iter(skb, offset, to, len) returns 0 when it copied len. */
SEC("fexit/skb_copy_datagram_iter")
int zc_skb_copy_datagram_fexit(__u64 *ctx)
{
	const struct iov_iter *to = (const struct iov_iter *)arg(ctx, 2);

	if (ret_of(ctx) == 0)
		receive_copy((const struct sk_buff *)arg(ctx, 0), dir_into(to), (__u32)arg(ctx, 3));
	return 0;
}

SEC("tp_btf/skb_copy_datagram_iovec")
int BPF_PROG(zc_skb_copy_datagram, const struct sk_buff *skb, int len)
{
	if (len > 0)
		receive_copy(skb, ZC_DIR_KERNEL_TO_USER, len);
	return 0;
}

/* ---- pipes ----------------------------------------------------------------- */

static __always_inline void pipe_io(__u64 *ctx, bool read)
{
	struct zc_task_ctx *tc;
	__u16 nr;
	__u8 role = zc_site_context(&tc, &nr);
	const struct iov_iter *iter = (const struct iov_iter *)arg(ctx, 1);
	__s64 ret = ret_of(ctx);

	if (!role || ret <= 0)
		return;
	if (read)
		payload(role, ZC_SITE_PIPE_READ, dir_into(iter), nr, ret);
	else
		payload(role, ZC_SITE_PIPE_WRITE, dir_from(iter), nr, ret);
}

/* pipe_read/pipe_write(iocb, iter) were renamed anon_pipe_read and
 * anon_pipe_write in 2025 (FIFOs reach them through fifo_pipe_read/write);
 * user space autoloads whichever this kernel has. */
SEC("fexit/pipe_read")
int zc_pipe_read_fexit(__u64 *ctx)
{
	pipe_io(ctx, true);
	return 0;
}

SEC("fexit/anon_pipe_read")
int zc_anon_pipe_read_fexit(__u64 *ctx)
{
	pipe_io(ctx, true);
	return 0;
}

SEC("fexit/pipe_write")
int zc_pipe_write_fexit(__u64 *ctx)
{
	pipe_io(ctx, false);
	return 0;
}

SEC("fexit/anon_pipe_write")
int zc_anon_pipe_write_fexit(__u64 *ctx)
{
	pipe_io(ctx, false);
	return 0;
}

/* ---- splice reads ------------------------------------------------------------ */

/* filemap_splice_read(in, ppos, pipe, len, flags) (6.5+) moves page-cache
 * pages into the pipe by reference. */
SEC("fexit/filemap_splice_read")
int zc_splice_read_fexit(__u64 *ctx)
{
	struct zc_task_ctx *tc;
	__u16 nr;
	__u8 role = zc_site_context(&tc, &nr);
	__s64 ret = ret_of(ctx);

	if (role && ret > 0)
		payload(role, ZC_SITE_SPLICE_READ, ZC_DIR_REFERENCE, nr, ret);
	return 0;
}

/* copy_splice_read(in, ppos, pipe, len, flags) (6.5+) reads into fresh pages
 * through a kernel iterator: a CPU copy, unless the file is O_DIRECT and the
 * device wrote them itself. */
SEC("fexit/copy_splice_read")
int zc_copy_splice_read_fexit(__u64 *ctx)
{
	struct zc_task_ctx *tc;
	__u16 nr;
	__u8 role = zc_site_context(&tc, &nr);
	struct file *in = (struct file *)arg(ctx, 0);
	__s64 ret = ret_of(ctx);

	if (!role || ret <= 0)
		return 0;
	payload(role, ZC_SITE_COPY_SPLICE_READ,
		(BPF_CORE_READ(in, f_flags) & ZC_O_DIRECT) ? ZC_DIR_DEVICE
							   : ZC_DIR_KERNEL_TO_KERNEL,
		nr, ret);
	return 0;
}

/* ---- copies the kernel makes on its own --------------------------------------- */

/* Whose copy of this skb is it: the target thread's making it, else the
 * owner of the skb's socket (softirq runs in whatever thread it interrupts). */
static __always_inline __u8 skb_role(const struct sk_buff *skb, __u16 *nr)
{
	struct zc_task_ctx *tc;
	__u8 role = zc_site_context(&tc, nr);

	return role ? role : owner_of_sock((__u64)BPF_CORE_READ(skb, sk));
}

/* skb_copy_ubufs(skb, gfp) replaces frags that point at user pages
 * (MSG_ZEROCOPY) by kernel copies, before such an skb may be queued to a
 * local socket or another path that cannot keep user pages: a deferred copy,
 * often in softirq. Outside the workload's threads it is the skb socket's. */
SEC("fexit/skb_copy_ubufs")
int zc_skb_copy_ubufs_fexit(__u64 *ctx)
{
	const struct sk_buff *skb = (const struct sk_buff *)arg(ctx, 0);
	__u16 nr;
	__u8 role;

	if (ret_of(ctx) != 0)
		return 0;
	role = skb_role(skb, &nr);
	payload(role, ZC_SITE_SKB_COPY_UBUFS, ZC_DIR_KERNEL_TO_KERNEL, nr,
		BPF_CORE_READ(skb, data_len));
	return 0;
}

/* skb_copy_bits(skb, offset, to, len) returns 0 when it copied len bytes out
 * of an skb into kernel memory (checksums, collapses, taps). */
SEC("fexit/skb_copy_bits")
int zc_skb_copy_bits_fexit(__u64 *ctx)
{
	const struct sk_buff *skb = (const struct sk_buff *)arg(ctx, 0);
	__u16 nr;
	__u8 role;

	if (ret_of(ctx) != 0)
		return 0;
	role = skb_role(skb, &nr);
	if (role) /* copies of other processes' skbs are theirs */
		payload(role, ZC_SITE_SKB_COPY_BITS, ZC_DIR_KERNEL_TO_KERNEL, nr,
			(__u32)arg(ctx, 3));
	return 0;
}

/* ---- syscall returns: the tracepoint tier of filemap_read, and the
 *      derived tier of every site that has one ----------------------------- */

static __always_inline void derive(struct zc_task_ctx *tc, __u16 site, __u8 dir, __u64 bytes)
{
	if (bytes)
		payload(tc->role, site, dir, (__u16)tc->nr, bytes);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(zc_copies_sys_exit, struct pt_regs *regs, long ret)
{
	struct zc_task_ctx *tc = zc_current_ctx();
	__u32 nr;
	__u64 bytes;

	if (!tc || !tc->copies_pending)
		return 0;
	tc->copies_pending = 0;
	nr = tc->nr;
	/* A read-family syscall that looked pages up in the page cache copied
	 * its return's worth out of it (filemap_read -> copy_folio_to_iter);
	 * sendfile and splice look pages up too, but pass references. */
	if (tc->copy_flags & ZC_CF_FILEMAP_GET_PAGES) {
		tc->copy_flags &= ~ZC_CF_FILEMAP_GET_PAGES;
		if (ret > 0 && zc_read_family(nr))
			payload(tc->role, ZC_SITE_FILEMAP_READ, ZC_DIR_KERNEL_TO_USER, (__u16)nr,
				ret);
	}
	if (ret <= 0)
		return 0;
	bytes = ret;
	if (zc_read_family(nr)) {
		if (tc->fd_src == ZC_FD_REG && zc_cfg.derive_filemap_read)
			derive(tc, ZC_SITE_FILEMAP_READ, ZC_DIR_KERNEL_TO_USER, bytes);
		else if (tc->fd_src == ZC_FD_FIFO && zc_cfg.derive_pipe_read)
			derive(tc, ZC_SITE_PIPE_READ, ZC_DIR_KERNEL_TO_USER, bytes);
		else if (tc->fd_src == ZC_FD_SOCK && zc_cfg.derive_sock_recv &&
			 bytes > tc->recv_seen)
			derive(tc, ZC_SITE_SKB_COPY_DATAGRAM, ZC_DIR_KERNEL_TO_USER,
			       bytes - tc->recv_seen);
	} else if (nr == ZC_NR_RECVFROM || nr == ZC_NR_RECVMSG) {
		if (zc_cfg.derive_sock_recv && bytes > tc->recv_seen)
			derive(tc, ZC_SITE_SKB_COPY_DATAGRAM, ZC_DIR_KERNEL_TO_USER,
			       bytes - tc->recv_seen);
	} else if (zc_write_family(nr) || nr == ZC_NR_SENDTO || nr == ZC_NR_SENDMSG) {
		if (tc->fd_dst == ZC_FD_REG && zc_cfg.derive_file_write)
			derive(tc, ZC_SITE_FILE_WRITE, ZC_DIR_USER_TO_KERNEL, bytes);
		else if (tc->fd_dst == ZC_FD_FIFO && zc_cfg.derive_pipe_write)
			derive(tc, ZC_SITE_PIPE_WRITE, ZC_DIR_USER_TO_KERNEL, bytes);
		else if (tc->fd_dst == ZC_FD_SOCK && zc_cfg.derive_sock_send &&
			 bytes > tc->send_seen)
			derive(tc, ZC_SITE_SOCK_SENDMSG, ZC_DIR_USER_TO_KERNEL,
			       bytes - tc->send_seen);
	} else if (nr == ZC_NR_SENDFILE || nr == ZC_NR_SPLICE) {
		/* The read side: the page cache hands page references to the
		 * pipe; O_DIRECT and non-page-cache files go through
		 * copy_splice_read (the device fills O_DIRECT pages itself). */
		if (tc->fd_src == ZC_FD_REG && zc_cfg.derive_splice_ref)
			derive(tc, ZC_SITE_SPLICE_READ, ZC_DIR_REFERENCE, bytes);
		else if (tc->fd_src == ZC_FD_REG_DIRECT && zc_cfg.derive_splice_copy)
			derive(tc, ZC_SITE_COPY_SPLICE_READ, ZC_DIR_DEVICE, bytes);
		else if (tc->fd_src == ZC_FD_OTHER && zc_cfg.derive_splice_copy)
			derive(tc, ZC_SITE_COPY_SPLICE_READ, ZC_DIR_KERNEL_TO_KERNEL, bytes);
		/* The send side: copied or passed by reference, the syscall does
		 * not say. */
		if (tc->fd_dst == ZC_FD_SOCK && zc_cfg.derive_sock_send && bytes > tc->send_seen)
			derive(tc, ZC_SITE_SOCK_SENDMSG, ZC_DIR_UNKNOWN, bytes - tc->send_seen);
	}
	return 0;
}
