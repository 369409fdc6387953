/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Maps and helpers every zctrace probe family shares.
 *
 * The families (syscalls, sched, faults, copies, block, net) are built into
 * one object (probes.bpf.c), which user space loads first, and each into its
 * own, loaded one by one where the kernel refuses the whole, so that one
 * family failing to load does not take the others down. They all declare
 * these maps with identical definitions; loaded one by one, user space
 * creates them once (with the first family) and hands the same map fds to
 * the others with bpf_map__reuse_fd() before they load.
 */
#ifndef ZCTRACE_COMMON_BPF_H
#define ZCTRACE_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "zctrace.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by user space before load (struct zc_config). */
const volatile struct zc_config zc_cfg = {};

/* Processes whose work is accounted, by tgid: every one followed stays, so
 * that user space can list them. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct zc_target);
} zc_targets SEC(".maps");

/* The role of every process followed, by tgid (ZC_ROLE_WORDS words of 8
 * roles): what zc_targets says, kept where the check costs least. Written by
 * user space through a shared mapping (atomically, as the fork program
 * writes it) and by the fork program. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, ZC_ROLE_WORDS);
	__type(key, __u32);
	__type(value, __u64);
} zc_roles SEC(".maps");

/* Syscalls by role and number (struct zc_syscall_val), per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ZC_ROLE_MAX *ZC_SYSCALL_SLOTS);
	__type(key, __u32);
	__type(value, struct zc_syscall_val);
} zc_syscalls SEC(".maps");

/* libaio iocbs of one io_submit, as the syscall family read them at entry
 * (up to this many; more in one call are counted as unsized). */
#define ZC_AIO_MAX 32

struct zc_aio_iocb {
	__u32 cls; /* zc_async, ZC_ASYNC_AIO_* */
	__u32 bytes;
};

/* A mapping as vma_lookup.bpf.h finds it. */
struct zc_vma {
	__u64 start, end; /* the mapping's range */
	__u64 ino;	  /* of its file; 0 without one */
	__u32 dev;	  /* its file's superblock's s_dev */
	__u8 file;	  /* a file is mapped */
	__u8 shared;	  /* VM_SHARED */
	__u8 pad[2];
};

/* Per-thread state of a target thread: which syscall it is in and what the
 * copy-site probes learnt about that syscall so far. Keyed by tid. */
struct zc_task_ctx {
	struct zc_pending_flows flows; /* first: user space reads it */
	__u64 owner_tid;	       /* zc_task_slots: the thread a slot is for, 0 = free
					  (64 bits: compare-and-swap is 64-bit only before
					  BPF's v3 instruction set) */
	__u64 enter_ns;
	__u32 nr;	  /* syscall in progress, or ZC_NO_SYSCALL */
	__u32 in_syscall; /* 1 between sys_enter and sys_exit        */
	__u32 copy_flags; /* ZC_CF_*: set by copy sites, per syscall */
	__u32 send_dir;	  /* zc_dir of the pending sendmsg, 0 = none,
			     ZC_SEND_COUNTED: a site counted it     */
	__u32 send_site;  /* zc_site of the pending sendmsg           */
	__u32 role;	  /* zc_role of the thread's process          */
	/* Bytes the sites counted for sends and receives in this syscall, so
	 * that the derived tier counts only what no site saw. */
	__u64 send_seen;
	__u64 recv_seen;
	__u64 write_seen; /* bytes the file-write site copied          */
	__u8 fd_src;	  /* zc_fd_kind of the fd data comes from     */
	__u8 fd_dst;	  /* zc_fd_kind of the fd data goes to        */
	__u8 pad[6];
	/* The descriptors themselves, for zc_flows (fd -1: none). */
	__s32 src_fd;
	__s32 dst_fd;
	__u64 src_ino;
	__u64 dst_ino;
	__u32 flow_flags; /* ZC_FLOW_* */
	__u32 pad2;
	__u64 map_len; /* mmap: the length mapped (counted as its bytes) */
	/* The task's read accounting (ioac.rchar) at entry: what the kernel
	 * read on its behalf during the syscall (kernel_read in execve)
	 * sizes page-cache lookups no return value does. */
	__u64 rchar_enter;
	__u32 aio_n; /* iocbs read at io_submit's entry */
	__u32 pad3;
	/* recvmsg(MSG_ERRQUEUE)'s struct user_msghdr (a user address), read
	 * back at the exit for zero-copy completions; 0: none. */
	__u64 errqueue_msg;
	/* The page (address >> 12, plus 1) of the thread's last counted
	 * copy-on-write fault since it entered the kernel by a syscall. */
	__u64 cow_page;
	/* The mapping the thread's last lookup found (vma_lookup.bpf.h: a
	 * write fault's, a write buffer's), and the mm's mm_lock_seq then:
	 * while that has not moved, no mapping of the mm has changed. */
	__u64 vma_mm;
	struct zc_vma vma;
	__u32 vma_seq;
	__u8 vma_known;
	__u8 pad4[3];
	struct zc_aio_iocb aio[ZC_AIO_MAX];
};

