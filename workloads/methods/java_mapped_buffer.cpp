// java_mapped_buffer: a JVM maps the file (FileChannel.map, a
// MappedByteBuffer) and writes it with SocketChannel.write (RocketMQ's
// way), which the articles say is mmap. The account shows what the JVM
// really calls.
#include "jvm.h"
#include "workload.h"

namespace zc::workloads {

namespace {

class JavaMappedBuffer final : public Workload {
public:
  std::string_view name() const override { return "java_mapped_buffer"; }
  std::string_view summary() const override {
    return "a JVM (OpenJDK) maps the file as a MappedByteBuffer and writes it to a "
           "SocketChannel";
  }
  std::vector<std::string_view> claims() const override { return {"java_mapped_buffer"}; }
  std::string unavailable_reason() const override { return jvm_unavailable_reason(); }
  bool forks() const override { return true; }
  void send(const SourceContext &ctx) const override { run_java_source(ctx, "mapped"); }
};

const Registered<JavaMappedBuffer> registered(160);

} // namespace

} // namespace zc::workloads
