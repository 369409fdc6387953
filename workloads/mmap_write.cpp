// mmap + write: the file is mapped, and write() copies from the mapping into
// the socket's buffers; the mapping's pages fault in inside write().
#include <fcntl.h>
#include <sys/mman.h>

#include <algorithm>

#include "error.h"
#include "io.h"
#include "methods.h"

namespace zc::workloads {

void MmapWrite::send(const SourceContext &ctx) const {
  Fd file = open_file(ctx.path, O_RDONLY);
  Fd sock = ctx.connect();
  void *map = mmap(nullptr, ctx.size, PROT_READ, MAP_SHARED, file.get(), 0);
  if (map == MAP_FAILED)
    throw_errno("mmap " + ctx.path);
  const char *data = static_cast<const char *>(map);
  for (std::uint64_t off = 0; off < ctx.size; off += ctx.chunk)
    write_all(sock.get(), data + off, std::min(ctx.chunk, ctx.size - off), "write to socket");
  munmap(map, ctx.size);
}

} // namespace zc::workloads
