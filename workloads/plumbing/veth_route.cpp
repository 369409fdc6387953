#include "veth_route.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "error.h"
#include "netlink.h"
#include "run_state.h"

namespace zc::workloads {

namespace {

// The holder answers each command line with "ok" or an error line.
std::string read_line(int fd) {
  std::string line;
  char c;
  while (true) {
    const ssize_t n = read(fd, &c, 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0 || c == '\n')
      return line;
    line += c;
  }
}

void write_line(int fd, const std::string &line) {
  const std::string out = line + "\n";
  (void)!write(fd, out.data(), out.size());
}

// The namespace holder: unshares a network namespace, then configures its
// end of the pair when told, and lives until its command pipe closes.
[[noreturn]] void holder_main(int cmd, int ack, bool sg, const std::string &dev,
                              const std::string &address) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  prctl(PR_SET_NAME, "zc-netns");
  if (unshare(CLONE_NEWNET) != 0) {
    write_line(ack, "unshare a network namespace: " + errno_text(errno));
    _exit(1);
  }
  write_line(ack, "ok");
  while (true) {
    const std::string c = read_line(cmd);
    if (c.empty())
      _exit(0);
    try {
      netlink::set_up("lo");
      netlink::add_ipv4(dev, address, 30);
      netlink::set_scatter_gather(dev, sg);
      netlink::set_up(dev);
      write_line(ack, "ok");
    } catch (const std::exception &e) {
      write_line(ack, describe(e).message);
    }
  }
}

constexpr int kSubnets = 16384; // /30s in 10.98.0.0/16

constexpr const char *kSubnetRecord = "veth-subnet.";

std::string subnet_record(int n) { return kSubnetRecord + std::to_string(n); }

int allocate_subnet() {
  const StateLock lock;
  std::vector<bool> taken(kSubnets, false);
  for (const std::string &name : drop_unheld(kSubnetRecord)) {
    const int n = std::atoi(name.c_str() + std::strlen(kSubnetRecord));
    if (n >= 0 && n < kSubnets)
      taken[static_cast<std::size_t>(n)] = true;
  }
  for (int n = 0; n < kSubnets; ++n) {
    if (taken[static_cast<std::size_t>(n)])
      continue;
    StateRecord rec;
    rec.set_holders({this_process()});
    write_state(subnet_record(n), rec);
    return n;
  }
  throw Error("all " + std::to_string(kSubnets) +
              " veth subnets of 10.98.0.0/16 are held by running zctrace processes");
}

} // namespace

VethRoute::VethRoute(bool scatter_gather) : sg_(scatter_gather) {
  // One /30 of 10.98.0.0/16 per route, allocated under /run/zctrace's
  // lock so that no two live runs share one (a record whose holder died
  // is free again: its namespace, and the pair with it, died too).
  const unsigned pid = static_cast<unsigned>(getpid());
  subnet_ = allocate_subnet();
  const unsigned net = static_cast<unsigned>(subnet_) * 4;
  const std::string prefix = "10.98." + std::to_string(net / 256) + ".";
  local_address_ = prefix + std::to_string(net % 256 + 1);
  sink_address_ = prefix + std::to_string(net % 256 + 2);
  local_dev_ = "zcv" + std::to_string(pid) + "s";
  peer_dev_ = "zcv" + std::to_string(pid) + "r";

  int cmd[2], ack[2];
  if (pipe2(cmd, O_CLOEXEC) != 0 || pipe2(ack, O_CLOEXEC) != 0)
    throw_errno("pipe2");
  holder_ = fork();
  if (holder_ < 0)
    throw_errno("fork the network namespace holder");
  if (holder_ == 0) {
    close(cmd[1]);
    close(ack[0]);
    holder_main(cmd[0], ack[1], sg_, peer_dev_, sink_address_);
  }
  close(cmd[0]);
  close(ack[1]);
  holder_cmd_ = cmd[1];
  holder_ack_ = ack[0];
  try {
    if (const std::string ready = read_line(holder_ack_); ready != "ok")
      throw Error(ready.empty() ? "the network namespace holder died" : ready);
    sink_netns_ = "/proc/" + std::to_string(holder_) + "/ns/net";
    netlink::create_veth(local_dev_, peer_dev_, holder_);
    created_ = true;
    netlink::add_ipv4(local_dev_, local_address_, 30);
    netlink::set_scatter_gather(local_dev_, sg_);
    netlink::set_up(local_dev_);
    command_holder("configure");
  } catch (...) {
    cleanup();
    throw;
  }
}

VethRoute::~VethRoute() { cleanup(); }

void VethRoute::drop_left_behind() {
  const StateLock lock;
  drop_unheld(kSubnetRecord);
}

int VethRoute::holder_signal() {
  int status = 0;
  if (holder_ > 0 && waitpid(holder_, &status, WNOHANG) == holder_) {
    holder_ = -1; // reaped: cleanup() must not wait for it again
    return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  }
  return 0;
}

void VethRoute::command_holder(const std::string &cmd) {
  write_line(holder_cmd_, cmd);
  if (const std::string reply = read_line(holder_ack_); reply != "ok")
    throw Error("in the sink's network namespace: " +
                (reply.empty() ? std::string("the namespace holder died") : reply));
}

void VethRoute::cleanup() noexcept {
  if (created_) {
    try {
      netlink::delete_link(local_dev_); // takes the peer with it
    } catch (...) {
      // The namespace going away below removes the pair as well.
    }
    created_ = false;
  }
  if (holder_cmd_ >= 0)
    close(holder_cmd_);
  if (holder_ack_ >= 0)
    close(holder_ack_);
  holder_cmd_ = holder_ack_ = -1;
  if (holder_ > 0) {
    int status;
    kill(holder_, SIGKILL);
    while (waitpid(holder_, &status, 0) < 0 && errno == EINTR) {
    }
    holder_ = -1;
  }
  if (subnet_ >= 0) {
    try {
      const StateLock lock;
      remove_state(subnet_record(subnet_));
    } catch (...) {
      // Freed all the same once this process is gone.
    }
    subnet_ = -1;
  }
}

} // namespace zc::workloads
