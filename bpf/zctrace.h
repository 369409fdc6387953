/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Structures shared by the BPF programs and the zctrace collector.
 *
 * Plain C with fixed-width types only: this header is compiled by clang for
 * the BPF target and by g++ for user space, and both must agree on every
 * byte. userspace/model/bpf_abi.h static_asserts the sizes.
 */
#ifndef ZCTRACE_H
#define ZCTRACE_H

#ifdef __VMLINUX_H__
/* BPF side: vmlinux.h already defines __u8 .. __u64. */
#else
#include <linux/types.h>
#endif

/* Who a counter belongs to. ROLE_NONE holds device work whose owner could
 * not be found (reported as unattributed, never dropped). */
enum zc_role {
	ZC_ROLE_NONE = 0,
	ZC_ROLE_SOURCE = 1,
	ZC_ROLE_SINK = 2,
	ZC_ROLE_MAX = 3,
};

/* What a counter counts. */
enum zc_kind {
	ZC_KIND_SYSCALL = 1,	  /* id=nr; count=calls, bytes=sum of ret > 0   */
	ZC_KIND_SYSCALL_ERR = 2,  /* id=nr; count=calls with ret < 0            */
	ZC_KIND_SYSCALL_TIME = 3, /* id=nr; bytes=ns spent between enter/exit   */
	ZC_KIND_PAYLOAD = 4,	  /* site, dir, id=nr; count=events, bytes       */
	ZC_KIND_SWITCH = 5,	  /* site=zc_switch                               */
	ZC_KIND_FAULT = 6,	  /* site=zc_fault_mode, id=nr (kernel mode)      */
	ZC_KIND_FILEMAP = 7,	  /* site=zc_filemap, id=nr; bytes=pages*4096    */
	ZC_KIND_BLOCK = 8,	  /* site=zc_block, dir=read/write; bytes         */
	ZC_KIND_DMA = 9,	  /* site=zc_dma; bytes mapped for a device       */
	ZC_KIND_NET = 10,	  /* site=zc_net; bytes handed to a net device    */
	ZC_KIND_SOCK = 11,	  /* site=zc_sock; bytes the socket layer moved   */
	ZC_KIND_STREAM = 12,	  /* site=zc_stream; ring buffer bookkeeping      */
	ZC_KIND_ASYNC = 13,	  /* site=zc_async, id=nr; asynchronous I/O done */
	ZC_KIND_SIGNAL = 14,	  /* site=signal, dir=zc_signal_result,
				     id=zc_signal_sender; count=generated     */
	ZC_KIND_ZEROCOPY = 15,	  /* site=zc_zerocopy; count=sends            */
};

/* Zero-copy sends' completions as the kernel hands them to the process
 * (ZC_KIND_ZEROCOPY site), whether or not it looks at them. */
enum zc_zerocopy {
	ZC_ZC_ERRQUEUE_SENDS = 0,  /* MSG_ZEROCOPY sends the error-queue
				      completions it dequeued cover        */
	ZC_ZC_ERRQUEUE_COPIED = 1, /* of them, SO_EE_CODE_ZEROCOPY_COPIED  */
	ZC_ZC_URING_NOTIFS = 2,	   /* io_uring SEND_ZC notifications posted */
	ZC_ZC_URING_COPIED = 3,	   /* of them, IORING_NOTIF_USAGE_ZC_COPIED */
};

