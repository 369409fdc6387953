#include "pipes.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "error.h"
#include "workload.h"

namespace zc::workloads {

Pipe make_pipe(std::uint64_t want) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    throw_errno("pipe2");
  Pipe p{Fd(fds[0]), Fd(fds[1]), 0};
  p.capacity = static_cast<std::uint64_t>(fcntl(p.write_end.get(), F_GETPIPE_SZ));
  if (want > p.capacity) {
    const int grown = fcntl(p.write_end.get(), F_SETPIPE_SZ,
                            static_cast<int>(std::min<std::uint64_t>(want, 1 << 30)));
    // EPERM: beyond fs.pipe-max-size for this user; keep the default size.
    if (grown < 0 && errno != EPERM)
      throw_errno("grow a pipe to " + std::to_string(want) + " bytes");
    if (grown > 0)
      p.capacity = static_cast<std::uint64_t>(grown);
  }
  return p;
}

std::size_t splice_some(int in, loff_t *off_in, int out, std::size_t len, const char *what) {
  while (true) {
    note_call("splice");
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

void splice_all(int pipe_read, int out, std::size_t len, const char *what) {
  while (len > 0)
    len -= splice_some(pipe_read, nullptr, out, len, what);
}

} // namespace zc::workloads
