// direct_io: the file is read with O_DIRECT into an aligned user buffer (the
// device writes it there: no page cache, no copy into user memory), then
// written to the socket (a copy, as for read_write).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <memory>

#include "error.h"
#include "io.h"
#include "workload.h"

namespace zc::workloads {

class DirectIo final : public Workload {
public:
  std::string_view name() const override { return "direct_io"; }
  std::string_view summary() const override {
    return "read() the file with O_DIRECT into an aligned buffer, write() it to the socket";
  }
  std::vector<std::string_view> claims() const override { return {"direct_io"}; }
  std::string invalid_parameters(std::uint64_t size, std::uint64_t chunk) const override;
  void send(const SourceContext &ctx) const override;
};

namespace {

constexpr std::uint64_t kAlign = 4096; // the logical block size O_DIRECT needs, at most

} // namespace

std::string DirectIo::invalid_parameters(std::uint64_t, std::uint64_t chunk) const {
  if (chunk % kAlign)
    return "direct_io reads with O_DIRECT: --chunk must be a multiple of 4096 bytes";
  return {};
}

void DirectIo::send(const SourceContext &ctx) const {
  Fd file = open_file(ctx.path, O_RDONLY | O_DIRECT);
  Fd sock = ctx.connect();
  std::unique_ptr<char, decltype(&std::free)> buf(
      static_cast<char *>(std::aligned_alloc(kAlign, ctx.chunk)), &std::free);
  if (!buf)
    throw Error("cannot allocate an aligned buffer of " + std::to_string(ctx.chunk) + " bytes");
  std::uint64_t sent = 0;
  while (sent < ctx.size) {
    note_call("read");
    const ssize_t n = read(file.get(), buf.get(), ctx.chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      throw_errno("O_DIRECT read " + ctx.path);
    if (n == 0)
      throw Error("read " + ctx.path + ": end of file after " + std::to_string(sent) + " bytes");
    write_all(sock.get(), buf.get(), static_cast<std::size_t>(n), "write to socket");
    sent += static_cast<std::uint64_t>(n);
  }
}

namespace {
const Registered<DirectIo> registered(50);
} // namespace

} // namespace zc::workloads
