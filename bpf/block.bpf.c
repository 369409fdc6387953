// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Device-transfer family, storage and DMA: bytes a block device moved for a
 * target (the seeds' "DMA copy" from disk), and DMA mappings made for any
 * device, by device and direction.
 *
 * Storage is counted by the bio, when the target queues it, in its own
 * context: the owner is certain there, and so is the size. The block layer
 * traces each bio once (block_bio_queue sets BIO_TRACE_COMPLETION, and a
 * split remainder is not traced again), and that is also where the kernel
 * charges the task's own read accounting (submit_bio: task_io_account_read,
 * the read_bytes of /proc/PID/io): the same bytes by an independent route.
 * Requests are not used: they are merged, requeued and dispatched from
 * whatever context runs the queue (an I/O scheduler dispatches other
 * processes' requests from the target's context and the target's from
 * theirs), so an owner found through them can be wrong or missing. A bio
 * that completes with an error is taken off again at block_bio_complete.
 *
 * Only bios for request-based disks are counted (those a driver moves
 * itself); a stacked device (device mapper, md) passes its bios on to the
 * disks below, which are counted there.
 */
#include "common.bpf.h"
#include "syscall_nr.bpf.h"

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

/* bio->bi_bdev replaced bio->bi_disk in 5.12 (commit 309dca309fc3, "block:
 * store a block_device pointer in struct bio"). */
struct bio___disk {
	struct gendisk *bi_disk;
} __attribute__((preserve_access_index));

static __always_inline struct gendisk *bio_disk(struct bio *bio)
{
	if (bpf_core_field_exists(bio->bi_bdev))
		return BPF_CORE_READ(bio, bi_bdev, bd_disk);
	return BPF_CORE_READ((struct bio___disk *)bio, bi_disk);
}

/* A disk whose bios a driver turns into requests and moves itself. Bio-based
 * drivers (device mapper, md) have ->submit_bio (block_device_operations,
 * 5.9: commit c62b37d96b6e, "block: move ->make_request_fn to struct
 * block_device_operations"); before that no disk reports it and all count. */
static __always_inline bool request_based(struct gendisk *disk)
{
	if (!bpf_core_field_exists(((struct block_device_operations *)0)->submit_bio))
		return true;
	return BPF_CORE_READ(disk, fops, submit_bio) == NULL;
}

/* The struct device of a gendisk in the device tree: part0's bd_device
 * (5.11, commit 0d02129e76ed, "block: merge struct block_device and struct
 * hd_struct"); on earlier kernels no ancestor is marked. */
static __always_inline struct device *disk_device(struct gendisk *disk)
{
	if (!bpf_core_field_exists(((struct block_device *)0)->bd_device))
		return NULL;
	struct block_device *part0 = BPF_CORE_READ(disk, part0);

	return part0 ? (struct device *)((char *)part0 +
					 bpf_core_field_offset(struct block_device, bd_device))
		     : NULL;
}

SEC("tp_btf/block_bio_queue")
int BPF_PROG(zc_block_bio_queue, struct bio *bio)
{
	struct zc_task_ctx *tc;
	__u16 nr;
	__u8 role = zc_site_context(&tc, &nr);
	struct gendisk *disk;
	__u32 op, bytes;
	__u16 dir;

	if (!role)
		return 0;
	op = BPF_CORE_READ(bio, bi_opf) & ZC_REQ_OP_MASK;
	if (op != ZC_REQ_OP_READ && op != ZC_REQ_OP_WRITE)
		return 0;
	disk = bio_disk(bio);
	if (!disk || !request_based(disk))
		return 0;
	bytes = BPF_CORE_READ(bio, bi_iter.bi_size);
	if (!bytes)
		return 0;
	dir = op == ZC_REQ_OP_READ ? ZC_BLOCK_READ : ZC_BLOCK_WRITE;
	zc_count(role, ZC_KIND_BLOCK, dir, 0, nr, bytes);
	zc_device_count((__u64)disk, role, ZC_DEVK_STORAGE, (__u8)dir, bytes);
	zc_name_device((__u64)disk, ZC_DEV_DISK, disk->disk_name);
	zc_mark_ancestors(disk_device(disk), ZC_DEV_STORAGE, disk->disk_name);

	struct zc_bio_val v = {.role = role,
			       .dir = (__u8)dir,
			       .bytes = bytes,
			       .sector = BPF_CORE_READ(bio, bi_iter.bi_sector),
			       .disk = (__u64)disk};
	__u64 key = (__u64)bio;

	if (bpf_map_update_elem(&zc_bios, &key, &v, BPF_ANY))
		zc_health_inc(ZC_HEALTH_OWNERS_FULL);
	return 0;
}

/* bio_endio() traces every bio block_bio_queue traced, once its chained
 * splits have completed too; bi_status is then the status of the whole. */
