/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The mapping at a user address, for the copy-on-write faults (copies) and
 * for where a write's buffer lies (syscalls): bpf_find_vma ("bpf: Introduce
 * helper bpf_find_vma", 5.17), answered from the thread's last lookup while
 * no mapping of its mm has changed since.
 *
 * The helper only tries mmap_lock and says EBUSY when another thread holds
 * it (a JVM's threads often do), and from page_fault_user it defers its
 * unlock through irq_work (a self-interrupt: about 5 us a fault in a VM);
 * the cached answer is a few loads and never busy.
 */
#pragma once

#include "common.bpf.h"

/* include/linux/mm.h */
#define ZC_VM_SHARED 0x00000008UL

static long zc_vma_found(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
	struct zc_vma *v = data;
	struct file *file = BPF_CORE_READ(vma, vm_file);

	v->start = BPF_CORE_READ(vma, vm_start);
	v->end = BPF_CORE_READ(vma, vm_end);
	v->shared = !!(BPF_CORE_READ(vma, vm_flags) & ZC_VM_SHARED);
	if (file) {
		struct inode *inode = BPF_CORE_READ(file, f_inode);

		v->file = 1;
		v->ino = BPF_CORE_READ(inode, i_ino);
		v->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	}
	return 0;
}

/* mm_struct's mm_lock_seq as a seqcount (odd while a writer holds the mmap
 * lock, moved by every write-locked change of the mm's mappings): "mm:
 * convert mm_lock_seq to a proper seqcount" (6.14). Before it, an int bumped
 * only at unlock (a writer in progress cannot be seen), or nothing (before
 * per-VMA locks, 6.4): there every lookup asks bpf_find_vma. */
struct mm_struct___seqcount {
	seqcount_t mm_lock_seq;
} __attribute__((preserve_access_index));

/* The mm's mapping generation, or false where the kernel has none usable. */
static __always_inline bool zc_mm_generation(struct mm_struct *mm, __u32 *seq)
{
	if (!mm || !bpf_core_field_exists(((struct mm_struct___seqcount *)0)->mm_lock_seq))
		return false;
	*seq = BPF_CORE_READ((struct mm_struct___seqcount *)mm, mm_lock_seq.sequence);
	return !(*seq & 1);
}

/* The mapping at `address` of the current task: 0 and *v filled, or
 * bpf_find_vma's error (-EBUSY: mmap_lock was held; -ENOENT: nothing is
 * mapped there). `tc` may be NULL (nothing cached then). */
static __always_inline long zc_vma_at(struct zc_task_ctx *tc, unsigned long address,
				      struct zc_vma *v)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct mm_struct *mm = task->mm;
	__u32 seq = 0;
	const bool generation = zc_mm_generation(mm, &seq);
	long err;

	if (tc && generation && tc->vma_known && tc->vma_mm == (__u64)mm && tc->vma_seq == seq &&
	    address >= tc->vma.start && address < tc->vma.end) {
		*v = tc->vma;
		return 0;
	}
	err = bpf_find_vma(task, address, zc_vma_found, v, 0);
	if (err)
		return err;
	if (tc) {
		tc->vma_known = generation;
		tc->vma_mm = (__u64)mm;
		tc->vma_seq = seq;
		tc->vma = *v;
	}
	return 0;
}
