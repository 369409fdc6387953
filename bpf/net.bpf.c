// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Network-device family: packets of a target's sockets handed to a net
 * device. On a device with no hardware behind it (lo, veth) that is not a
 * device transfer (it hands the skb back to the stack; the receiver's CPU
 * copy replaces the NIC's DMA), so those and real devices are counted apart.
 *
 * Transmits run from the sender's syscall, from softirq, and on loopback from
 * the peer's context (an ACK it processes lets the sender's queue go), so the
 * owner comes from the skb's socket: recorded when the target itself sends,
 * receives (copy family) or changes the socket's state (connect, close).
 */
#include "common.bpf.h"

/* include/uapi/linux/if.h */
#define ZC_IFF_LOOPBACK 0x8

/* The tracepoints' skb and device are BTF pointers: their fields are read
 * with plain loads, not a helper call each (this runs for every packet). */

/* A real (or emulated) NIC sits on a bus: its struct device has a parent
 * (a PCI or virtio device). lo, veth, bridges and tunnels have none. */
static __always_inline bool virtual_device(const struct net_device *dev)
{
	return (dev->flags & ZC_IFF_LOOPBACK) || !dev->dev.parent;
}

/* The role owning an skb's socket, ZC_ROLE_NONE if none. Only the socket
 * layer's probes, which run in the owner's own syscall, say who owns a
 * socket: a transmit may run in softirq on top of any task (veth and
 * loopback deliver in the sender's softirq, a backlog drained at
 * local_bh_enable runs in whoever enabled it), so the task that happens to
 * be current is no evidence. (Taking it for the owner gave one run's sink
 * another run's segments when several ran at once.) */
static __always_inline __u8 skb_owner(const struct sk_buff *skb)
{
	__u64 sk = (__u64)skb->sk;
	__u32 *owner = sk ? bpf_map_lookup_elem(&zc_owners, &sk) : NULL;

	return owner ? (__u8)*owner : ZC_ROLE_NONE;
}

/* Paged bytes (skb->data_len) are counted when an skb is queued for
 * transmit and again when the driver gets it: a device without
 * scatter-gather makes the stack copy them into linear buffers in between
 * (validate_xmit_skb: GSO segmentation or linearizing), and the difference
 * is that copy. The copy routines (skb_segment, __skb_linearize) are not
 * traceable through tracepoints; the two counts are. */
SEC("tp_btf/net_dev_queue")
int BPF_PROG(zc_net_dev_queue, struct sk_buff *skb)
{
	__u8 owner = skb_owner(skb);

	if (owner)
		zc_count(owner, ZC_KIND_NET, ZC_NET_QUEUED_PAGED, 0, ZC_NO_SYSCALL, skb->data_len);
	return 0;
}

SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(zc_net_dev_start_xmit, const struct sk_buff *skb, const struct net_device *dev)
{
	__u8 owner = skb_owner(skb);
	__u32 zero = 0;
	struct zc_xmit_window *window;
	__u16 site;

	site = virtual_device(dev) ? ZC_NET_VIRTUAL : ZC_NET_DEVICE;
	window = bpf_map_lookup_elem(&zc_xmit_window, &zero);
	if (window) {
		window->open = 1;
		window->nic = site == ZC_NET_DEVICE;
		window->role = owner;
		window->len = skb->len;
		window->mapped = 0;
	}
	if (!owner)
		return 0;
	/* The devices a NIC hangs under: its DMA mappings are told by them. */
	if (site == ZC_NET_DEVICE)
		zc_mark_ancestors((struct device *)&dev->dev, ZC_DEV_NIC, dev->name);
	zc_count(owner, ZC_KIND_NET, site, 0, ZC_NO_SYSCALL, skb->len);
	zc_count(owner, ZC_KIND_NET, ZC_NET_XMIT_PAGED, 0, ZC_NO_SYSCALL, skb->data_len);
	zc_emit(ZC_EV_NET, owner, site, 0, ZC_NO_SYSCALL, skb->len, 0, 0);
	return 0;
}

/* include/net/tcp_states.h */
#define ZC_TCP_SYN_SENT	 2
#define ZC_TCP_FIN_WAIT1 4
#define ZC_TCP_LAST_ACK	 9
#define ZC_TCP_LISTEN	 10