/* send_dir: the send was already counted at its site (fexit). */
#define ZC_SEND_COUNTED 0xff

/* filemap_get_pages ran inside the current syscall. */
#define ZC_CF_FILEMAP_GET_PAGES 0x1

/* Thread contexts live in zc_task_slots, at tid % ZC_TASK_SLOTS, when that
 * slot is free: an array slot is an inlined load where a hash lookup is a
 * call and a hash, and every syscall looks its context up twice. A thread
 * whose slot another thread holds has its context in zc_tasks instead. */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, ZC_TASK_SLOTS);
	__type(key, __u32);
	__type(value, struct zc_task_ctx);
} zc_task_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct zc_task_ctx);
} zc_tasks SEC(".maps");

/* An empty task context, never written: what a new one is copied from. On
 * the stack it would take most of the 512 bytes a program and the
 * functions it calls share (the verifier's combined stack limit). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct zc_task_ctx);
} zc_task_empty SEC(".maps");

/* All aggregated figures. Per CPU so that the two sides of a transfer running
 * on two CPUs never share a cache line; user space sums the CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct zc_counter_key);
	__type(value, struct zc_counter_val);
} zc_counters SEC(".maps");

/* Bookkeeping that must never be lost silently (enum zc_health_slot). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ZC_HEALTH_MAX);
	__type(key, __u32);
	__type(value, __u64);
} zc_health SEC(".maps");

/* Streamed events. Size set by user space (--ringbuf-size). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} zc_events SEC(".maps");

/* Which descriptors each data-moving syscall used (struct zc_flow_key):
 * user space tells from them which copy method a program really uses. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct zc_flow_key);
	__type(value, struct zc_flow_val);
} zc_flows SEC(".maps");

/* Owners of work the kernel finishes outside the owner's context: sockets
 * (transmits run from softirq, or from the peer's context on loopback).
 * Key: the struct sock *; value: role. LRU so that a long trace can never
 * fill it. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64);
	__type(value, __u32);
} zc_owners SEC(".maps");

/* Bios a target queued and that have not completed yet (block.bpf.c), by
 * the struct bio *: who queued them, and what, so that a failed one can be
 * taken off and a completion put on the event stream. */
struct zc_bio_val {
	__u8 role;
	__u8 dir; /* zc_block */
	__u8 pad[2];
	__u32 bytes;
	__u64 sector;
	__u64 disk;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct zc_bio_val);
} zc_bios SEC(".maps");

/* Bytes per device, role and direction (struct zc_dev_key): the disks the
 * targets' bios went to, and every device DMA was mapped for. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct zc_dev_key);
	__type(value, struct zc_counter_val);
} zc_dev_counters SEC(".maps");

/* What each device seen is: a disk, or an ancestor of one (storage), or of
 * a net device (NIC); user space tells DMA mappings apart by it. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, struct zc_device);
} zc_devices SEC(".maps");

/* The packet a net device is transmitting on this CPU right now (between
 * net_dev_start_xmit and net_dev_xmit): the driver's DMA mappings in between
 * are for it, whoever's context the transmit runs in, and what they map
 * beyond the packet's own bytes is the driver's (a per-packet header). */
