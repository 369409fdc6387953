// sendfile: the kernel moves the file's page-cache pages to the socket
// (through an internal pipe, since 2.6.23); no user buffer is involved.
#include <fcntl.h>

#include "io.h"
#include "methods.h"

namespace zc::workloads {

void Sendfile::send(const SourceContext &ctx) const {
  Fd file = open_file(ctx.path, O_RDONLY);
  Fd sock = ctx.connect();
  sendfile_all(sock.get(), file.get(), ctx.size, ctx.chunk);
}

} // namespace zc::workloads
