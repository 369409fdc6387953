/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* x86_64 syscall numbers the BPF programs classify by (vmlinux.h is x86_64
 * only; user space names syscalls from <asm/unistd_64.h>). */
#ifndef ZCTRACE_SYSCALL_NR_BPF_H
#define ZCTRACE_SYSCALL_NR_BPF_H

#define ZC_NR_READ	      0
#define ZC_NR_WRITE	      1
#define ZC_NR_MMAP	      9
#define ZC_NR_PREAD64	      17
#define ZC_NR_PWRITE64	      18
#define ZC_NR_READV	      19
#define ZC_NR_WRITEV	      20
#define ZC_NR_SENDFILE	      40
#define ZC_NR_SENDTO	      44
#define ZC_NR_RECVFROM	      45
#define ZC_NR_SENDMSG	      46
#define ZC_NR_RECVMSG	      47
#define ZC_NR_EXIT	      60
#define ZC_NR_EXIT_GROUP      231
#define ZC_NR_SPLICE	      275
#define ZC_NR_TEE	      276
#define ZC_NR_VMSPLICE	      278
#define ZC_NR_PREADV	      295
#define ZC_NR_PWRITEV	      296
#define ZC_NR_COPY_FILE_RANGE 326
#define ZC_NR_PREADV2	      327
#define ZC_NR_PWRITEV2	      328
#define ZC_NR_IO_URING_ENTER  426
#define ZC_NR_IO_SUBMIT	      209
#define ZC_NR_EXECVE	      59
#define ZC_NR_EXECVEAT	      322

/* include/linux/socket.h; a #define, so not in vmlinux.h. */
#define ZC_MSG_ZEROCOPY 0x4000000
#define ZC_MSG_ERRQUEUE 0x2000

static __always_inline bool zc_read_family(__u32 nr)
{
	return nr == ZC_NR_READ || nr == ZC_NR_PREAD64 || nr == ZC_NR_READV || nr == ZC_NR_PREADV ||
	       nr == ZC_NR_PREADV2;
}

static __always_inline bool zc_write_family(__u32 nr)
{
	return nr == ZC_NR_WRITE || nr == ZC_NR_PWRITE64 || nr == ZC_NR_WRITEV ||
	       nr == ZC_NR_PWRITEV || nr == ZC_NR_PWRITEV2;
}

#endif /* ZCTRACE_SYSCALL_NR_BPF_H */