struct zc_xmit_window {
	__u16 open;
	__u16 nic;  /* a device with hardware behind it (not lo or veth) */
	__u32 role; /* the packet's owner, ZC_ROLE_NONE if none */
	__u64 len;  /* skb->len */
	__u64 mapped;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct zc_xmit_window);
} zc_xmit_window SEC(".maps");

static __always_inline void zc_health_inc(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&zc_health, &slot);

	if (v)
		*v += 1; /* per-CPU slot: no other writer */
}

/* The value at `key`, created from `zero` when missing; NULL (and the
 * health slot `full` counted) when the map is full. */
static __always_inline void *zc_lookup_or_init(void *map, const void *key, const void *zero,
					       __u32 full)
{
	void *val = bpf_map_lookup_elem(map, key);

	if (val)
		return val;
	bpf_map_update_elem(map, key, zero, BPF_NOEXIST);
	val = bpf_map_lookup_elem(map, key);
	if (!val)
		zc_health_inc(full);
	return val;
}

/* Adds `n` events and `bytes` to a counter. */
static __always_inline void zc_count_n(__u8 role, __u8 kind, __u16 site, __u8 dir, __u16 id,
				       __u64 n, __u64 bytes)
{
	struct zc_counter_key key = {
	    .role = role, .kind = kind, .dir = dir, .site = site, .id = id};
	const struct zc_counter_val zero = {};
	struct zc_counter_val *val =
	    zc_lookup_or_init(&zc_counters, &key, &zero, ZC_HEALTH_COUNTERS_FULL);

	if (!val)
		return;
	/* Per-CPU value, but an interrupt-context probe may update the same
	 * slot while a process-context one is half way: keep it atomic. */
	__sync_fetch_and_add(&val->count, n);
	__sync_fetch_and_add(&val->bytes, bytes);
}

static __always_inline void zc_count(__u8 role, __u8 kind, __u16 site, __u8 dir, __u16 id,
				     __u64 bytes)
{
	zc_count_n(role, kind, site, dir, id, 1, bytes);
}

/* Adds bytes one device moved or had mapped (zc_dev_counters). */
static __always_inline void zc_device_count(__u64 dev, __u8 role, __u8 kind, __u8 dir, __u64 bytes)
{
	struct zc_dev_key key = {.dev = dev, .role = role, .kind = kind, .dir = dir};
	const struct zc_counter_val zero = {};
	struct zc_counter_val *val =
	    zc_lookup_or_init(&zc_dev_counters, &key, &zero, ZC_HEALTH_DEVICES_FULL);

	if (!val)
		return;
	__sync_fetch_and_add(&val->count, 1);
	__sync_fetch_and_add(&val->bytes, bytes);
}

/* include/uapi/asm-generic/errno-base.h: a full map says E2BIG. */
#define ZC_E2BIG 7

/* Records what a device is, the first time it is seen. */
static __always_inline void zc_name_device(__u64 dev, __u8 cls, const char *name)
{
	struct zc_device d = {.cls = cls};

	if (!dev || bpf_map_lookup_elem(&zc_devices, &dev))
		return;
	bpf_probe_read_kernel_str(d.name, sizeof(d.name), name);
	__builtin_memcpy(d.of, d.name, sizeof(d.of) - 1);
	if (bpf_map_update_elem(&zc_devices, &dev, &d, BPF_NOEXIST) == -ZC_E2BIG)
		zc_health_inc(ZC_HEALTH_DEVICES_FULL);
}

/* Up to this many ancestors of a disk's or a net device's struct device are
 * marked: the DMA device is the bus device a few levels up (the PCI function
 * of an NVMe controller or a virtio device). */
