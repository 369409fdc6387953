// splice: file -> pipe -> socket. splice() needs a pipe on one side, so each
// chunk takes two calls, and a chunk is at most the pipe's capacity (64 KiB by
// default; the pipe is grown to the chunk when the chunk is larger).
#include <fcntl.h>

#include <algorithm>

#include "io.h"
#include "pipes.h"
#include "workload.h"

namespace zc::workloads {

class Splice final : public Workload {
public:
  std::string_view name() const override { return "splice"; }
  std::string_view summary() const override {
    return "splice() the file into a pipe, then splice() the pipe into the socket";
  }
  std::vector<std::string_view> claims() const override { return {"splice"}; }
  void send(const SourceContext &ctx) const override;
};

void Splice::send(const SourceContext &ctx) const {
  Fd file = open_file(ctx.path, O_RDONLY);
  Fd sock = ctx.connect();
  Pipe pipe = make_pipe(ctx.chunk);
  const std::uint64_t chunk = std::min(ctx.chunk, pipe.capacity);
  loff_t offset = 0;
  while (static_cast<std::uint64_t>(offset) < ctx.size) {
    const std::uint64_t left = ctx.size - static_cast<std::uint64_t>(offset);
    const std::size_t in_pipe = splice_some(file.get(), &offset, pipe.write_end.get(),
                                            std::min(chunk, left), "splice file to pipe");
    splice_all(pipe.read_end.get(), sock.get(), in_pipe, "splice pipe to socket");
  }
}

namespace {
const Registered<Splice> registered(40);
} // namespace

} // namespace zc::workloads