/* Where payload bytes moved (ZC_KIND_PAYLOAD site). */
enum zc_site {
	ZC_SITE_FILEMAP_READ = 1,      /* page cache -> iterator (filemap_read)     */
	ZC_SITE_TCP_SENDMSG = 2,       /* tcp_sendmsg_locked: iterator -> skb       */
	ZC_SITE_SOCK_SENDMSG = 3,      /* socket send tcp_sendmsg_locked did not see */
	ZC_SITE_SKB_COPY_DATAGRAM = 4, /* skb -> iterator (recv)                    */
	ZC_SITE_FILE_WRITE = 5,	       /* iterator -> page cache                    */
	ZC_SITE_TCP_SENDPAGE = 6,      /* ->sendpage: page references to skb (<6.5) */
	ZC_SITE_PIPE_READ = 7,	       /* pipe buffer -> iterator                   */
	ZC_SITE_PIPE_WRITE = 8,	       /* iterator -> pipe buffer                   */
	ZC_SITE_SKB_COPY_UBUFS = 9,    /* deferred copy of MSG_ZEROCOPY user pages  */
	ZC_SITE_COPY_SPLICE_READ = 10, /* splice read through a bounce iterator     */
	ZC_SITE_SPLICE_READ = 11,      /* page-cache pages into a pipe by reference */
	ZC_SITE_SKB_COPY_BITS = 12,    /* in-kernel copy out of an skb              */
	ZC_SITE_TCP_ZEROCOPY = 13,     /* MSG_ZEROCOPY send: user pages referenced  */
	ZC_SITE_DIRECT_IO = 14,	       /* O_DIRECT: the device fills user memory    */
	ZC_SITE_TEE = 15,	       /* tee: pipe buffers duplicated by reference */
	ZC_SITE_VMSPLICE = 16,	       /* user pages into a pipe by reference       */
	ZC_SITE_COW = 17,	       /* copy-on-write of a private file mapping   */
	ZC_SITE_TCP_ZC_RECEIVE = 18,   /* received pages mapped into user memory    */
	ZC_SITE_SHARED_EXTENTS = 19,   /* copy_file_range bytes no copy site saw    */
	ZC_SITE_XMIT_LINEARIZE = 20,   /* paged bytes made linear before transmit   */
	ZC_SITE_SKB_SPLICE = 21,       /* socket buffers -> pipe (splice from TCP)  */
	ZC_SITE_MAX = 22,
};

/* Direction of a payload movement. ZC_DIR_REFERENCE: the bytes changed hands
 * by page reference (splice, MSG_ZEROCOPY with SG): no CPU copy. */
enum zc_dir {
	ZC_DIR_UNKNOWN = 0,
	ZC_DIR_USER_TO_KERNEL = 1,
	ZC_DIR_KERNEL_TO_USER = 2,
	ZC_DIR_KERNEL_TO_KERNEL = 3,
	ZC_DIR_REFERENCE = 4,
	ZC_DIR_DEVICE = 5, /* filled by a device's DMA (O_DIRECT): no CPU copy */
};

/* What kind of file a syscall's fd argument is (for the derived tier). */
enum zc_fd_kind {
	ZC_FD_NONE = 0,
	ZC_FD_REG = 1,	      /* regular file, through the page cache */
	ZC_FD_REG_DIRECT = 2, /* regular file opened O_DIRECT         */
	ZC_FD_FIFO = 3,	      /* pipe or FIFO                          */
	ZC_FD_SOCK = 4,
	ZC_FD_OTHER = 5,
	ZC_FD_MAPPED = 6, /* user memory mapped from a file (the inode is the file's) */
};

/* Load-time settings of every BPF object (its .rodata). */
struct zc_config {
	__u8 stream_events; /* also stream events through zc_events */
	/* Sites measured from syscall returns because nothing better attaches. */
	__u8 derive_filemap_read;    /* read family on a regular file         */
	__u8 derive_file_write;	     /* write family on a regular file        */
	__u8 derive_sock_send;	     /* sends on a socket                     */
	__u8 derive_sock_recv;	     /* receives on a socket                  */
	__u8 derive_pipe_read;	     /* read family on a pipe                 */
	__u8 derive_pipe_write;	     /* write family on a pipe                */
	__u8 derive_splice_copy;     /* splice/sendfile reading an O_DIRECT or
					non-page-cache file (copy_splice_read) */
	__u8 derive_splice_ref;	     /* splice/sendfile reading the page cache
					(page references into the pipe)       */
	__u8 derive_direct_io;	     /* read/write family on an O_DIRECT file  */
	__u8 derive_tee;	     /* tee's return                           */
	__u8 derive_vmsplice;	     /* vmsplice's return                      */
	__u8 derive_copy_file_range; /* copy_file_range's return, less what
					the file-write site saw             */
	__u8 derive_async_reads;     /* size page-cache lookups of io_uring and
					libaio by their requests' bytes      */
	__u8 derive_splice_sock;     /* splice from a socket into a pipe       */
	__u8 pad[1];
	/* The payload file (stat's st_dev in the kernel's encoding, and
	 * st_ino): copy-on-write of its private mappings is payload. */
	__u32 payload_dev;
	__u32 pad2;
	__u64 payload_ino;
};

