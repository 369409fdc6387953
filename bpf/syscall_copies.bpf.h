/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Copies a syscall's return tells: the tracepoint tier of filemap_read (the
 * syscall looked pages up in the page cache), libaio's submissions, and the
 * derived tier of every copy site that has one (zc_cfg.derive_*, chosen by
 * user space when nothing better attaches). Included by the syscall family:
 * its sys_exit program runs this, so that a syscall's return costs one
 * program run.
 */
#ifndef ZCTRACE_SYSCALL_COPIES_BPF_H
#define ZCTRACE_SYSCALL_COPIES_BPF_H

#include "common.bpf.h"
#include "syscall_nr.bpf.h"

/* ---- libaio submissions ---------------------------------------------------- */

/* Syscalls whose page-cache lookups another rule sizes: the read family by
 * its return, sendfile/splice/copy_file_range/tee/vmsplice as references,
 * io_uring by its completions. */
static __always_inline bool lookups_sized_elsewhere(__u32 nr)
{
	return nr == ZC_NR_SENDFILE || nr == ZC_NR_SPLICE || nr == ZC_NR_COPY_FILE_RANGE ||
	       nr == ZC_NR_TEE || nr == ZC_NR_VMSPLICE || nr == ZC_NR_IO_URING_ENTER;
}

/* The bytes and iocbs of the first `submitted` iocbs of an io_submit, by
 * class (zc_async ZC_ASYNC_AIO_*), summed before anything is counted so
 * that the loop stays small for the verifier. */
struct aio_sums {
	__u64 bytes[4];
	__u64 iocbs[4];
};

/* A global function: its loop is walked once, not once per path to it. */
__noinline int zc_aio_sum(struct zc_task_ctx *tc, long submitted, struct aio_sums *s)
{
	if (!tc || !s)
		return 0;
#pragma clang loop unroll(disable)
	for (int i = 0; i < ZC_AIO_MAX; i++) {
		__u32 c;

		if (i >= submitted || i >= tc->aio_n)
			break;
		c = tc->aio[i].cls - ZC_ASYNC_AIO_READ;
		if (c < 4) {
			s->bytes[c & 3] += tc->aio[i].bytes;
			s->iocbs[c & 3] += 1;
		}
	}
	return 0;
}

/* The buffered reads of a libaio submission completed inside io_submit:
 * the page cache copied their bytes to user memory. */
static __always_inline void async_reads(struct zc_task_ctx *tc, long submitted)
{
	struct aio_sums s = {};

	zc_aio_sum(tc, submitted, &s);
	if (s.bytes[0])
		zc_payload(tc->role, ZC_SITE_FILEMAP_READ, ZC_DIR_KERNEL_TO_USER, ZC_NR_IO_SUBMIT,
			   s.bytes[0]);
}

/* Every iocb io_submit took, by kind; O_DIRECT ones are moved by the device
 * (the derived tier of the direct_io site, where nothing watches the site),
 * buffered writes copied into the page cache (where no site watches that). */
static __always_inline void async_submitted(struct zc_task_ctx *tc, long submitted)
{
	struct aio_sums s = {};

	zc_aio_sum(tc, submitted, &s);
	for (int c = 0; c < 4; c++)
		if (s.iocbs[c])
			zc_count_n(tc->role, ZC_KIND_ASYNC, ZC_ASYNC_AIO_READ + c, 0,
				   ZC_NR_IO_SUBMIT, s.iocbs[c], s.bytes[c]);
	if (zc_cfg.derive_direct_io && s.bytes[1] + s.bytes[3])
		zc_payload(tc->role, ZC_SITE_DIRECT_IO, ZC_DIR_DEVICE, ZC_NR_IO_SUBMIT,
			   s.bytes[1] + s.bytes[3]);
	if (zc_cfg.derive_file_write && s.bytes[2])
		zc_payload(tc->role, ZC_SITE_FILE_WRITE, ZC_DIR_USER_TO_KERNEL, ZC_NR_IO_SUBMIT,
			   s.bytes[2]);
}

/* ---- syscall returns: the tracepoint tier of filemap_read, and the
 *      derived tier of every site that has one ----------------------------- */

static __always_inline void derive(struct zc_task_ctx *tc, __u16 site, __u8 dir, __u64 bytes)
{
	if (bytes)
		zc_payload(tc->role, site, dir, (__u16)tc->nr, bytes);
}

/* What the copy sites learnt during the syscall `tc` returns from, and the
 * derived tiers: run by the syscall family's sys_exit program, so that a
 * syscall's return costs one program run, not two. A global function: the
 * verifier checks it once, on its own (with the exit program's other
 * branches around it inlined, their paths multiply past its limit). */
