// vmsplice: the file is mapped, vmsplice() puts references to the mapping's
// pages into a pipe (no copy; the pages are pinned, not faulted through the
// MMU), and splice() moves them on to the socket.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>

#include "error.h"
#include "io.h"
#include "pipes.h"
#include "workload.h"

namespace zc::workloads {

class Vmsplice final : public Workload {
public:
  std::string_view name() const override { return "vmsplice"; }
  std::string_view summary() const override {
    return "mmap() the file, vmsplice() its pages into a pipe, splice() the pipe to the socket";
  }
  std::vector<std::string_view> claims() const override { return {}; }
  void send(const SourceContext &ctx) const override;
};

void Vmsplice::send(const SourceContext &ctx) const {
  Fd sock = ctx.connect();
  const Mapping map(ctx.path, ctx.size);
  const char *data = map.data();
  Pipe pipe = make_pipe(ctx.chunk);
  const std::uint64_t chunk = std::min(ctx.chunk, pipe.capacity);
  for (std::uint64_t off = 0; off < ctx.size;) {
    iovec iov{const_cast<char *>(data + off), std::min(chunk, ctx.size - off)};
    note_call("vmsplice");
    const ssize_t n = vmsplice(pipe.write_end.get(), &iov, 1, 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      throw_errno("vmsplice into a pipe");
    // The pages must not change until the socket is done with them: the
    // mapping is read-only and the file is not written during the run.
    splice_all(pipe.read_end.get(), sock.get(), static_cast<std::size_t>(n),
               "splice pipe to socket");
    off += static_cast<std::uint64_t>(n);
  }
}

namespace {
const Registered<Vmsplice> registered(70);
} // namespace

} // namespace zc::workloads