enum zc_switch {
	ZC_SWITCH_VOLUNTARY = 0,
	ZC_SWITCH_INVOLUNTARY = 1,
	ZC_SWITCH_EXIT = 2, /* of the voluntary ones: an exiting thread's last */
};

enum zc_fault_mode {
	ZC_FAULT_USER = 0,   /* exceptions:page_fault_user                */
	ZC_FAULT_KERNEL = 1, /* exceptions:page_fault_kernel, user address */
};

enum zc_filemap {
	ZC_FILEMAP_GET_PAGES = 0, /* filemap_get_pages (read/splice lookups) */
	ZC_FILEMAP_MAP_PAGES = 1, /* fault-around mapped a range             */
	ZC_FILEMAP_FAULT = 2,	  /* filemap_fault: page not mapped around   */
	ZC_FILEMAP_UNSIZED = 3,	  /* syscalls (id=nr) whose lookups nothing
				     could size: count=syscalls             */
};

/* Asynchronous I/O a target submitted (ZC_KIND_ASYNC site): io_uring
 * requests by their completions, libaio (io_submit) iocbs by what they
 * asked (clipped to the file's size). bytes=done, count=requests. */
enum zc_async {
	ZC_ASYNC_URING_READ = 0,	/* from a file, through the page cache */
	ZC_ASYNC_URING_READ_DIRECT = 1, /* from an O_DIRECT file               */
	ZC_ASYNC_URING_WRITE = 2,
	ZC_ASYNC_URING_WRITE_DIRECT = 3,
	ZC_ASYNC_URING_SEND = 4,
	ZC_ASYNC_URING_RECV = 5,
	ZC_ASYNC_AIO_READ = 6,
	ZC_ASYNC_AIO_READ_DIRECT = 7,
	ZC_ASYNC_AIO_WRITE = 8,
	ZC_ASYNC_AIO_WRITE_DIRECT = 9,
};

/* Storage bytes (ZC_KIND_BLOCK site, and the dir of ZC_DEVK_STORAGE):
 * queued by the target, and those of its bios that then failed. */
enum zc_block {
	ZC_BLOCK_READ = 0,
	ZC_BLOCK_WRITE = 1,
	ZC_BLOCK_READ_FAILED = 2,
	ZC_BLOCK_WRITE_FAILED = 3,
};

enum zc_dma {
	ZC_DMA_TO_DEVICE = 0,
	ZC_DMA_FROM_DEVICE = 1,
	ZC_DMA_BIDIRECTIONAL = 2,
};

enum zc_net {
	ZC_NET_VIRTUAL = 0,	 /* a device with no hardware behind it (lo, veth) */
	ZC_NET_DEVICE = 1,	 /* handed to a real (or emulated) NIC */
	ZC_NET_QUEUED_PAGED = 2, /* skb->data_len queued for transmit      */
	ZC_NET_XMIT_PAGED = 3,	 /* skb->data_len handed to the driver      */
	ZC_NET_RETRANSMIT = 4,	 /* TCP payload sent again: count=segments */
	/* A NIC transmit's DMA mappings against the packet's bytes: */
	ZC_NET_DRIVER_MAPPED_MORE = 5, /* mapped beyond them (a driver header) */
	ZC_NET_DRIVER_MAPPED_LESS = 6, /* not mapped during the transmit      */
};

enum zc_sock {
	ZC_SOCK_SEND = 0, /* sock:sock_send_length ret */
	ZC_SOCK_RECV = 1, /* sock:sock_recv_length ret */
};

/* What became of a generated signal (the kernel's enum trace_signal_result,
 * include/trace/events/signal.h). */
