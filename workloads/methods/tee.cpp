// tee: file -> pipe A (splice); tee() duplicates A into pipe B without
// consuming it (it adds references to the same pages); B goes to the socket
// and A to a second consumer, /dev/null. Four syscalls per chunk, no copy.
#include <fcntl.h>

#include <algorithm>
#include <cerrno>

#include "error.h"
#include "io.h"
#include "pipes.h"
#include "workload.h"

namespace zc::workloads {

class Tee final : public Workload {
public:
  std::string_view name() const override { return "tee"; }
  std::string_view summary() const override {
    return "splice() the file into a pipe, tee() it into a second pipe, splice() that one to "
           "the socket and the first to /dev/null";
  }
  std::vector<std::string_view> claims() const override { return {}; }
  void send(const SourceContext &ctx) const override;
};

void Tee::send(const SourceContext &ctx) const {
  Fd file = open_file(ctx.path, O_RDONLY);
  Fd devnull = open_file("/dev/null", O_WRONLY);
  Fd sock = ctx.connect();
  Pipe a = make_pipe(ctx.chunk);
  Pipe b = make_pipe(a.capacity);
  const std::uint64_t chunk = std::min({ctx.chunk, a.capacity, b.capacity});
  loff_t offset = 0;
  while (static_cast<std::uint64_t>(offset) < ctx.size) {
    const std::uint64_t left = ctx.size - static_cast<std::uint64_t>(offset);
    const std::size_t in_a = splice_some(file.get(), &offset, a.write_end.get(),
                                         std::min(chunk, left), "splice file to pipe");
    std::size_t teed = 0;
    while (teed < in_a) {
      // tee() duplicates from the head of A: it must take all of it at once,
      // or a second call would duplicate the same bytes again.
      note_call("tee");
      const ssize_t n = tee(a.read_end.get(), b.write_end.get(), in_a, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        throw_errno("tee pipe to pipe");
      if (static_cast<std::size_t>(n) != in_a)
        throw Error("tee duplicated " + std::to_string(n) + " of " + std::to_string(in_a) +
                    " bytes");
      teed = static_cast<std::size_t>(n);
    }
    splice_all(b.read_end.get(), sock.get(), teed, "splice duplicate to socket");
    splice_all(a.read_end.get(), devnull.get(), in_a, "splice original to /dev/null");
  }
}

namespace {
const Registered<Tee> registered(60);
} // namespace

} // namespace zc::workloads