/* A socket entering a state only its owner's own call can put it in
 * (connect: SYN_SENT, listen: LISTEN, close or shutdown: FIN_WAIT1 and
 * LAST_ACK) is the current target's: this learns the owners of sockets on
 * kernels without the socket-layer tracepoints of the copy family
 * (sock_send_length is 6.3+). Other changes (ESTABLISHED, CLOSE_WAIT,
 * TIME_WAIT) happen as packets arrive, in softirq on top of any task. */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(zc_inet_sock_set_state, const struct sock *sk, const int oldstate, const int newstate)
{
	__u64 key = (__u64)sk;
	__u8 role;

	if (newstate != ZC_TCP_SYN_SENT && newstate != ZC_TCP_LISTEN &&
	    newstate != ZC_TCP_FIN_WAIT1 && newstate != ZC_TCP_LAST_ACK)
		return 0;
	role = zc_current_role();
	if (role)
		zc_remember_owner(&zc_owners, &key, role);
	return 0;
}

/* A destroyed socket's memory may be the next socket of any process: its
 * owner is forgotten, or a neighbour's segments would be counted as the
 * target's (seen with five runs at once). */
SEC("tp_btf/tcp_destroy_sock")
int BPF_PROG(zc_tcp_destroy_sock, struct sock *sk)
{
	__u64 key = (__u64)sk;

	bpf_map_delete_elem(&zc_owners, &key);
	return 0;
}

/* A TCP segment sent again (timeout, fast retransmit, loss probe): its
 * payload bytes (the skb in the retransmit queue holds no headers yet) and
 * segments, for the socket's owner. The copies a resend costs are counted
 * at their sites like the first send's (a device without scatter-gather
 * linearizes it again: xmit_linearize); these figures say how many bytes
 * were sent twice. Since 2025 the tracepoint also fires for attempts that
 * failed, with their error (its third argument): those sent nothing. */
static __always_inline void retransmitted(const struct sock *sk, const struct sk_buff *skb)
{
	__u64 key = (__u64)sk;
	__u32 *owner = bpf_map_lookup_elem(&zc_owners, &key);
	__u8 role = owner ? (__u8)*owner : ZC_ROLE_NONE; /* see skb_owner */
	__u32 segs;

	if (!role)
		return;
	segs = BPF_CORE_READ(skb_shinfo_of(skb), gso_segs);
	zc_count_n(role, ZC_KIND_NET, ZC_NET_RETRANSMIT, 0, ZC_NO_SYSCALL, segs ? segs : 1,
		   BPF_CORE_READ(skb, len));
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(zc_tcp_retransmit_skb, const struct sock *sk, const struct sk_buff *skb)
{
	retransmitted(sk, skb);
	return 0;
}

/* The same, where the tracepoint carries the attempt's error. */
SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(zc_tcp_retransmit_skb_err, const struct sock *sk, const struct sk_buff *skb, int err)
{
	if (!err)
		retransmitted(sk, skb);
	return 0;
}

/* The skb may be gone by now: the window closes with what was mapped for
 * it. A driver that mapped more than the packet mapped a header of its own
 * (virtio-net: 12 bytes a packet); one that mapped less, or nothing, sent
 * part of it from memory mapped before (or maps without the DMA API). Every
 * packet a NIC took is counted one way or the other, so that the NIC's
 * mappings less its headers plus what it did not map are its packets'
 * bytes. (Counting only windows with a mapping lost a packet the driver
 * mapped nothing for.) lo and veth map nothing and move nothing: none. */
SEC("tp_btf/net_dev_xmit")
int BPF_PROG(zc_net_dev_xmit, struct sk_buff *skb, int rc, struct net_device *dev,
	     unsigned int skb_len)
{
	__u32 zero = 0;
	struct zc_xmit_window *w = bpf_map_lookup_elem(&zc_xmit_window, &zero);

	if (!w || !w->open)
		return 0;
	w->open = 0;
	if (!w->role || !w->nic)
		return 0;
	if (w->mapped > w->len)
		zc_count((__u8)w->role, ZC_KIND_NET, ZC_NET_DRIVER_MAPPED_MORE, 0, ZC_NO_SYSCALL,
			 w->mapped - w->len);
	else if (w->mapped < w->len)
		zc_count((__u8)w->role, ZC_KIND_NET, ZC_NET_DRIVER_MAPPED_LESS, 0, ZC_NO_SYSCALL,
			 w->len - w->mapped);
	return 0;
}
