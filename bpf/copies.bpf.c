// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Copy family: where payload bytes move, and whether the CPU copies them.
 *
 * The copy routines themselves (_copy_to_user, copy_page_to_iter, ...) live
 * in lib/, which is built without ftrace: nothing can attach to them on a
 * stock kernel. So each copy is observed at a traceable site that owns it
 * and knows its size, and attributed to the syscall the thread is in:
 *
 *   site                 seen by                          bytes from
 *   filemap_read         filemap:mm_filemap_get_pages     the read syscall's return
 *                        inside a read-family syscall
 *   tcp_sendmsg_locked   tcp:tcp_sendmsg_locked (flags,   sock:sock_send_length
 *                        route caps, source iterator)
 *   skb_copy_datagram    skb:skb_copy_datagram_iovec      its len argument
 *   file write           ext4:ext4_(da_)write_end         its copied argument
 */
#include "common.bpf.h"

/* include/linux/socket.h; #defines, so not in vmlinux.h. */
#define ZC_MSG_ZEROCOPY	    0x4000000
#define ZC_MSG_SPLICE_PAGES 0x8000000
/* NETIF_F_SG_BIT is 0 in every kernel that has it (include/linux/netdev_features.h). */
#define ZC_NETIF_F_SG (1ULL << 0)

/* x86_64 syscall numbers of the read and write families. */
#define ZC_NR_READ     0
#define ZC_NR_WRITE    1
#define ZC_NR_PREAD64  17
#define ZC_NR_PWRITE64 18
#define ZC_NR_READV    19
#define ZC_NR_WRITEV   20
#define ZC_NR_PREADV   295
#define ZC_NR_PWRITEV  296
#define ZC_NR_PREADV2  327
#define ZC_NR_PWRITEV2 328

static __always_inline bool read_family(__u32 nr)
{
	return nr == ZC_NR_READ || nr == ZC_NR_PREAD64 || nr == ZC_NR_READV || nr == ZC_NR_PREADV ||
	       nr == ZC_NR_PREADV2;
}

static __always_inline bool write_family(__u32 nr)
{
	return nr == ZC_NR_WRITE || nr == ZC_NR_PWRITE64 || nr == ZC_NR_WRITEV ||
	       nr == ZC_NR_PWRITEV || nr == ZC_NR_PWRITEV2;
}

/* Does the iterator walk user memory? ITER_UBUF appeared in 6.0 (commit
 * fcb14cb1bdac, "new iov_iter flavour - ITER_UBUF"); before it user memory
 * was always ITER_IOVEC. The enum's values moved between versions, so they
 * are read with CO-RE, not hard-coded. */
static __always_inline bool iter_is_user(const struct iov_iter *iter)
{
	__u8 type = BPF_CORE_READ(iter, iter_type);

	if (bpf_core_enum_value_exists(enum iter_type, ITER_UBUF) &&
	    type == bpf_core_enum_value(enum iter_type, ITER_UBUF))
		return true;
	return type == bpf_core_enum_value(enum iter_type, ITER_IOVEC);
}

/* Mirror tcp_sendmsg_locked()'s choice between copying and taking page
 * references (net/ipv4/tcp.c): both zero-copy paths need NETIF_F_SG on the
 * route; MSG_ZEROCOPY also needs SO_ZEROCOPY on the socket or a ubuf handed
 * in by io_uring. Without SG the bytes are copied from the iterator. */
static __always_inline __u8 classify_tcp_send(const struct sock *sk, const struct msghdr *msg)
{
	unsigned int flags = BPF_CORE_READ(msg, msg_flags);
	__u64 caps = BPF_CORE_READ(sk, sk_route_caps);
	bool sg = caps & ZC_NETIF_F_SG;

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
		if (ubuf || (sk_flags & (1UL << bit)))
			return ZC_DIR_REFERENCE;
	}
	return iter_is_user(&msg->msg_iter) ? ZC_DIR_USER_TO_KERNEL : ZC_DIR_KERNEL_TO_KERNEL;
}

static __always_inline void payload(__u8 role, __u16 site, __u8 dir, __u16 nr, __u64 bytes)
{
	zc_count(role, ZC_KIND_PAYLOAD, site, dir, nr, bytes);
	zc_emit(ZC_EV_PAYLOAD, role, site, dir, nr, bytes, 0, 0);
}

