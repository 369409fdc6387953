// The default sink: accept, then read() until EOF, checksumming everything
// received; or, as --sink says, write it on to a file (read + write, or
// splice socket -> pipe -> file), which zctrace checks once the sink is done.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "crc32c.h"
#include "error.h"
#include "io.h"
#include "pipes.h"
#include "workload.h"

namespace zc::workloads {

namespace {

// The file modes' bytes are checked in the file afterwards, not here: the
// splice sink never sees them.
Received read_stream(int conn, const SinkContext &ctx) {
  const std::size_t buf_size =
      static_cast<std::size_t>(std::clamp<std::uint64_t>(ctx.chunk, 4096, 1 << 20));
  std::vector<char> buf(buf_size);
  Crc32c crc;
  Received got;
  while (true) {
    note_call("read");
    const ssize_t n = read(conn, buf.data(), buf.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      throw_errno("read from socket");
    if (n == 0)
      break;
    if (ctx.mode == SinkMode::ReadWriteFile)
      write_all(ctx.file_fd, buf.data(), static_cast<std::size_t>(n), "write to the sink's file");
    else
      crc.update(buf.data(), static_cast<std::size_t>(n));
    got.bytes += static_cast<std::uint64_t>(n);
  }
  got.crc32c = crc.value();
  return got;
}

// socket -> pipe, then pipe -> file, at most a chunk (and the pipe's
// capacity) per call.
Received splice_stream(int conn, const SinkContext &ctx) {
  const Pipe pipe = make_pipe(ctx.chunk);
  const std::size_t most = static_cast<std::size_t>(std::min(ctx.chunk, pipe.capacity));
  Received got;
  while (true) {
    note_call("splice");
    const ssize_t in = splice(conn, nullptr, pipe.write_end.get(), nullptr, most, SPLICE_F_MOVE);
    if (in < 0 && errno == EINTR)
      continue;
    if (in < 0)
      throw_errno("splice from the socket into a pipe");
    if (in == 0)
      break;
    splice_all(pipe.read_end.get(), ctx.file_fd, static_cast<std::size_t>(in),
               "splice from the pipe into the sink's file");
    got.bytes += static_cast<std::uint64_t>(in);
  }
  return got;
}

} // namespace

Received Workload::receive(const SinkContext &ctx) const {
  Fd conn(accept4(ctx.listen_fd, nullptr, nullptr, SOCK_CLOEXEC));
  if (conn.get() < 0)
    throw_errno("accept");
  if (ctx.mode == SinkMode::SpliceFile)
    return splice_stream(conn.get(), ctx);
  return read_stream(conn.get(), ctx);
}

} // namespace zc::workloads