SEC("tp_btf/block_bio_complete")
int BPF_PROG(zc_block_bio_complete, struct request_queue *q, struct bio *bio)
{
	__u64 key = (__u64)bio;
	struct zc_bio_val *v = bpf_map_lookup_elem(&zc_bios, &key);
	struct zc_bio_val done;

	if (!v)
		return 0;
	done = *v;
	bpf_map_delete_elem(&zc_bios, &key);
	if (BPF_CORE_READ(bio, bi_status)) {
		__u16 failed =
		    done.dir == ZC_BLOCK_READ ? ZC_BLOCK_READ_FAILED : ZC_BLOCK_WRITE_FAILED;

		zc_count(done.role, ZC_KIND_BLOCK, failed, 0, ZC_NO_SYSCALL, done.bytes);
		zc_device_count(done.disk, done.role, ZC_DEVK_STORAGE, (__u8)failed, done.bytes);
		return 0;
	}
	zc_emit(ZC_EV_BLOCK, done.role, done.dir, 0, ZC_NO_SYSCALL, done.bytes, done.sector, 0);
	return 0;
}

/* Whose DMA is this? The owner of the packet being transmitted on this CPU
 * right now (a transmit runs in whatever context frees the queue: the
 * peer's, on a shared host), else the target running here, else nobody. */
static __always_inline __u8 dma_owner(__u64 bytes)
{
	__u32 zero = 0;
	struct zc_xmit_window *w = bpf_map_lookup_elem(&zc_xmit_window, &zero);

	if (w && w->open) {
		w->mapped += bytes; /* per-CPU: no other writer */
		return (__u8)w->role;
	}
	return zc_current_role();
}

static __always_inline __u8 dma_dir(int dir)
{
	if (dir == ZC_DMA_TO_DEVICE_V)
		return ZC_DMA_TO_DEVICE;
	if (dir == ZC_DMA_FROM_DEVICE_V)
		return ZC_DMA_FROM_DEVICE;
	return ZC_DMA_BIDIRECTIONAL;
}

static __always_inline void dma_mapped(struct device *dev, int dir, __u64 bytes)
{
	__u8 role;
	__u8 d = dma_dir(dir);

	if (!bytes)
		return;
	role = dma_owner(bytes);
	zc_device_count((__u64)dev, role, ZC_DEVK_DMA, d, bytes);
	if (role)
		zc_emit(ZC_EV_DMA, role, d, 0, zc_current_syscall(), bytes, (__u64)dev, 0);
}

/* dma:dma_map_page until 6.17, renamed dma:dma_map_phys in 6.18 (same
 * arguments); user space autoloads the one this kernel has. */
SEC("tp_btf/dma_map_phys")
int BPF_PROG(zc_dma_map_phys, struct device *dev, phys_addr_t phys, dma_addr_t addr, size_t size,
	     enum dma_data_direction dir, unsigned long attrs)
{
	dma_mapped(dev, dir, size);
	return 0;
}

SEC("tp_btf/dma_map_page")
int BPF_PROG(zc_dma_map_page, struct device *dev, phys_addr_t phys, dma_addr_t addr, size_t size,
	     enum dma_data_direction dir, unsigned long attrs)
{
	dma_mapped(dev, dir, size);
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
	dma_mapped(dev, dir, sg_bytes(sgl, nents));
	return 0;
}

/* Kernels without the dma tracepoints (6.1): the mapping functions
 * themselves, dma_map_page_attrs(dev, page, offset, size, dir, attrs),
 * dma_map_sg_attrs(dev, sg, nents, dir, attrs) and dma_map_sgtable(dev,
 * sgt, dir, attrs), which NVMe uses and which does not go through
 * dma_map_sg_attrs (both call the static __dma_map_sg_attrs). */
SEC("fentry/dma_map_page_attrs")
int zc_dma_map_page_fentry(__u64 *ctx)
{
	__u64 dev = 0, size = 0, dir = 0;

	bpf_get_func_arg(ctx, 0, &dev);
	bpf_get_func_arg(ctx, 3, &size);
	bpf_get_func_arg(ctx, 4, &dir);
	dma_mapped((struct device *)dev, (int)dir, size);
	return 0;
}

SEC("fentry/dma_map_sg_attrs")
int zc_dma_map_sg_fentry(__u64 *ctx)
{
	__u64 dev = 0, sgl = 0, nents = 0, dir = 0;

	bpf_get_func_arg(ctx, 0, &dev);
	bpf_get_func_arg(ctx, 1, &sgl);
	bpf_get_func_arg(ctx, 2, &nents);
	bpf_get_func_arg(ctx, 3, &dir);
	dma_mapped((struct device *)dev, (int)dir, sg_bytes((struct scatterlist *)sgl, (int)nents));
	return 0;
}

SEC("fentry/dma_map_sgtable")
int zc_dma_map_sgtable_fentry(__u64 *ctx)
{
	__u64 dev = 0, sgt = 0, dir = 0;
	struct sg_table *table;

	bpf_get_func_arg(ctx, 0, &dev);
	bpf_get_func_arg(ctx, 1, &sgt);
	bpf_get_func_arg(ctx, 2, &dir);
	table = (struct sg_table *)sgt;
	dma_mapped((struct device *)dev, (int)dir,
		   sg_bytes(BPF_CORE_READ(table, sgl), BPF_CORE_READ(table, orig_nents)));
	return 0;
}
