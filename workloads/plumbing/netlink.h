// The few rtnetlink requests a VethRoute needs, without iproute2: create a
// veth pair with its peer in another namespace, add an IPv4 address, set a
// link up, delete a link; and scatter-gather through the ethtool ioctl.
#pragma once

#include <sys/types.h>

#include <string>

namespace zc::workloads::netlink {

void create_veth(const std::string &name, const std::string &peer, pid_t peer_netns_pid);
void add_ipv4(const std::string &dev, const std::string &address, int prefix);
void set_up(const std::string &dev);
void delete_link(const std::string &dev);
// ETHTOOL_SSG, then ETHTOOL_GSG to check the device took it.
void set_scatter_gather(const std::string &dev, bool on);

} // namespace zc::workloads::netlink
