// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Device-transfer family, storage and DMA: bytes a block device moved for a
 * target (the seeds' "DMA copy" from disk), and DMA mappings made for any
 * device while a target's work was being handed to it.
 *
 * A request completes in interrupt context, and may be issued (or re-issued
 * after the device pushed back) from a kblockd worker, so the owner is
 * recorded where it is certain: when the target queues the bio (its own
 * context), by (disk, sector). The request found at issue by its first
 * sector inherits that owner until it completes, and its completion is
 * counted for it. Requests nobody recorded belong to other processes.
 */
#include "common.bpf.h"

/* include/linux/blk_types.h: REQ_OP_MASK covers the low 8 bits. */
#define ZC_REQ_OP_MASK	0xff
#define ZC_REQ_OP_READ	0
#define ZC_REQ_OP_WRITE 1

/* include/linux/dma-direction.h */
#define ZC_DMA_BIDIRECTIONAL_V 0
#define ZC_DMA_TO_DEVICE_V     1
#define ZC_DMA_FROM_DEVICE_V   2

/* Scatterlists longer than this are counted up to here (a chained list is
 * followed no further than its first chunk). */
#define ZC_SG_MAX 128

SEC("tp_btf/block_bio_queue")
int BPF_PROG(zc_block_bio_queue, struct bio *bio)
{
	__u8 role = zc_current_role();
	struct zc_bio_key key = {};

	if (!role)
		return 0;
	key.disk = (__u64)BPF_CORE_READ(bio, bi_bdev, bd_disk);
	key.sector = BPF_CORE_READ(bio, bi_iter.bi_sector);
	if (bpf_map_update_elem(&zc_bios, &key, &(__u32){role}, BPF_ANY))
		zc_health_inc(ZC_HEALTH_OWNERS_FULL);
	return 0;
}

/* A bio too large for the device is split; the remainder starts a request
 * of its own at new_sector. */
SEC("tp_btf/block_split")
int BPF_PROG(zc_block_split, struct bio *bio, unsigned int new_sector)
{
	__u8 role = zc_current_role();
	struct zc_bio_key key = {};

	if (!role)
		return 0;
	key.disk = (__u64)BPF_CORE_READ(bio, bi_bdev, bd_disk);
	key.sector = new_sector;
	if (bpf_map_update_elem(&zc_bios, &key, &(__u32){role}, BPF_ANY))
		zc_health_inc(ZC_HEALTH_OWNERS_FULL);
	return 0;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(zc_block_rq_issue, struct request *rq)
{
	struct zc_bio_key key = {};
	__u64 rq_key = (__u64)rq;
	__u32 *owner;

	key.disk = (__u64)BPF_CORE_READ(rq, q, disk);
	key.sector = BPF_CORE_READ(rq, __sector);
	owner = bpf_map_lookup_elem(&zc_bios, &key);
	if (owner) {
		zc_remember_owner(&zc_owners, &rq_key, (__u8)*owner);
		bpf_map_delete_elem(&zc_bios, &key);
		return 0;
	}
	/* Issued from the target's own context (a plug flushed by its syscall). */
	__u8 role = zc_current_role();

	if (role)
		zc_remember_owner(&zc_owners, &rq_key, role);
	/* Otherwise it may be a request issued before and requeued (a busy
	 * device pushes back; kblockd issues it again): it keeps the owner it
	 * had. An owner is only forgotten when its request completes. */
	return 0;
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(zc_block_rq_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	__u64 rq_key = (__u64)rq;
	__u32 *owner = bpf_map_lookup_elem(&zc_owners, &rq_key);
	__u32 op, role;
	__u16 dir;

	if (!owner)
		return 0;
	role = *owner;
	/* Requests are preallocated and reused: once this one is done, its
	 * owner must not pass to the next use of the same struct request. */
	if (error || nr_bytes >= BPF_CORE_READ(rq, __data_len))
		bpf_map_delete_elem(&zc_owners, &rq_key);
	if (error)
		return 0;
	op = BPF_CORE_READ(rq, cmd_flags) & ZC_REQ_OP_MASK;
	if (op != ZC_REQ_OP_READ && op != ZC_REQ_OP_WRITE)
		return 0;
	dir = op == ZC_REQ_OP_READ ? ZC_BLOCK_READ : ZC_BLOCK_WRITE;
	zc_count((__u8)role, ZC_KIND_BLOCK, dir, 0, ZC_NO_SYSCALL, nr_bytes);
	zc_emit(ZC_EV_BLOCK, (__u8)role, dir, 0, ZC_NO_SYSCALL, nr_bytes,
		BPF_CORE_READ(rq, __sector), 0);
	return 0;
}

/* Whose DMA is this? The target running here, else the owner of the packet
 * being transmitted on this CPU, else nobody known (reported unattributed). */
static __always_inline __u8 dma_owner(void)
{
	__u8 role = zc_current_role();
	__u32 zero = 0;
	__u32 *xmit;

	if (role)
		return role;
	xmit = bpf_map_lookup_elem(&zc_xmit_owner, &zero);
	return xmit ? (__u8)*xmit : ZC_ROLE_NONE;
}

static __always_inline __u16 dma_site(int dir)
{
	if (dir == ZC_DMA_TO_DEVICE_V)
		return ZC_DMA_TO_DEVICE;
	if (dir == ZC_DMA_FROM_DEVICE_V)
		return ZC_DMA_FROM_DEVICE;
	return ZC_DMA_BIDIRECTIONAL;
}

static __always_inline void dma_mapped(int dir, __u64 bytes)
{
	__u8 role = dma_owner();
	__u16 site = dma_site(dir);

	zc_count(role, ZC_KIND_DMA, site, 0, zc_current_syscall(), bytes);
	zc_emit(ZC_EV_DMA, role, site, 0, zc_current_syscall(), bytes, 0, 0);
}

/* dma:dma_map_page until 6.17, renamed dma:dma_map_phys in 6.18 (same
 * arguments); user space autoloads the one this kernel has. */
SEC("tp_btf/dma_map_phys")
int BPF_PROG(zc_dma_map_phys, struct device *dev, phys_addr_t phys, dma_addr_t addr, size_t size,
	     enum dma_data_direction dir, unsigned long attrs)
{
	dma_mapped(dir, size);
	return 0;
}

SEC("tp_btf/dma_map_page")
int BPF_PROG(zc_dma_map_page, struct device *dev, phys_addr_t phys, dma_addr_t addr, size_t size,
	     enum dma_data_direction dir, unsigned long attrs)
{
	dma_mapped(dir, size);
	return 0;
}

/* Bytes of a scatterlist (the first chunk of a chained one). */
static __always_inline __u64 sg_bytes(struct scatterlist *sgl, int nents)
{
	__u64 bytes = 0;

	for (int i = 0; i < ZC_SG_MAX && i < nents; i++) {
		struct scatterlist *sg = sgl + i;

		/* SG_CHAIN (bit 0 of page_link): the rest lives elsewhere. */
		if (BPF_CORE_READ(sg, page_link) & 0x1)
			break;
		bytes += BPF_CORE_READ(sg, length);
	}
	return bytes;
}

SEC("tp_btf/dma_map_sg")
int BPF_PROG(zc_dma_map_sg, struct device *dev, struct scatterlist *sgl, int nents, int ents,
	     enum dma_data_direction dir, unsigned long attrs)
{
	dma_mapped(dir, sg_bytes(sgl, nents));
	return 0;
}

/* Kernels without the dma tracepoints (6.1): the mapping functions
 * themselves, dma_map_page_attrs(dev, page, offset, size, dir, attrs) and
 * dma_map_sg_attrs(dev, sg, nents, dir, attrs). */
SEC("fentry/dma_map_page_attrs")
int zc_dma_map_page_fentry(__u64 *ctx)
{
	__u64 size = 0, dir = 0;

	bpf_get_func_arg(ctx, 3, &size);
	bpf_get_func_arg(ctx, 4, &dir);
	dma_mapped((int)dir, size);
	return 0;
}

SEC("fentry/dma_map_sg_attrs")
int zc_dma_map_sg_fentry(__u64 *ctx)
{
	__u64 sgl = 0, nents = 0, dir = 0;

	bpf_get_func_arg(ctx, 1, &sgl);
	bpf_get_func_arg(ctx, 2, &nents);
	bpf_get_func_arg(ctx, 3, &dir);
	dma_mapped((int)dir, sg_bytes((struct scatterlist *)sgl, (int)nents));
	return 0;
}
