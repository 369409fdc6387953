#!/bin/busybox sh
# /init of a zctrace vmtest guest: set the machine up, run the target's
# command, send /results back over /dev/ttyS1 (see frames.h), power off.
/bin/busybox --install -s /bin
export PATH=/usr/bin:/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mkdir -p /run/netns /results /var/tmp

say() { echo "zctrace-init: $*"; }

# Kernel modules, in dependency order (the host worked it out).
while read -r m; do
	[ -n "$m" ] || continue
	insmod "/lib/modules/$m" || say "insmod $m failed"
done < /etc/zctrace/modules

ip link set lo up

# The workload's file lives on a real block device: the NVMe disk, made
# ext4 by the host.
if [ -b /dev/nvme0n1 ]; then
	if mount -t ext4 /dev/nvme0n1 /var/tmp; then
		say "disk: /dev/nvme0n1 (ext4) on /var/tmp"
	else
		say "disk: mounting /dev/nvme0n1 failed"
	fi
fi

# Two NICs the host joined to each other: eth0 stays here, eth1 moves to the
# network namespace /run/netns/peer, so traffic between 10.99.0.1 and
# 10.99.0.2 leaves through one device and arrives through the other.
if [ -e /sys/class/net/eth0 ] && [ -e /sys/class/net/eth1 ]; then
	touch /run/netns/peer
	unshare --net=/run/netns/peer true
	nsenter --net=/run/netns/peer sleep 60 &
	holder=$!
	while [ "$(readlink /proc/$holder/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do
		sleep 0.01
	done
	ip link set eth1 netns "$holder"
	kill "$holder"
	ip addr add 10.99.0.1/24 dev eth0
	ip link set eth0 up
	nsenter --net=/run/netns/peer sh -c \
		'ip link set lo up; ip addr add 10.99.0.2/24 dev eth1; ip link set eth1 up'
	say "network: eth0 10.99.0.1 here, eth1 10.99.0.2 in /run/netns/peer"
else
	say "network: no pair of NICs; loopback only"
fi

say "ready $(cut -d' ' -f1 /proc/uptime)"
sh -c "$(cat /etc/zctrace/command)"
rc=$?
say "command exited $rc"

{
	for f in /results/*; do
		[ -f "$f" ] || continue
		echo "ZCTRACE-FILE $(basename "$f") $(wc -c < "$f")"
		base64 "$f"
		echo "ZCTRACE-FILE-END"
	done
	echo "ZCTRACE-EXIT $rc"
} > /dev/ttyS1
sync
poweroff -f