__noinline int zc_syscall_copies(struct zc_task_ctx *tc, long ret)
{
	__u32 nr;
	__u64 bytes;

	if (!tc)
		return 0;
	nr = tc->nr;

	/* A read-family syscall that looked pages up in the page cache copied
	 * its return's worth out of it (filemap_read -> copy_folio_to_iter);
	 * sendfile and splice look pages up too, but pass references. */
	if (tc->copy_flags & ZC_CF_FILEMAP_GET_PAGES) {
		tc->copy_flags &= ~ZC_CF_FILEMAP_GET_PAGES;
		if (zc_read_family(nr)) {
			if (ret > 0)
				zc_payload(tc->role, ZC_SITE_FILEMAP_READ, ZC_DIR_KERNEL_TO_USER,
					   (__u16)nr, ret);
		} else if (nr == ZC_NR_IO_SUBMIT) {
			async_reads(tc, ret); /* sized by its iocbs, below */
		} else if (!lookups_sized_elsewhere(nr)) {
			/* The kernel reading a file into its own memory on the
			 * task's behalf (kernel_read: execve reading the binary's
			 * and its interpreter's headers): what the task's read
			 * accounting grew by during the syscall. */
			__u64 now = zc_task_rchar(bpf_get_current_task_btf());

			if (now > tc->rchar_enter)
				zc_payload(tc->role, ZC_SITE_FILEMAP_READ, ZC_DIR_KERNEL_TO_KERNEL,
					   (__u16)nr, now - tc->rchar_enter);
			else
				zc_count(tc->role, ZC_KIND_FILEMAP, ZC_FILEMAP_UNSIZED, 0,
					 (__u16)nr, 0);
		}
	} else if (nr == ZC_NR_IO_SUBMIT && zc_cfg.derive_filemap_read) {
		async_reads(tc, ret);
	}
	if (nr == ZC_NR_IO_SUBMIT && ret > 0)
		async_submitted(tc, ret);
	if (ret <= 0)
		return 0;
	bytes = ret;
	if (zc_read_family(nr)) {
		if (tc->fd_src == ZC_FD_REG_DIRECT && zc_cfg.derive_direct_io)
			derive(tc, ZC_SITE_DIRECT_IO, ZC_DIR_DEVICE, bytes);
		else if (tc->fd_src == ZC_FD_REG && zc_cfg.derive_filemap_read)
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
		if (tc->fd_dst == ZC_FD_REG_DIRECT && zc_cfg.derive_direct_io)
			derive(tc, ZC_SITE_DIRECT_IO, ZC_DIR_DEVICE, bytes);
		else if (tc->fd_dst == ZC_FD_REG && zc_cfg.derive_file_write)
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
		/* From a TCP socket (tcp_splice_read -> skb_splice_bits): the
		 * skb's page fragments go by reference, its linear bytes are
		 * copied into a page (linear_to_page); the return does not
		 * say which were which. */
		else if (tc->fd_src == ZC_FD_SOCK && zc_cfg.derive_splice_sock)
			derive(tc, ZC_SITE_SKB_SPLICE, ZC_DIR_UNKNOWN, bytes);
		/* The send side: copied or passed by reference, the syscall does
		 * not say. */
		if (tc->fd_dst == ZC_FD_SOCK && zc_cfg.derive_sock_send && bytes > tc->send_seen)
			derive(tc, ZC_SITE_SOCK_SENDMSG, ZC_DIR_UNKNOWN, bytes - tc->send_seen);
	} else if (nr == ZC_NR_TEE) {
		if (zc_cfg.derive_tee)
			derive(tc, ZC_SITE_TEE, ZC_DIR_REFERENCE, bytes);
	} else if (nr == ZC_NR_VMSPLICE) {
		/* Into a pipe: the user pages themselves (vmsplice_to_pipe);
		 * out of one: a copy into user memory (vmsplice_to_user). */
		if (zc_cfg.derive_vmsplice && tc->fd_dst == ZC_FD_FIFO)
			derive(tc, ZC_SITE_VMSPLICE, ZC_DIR_REFERENCE, bytes);
		else if (zc_cfg.derive_vmsplice && tc->fd_src == ZC_FD_FIFO)
			derive(tc, ZC_SITE_VMSPLICE, ZC_DIR_KERNEL_TO_USER, bytes);
	} else if (nr == ZC_NR_COPY_FILE_RANGE) {
		/* What the file-write site copied went the generic way, spliced
		 * through a pipe (page references on the read side); the rest
		 * the filesystem shared (reflink) or copied out of sight. */
		if (tc->fd_src == ZC_FD_REG && zc_cfg.derive_splice_ref && tc->write_seen)
			derive(tc, ZC_SITE_SPLICE_READ, ZC_DIR_REFERENCE,
			       tc->write_seen < bytes ? tc->write_seen : bytes);
		if (zc_cfg.derive_copy_file_range && bytes > tc->write_seen)
			derive(tc, ZC_SITE_SHARED_EXTENTS, ZC_DIR_REFERENCE,
			       bytes - tc->write_seen);
	}
	return 0;
}

#endif /* ZCTRACE_SYSCALL_COPIES_BPF_H */
