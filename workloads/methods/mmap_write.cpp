// mmap + write: the file is mapped, and write() copies from the mapping into
// the socket's buffers; the mapping's pages fault in inside write().
#include "io.h"
#include "methods.h"

namespace zc::workloads {

void MmapWrite::send(const SourceContext &ctx) const {
  const Mapping map(ctx.path, ctx.size);
  Fd sock = ctx.connect();
  write_chunks(sock.get(), map.data(), ctx.size, ctx.chunk);
}

} // namespace zc::workloads