#define ZC_ANCESTORS 4

/* Marks the ancestors of `dev` as serving `of` (a disk or net device name)
 * with class `cls`. Stops at the first one already known. */
static __always_inline void zc_mark_ancestors(struct device *dev, __u8 cls, const char *of)
{
	struct zc_device d = {.cls = cls};

	if (!dev)
		return;
	bpf_probe_read_kernel_str(d.of, sizeof(d.of), of);
	for (int i = 0; i < ZC_ANCESTORS; i++) {
		__u64 key;

		dev = BPF_CORE_READ(dev, parent);
		if (!dev)
			return;
		key = (__u64)dev;
		if (bpf_map_lookup_elem(&zc_devices, &key))
			return;
		bpf_probe_read_kernel_str(d.name, sizeof(d.name), BPF_CORE_READ(dev, kobj.name));
		if (bpf_map_update_elem(&zc_devices, &key, &d, BPF_NOEXIST) == -ZC_E2BIG)
			zc_health_inc(ZC_HEALTH_DEVICES_FULL);
	}
}

/* Wake the consumer only once the ring is half full: a wakeup per event
 * costs more than the event. The collector also polls on a short timeout,
 * so nothing waits long. */
static __always_inline __u64 zc_wakeup_flag(void)
{
	__u64 avail = bpf_ringbuf_query(&zc_events, BPF_RB_AVAIL_DATA);
	__u64 size = bpf_ringbuf_query(&zc_events, BPF_RB_RING_SIZE);

	return avail * 2 >= size ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

static __always_inline void zc_emit(__u8 kind, __u8 role, __u16 site, __u8 dir, __u16 id,
				    __s64 value, __u64 aux, __u64 ts)
{
	struct zc_event *e;

	if (!zc_cfg.stream_events)
		return;
	e = bpf_ringbuf_reserve(&zc_events, sizeof(*e), 0);
	if (!e) {
		zc_count(ZC_ROLE_NONE, ZC_KIND_STREAM, ZC_STREAM_LOST, 0, kind, 0);
		return;
	}
	__u64 id_tgid = bpf_get_current_pid_tgid();

	e->ts_ns = ts ? ts : bpf_ktime_get_ns();
	e->tid = (__u32)id_tgid;
	e->tgid = id_tgid >> 32;
	e->kind = kind;
	e->role = role;
	e->dir = dir;
	e->pad = 0;
	e->site = site;
	e->id = id;
	e->value = value;
	e->aux = aux;
	bpf_ringbuf_submit(e, zc_wakeup_flag());
	zc_count(ZC_ROLE_NONE, ZC_KIND_STREAM, ZC_STREAM_SUBMITTED, 0, kind, 0);
}

static __always_inline __u8 zc_role_of_tgid(__u32 tgid)
{
	__u32 word = tgid / 8;
	__u64 *w = bpf_map_lookup_elem(&zc_roles, &word);

	return w ? (__u8)(*w >> ((tgid % 8) * 8)) : ZC_ROLE_NONE;
}

/* Gives `tgid` its role in zc_roles (its byte is 0 before: roles are only
 * ever set, and cleared by user space when a trace ends). */
static __always_inline void zc_set_role(__u32 tgid, __u8 role)
{
	__u32 word = tgid / 8;
	__u64 *w = bpf_map_lookup_elem(&zc_roles, &word);

	if (w)
		__sync_fetch_and_or(w, (__u64)role << ((tgid % 8) * 8));
}

/* One syscall of `role` returned (or, for exit and exit_group, entered,
 * untimed): its slot in zc_syscalls, or zc_counters for a number beyond
 * the array. */
static __always_inline void zc_count_syscall(__u8 role, __u32 nr, long ret, bool timed, __u64 took)
{
	__u32 slot = role * ZC_SYSCALL_SLOTS + nr;
	struct zc_syscall_val *v;

	if (nr >= ZC_SYSCALL_SLOTS || role >= ZC_ROLE_MAX) {
		zc_count(role, ZC_KIND_SYSCALL, 0, 0, (__u16)nr, ret > 0 ? (__u64)ret : 0);
		if (ret < 0)
			zc_count(role, ZC_KIND_SYSCALL_ERR, 0, 0, (__u16)nr, 0);
		if (timed)
			zc_count(role, ZC_KIND_SYSCALL_TIME, 0, 0, (__u16)nr, took);
		return;
	}
	v = bpf_map_lookup_elem(&zc_syscalls, &slot);
	if (!v)
		return;
	/* Per-CPU, but a preemptible kernel may run this program for another
	 * task on the same CPU half way through: keep each add atomic. */
	__sync_fetch_and_add(&v->calls, 1);
	if (ret > 0)
		__sync_fetch_and_add(&v->bytes, (__u64)ret);
	else if (ret < 0)
		__sync_fetch_and_add(&v->errors, 1);
	if (timed)
		__sync_fetch_and_add(&v->time_ns, took);
}

static __always_inline __u8 zc_current_role(void)
{
	return zc_role_of_tgid(bpf_get_current_pid_tgid() >> 32);
}

/* The context of thread `tid`, or NULL: its slot if it holds it, else
 * zc_tasks. */
static __always_inline struct zc_task_ctx *zc_ctx_of(__u32 tid)
{
	__u32 slot = tid % ZC_TASK_SLOTS;
	struct zc_task_ctx *tc = bpf_map_lookup_elem(&zc_task_slots, &slot);

	if (tc && tc->owner_tid == tid && tid)
		return tc;
	return bpf_map_lookup_elem(&zc_tasks, &tid);
}

static __always_inline struct zc_task_ctx *zc_current_ctx(void)
{
	return zc_ctx_of((__u32)bpf_get_current_pid_tgid());
}

/* The context of thread `tid`, created empty if it has none yet: in its
 * slot if that is free (claimed with a compare-and-swap: two threads may
 * want it at once), else in zc_tasks. */
static __always_inline struct zc_task_ctx *zc_ctx_create(__u32 tid)
{
	__u32 slot = tid % ZC_TASK_SLOTS;
	struct zc_task_ctx *tc = bpf_map_lookup_elem(&zc_task_slots, &slot);
	__u32 zero = 0;
	const struct zc_task_ctx *empty;

	if (tc && tid) {
		if (tc->owner_tid == tid)
			return tc;
		if (tc->owner_tid == 0 &&
		    __sync_val_compare_and_swap(&tc->owner_tid, 0, (__u64)tid) == 0) {
			/* A freed slot keeps what its last thread left (its
			 * pending flows were added when it was freed): it starts
			 * as a new zc_tasks entry does, all zero but the owner,
			 * with no syscall in progress. */
			__builtin_memset(&tc->flows, 0, sizeof(tc->flows));
			__builtin_memset(&tc->enter_ns, 0,
					 sizeof(*tc) -
					     __builtin_offsetof(struct zc_task_ctx, enter_ns));
			tc->nr = ZC_NO_SYSCALL;
			return tc;
		}
	}
	tc = bpf_map_lookup_elem(&zc_tasks, &tid);
	if (tc)
		return tc;
	empty = bpf_map_lookup_elem(&zc_task_empty, &zero);
	if (!empty)
		return NULL;
	const bool created = bpf_map_update_elem(&zc_tasks, &tid, empty, BPF_NOEXIST) == 0;

	tc = bpf_map_lookup_elem(&zc_tasks, &tid);
	if (!tc)
		zc_health_inc(ZC_HEALTH_TASKS_FULL);
	else if (created)
		tc->nr = ZC_NO_SYSCALL;
	return tc;
}

/* Drops the context of exiting thread `tid`: its slot is freed, or its
 * zc_tasks entry deleted. */
static __always_inline void zc_ctx_drop(__u32 tid, struct zc_task_ctx *tc)
{
	if (tc->owner_tid == tid && tid) {
		__sync_lock_test_and_set(&tc->owner_tid, 0);
		return;
	}
	bpf_map_delete_elem(&zc_tasks, &tid);
}

/* The current thread's context, created for a target's thread that has
 * none because it never made a syscall (an io_uring worker). */
static __always_inline struct zc_task_ctx *zc_thread_ctx(void)
{
	__u64 id_tgid = bpf_get_current_pid_tgid();
	__u8 role = zc_role_of_tgid(id_tgid >> 32);
	struct zc_task_ctx *tc;

	if (!role) /* the one check a process zctrace does not trace pays */
		return NULL;
	tc = zc_ctx_create((__u32)id_tgid);
	if (tc)
		tc->role = role;
	return tc;
}

/* The syscall the current thread is in, for attributing an event to it. */
static __always_inline __u16 zc_current_syscall(void)
{
	struct zc_task_ctx *tc = zc_current_ctx();

	return (tc && tc->in_syscall) ? (__u16)tc->nr : ZC_NO_SYSCALL;
}

/* The role and syscall an event belongs to, for sites that can fire
 * outside a syscall too (io_uring workers, softirq): the thread's process
 * decides the role; the syscall is ZC_NO_SYSCALL outside one. A target's
 * thread gets its context here if it has none yet (a new io-wq worker), so
 * that what the site counts is known to the tracepoints that follow. */
static __always_inline __u8 zc_site_context(struct zc_task_ctx **tc, __u16 *nr)
{
	*tc = zc_thread_ctx();
	*nr = (*tc && (*tc)->in_syscall) ? (__u16)(*tc)->nr : ZC_NO_SYSCALL;
	return *tc ? (__u8)(*tc)->role : ZC_ROLE_NONE;
}

/* Payload bytes that moved at a site: counted, and streamed. */
static __always_inline void zc_payload(__u8 role, __u16 site, __u8 dir, __u16 nr, __u64 bytes)
{
	zc_count(role, ZC_KIND_PAYLOAD, site, dir, nr, bytes);
	zc_emit(ZC_EV_PAYLOAD, role, site, dir, nr, bytes, 0, 0);
}

/* Records `role` as the owner of `key`, writing only what changed. An LRU
 * update replaces the element with a fresh one and frees the old one for
 * immediate reuse (no RCU grace period for preallocated elements), so a
 * lookup racing on another CPU (a transmit in softirq) can walk the freed
 * element and miss the key; rewriting the same owner on every send made
 * that race frequent enough to lose hundreds of segments in a run. The
 * value itself is one aligned word: storing it in place is atomic. */
static __always_inline void zc_remember_owner(void *map, const void *key, __u8 role)
{
	__u32 value = role;
	__u32 *cur = bpf_map_lookup_elem(map, key);

	if (cur) {
		if (*cur != value)
			*(volatile __u32 *)cur = value;
		return;
	}
	if (bpf_map_update_elem(map, key, &value, BPF_NOEXIST) && !bpf_map_lookup_elem(map, key))
		zc_health_inc(ZC_HEALTH_OWNERS_FULL);
}

/* skb_shinfo(): the shared info sits at skb->head + skb->end (an offset on
 * 64-bit kernels, NET_SKBUFF_DATA_USES_OFFSET). */
static __always_inline struct skb_shared_info *skb_shinfo_of(const struct sk_buff *skb)
{
	unsigned char *head = BPF_CORE_READ(skb, head);

	return (void *)(head + BPF_CORE_READ(skb, end));
}

/* The task's ioac.rchar (CONFIG_TASK_XACCT): bytes it read through the read
 * family and kernel_read; 0 where the kernel does not keep it. */
static __always_inline __u64 zc_task_rchar(struct task_struct *task)
{
	if (!bpf_core_field_exists(task->ioac))
		return 0;
	return task->ioac.rchar; /* a BTF pointer: a plain load, no helper */
}

#endif /* ZCTRACE_COMMON_BPF_H */
