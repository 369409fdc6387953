// sendfile: the kernel moves the file's page-cache pages to the socket
// (through an internal pipe, since 2.6.23); no user buffer is involved.
#include <fcntl.h>

#include "io.h"
#include "workload.h"

namespace zc::workloads {

class Sendfile final : public Workload {
public:
  std::string_view name() const override { return "sendfile"; }
  std::string_view summary() const override {
    return "sendfile() from the file to the socket, chunk by chunk";
  }
  std::vector<std::string_view> claims() const override {
    return {"sendfile", "sendfile_dma_gather", "rocketmq_kafka"};
  }
  void send(const SourceContext &ctx) const override;
};

void Sendfile::send(const SourceContext &ctx) const {
  Fd file = open_file(ctx.path, O_RDONLY);
  Fd sock = ctx.connect();
  sendfile_all(sock.get(), file.get(), ctx.size, ctx.chunk);
}

namespace {
const Registered<Sendfile> registered(30);
} // namespace

} // namespace zc::workloads