enum zc_signal_result {
	ZC_SIGNAL_DELIVERED = 0,       /* queued for the task              */
	ZC_SIGNAL_IGNORED = 1,	       /* the task ignores it              */
	ZC_SIGNAL_ALREADY_PENDING = 2, /* a legacy signal already pending  */
	ZC_SIGNAL_OVERFLOW_FAIL = 3,   /* the queue was full: lost         */
	ZC_SIGNAL_LOSE_INFO = 4,       /* queued without its siginfo       */
};

/* Who sent a signal (ZC_KIND_SIGNAL id). */
enum zc_signal_sender {
	ZC_SIGNAL_FROM_ITSELF = 0, /* the target process (a fault, raise)  */
	ZC_SIGNAL_FROM_OTHER = 1,  /* another process, or an interrupt     */
};

/* Signals counted: 1 .. _NSIG - 1 (64 on x86_64). */
#define ZC_SIGNAL_MAX 65

enum zc_stream {
	ZC_STREAM_SUBMITTED = 0, /* events written to the ring buffer   */
	ZC_STREAM_LOST = 1,	 /* events the ring buffer had no room for */
};

/* Slots of the zc_health per-CPU array: updates that could not be made. */
enum zc_health_slot {
	ZC_HEALTH_COUNTERS_FULL = 0,  /* a counter update found zc_counters full */
	ZC_HEALTH_OWNERS_FULL = 1,    /* a socket/bio owner could not be recorded */
	ZC_HEALTH_TASKS_FULL = 2,     /* a task context could not be created     */
	ZC_HEALTH_VMA_UNKNOWN = 3,    /* a write fault whose mapping could not be
					 looked up (copy-on-write undecided)    */
	ZC_HEALTH_FLOWS_FULL = 4,     /* a descriptor flow could not be recorded */
	ZC_HEALTH_DEVICES_FULL = 5,   /* a device counter or name could not be
					 recorded                                */
	ZC_HEALTH_TARGETS_FULL = 6,   /* a forked child could not be followed  */
	ZC_HEALTH_BUFFER_UNKNOWN = 7, /* a write whose buffer's mapping could not
					 be looked up (mmap+write undecided)    */
	ZC_HEALTH_MAX = 8,
};

/* Syscall number used when an event happened outside any syscall. */
#define ZC_NO_SYSCALL 0xffff

/* Syscalls counted by number in the zc_syscalls per-CPU array, at
 * role * ZC_SYSCALL_SLOTS + nr: an array slot the verifier inlines instead
 * of a hash lookup on every syscall. Numbers beyond go to zc_counters. */
#define ZC_SYSCALL_SLOTS 512

/* One zc_syscalls slot: what the counters' ZC_KIND_SYSCALL (calls, bytes),
 * ZC_KIND_SYSCALL_ERR (errors) and ZC_KIND_SYSCALL_TIME (calls, time_ns)
 * would hold. exit and exit_group never return: they are calls, never
 * timed. */
struct zc_syscall_val {
	__u64 calls;
	__u64 bytes;
	__u64 errors;
	__u64 time_ns;
};

/* Roles by tgid (map zc_roles), 8 per word: the one check every probe makes
 * first, so that a process zctrace does not trace costs an inlined array
 * load. Sized for PID_MAX_LIMIT on 64-bit (include/linux/threads.h: 4M),
 * so that no pid can fall outside it whatever pid_max is set to later. */
#define ZC_PID_MAX_LIMIT (4u * 1024 * 1024)
#define ZC_ROLE_WORDS	 (ZC_PID_MAX_LIMIT / 8)

/* Slots of zc_task_slots (per-thread contexts by tid % ZC_TASK_SLOTS). */
#define ZC_TASK_SLOTS 8192

/* Key of the in-kernel counters (ZC map "counters"). 8 bytes. */
struct zc_counter_key {
	__u8 role;
	__u8 kind;
	__u8 dir;
	__u8 pad;
	__u16 site;
	__u16 id;
};

/* Value of the in-kernel counters (per CPU; user space sums). */
struct zc_counter_val {
	__u64 count;
	__u64 bytes;
};

/* Key of the per-device counters (map zc_dev_counters): bytes one device
 * moved or had mapped for DMA, per role and direction. 16 bytes. */
