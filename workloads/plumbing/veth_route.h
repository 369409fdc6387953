// A route for the payload that zctrace builds for one run and removes after:
// a veth pair, one end in zctrace's network namespace (the source's), the
// other in a network namespace of its own (the sink's), with scatter-gather
// on or off on both ends, as `ethtool -K DEV sg on|off` would set it.
//
// Without scatter-gather (NETIF_F_SG) TCP cannot attach page references to
// an skb: sendfile and splice then copy on the send side, the seeds' row
// "sendfile: 1 CPU copy"; with it they hand pages over, "sendfile + DMA
// gather". veth has no hardware behind it: no device moves the bytes.
#pragma once

#include <sys/types.h>

#include <string>

namespace zc::workloads {

class VethRoute {
public:
  explicit VethRoute(bool scatter_gather);
  ~VethRoute(); // deletes the pair and the namespace
  VethRoute(const VethRoute &) = delete;
  VethRoute &operator=(const VethRoute &) = delete;

  const std::string &sink_address() const { return sink_address_; }
  // The sink's network namespace, for setns() (/proc/PID/ns/net).
  const std::string &sink_netns() const { return sink_netns_; }
  const std::string &device() const { return local_dev_; } // the source's end
  bool scatter_gather() const { return sg_; }
  pid_t holder_pid() const { return holder_; }
  // Frees the subnets of runs that ended without freeing them (their pair
  // and namespace went with their namespace holder).
  static void drop_left_behind();
  // The signal that ended the namespace holder during the run, 0 if none
  // did (it lives until the route is removed).
  int holder_signal();

private:
  bool sg_;
  pid_t holder_ = -1; // a process that keeps the sink's namespace alive
  int holder_cmd_ = -1;
  int holder_ack_ = -1;
  std::string local_dev_, peer_dev_;
  std::string local_address_, sink_address_, sink_netns_;
  bool created_ = false;
  int subnet_ = -1; // which /30, recorded under /run/zctrace

  void command_holder(const std::string &cmd);
  void cleanup() noexcept;
};

} // namespace zc::workloads
