// msg_zerocopy: the file is mapped and each chunk sent with MSG_ZEROCOPY
// (Documentation/networking/msg_zerocopy.rst): skbs reference the user pages
// instead of copying them. The kernel reports, on the socket's error queue,
// when it is done with each send and whether it had to copy anyway
// (SO_EE_CODE_ZEROCOPY_COPIED); packets looped to a local socket are always
// copied, later, by skb_copy_ubufs().
#include <fcntl.h>
#include <linux/errqueue.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "error.h"
#include "io.h"
#include "workload.h"

namespace zc::workloads {

class MsgZerocopy final : public Workload {
public:
  std::string_view name() const override { return "msg_zerocopy"; }
  std::string_view summary() const override {
    return "mmap() the file, send() it with MSG_ZEROCOPY, read the completions from the "
           "error queue";
  }
  std::vector<std::string_view> claims() const override { return {}; }
  std::string unavailable_reason() const override;
  void send(const SourceContext &ctx) const override;
};

namespace {

struct Completions {
  std::vector<std::uint64_t> bytes_of_send; // by notification id
  std::uint64_t completed = 0;
  std::uint64_t copied_sends = 0;
  std::uint64_t copied_bytes = 0;

  // Reads every completion waiting on the error queue; false when none was.
  bool drain(int sock) {
    bool any = false;
    while (true) {
      char control[128];
      msghdr msg{};
      msg.msg_control = control;
      msg.msg_controllen = sizeof(control);
      note_call("recvmsg");
      if (recvmsg(sock, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK)
          return any;
        if (errno == EINTR)
          continue;
        throw_errno("read MSG_ZEROCOPY completions");
      }
      for (cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        const auto *ee = reinterpret_cast<const sock_extended_err *>(CMSG_DATA(c));
        if (ee->ee_errno != 0 || ee->ee_origin != SO_EE_ORIGIN_ZEROCOPY)
          continue;
        // ee_info..ee_data: an inclusive range of send ids.
        for (std::uint32_t id = ee->ee_info;; ++id) {
          ++completed;
          if (ee->ee_code & SO_EE_CODE_ZEROCOPY_COPIED) {
            ++copied_sends;
            copied_bytes += id < bytes_of_send.size() ? bytes_of_send[id] : 0;
          }
          if (id == ee->ee_data)
            break;
        }
        any = true;
      }
    }
  }
};

} // namespace

std::string MsgZerocopy::unavailable_reason() const {
  Fd s(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const int on = 1;
  if (s.get() < 0 || setsockopt(s.get(), SOL_SOCKET, SO_ZEROCOPY, &on, sizeof(on)) != 0)
    return "this kernel refuses SO_ZEROCOPY on TCP sockets: " + errno_text(errno);
  return {};
}

void MsgZerocopy::send(const SourceContext &ctx) const {
  Fd sock = ctx.connect();
  const int on = 1;
  if (setsockopt(sock.get(), SOL_SOCKET, SO_ZEROCOPY, &on, sizeof(on)) != 0)
    throw_errno("setsockopt SO_ZEROCOPY");
  const Mapping map(ctx.path, ctx.size);
  const char *data = map.data();
  Completions done;
  for (std::uint64_t off = 0; off < ctx.size;) {
    const std::size_t len = std::min(ctx.chunk, ctx.size - off);
    note_call("sendto"); // send() is sendto() on x86_64
    const ssize_t n = ::send(sock.get(), data + off, len, MSG_ZEROCOPY);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == ENOBUFS) {
      // Pinned pages count against the socket's optmem: collect completions.
      pollfd p{sock.get(), POLLERR, 0};
      note_call("poll");
      poll(&p, 1, 100);
      done.drain(sock.get());
      continue;
    }
    if (n <= 0)
      throw_errno("send with MSG_ZEROCOPY");
    done.bytes_of_send.push_back(static_cast<std::uint64_t>(n));
    off += static_cast<std::uint64_t>(n);
    done.drain(sock.get());
  }
  // Every send completes once the peer has the data (or it was copied).
  while (done.completed < done.bytes_of_send.size()) {
    pollfd p{sock.get(), POLLERR, 0};
    note_call("poll");
    if (poll(&p, 1, 10000) <= 0)
      throw Error("MSG_ZEROCOPY: " + std::to_string(done.bytes_of_send.size() - done.completed) +
                  " sends never completed");
    done.drain(sock.get());
  }
  ctx.reporter->report("zerocopy.sends", done.bytes_of_send.size());
  ctx.reporter->report("zerocopy.copied_sends", done.copied_sends);
  ctx.reporter->report("zerocopy.copied_bytes", done.copied_bytes);
}

namespace {
const Registered<MsgZerocopy> registered(80);
} // namespace

} // namespace zc::workloads
