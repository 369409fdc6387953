#include "netlink.h"

#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "error.h"
#include "io.h"

namespace zc::workloads::netlink {

namespace {

// A netlink request built in place: header, family struct, attributes.
class Request {
public:
  Request(std::uint16_t type, std::uint16_t flags) {
    buf_.resize(NLMSG_LENGTH(0));
    hdr()->nlmsg_type = type;
    hdr()->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
    hdr()->nlmsg_seq = 1;
    sync();
  }

  template <typename T> T *body(const T &value) {
    const std::size_t at = append(&value, sizeof(T));
    return reinterpret_cast<T *>(buf_.data() + at);
  }

  void attr(std::uint16_t type, const void *data, std::size_t len) {
    rtattr a{static_cast<unsigned short>(RTA_LENGTH(len)), type};
    append(&a, sizeof(a)); // 4 bytes: the data follows at once
    append(data, len);
    sync();
  }
  void attr(std::uint16_t type, const std::string &s) { attr(type, s.c_str(), s.size() + 1); }
  template <typename T> void attr_value(std::uint16_t type, T v) { attr(type, &v, sizeof(v)); }

  // Nested attributes: begin returns the nest's offset, end fixes its length.
  std::size_t begin(std::uint16_t type) {
    const std::size_t at = buf_.size();
    rtattr a{static_cast<unsigned short>(RTA_LENGTH(0)), type};
    append(&a, sizeof(a));
    return at;
  }
  void end(std::size_t at) {
    reinterpret_cast<rtattr *>(buf_.data() + at)->rta_len =
        static_cast<unsigned short>(buf_.size() - at);
    sync();
  }

  // Sends the request and waits for the kernel's acknowledgement.
  void send(const std::string &what) {
    Fd s(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    if (s.get() < 0)
      throw_errno("netlink socket");
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (sendto(s.get(), buf_.data(), buf_.size(), 0, reinterpret_cast<sockaddr *>(&kernel),
               sizeof(kernel)) < 0)
      throw_errno(what);
    alignas(nlmsghdr) char reply[8192];
    const ssize_t got = recv(s.get(), reply, sizeof(reply), 0);
    if (got < 0)
      throw_errno(what);
    unsigned left = static_cast<unsigned>(got);
    for (auto *h = reinterpret_cast<nlmsghdr *>(reply); NLMSG_OK(h, left);
         h = NLMSG_NEXT(h, left)) {
      if (h->nlmsg_type != NLMSG_ERROR)
        continue;
      const int err = -static_cast<const nlmsgerr *>(NLMSG_DATA(h))->error;
      if (err)
        throw Error(what + ": " + errno_text(err));
      return;
    }
    throw Error(what + ": no acknowledgement from the kernel");
  }

private:
  std::vector<char> buf_;

  nlmsghdr *hdr() { return reinterpret_cast<nlmsghdr *>(buf_.data()); }
  void sync() { hdr()->nlmsg_len = static_cast<std::uint32_t>(buf_.size()); }
  std::size_t append(const void *data, std::size_t len) {
    const std::size_t at = buf_.size();
    buf_.resize(at + NLMSG_ALIGN(len), 0);
    std::memcpy(buf_.data() + at, data, len);
    sync();
    return at;
  }
};

int index_of(const std::string &dev) {
  const unsigned idx = if_nametoindex(dev.c_str());
  if (idx == 0)
    throw_errno("find network device " + dev);
  return static_cast<int>(idx);
}

} // namespace

void create_veth(const std::string &name, const std::string &peer, pid_t peer_netns_pid) {
  Request r(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
  r.body(ifinfomsg{});
  r.attr(IFLA_IFNAME, name);
  const std::size_t info = r.begin(IFLA_LINKINFO);
  r.attr(IFLA_INFO_KIND, std::string("veth"));
  const std::size_t data = r.begin(IFLA_INFO_DATA);
  const std::size_t peer_info = r.begin(VETH_INFO_PEER);
  r.body(ifinfomsg{});
  r.attr(IFLA_IFNAME, peer);
  r.attr_value<std::uint32_t>(IFLA_NET_NS_PID, static_cast<std::uint32_t>(peer_netns_pid));
  r.end(peer_info);
  r.end(data);
  r.end(info);
  r.send("create veth pair " + name + "/" + peer + " (is the veth module available?)");
}

void add_ipv4(const std::string &dev, const std::string &address, int prefix) {
  in_addr a{};
  if (inet_pton(AF_INET, address.c_str(), &a) != 1)
    throw Error("not an IPv4 address: '" + address + "'");
  Request r(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
  ifaddrmsg ifa{};
  ifa.ifa_family = AF_INET;
  ifa.ifa_prefixlen = static_cast<unsigned char>(prefix);
  ifa.ifa_index = static_cast<unsigned>(index_of(dev));
  r.body(ifa);
  r.attr(IFA_LOCAL, &a, sizeof(a));
  r.attr(IFA_ADDRESS, &a, sizeof(a));
  r.send("add address " + address + " to " + dev);
}

void set_up(const std::string &dev) {
  Request r(RTM_NEWLINK, 0);
  ifinfomsg ifi{};
  ifi.ifi_index = index_of(dev);
  ifi.ifi_flags = IFF_UP;
  ifi.ifi_change = IFF_UP;
  r.body(ifi);
  r.send("set " + dev + " up");
}

void delete_link(const std::string &dev) {
  Request r(RTM_DELLINK, 0);
  ifinfomsg ifi{};
  ifi.ifi_index = index_of(dev);
  r.body(ifi);
  r.send("delete " + dev);
}

void set_scatter_gather(const std::string &dev, bool on) {
  Fd s(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (s.get() < 0)
    throw_errno("socket");
  ethtool_value v{ETHTOOL_SSG, on ? 1u : 0u};
  ifreq ifr{};
  std::snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev.c_str());
  ifr.ifr_data = reinterpret_cast<char *>(&v);
  const std::string what = std::string("turn scatter-gather ") + (on ? "on" : "off") + " on " + dev;
  if (ioctl(s.get(), SIOCETHTOOL, &ifr) != 0)
    throw_errno(what);
  v = {ETHTOOL_GSG, 0};
  if (ioctl(s.get(), SIOCETHTOOL, &ifr) != 0)
    throw_errno(what + " (reading it back)");
  if ((v.data != 0) != on)
    throw Error(what + ": the device kept it " + (v.data ? "on" : "off"));
}

} // namespace zc::workloads::netlink
