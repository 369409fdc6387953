// sendfile: the kernel moves the file's page-cache pages to the socket
// (through an internal pipe, since 2.6.23); no user buffer is involved.
#include <fcntl.h>
#include <sys/sendfile.h>

#include <algorithm>
#include <cerrno>

#include "error.h"
#include "io.h"
#include "methods.h"

namespace zc::workloads {

void Sendfile::send(const SourceContext &ctx) const {
  Fd file = open_file(ctx.path, O_RDONLY);
  Fd sock = ctx.connect();
  off_t offset = 0;
  while (static_cast<std::uint64_t>(offset) < ctx.size) {
    const std::uint64_t left = ctx.size - static_cast<std::uint64_t>(offset);
    const ssize_t n = sendfile(sock.get(), file.get(), &offset, std::min(ctx.chunk, left));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      throw_errno("sendfile");
    if (n == 0)
      throw Error("sendfile: end of file at offset " + std::to_string(offset));
  }
}

} // namespace zc::workloads
