// mmap + write: the file is mapped, and write() copies from the mapping into
// the socket's buffers; the mapping's pages fault in inside write().
#include "io.h"
#include "workload.h"

namespace zc::workloads {

class MmapWrite final : public Workload {
public:
  std::string_view name() const override { return "mmap_write"; }
  std::string_view summary() const override {
    return "mmap() the file, write() the mapping to the socket chunk by chunk";
  }
  std::vector<std::string_view> claims() const override { return {"mmap_write", "rocketmq_kafka"}; }
  void send(const SourceContext &ctx) const override;
};

void MmapWrite::send(const SourceContext &ctx) const {
  const Mapping map(ctx.path, ctx.size);
  Fd sock = ctx.connect();
  write_chunks(sock.get(), map.data(), ctx.size, ctx.chunk);
}

namespace {
const Registered<MmapWrite> registered(20);
} // namespace

} // namespace zc::workloads
