// The default sink: accept, read() until EOF, checksum everything received.
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

Received Workload::receive(const SinkContext &ctx) const {
  Fd conn(accept4(ctx.listen_fd, nullptr, nullptr, SOCK_CLOEXEC));
  if (conn.get() < 0)
    throw_errno("accept");
  const std::size_t buf_size =
      static_cast<std::size_t>(std::clamp<std::uint64_t>(ctx.chunk, 4096, 1 << 20));
  std::vector<char> buf(buf_size);
  Crc32c crc;
  Received got;
  while (true) {
    note_call("read");
    const ssize_t n = read(conn.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      throw_errno("read from socket");
    if (n == 0)
      break;
    crc.update(buf.data(), static_cast<std::size_t>(n));
    got.bytes += static_cast<std::uint64_t>(n);
  }
  got.crc32c = crc.value();
  return got;
}

} // namespace zc::workloads