SEC("tp_btf/mm_filemap_get_pages")
int BPF_PROG(zc_filemap_get_pages, struct address_space *mapping, unsigned long index,
	     unsigned long last_index)
{
	struct zc_task_ctx *tc = zc_current_ctx();

	if (!tc || !tc->in_syscall)
		return 0;
	tc->copy_flags |= ZC_CF_FILEMAP_GET_PAGES;
	zc_count(tc->role, ZC_KIND_FILEMAP, ZC_FILEMAP_GET_PAGES, 0, (__u16)tc->nr,
		 (last_index - index + 1) * 4096);
	return 0;
}

/* A read-family syscall that looked pages up in the page cache copied its
 * return value's worth of bytes out of it (filemap_read ->
 * copy_folio_to_iter). sendfile and splice look pages up too, but hand
 * references on: they are not read-family and are not counted here. */
SEC("tp_btf/sys_exit")
int BPF_PROG(zc_copies_sys_exit, struct pt_regs *regs, long ret)
{
	struct zc_task_ctx *tc = zc_current_ctx();

	if (!tc || !(tc->copy_flags & ZC_CF_FILEMAP_GET_PAGES))
		return 0;
	tc->copy_flags &= ~ZC_CF_FILEMAP_GET_PAGES;
	if (ret > 0 && read_family(tc->nr))
		payload(tc->role, ZC_SITE_FILEMAP_READ, ZC_DIR_KERNEL_TO_USER, (__u16)tc->nr, ret);
	return 0;
}

/* Fires once per loop iteration of tcp_sendmsg_locked(), before it copies or
 * splices that iteration's bytes; the decision is the same for the whole
 * call, so the first firing classifies it and sock_send_length closes it. */
SEC("tp_btf/tcp_sendmsg_locked")
int BPF_PROG(zc_tcp_sendmsg_locked, const struct sock *sk, const struct msghdr *msg,
	     const struct sk_buff *skb, int size_goal)
{
	struct zc_task_ctx *tc = zc_current_ctx();
	__u64 key = (__u64)sk;

	if (!tc || !tc->in_syscall || tc->send_dir)
		return 0;
	tc->send_dir = classify_tcp_send(sk, msg);
	tc->send_site = ZC_SITE_TCP_SENDMSG;
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
	/* No tcp_sendmsg_locked classification: not TCP (or that probe is not
	 * attached). A plain write/send copies from user memory; what sendfile
	 * and splice do depends on the protocol: unknown. */
	dir = tc->send_dir;
	site = tc->send_site;
	if (!dir) {
		site = ZC_SITE_SOCK_SENDMSG;
		dir = write_family(tc->nr) ? ZC_DIR_USER_TO_KERNEL : ZC_DIR_UNKNOWN;
	}
	if (ret > 0)
		payload(tc->role, site, dir, (__u16)tc->nr, ret);
	tc->send_dir = 0;
	tc->send_site = 0;
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

/* skb_copy_datagram_iter(): the receive copy into the reader's buffer. */
SEC("tp_btf/skb_copy_datagram_iovec")
int BPF_PROG(zc_skb_copy_datagram, const struct sk_buff *skb, int len)
{
	struct zc_task_ctx *tc = zc_current_ctx();
	__u64 sk;

	if (!tc || len <= 0)
		return 0;
	/* The reader owns the socket: its ACKs are its transmits. */
	sk = (__u64)BPF_CORE_READ(skb, sk);
	if (sk)
		zc_remember_owner(&zc_owners, &sk, tc->role);
	payload(tc->role, ZC_SITE_SKB_COPY_DATAGRAM, ZC_DIR_KERNEL_TO_USER,
		tc->in_syscall ? (__u16)tc->nr : ZC_NO_SYSCALL, len);
	return 0;
}

/* generic_perform_write() -> ->write_end(): `copied` bytes went into the page
 * cache, from user memory for the write family, from kernel pages otherwise
 * (splice to a file, copy_file_range fallbacks). */
static __always_inline void file_write_end(unsigned int copied)
{
	struct zc_task_ctx *tc = zc_current_ctx();

	if (!tc || !tc->in_syscall || !copied)
		return;
	payload(tc->role, ZC_SITE_FILE_WRITE,
		write_family(tc->nr) ? ZC_DIR_USER_TO_KERNEL : ZC_DIR_KERNEL_TO_KERNEL,
		(__u16)tc->nr, copied);
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
