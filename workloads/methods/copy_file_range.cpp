// copy_file_range: file to file inside the kernel. A filesystem that can
// share extents (XFS, Btrfs: reflink) or offload the copy moves no byte; one
// that cannot (ext4) falls back to splicing the pages through a pipe into
// the destination's page cache: one CPU copy. The source then tells the sink
// over the socket how many bytes it copied, and the sink reads the
// destination file back to check every byte.
#include <fcntl.h>
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

class CopyFileRange final : public Workload {
public:
  std::string_view name() const override { return "copy_file_range"; }
  std::string_view summary() const override {
    return "copy_file_range() the file into another file; the sink reads that file back";
  }
  std::vector<std::string_view> claims() const override { return {}; }
  bool writes_file() const override { return true; }
  bool sends_payload() const override { return false; }
  void send(const SourceContext &ctx) const override;
  bool default_sink() const override { return false; }
  Received receive(const SinkContext &ctx) const override;
};

void CopyFileRange::send(const SourceContext &ctx) const {
  Fd in = open_file(ctx.path, O_RDONLY);
  // The destination is new and empty. Not O_TRUNC: truncating makes ext4
  // start writing the file back when it is closed (auto_da_alloc), from
  // the source's own context, which would be storage traffic of its own.
  Fd out = open_file(ctx.dest_path, O_WRONLY);
  loff_t off_in = 0, off_out = 0;
  while (static_cast<std::uint64_t>(off_in) < ctx.size) {
    const std::uint64_t left = ctx.size - static_cast<std::uint64_t>(off_in);
    note_call("copy_file_range");
    const ssize_t n =
        copy_file_range(in.get(), &off_in, out.get(), &off_out, std::min(ctx.chunk, left), 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      throw_errno("copy_file_range " + ctx.path + " to " + ctx.dest_path);
    if (n == 0)
      throw Error("copy_file_range: end of file at offset " + std::to_string(off_in));
  }
  Fd sock = ctx.connect();
  const std::uint64_t copied = static_cast<std::uint64_t>(off_out);
  write_all(sock.get(), &copied, sizeof(copied), "tell the sink the copy is done");
}

Received CopyFileRange::receive(const SinkContext &ctx) const {
  Fd conn(accept4(ctx.listen_fd, nullptr, nullptr, SOCK_CLOEXEC));
  if (conn.get() < 0)
    throw_errno("accept");
  std::uint64_t copied = 0;
  for (std::size_t got = 0; got < sizeof(copied);) {
    note_call("read");
    const ssize_t n =
        read(conn.get(), reinterpret_cast<char *>(&copied) + got, sizeof(copied) - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      throw_errno("read the source's message");
    if (n == 0)
      throw Error("the source closed the connection before saying the copy was done");
    got += static_cast<std::size_t>(n);
  }
  ctx.reporter->report("copy_file_range.bytes", copied);
  Fd file = open_file(ctx.dest_path, O_RDONLY);
  std::vector<char> buf(
      static_cast<std::size_t>(std::clamp<std::uint64_t>(ctx.chunk, 4096, 1 << 20)));
  Crc32c crc;
  Received r;
  while (true) {
    note_call("read");
    const ssize_t n = read(file.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      throw_errno("read " + ctx.dest_path);
    if (n == 0)
      break;
    crc.update(buf.data(), static_cast<std::size_t>(n));
    r.bytes += static_cast<std::uint64_t>(n);
  }
  r.crc32c = crc.value();
  return r;
}

namespace {
const Registered<CopyFileRange> registered(110);
} // namespace

} // namespace zc::workloads
