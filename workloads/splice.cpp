// splice: file -> pipe -> socket. splice() needs a pipe on one side, so each
// chunk takes two calls, and a chunk is at most the pipe's capacity (64 KiB by
// default; the pipe is grown to the chunk when the chunk is larger).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "error.h"
#include "io.h"
#include "methods.h"

namespace zc::workloads {

namespace {

std::size_t splice_some(int in, loff_t *off_in, int out, std::size_t len, const char *what) {
  while (true) {
    const ssize_t n = splice(in, off_in, out, nullptr, len, SPLICE_F_MOVE);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      throw_errno(what);
    if (n == 0)
      throw Error(std::string(what) + ": nothing moved");
    return static_cast<std::size_t>(n);
  }
}

} // namespace

void Splice::send(const SourceContext &ctx) const {
  Fd file = open_file(ctx.path, O_RDONLY);
  Fd sock = ctx.connect();
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    throw_errno("pipe2");
  Fd pipe_r(fds[0]), pipe_w(fds[1]);
  std::uint64_t capacity = static_cast<std::uint64_t>(fcntl(pipe_w.get(), F_GETPIPE_SZ));
  if (ctx.chunk > capacity) {
    const int grown = fcntl(pipe_w.get(), F_SETPIPE_SZ,
                            static_cast<int>(std::min<std::uint64_t>(ctx.chunk, 1 << 30)));
    if (grown < 0)
      throw_errno("grow the pipe to " + std::to_string(ctx.chunk) + " bytes (fs.pipe-max-size)");
    capacity = static_cast<std::uint64_t>(grown);
  }
  const std::uint64_t chunk = std::min(ctx.chunk, capacity);
  loff_t offset = 0;
  while (static_cast<std::uint64_t>(offset) < ctx.size) {
    const std::uint64_t left = ctx.size - static_cast<std::uint64_t>(offset);
    std::size_t in_pipe = splice_some(file.get(), &offset, pipe_w.get(), std::min(chunk, left),
                                      "splice file to pipe");
    while (in_pipe > 0)
      in_pipe -= splice_some(pipe_r.get(), nullptr, sock.get(), in_pipe, "splice pipe to socket");
  }
}

} // namespace zc::workloads
