// read + write: the file is copied into a user buffer, then from it into the
// socket's buffers. With --uncached the reads are preadv2(RWF_DONTCACHE):
// the same copies, the page cache's folios dropped once read.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "error.h"
#include "io.h"
#include "uncached.h"
#include "workload.h"

namespace zc::workloads {

class ReadWrite final : public Workload {
public:
  std::string_view name() const override { return "read_write"; }
  std::string_view summary() const override {
    return "read() the file into a user buffer, write() the buffer to the socket";
  }
  std::vector<std::string_view> claims() const override { return {"read_write"}; }
  bool reads_uncached() const override { return true; }
  void send(const SourceContext &ctx) const override;
};

void ReadWrite::send(const SourceContext &ctx) const {
  Fd file = open_file(ctx.path, O_RDONLY);
  Fd sock = ctx.connect();
  std::vector<char> buf(ctx.chunk);
  std::uint64_t sent = 0;
  const bool uncached = ctx.options.uncached;
  while (sent < ctx.size) {
    note_call(uncached ? "preadv2" : "read");
    const ssize_t n = uncached ? read_uncached(file.get(), buf.data(), buf.size())
                               : read(file.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      throw_errno("read " + ctx.path);
    if (n == 0)
      throw Error("read " + ctx.path + ": end of file after " + std::to_string(sent) + " bytes");
    write_all(sock.get(), buf.data(), static_cast<std::size_t>(n), "write to socket");
    sent += static_cast<std::uint64_t>(n);
  }
}

namespace {
const Registered<ReadWrite> registered(10);
} // namespace

} // namespace zc::workloads
