// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Fault family: page faults of target threads on user addresses, taken in
 * user mode (the program touched a mapping) or in kernel mode (a syscall
 * copied from or to a user address that was not mapped yet: mmap+write takes
 * its file faults inside write()). Plus the page-cache side of file faults:
 * how often fault-around mapped a range and how often filemap_fault ran.
 */
#include "common.bpf.h"

/* x86_64: user addresses have bit 63 clear, kernel addresses have it set,
 * with 4- and 5-level page tables alike. */
static __always_inline bool user_address(unsigned long address)
{
	return (long)address >= 0;
}

SEC("tp_btf/page_fault_user")
int BPF_PROG(zc_fault_user, unsigned long address, struct pt_regs *regs, unsigned long error_code)
{
	__u8 role = zc_current_role();

	if (!role)
		return 0;
	zc_count(role, ZC_KIND_FAULT, ZC_FAULT_USER, 0, ZC_NO_SYSCALL, 0);
	zc_emit(ZC_EV_FAULT, role, ZC_FAULT_USER, 0, ZC_NO_SYSCALL, error_code, address, 0);
	return 0;
}

SEC("tp_btf/page_fault_kernel")
int BPF_PROG(zc_fault_kernel, unsigned long address, struct pt_regs *regs, unsigned long error_code)
{
	__u8 role = zc_current_role();
	__u16 nr;

	if (!role || !user_address(address))
		return 0;
	nr = zc_current_syscall();
	zc_count(role, ZC_KIND_FAULT, ZC_FAULT_KERNEL, 0, nr, 0);
	zc_emit(ZC_EV_FAULT, role, ZC_FAULT_KERNEL, 0, nr, error_code, address, 0);
	return 0;
}

static __always_inline void map_pages(unsigned long start, unsigned long end)
{
	__u8 role = zc_current_role();

	if (role)
		zc_count(role, ZC_KIND_FILEMAP, ZC_FILEMAP_MAP_PAGES, 0, zc_current_syscall(),
			 (end - start + 1) * 4096);
}

static __always_inline void filemap_fault(void)
{
	__u8 role = zc_current_role();

	if (role)
		zc_count(role, ZC_KIND_FILEMAP, ZC_FILEMAP_FAULT, 0, zc_current_syscall(), 4096);
}

SEC("tp_btf/mm_filemap_map_pages")
int BPF_PROG(zc_filemap_map_pages, struct address_space *mapping, unsigned long start,
	     unsigned long end)
{
	map_pages(start, end);
	return 0;
}

SEC("tp_btf/mm_filemap_fault")
int BPF_PROG(zc_filemap_fault, struct address_space *mapping, unsigned long index)
{
	filemap_fault();
	return 0;
}

/* Kernels without the filemap tracepoints (added in 6.12): the functions,
 * filemap_map_pages(vmf, start_pgoff, end_pgoff) and filemap_fault(vmf). */
SEC("fentry/filemap_map_pages")
int zc_filemap_map_pages_fentry(__u64 *ctx)
{
	__u64 start = 0, end = 0;

	bpf_get_func_arg(ctx, 1, &start);
	bpf_get_func_arg(ctx, 2, &end);
	map_pages(start, end);
	return 0;
}

SEC("fentry/filemap_fault")
int zc_filemap_fault_fentry(__u64 *ctx)
{
	filemap_fault();
	return 0;
}
