// tcp_zerocopy_receive: the sink maps the received pages into its address
// space with getsockopt(TCP_ZEROCOPY_RECEIVE) on an mmap()ed region of the
// socket instead of copying them (tools/testing/selftests/net/tcp_mmap.c);
// what cannot be mapped is read() (copied).
//
// Only whole, order-0, anonymous pages can be mapped (can_map_frag(): never
// page-cache pages, never parts of a compound page). On loopback the
// receiver gets the sender's skb pages, so the set-up is: the source
// write()s from a mapping of the file (its one copy lands in the socket's
// page fragments), net.core.high_order_alloc_disable=1 makes those
// fragments order-0 pages for the run, and both ends set TCP_MAXSEG to a
// page plus the 12 bytes of the timestamp option, so that every segment
// carries exactly one page.
#include <fcntl.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "crc32c.h"
#include "error.h"
#include "io.h"
#include "workload.h"

namespace zc::workloads {

class TcpZerocopyReceive final : public Workload {
public:
  std::string_view name() const override { return "tcp_zerocopy_receive"; }
  std::string_view summary() const override {
    return "mmap() the file and write() it; the sink maps the received pages with "
           "TCP_ZEROCOPY_RECEIVE";
  }
  std::vector<std::string_view> claims() const override { return {}; }
  std::string unavailable_reason() const override;
  std::string invalid_parameters(std::uint64_t size, std::uint64_t chunk) const override;
  void tune_socket(int fd) const override;
  std::vector<KernelSetting> kernel_settings() const override;
  bool loopback_only() const override { return true; }
  void send(const SourceContext &ctx) const override;
  bool default_sink() const override { return false; }
  Received receive(const SinkContext &ctx) const override;
};

namespace {

constexpr std::uint64_t kPage = 4096;
constexpr int kMss = kPage + 12; // a page of payload plus the TCP timestamp option

// A read-only mapping of a socket: the window received pages are mapped into.
Mapping socket_window(int sock, std::size_t len) {
  return Mapping(sock, len, PROT_READ, MAP_SHARED, "a TCP socket (TCP_ZEROCOPY_RECEIVE needs it)");
}

// One TCP_ZEROCOPY_RECEIVE: maps up to window.size() bytes. Returns false
// with errno set when the kernel refuses.
bool zerocopy_receive(int sock, const Mapping &window, tcp_zerocopy_receive &zc) {
  zc = {};
  zc.address = reinterpret_cast<std::uint64_t>(window.data());
  zc.length = static_cast<std::uint32_t>(window.size());
  socklen_t len = sizeof(zc);
  note_call("getsockopt");
  return getsockopt(sock, IPPROTO_TCP, TCP_ZEROCOPY_RECEIVE, &zc, &len) == 0;
}

} // namespace

void TcpZerocopyReceive::tune_socket(int fd) const {
  if (setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &kMss, sizeof(kMss)) != 0)
    throw_errno("setsockopt TCP_MAXSEG " + std::to_string(kMss));
}

std::string TcpZerocopyReceive::invalid_parameters(std::uint64_t, std::uint64_t chunk) const {
  if (chunk % kPage)
    return "tcp_zerocopy_receive maps whole pages: --chunk must be a multiple of 4096 bytes";
  if (chunk > (1u << 30))
    return "tcp_zerocopy_receive maps at most 1 GiB per call: --chunk is too large";
  return {};
}

std::string TcpZerocopyReceive::unavailable_reason() const {
  try {
    std::uint16_t port = 0;
    Fd listener = listen_on("127.0.0.1", port, [this](int fd) { tune_socket(fd); });
    Fd client = connect_to("127.0.0.1", port, [this](int fd) { tune_socket(fd); });
    Fd server(accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (server.get() < 0)
      throw_errno("accept");
    const Mapping window = socket_window(server.get(), kPage);
    tcp_zerocopy_receive zc{};
    if (!zerocopy_receive(server.get(), window, zc))
      throw_errno("getsockopt TCP_ZEROCOPY_RECEIVE");
  } catch (const std::exception &e) {
    return "this kernel refuses the TCP_ZEROCOPY_RECEIVE set-up: " + describe(e).message;
  }
  return {};
}

std::vector<KernelSetting> TcpZerocopyReceive::kernel_settings() const {
  return {{"/proc/sys/net/core/high_order_alloc_disable", "1",
           "socket page fragments of single pages, which TCP_ZEROCOPY_RECEIVE can map"}};
}

void TcpZerocopyReceive::send(const SourceContext &ctx) const {
  const Mapping map(ctx.path, ctx.size);
  Fd sock = ctx.connect();
  write_chunks(sock.get(), map.data(), ctx.size, ctx.chunk);
}

Received TcpZerocopyReceive::receive(const SinkContext &ctx) const {
  Fd conn(accept4(ctx.listen_fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
  if (conn.get() < 0)
    throw_errno("accept");
  const Mapping window = socket_window(conn.get(), static_cast<std::size_t>(ctx.chunk));
  std::vector<char> buf(static_cast<std::size_t>(std::min<std::uint64_t>(ctx.chunk, 1 << 20)));
  Crc32c crc;
  Received got;
  std::uint64_t mapped = 0, copied = 0, calls = 0;
  // Reads up to `len` bytes the kernel could not map; false at end of stream.
  auto read_rest = [&](std::size_t len) {
    note_call("read");
    const ssize_t n = read(conn.get(), buf.data(), std::min(len, buf.size()));
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
      return true;
    if (n < 0)
      throw_errno("read from socket");
    if (n == 0)
      return false;
    crc.update(buf.data(), static_cast<std::size_t>(n));
    copied += static_cast<std::uint64_t>(n);
    return true;
  };
  while (true) {
    pollfd p{conn.get(), POLLIN, 0};
    note_call("poll");
    const int ready = poll(&p, 1, 30000);
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready < 0)
      throw_errno("poll the socket");
    if (ready == 0)
      throw Error("no data from the source for 30 s");
    tcp_zerocopy_receive zc{};
    if (!zerocopy_receive(conn.get(), window, zc)) {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      if (errno == EIO)
        break; // nothing left and the peer is done: the end of the stream
      throw_errno("getsockopt TCP_ZEROCOPY_RECEIVE");
    }
    ++calls;
    if (zc.length) {
      // The pages are the sender's, mapped read-only here: checksum them
      // in place; the next call unmaps them.
      crc.update(window.data(), zc.length);
      mapped += zc.length;
    }
    if (zc.recv_skip_hint) {
      if (!read_rest(zc.recv_skip_hint))
        break;
    } else if (!zc.length && !read_rest(buf.size())) {
      break; // nothing to map and nothing to read: the end of the stream
    }
  }
  got.bytes = mapped + copied;
  got.crc32c = crc.value();
  ctx.reporter->report("zc_receive.mapped_bytes", mapped);
  ctx.reporter->report("zc_receive.copied_bytes", copied);
  ctx.reporter->report("zc_receive.calls", calls);
  if (mapped == 0 && got.bytes > 0)
    throw Error("TCP_ZEROCOPY_RECEIVE mapped no page: the kernel found no whole order-0 "
                "page in the received data (the route's MSS is not one page of payload?)");
  return got;
}

namespace {
const Registered<TcpZerocopyReceive> registered(120);
} // namespace

} // namespace zc::workloads
