// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Copy family: where payload bytes move, and whether the CPU copies them.
 *
 * The copy routines themselves (_copy_to_user, copy_page_to_iter, ...) live
 * in lib/, which is built without ftrace: nothing attaches to them on a stock
 * kernel. So each copy is observed at a traceable site that owns it and knows
 * its size. Every site has alternatives, and user space autoloads the best
 * one this kernel accepts (userspace/probes/probe_catalog.cpp):
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
#include "vma_lookup.bpf.h"

/* include/linux/socket.h; #defines, so not in vmlinux.h. */
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

static __always_inline __u64 arg(__u64 *ctx, __u32 n)
{
	__u64 v = 0;

	bpf_get_func_arg(ctx, n, &v);
	return v;
}

/* The return value of a function returning long or ssize_t. */
static __always_inline __s64 ret_of(__u64 *ctx)
{
	__u64 v = 0;

	bpf_get_func_ret(ctx, &v);
	return (__s64)v;
}

/* The return value of a function returning int: only the low 32 bits of
 * the register are the value (-EAGAIN is 0x00000000fffffff5 as a u64). */
static __always_inline int ret_int(__u64 *ctx)
{
	return (int)ret_of(ctx);
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

/* A site whose return is the bytes it moved, all in one direction. */
static __always_inline void returned_bytes(__u64 *ctx, __u16 site, __u8 dir)
{
	struct zc_task_ctx *tc;
	__u16 nr;
	__u8 role = zc_site_context(&tc, &nr);
	__s64 ret = ret_of(ctx);

	if (role && ret > 0)
		zc_payload(role, site, dir, nr, ret);
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
		zc_payload(role, ZC_SITE_SPLICE_READ, ZC_DIR_REFERENCE, nr, ret - already);
	else
		zc_payload(role, ZC_SITE_FILEMAP_READ, dir_into(iter), nr, ret - already);
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

	if (!role || ret <= 0)
		return 0;
	zc_payload(role, ZC_SITE_FILE_WRITE, dir_from(iter), nr, ret);
	if (tc)
		tc->write_seen += ret;
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
	zc_payload(role, ZC_SITE_FILE_WRITE,
		   (tc && tc->in_syscall && zc_write_family(tc->nr)) ? ZC_DIR_USER_TO_KERNEL
								     : ZC_DIR_KERNEL_TO_KERNEL,
		   nr, copied);
	if (tc)
		tc->write_seen += copied;
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
	int ret = ret_int(ctx); /* int tcp_sendmsg_locked() */
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
	zc_payload(role, site, dir, nr, ret);
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
	zc_payload(role, ZC_SITE_TCP_SENDPAGE, ZC_DIR_REFERENCE, nr, ret);
	send_counted(tc, ret);
	return 0;
}

/* Tracepoint tier of tcp_sendmsg_locked: fires once per loop iteration,
 * before that iteration copies or splices; the decision holds for the whole
 * call, so the first firing classifies it and sock_send_length sizes it.
 * io_uring workers send outside any syscall: they get a context here. */
SEC("tp_btf/tcp_sendmsg_locked")
int BPF_PROG(zc_tcp_sendmsg_locked, const struct sock *sk, const struct msghdr *msg,
	     const struct sk_buff *skb, int size_goal)
{
	struct zc_task_ctx *tc = zc_thread_ctx();
	__u64 key = (__u64)sk;
	__u16 site;

	if (!tc || tc->send_dir)
		return 0;
	tc->send_dir = classify_tcp_send(sk, msg, &site);
	tc->send_site = site;
	zc_remember_owner(&zc_owners, &key, tc->role);
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(zc_sock_send_length, struct sock *sk, int ret, int flags)
{
	struct zc_task_ctx *tc = zc_thread_ctx();
	__u64 key = (__u64)sk;
	__u16 site, nr;
	__u8 dir;

	if (!tc)
		return 0;
	nr = tc->in_syscall ? (__u16)tc->nr : ZC_NO_SYSCALL;
	zc_remember_owner(&zc_owners, &key, tc->role);
	zc_count(tc->role, ZC_KIND_SOCK, ZC_SOCK_SEND, 0, nr, ret > 0 ? ret : 0);
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
		dir = tc->in_syscall && (zc_write_family(tc->nr) || tc->nr == ZC_NR_SENDTO ||
					 tc->nr == ZC_NR_SENDMSG)
			  ? ZC_DIR_USER_TO_KERNEL
			  : ZC_DIR_UNKNOWN;
	}
	zc_payload(tc->role, site, dir, nr, ret);
	tc->send_seen += ret;
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(zc_sock_recv_length, struct sock *sk, int ret, int flags)
{
	struct zc_task_ctx *tc = zc_thread_ctx();
	__u64 key = (__u64)sk;

	if (!tc)
		return 0;
	zc_remember_owner(&zc_owners, &key, tc->role);
	zc_count(tc->role, ZC_KIND_SOCK, ZC_SOCK_RECV, 0,
		 tc->in_syscall ? (__u16)tc->nr : ZC_NO_SYSCALL, ret > 0 ? ret : 0);
	return 0;
}

/* ---- skb -> iterator: the receive copy ----------------------------------- */

/* `sk`: the skb's socket (the tracepoint reads it with a plain load, the
 * fexit program through a helper). */
static __always_inline void receive_copy(__u64 sk, __u8 dir, __u64 len)
{
	struct zc_task_ctx *tc;
	__u16 nr;
	__u8 role = zc_site_context(&tc, &nr);

	if (!role || !len)
		return;
	/* The reader owns the socket: its ACKs are its transmits. */
	if (sk)
		zc_remember_owner(&zc_owners, &sk, role);
	zc_payload(role, ZC_SITE_SKB_COPY_DATAGRAM, dir, nr, len);
	if (tc)
		tc->recv_seen += len;
}

/* skb_copy_datagram_iter(skb, offset, to, len) returns 0 when it copied len. */
SEC("fexit/skb_copy_datagram_iter")
int zc_skb_copy_datagram_fexit(__u64 *ctx)
{
	const struct iov_iter *to = (const struct iov_iter *)arg(ctx, 2);

	if (ret_int(ctx) == 0)
		receive_copy((__u64)BPF_CORE_READ((const struct sk_buff *)arg(ctx, 0), sk),
			     dir_into(to), (__u32)arg(ctx, 3));
	return 0;
}

SEC("tp_btf/skb_copy_datagram_iovec")
int BPF_PROG(zc_skb_copy_datagram, const struct sk_buff *skb, int len)
{
	if (len > 0)
		receive_copy((__u64)skb->sk, ZC_DIR_KERNEL_TO_USER, len);
	return 0;
}

/* ---- pipes ----------------------------------------------------------------- */

static __always_inline void pipe_io(__u64 *ctx, bool read)
{
	const struct iov_iter *iter = (const struct iov_iter *)arg(ctx, 1);

	if (read)
		returned_bytes(ctx, ZC_SITE_PIPE_READ, dir_into(iter));
	else
		returned_bytes(ctx, ZC_SITE_PIPE_WRITE, dir_from(iter));
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
	returned_bytes(ctx, ZC_SITE_SPLICE_READ, ZC_DIR_REFERENCE);
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
	zc_payload(role, ZC_SITE_COPY_SPLICE_READ,
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

/* io_kiocb->task (6.1, 6.12) gave way to io_kiocb->tctx->task in 6.13;
 * which one this kernel has is read with CO-RE. */
struct io_kiocb___task {
	struct task_struct *task;
} __attribute__((preserve_access_index));

/* The sender of a zero-copy skb, from the ubuf_info its pages are pinned
 * by (skb_shinfo(skb)->destructor_arg): the skb being copied has long lost
 * its own socket (skb_orphan() on the loopback path).
 *  - MSG_ZEROCOPY: the ubuf_info lives in the control block of a
 *    notification skb charged to the sending socket (skb_from_uarg() in
 *    net/core/skbuff.c);
 *  - io_uring SEND_ZC: it lives in the io_notif_data of a request, whose
 *    task is the sender's thread (io_uring/notif.h).
 * Each reading is tried in turn; the wrong one finds no target. */
static __always_inline __u8 zerocopy_sender(const struct sk_buff *skb)
{
	char *uarg = BPF_CORE_READ(skb_shinfo_of(skb), destructor_arg);
	const struct sk_buff *notification;
	const struct io_kiocb *req;
	struct task_struct *task;
	__u8 role;

	if (!uarg)
		return ZC_ROLE_NONE;
	notification = (const void *)(uarg - bpf_core_field_offset(struct sk_buff, cb));
	role = owner_of_sock((__u64)BPF_CORE_READ(notification, sk));
	if (role || !bpf_core_type_exists(struct io_notif_data))
		return role;
	req = (const void *)(uarg - bpf_core_field_offset(struct io_notif_data, uarg) -
			     bpf_core_field_offset(struct io_kiocb, cmd));
	if (bpf_core_field_exists(((struct io_kiocb___task *)0)->task))
		task = BPF_CORE_READ((struct io_kiocb___task *)req, task);
	else
		task = BPF_CORE_READ(req, tctx, task);
	return task ? zc_role_of_tgid(BPF_CORE_READ(task, tgid)) : ZC_ROLE_NONE;
}

/* skb_copy_ubufs(skb, gfp) replaces frags that point at user pages
 * (MSG_ZEROCOPY) by kernel copies, before such an skb may be queued to a
 * local socket or another path that cannot keep user pages: a deferred copy,
 * often in softirq. It is the sender's copy; in the sender's own thread the
 * syscall it interrupted says where. */
SEC("fexit/skb_copy_ubufs")
int zc_skb_copy_ubufs_fexit(__u64 *ctx)
{
	const struct sk_buff *skb = (const struct sk_buff *)arg(ctx, 0);
	__u16 nr;
	__u8 role, sender;

	if (ret_int(ctx) != 0)
		return 0;
	role = skb_role(skb, &nr);
	sender = zerocopy_sender(skb);
	if (sender && sender != role) {
		role = sender;
		nr = ZC_NO_SYSCALL;
	}
	zc_payload(role, ZC_SITE_SKB_COPY_UBUFS, ZC_DIR_KERNEL_TO_KERNEL, nr,
		   BPF_CORE_READ(skb, data_len));
	return 0;
}

/* skb_copy_bits(skb, offset, to, len) returns 0 when it copied len bytes out
 * of an skb into kernel memory (checksums, collapses, taps). Out of a GSO
 * skb it is skb_segment() making linear segments for a device without
 * scatter-gather: that copy is xmit_linearize's (bpf/net.bpf.c), not
 * counted twice. */
SEC("fexit/skb_copy_bits")
int zc_skb_copy_bits_fexit(__u64 *ctx)
{
	const struct sk_buff *skb = (const struct sk_buff *)arg(ctx, 0);
	__u16 nr;
	__u8 role;

	if (ret_int(ctx) != 0 || BPF_CORE_READ(skb_shinfo_of(skb), gso_size))
		return 0;
	role = skb_role(skb, &nr);
	if (role) /* copies of other processes' skbs are theirs */
		zc_payload(role, ZC_SITE_SKB_COPY_BITS, ZC_DIR_KERNEL_TO_KERNEL, nr,
			   (__u32)arg(ctx, 3));
	return 0;
}

/* ---- direct I/O, tee, zero-copy receive ----------------------------------- */

/* iomap_dio_rw(iocb, iter, ops, dops, dio_flags, private, done_before)
 * returns the bytes done, done_before included: the device moved them
 * between itself and the user's buffer, with no page cache in between. */
SEC("fexit/iomap_dio_rw")
int zc_iomap_dio_rw_fexit(__u64 *ctx)
{
	struct zc_task_ctx *tc;
	__u16 nr;
	__u8 role = zc_site_context(&tc, &nr);
	__s64 ret = ret_of(ctx), before = (__s64)arg(ctx, 6);

	if (role && ret > before && before >= 0)
		zc_payload(role, ZC_SITE_DIRECT_IO, ZC_DIR_DEVICE, nr, ret - before);
	return 0;
}

/* skb_splice_bits(skb, sk, offset, pipe, tlen, flags) hands a received skb
 * to a pipe (tcp_splice_read): __skb_splice_bits() copies the bytes in its
 * linear part into a page (linear_to_page) and passes its page fragments by
 * reference. Its return is what it spliced, from `offset` on: the part
 * before the end of the linear data was copied. Bytes beyond it are the
 * fragments' unless the skb has a frag_list, whose skbs have linear parts
 * of their own: those stay undetermined. */
SEC("fexit/skb_splice_bits")
int zc_skb_splice_bits_fexit(__u64 *ctx)
{
	const struct sk_buff *skb = (const struct sk_buff *)arg(ctx, 0);
	__u32 offset = (__u32)arg(ctx, 2);
	__s64 ret = (__s64)ret_int(ctx);
	struct zc_task_ctx *tc;
	__u16 nr;
	__u8 role = zc_site_context(&tc, &nr);
	__u32 headlen;
	__u64 linear = 0, rest;

	if (!role || ret <= 0)
		return 0;
	headlen = BPF_CORE_READ(skb, len) - BPF_CORE_READ(skb, data_len);
	if (offset < headlen)
		linear = headlen - offset < (__u64)ret ? headlen - offset : (__u64)ret;
	rest = (__u64)ret - linear;
	if (linear)
		zc_payload(role, ZC_SITE_SKB_SPLICE, ZC_DIR_KERNEL_TO_KERNEL, nr, linear);
	if (rest)
		zc_payload(role, ZC_SITE_SKB_SPLICE,
			   BPF_CORE_READ(skb_shinfo_of(skb), frag_list) ? ZC_DIR_UNKNOWN
									: ZC_DIR_REFERENCE,
			   nr, rest);
	return 0;
}

/* do_tee(in, out, len, flags) duplicates pipe buffers: page references. */
SEC("fexit/do_tee")
int zc_do_tee_fexit(__u64 *ctx)
{
	returned_bytes(ctx, ZC_SITE_TEE, ZC_DIR_REFERENCE);
	return 0;
}

/* tcp_zerocopy_receive(sk, zc, tss) returns 0 with zc->length the bytes it
 * mapped into the caller's address space (whole pages, by reference). */
SEC("fexit/tcp_zerocopy_receive")
int zc_tcp_zerocopy_receive_fexit(__u64 *ctx)
{
	const struct tcp_zerocopy_receive *zc = (const struct tcp_zerocopy_receive *)arg(ctx, 1);
	struct zc_task_ctx *tc;
	__u16 nr;
	__u8 role = zc_site_context(&tc, &nr);
	__u32 len;

	if (!role || ret_int(ctx) != 0)
		return 0;
	len = BPF_CORE_READ(zc, length);
	if (len)
		zc_payload(role, ZC_SITE_TCP_ZC_RECEIVE, ZC_DIR_REFERENCE, nr, len);
	return 0;
}

/* ---- copy-on-write ------------------------------------------------------------ */

/* x86 page fault error code (arch/x86/include/asm/trap_pf.h). */
#define ZC_X86_PF_WRITE (1UL << 1)
/* Whether `address` is in a private mapping of the payload file; -1 when
 * the mapping could not be looked up. */
static __always_inline int payload_private_at(struct zc_task_ctx *tc, unsigned long address)
{
	struct zc_vma v = {};

	if (zc_vma_at(tc, address, &v))
		return -1;
	return v.file && !v.shared && v.ino == zc_cfg.payload_ino && v.dev == zc_cfg.payload_dev;
}

/* A write fault on a private mapping of the payload file copies a page: out
 * of the page cache when none is mapped yet (do_cow_fault), or out of the
 * page mapped there when it is shared (wp_page_copy: after fork, or a
 * page-cache page mapped by a read). The fault handlers are static and
 * inlined on most kernels, so the fault itself is the evidence: one 4 KiB
 * page per write fault (a page the process alone still holds would be
 * reused rather than copied; the cow workload never writes such a page).
 * bpf_find_vma ("bpf: Introduce helper bpf_find_vma", 5.17) tells which
 * mapping it is. */
static __always_inline void cow_fault(unsigned long address, unsigned long error_code)
{
	struct zc_task_ctx *tc;
	__u16 nr;
	__u8 role;
	int private;

	if (!(error_code & ZC_X86_PF_WRITE) || !zc_cfg.payload_ino)
		return;
	role = zc_site_context(&tc, &nr);
	if (!role)
		return;
	private = payload_private_at(tc, address);
	if (private < 0) {
		zc_health_inc(ZC_HEALTH_VMA_UNKNOWN);
		return;
	}
	if (!private)
		return;
	/* The same store faulting again at once is one copy. wp_page_copy()
	 * allocates the new page (which may reclaim), then copies only if the
	 * page-table entry is still the one it faulted on (pte_same); if
	 * anything changed it meanwhile (reclaim's aging clears the accessed
	 * bit, for one), it returns and the instruction faults again. Seen on this
	 * machine under load: two protection write faults (error code 7) on
	 * one page in about 1 run in 5, on the stack or the payload, with one
	 * page copied (smaps' Anonymous bytes of the mapping say so). Once a
	 * copy is made the page is writable: only a syscall (fork, mprotect)
	 * or another thread can make the same page copy again. */
	if (tc) {
		const __u64 page = (address >> 12) + 1;

		if (tc->cow_page == page)
			return;
		tc->cow_page = page;
	}
	zc_payload(role, ZC_SITE_COW, ZC_DIR_KERNEL_TO_KERNEL, nr, 4096);
}

SEC("tp_btf/page_fault_user")
int BPF_PROG(zc_cow_fault_user, unsigned long address, struct pt_regs *regs,
	     unsigned long error_code)
{
	cow_fault(address, error_code);
	return 0;
}

/* A syscall writing into a private mapping (read() into it) faults in kernel
 * mode on a user address. */
SEC("tp_btf/page_fault_kernel")
int BPF_PROG(zc_cow_fault_kernel, unsigned long address, struct pt_regs *regs,
	     unsigned long error_code)
{
	if ((long)address >= 0) /* a user address */
		cow_fault(address, error_code);
	return 0;
}

/* ---- asynchronous I/O: io_uring completions --------------------------- */

/* include/uapi/linux/io_uring.h opcodes (stable: uapi). */
#define ZC_IORING_OP_READV	 1
#define ZC_IORING_OP_WRITEV	 2
#define ZC_IORING_OP_READ_FIXED	 4
#define ZC_IORING_OP_WRITE_FIXED 5
#define ZC_IORING_OP_SENDMSG	 9
#define ZC_IORING_OP_RECVMSG	 10
#define ZC_IORING_OP_READ	 22
#define ZC_IORING_OP_WRITE	 23
#define ZC_IORING_OP_SEND	 26
#define ZC_IORING_OP_RECV	 27
#define ZC_IORING_OP_SEND_ZC	 47
#define ZC_IORING_OP_SENDMSG_ZC	 48

/* The process that submitted an io_uring request (io_kiocb___task: its task
 * until 6.13, req->tctx->task after). */
static __always_inline struct task_struct *uring_submitter(const struct io_kiocb *req)
{
	if (bpf_core_field_exists(((struct io_kiocb___task *)0)->task))
		return BPF_CORE_READ((struct io_kiocb___task *)req, task);
	return BPF_CORE_READ(req, tctx, task);
}

/* A request completed with `res`: its bytes, for its submitter, by kind.
 * Reads of a page-cache file copied them to user memory; O_DIRECT ones were
 * moved by the device; where no site watches those copies, the completion
 * sizes them (inline in io_uring_enter or in an io-wq worker alike). */
static __always_inline void uring_done(const struct io_kiocb *req, int res)
{
	struct task_struct *task;
	struct file *file;
	__u32 tgid, flags, cls;
	__u8 role, op, kind;
	__u64 ino = 0;

	if (res <= 0 || !req)
		return;
	task = uring_submitter(req);
	tgid = task ? BPF_CORE_READ(task, tgid) : 0;
	role = tgid ? zc_role_of_tgid(tgid) : ZC_ROLE_NONE;
	if (!role)
		return;
	op = BPF_CORE_READ(req, opcode);
	file = BPF_CORE_READ(req, file);
	flags = file ? BPF_CORE_READ(file, f_flags) : 0;
	kind = ZC_FD_NONE;
	if (file) {
		unsigned int mode = BPF_CORE_READ(file, f_inode, i_mode) & 0170000;

		ino = BPF_CORE_READ(file, f_inode, i_ino);
		kind = mode == 0100000	 ? ((flags & ZC_O_DIRECT) ? ZC_FD_REG_DIRECT : ZC_FD_REG)
		       : mode == 0140000 ? ZC_FD_SOCK
		       : mode == 0010000 ? ZC_FD_FIFO
					 : ZC_FD_OTHER;
	}
	bool read =
	    op == ZC_IORING_OP_READ || op == ZC_IORING_OP_READV || op == ZC_IORING_OP_READ_FIXED;
	bool write =
	    op == ZC_IORING_OP_WRITE || op == ZC_IORING_OP_WRITEV || op == ZC_IORING_OP_WRITE_FIXED;
	bool send = op == ZC_IORING_OP_SEND || op == ZC_IORING_OP_SENDMSG ||
		    op == ZC_IORING_OP_SEND_ZC || op == ZC_IORING_OP_SENDMSG_ZC;
	bool recv = op == ZC_IORING_OP_RECV || op == ZC_IORING_OP_RECVMSG;
	bool file_io = kind == ZC_FD_REG || kind == ZC_FD_REG_DIRECT;

	if (read && file_io)
		cls = kind == ZC_FD_REG_DIRECT ? ZC_ASYNC_URING_READ_DIRECT : ZC_ASYNC_URING_READ;
	else if (write && file_io)
		cls = kind == ZC_FD_REG_DIRECT ? ZC_ASYNC_URING_WRITE_DIRECT : ZC_ASYNC_URING_WRITE;
	else if (send || (write && kind == ZC_FD_SOCK))
		cls = ZC_ASYNC_URING_SEND;
	else if (recv || (read && kind == ZC_FD_SOCK))
		cls = ZC_ASYNC_URING_RECV;
	else
		return;
	zc_count(role, ZC_KIND_ASYNC, cls, 0, ZC_NR_IO_URING_ENTER, res);
	if (cls == ZC_ASYNC_URING_READ && (zc_cfg.derive_async_reads || zc_cfg.derive_filemap_read))
		zc_payload(role, ZC_SITE_FILEMAP_READ, ZC_DIR_KERNEL_TO_USER, ZC_NO_SYSCALL, res);
	if ((cls == ZC_ASYNC_URING_READ_DIRECT || cls == ZC_ASYNC_URING_WRITE_DIRECT) &&
	    zc_cfg.derive_direct_io)
		zc_payload(role, ZC_SITE_DIRECT_IO, ZC_DIR_DEVICE, ZC_NO_SYSCALL, res);

	/* The request's descriptor, for the copy methods the process used. */
	struct zc_flow_key key = {.tgid = tgid,
				  .nr = ZC_NR_IO_URING_ENTER,
				  .src_kind = (read || recv) ? kind : ZC_FD_NONE,
				  .dst_kind = (write || send) ? kind : ZC_FD_NONE,
				  .src_fd = -1,
				  .dst_fd = -1,
				  .src_ino = (read && file_io) ? ino : 0,
				  .dst_ino = (write && file_io) ? ino : 0,
				  .flags = ZC_FLOW_IO_URING};
	const struct zc_flow_val zero = {};
	struct zc_flow_val *val = zc_lookup_or_init(&zc_flows, &key, &zero, ZC_HEALTH_FLOWS_FULL);

	if (!val)
		return;
	__sync_fetch_and_add(&val->calls, 1);
	__sync_fetch_and_add(&val->bytes, (__u64)res);
}

/* A SEND_ZC's notification (IORING_CQE_F_NOTIF): its buffers are free.
 * res carries IORING_NOTIF_USAGE_ZC_COPIED when the kernel copied them, but
 * only for requests that asked (IORING_SEND_ZC_REPORT_USAGE, 6.2). */
#define ZC_IORING_CQE_F_NOTIF		(1U << 3)
#define ZC_IORING_NOTIF_USAGE_ZC_COPIED (1U << 31)

static __always_inline void count_notif(__u8 role, int res)
{
	if (!role)
		return;
	zc_count(role, ZC_KIND_ZEROCOPY, ZC_ZC_URING_NOTIFS, 0, 0, 0);
	if ((__u32)res & ZC_IORING_NOTIF_USAGE_ZC_COPIED)
		zc_count(role, ZC_KIND_ZEROCOPY, ZC_ZC_URING_COPIED, 0, 0, 0);
}

/* A notification posted to the ring: the role of the request's submitter. */
static __always_inline void uring_notif(const struct io_kiocb *req, int res)
{
	struct task_struct *task = uring_submitter(req);
	__u32 tgid = task ? BPF_CORE_READ(task, tgid) : 0;

	count_notif(tgid ? zc_role_of_tgid(tgid) : ZC_ROLE_NONE, res);
}

/* A completion that found the CQ ring full goes on the overflow list
 * instead (io_cqring_event_overflow), and io_uring_complete does not fire
 * for it: this does, with no request to find the submitter by. A
 * notification overflows as it is posted, in the submitter's task work
 * (io_notif_tw_complete): the current task is the submitter. */
SEC("tp_btf/io_uring_cqe_overflow")
int BPF_PROG(zc_io_uring_cqe_overflow, void *ctx_, u64 user_data, s32 res, u32 cflags, void *ocqe)
{
	if (cflags & ZC_IORING_CQE_F_NOTIF)
		count_notif(zc_current_role(), res);
	return 0;
}

/* io_uring:io_uring_complete passes (ctx, req, user_data, res, cflags,
 * extra1, extra2) in Debian's 6.1 and 6.12 and (ctx, req, cqe) in 6.18: one
 * program each, chosen by the tracepoint's arguments in this kernel's BTF. */
SEC("tp_btf/io_uring_complete")
int BPF_PROG(zc_io_uring_complete, void *ctx_, void *req, struct io_uring_cqe *cqe)
{
	if (BPF_CORE_READ(cqe, flags) & ZC_IORING_CQE_F_NOTIF)
		uring_notif(req, BPF_CORE_READ(cqe, res));
	else
		uring_done(req, BPF_CORE_READ(cqe, res));
	return 0;
}

SEC("tp_btf/io_uring_complete")
int BPF_PROG(zc_io_uring_complete_args, void *ctx_, void *req, u64 user_data, int res,
	     unsigned cflags, u64 extra1, u64 extra2)
{
	if (cflags & ZC_IORING_CQE_F_NOTIF)
		uring_notif(req, res);
	else
		uring_done(req, res);
	return 0;
}