struct zc_dev_key {
	__u64 dev; /* struct gendisk * (storage) or struct device * (DMA) */
	__u8 role;
	__u8 kind; /* zc_dev_kind */
	__u8 dir;  /* zc_block for storage, zc_dma for DMA */
	__u8 pad[5];
};

enum zc_dev_kind {
	ZC_DEVK_STORAGE = 1, /* bios a target queued for a disk */
	ZC_DEVK_DMA = 2,     /* DMA mappings made for a device   */
};

/* What a device is (map zc_devices, keyed by its kernel address). */
enum zc_dev_class {
	ZC_DEV_UNKNOWN = 0,
	ZC_DEV_DISK = 1,    /* a gendisk                                  */
	ZC_DEV_STORAGE = 2, /* a device a disk hangs under (its DMA device) */
	ZC_DEV_NIC = 3,	    /* a device a net device hangs under           */
};

struct zc_device {
	__u8 cls; /* zc_dev_class */
	__u8 pad[7];
	char name[24]; /* its own name: "nvme0n1", "0000:00:04.0" */
	char of[16];   /* the disk or net device it serves: "nvme0n1", "eth0" */
};

/* What the targets map says about a process (key: tgid). 32 bytes. */
struct zc_target {
	__u32 role;
	__u32 follow_children; /* add forked children with the same role */
	__u32 ppid;	       /* the parent it was forked from, 0: registered */
	__u32 execs;	       /* execve()s it made while followed          */
	char comm[16];	       /* its name, as of its last exec             */
};

/* Key of the descriptor flows (map zc_flows): which syscall of which
 * process moved data from which descriptor to which. The inode numbers tell
 * the objects apart and join the two ends of a pipe (one inode). A side the
 * syscall does not have is fd -1, kind ZC_FD_NONE. 40 bytes. */
struct zc_flow_key {
	__u32 tgid;
	__u16 nr;
	__u8 src_kind; /* zc_fd_kind */
	__u8 dst_kind;
	__s32 src_fd;
	__s32 dst_fd;
	__u64 src_ino;
	__u64 dst_ino;
	__u32 flags; /* ZC_FLOW_* */
	__u32 pad;
};

/* zc_flow_key.flags */
#define ZC_FLOW_ZEROCOPY 0x1 /* a send with MSG_ZEROCOPY */
#define ZC_FLOW_IO_URING 0x2 /* requests through an io_uring ring          */
#define ZC_FLOW_AIO	 0x4 /* iocbs submitted with io_submit (libaio)    */

/* calls, and the sum of their positive returns (mmap: of the lengths mapped). */
struct zc_flow_val {
	__u64 calls;
	__u64 bytes;
};

/* Flows a thread counted but has not added to zc_flows yet: one for
 * syscalls that only read, one for the rest, each added when the thread's
 * next flow of its kind differs, and when the thread exits. A loop of reads
 * and writes on the same descriptors costs a compare per syscall instead of
 * a hash update. Every zc_tasks value begins with this (user space adds what
 * is pending of threads still alive). */
struct zc_pending_flows {
	struct zc_flow_key key[2];
	struct zc_flow_val val[2];
};

/* Event kinds streamed through the ring buffer. */
enum zc_event_kind {
	ZC_EV_SYSCALL = 1, /* id=nr, value=ret, aux=duration ns, ts=enter */
	ZC_EV_PAYLOAD = 2, /* site, dir, id=nr, value=bytes             */
	ZC_EV_FAULT = 3,   /* site=mode, id=nr, aux=address             */
	ZC_EV_SWITCH = 4,  /* site=voluntary/involuntary                */
	ZC_EV_BLOCK = 5,   /* site=read/write, value=bytes, aux=sector  */
	ZC_EV_DMA = 6,	   /* site=direction, value=bytes               */
	ZC_EV_NET = 7,	   /* site=zc_net, value=bytes                  */
	ZC_EV_MAX = 8,
};

/* One streamed event. 40 bytes. */
struct zc_event {
	__u64 ts_ns;
	__u32 tid;
	__u32 tgid;
	__u8 kind;
	__u8 role;
	__u8 dir;
	__u8 pad;
	__u16 site;
	__u16 id;
	__s64 value;
	__u64 aux;
};

#endif /* ZCTRACE_H */
