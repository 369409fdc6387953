// java_transfer_to: a JVM sends the file with FileChannel.transferTo to a
// SocketChannel (Kafka's way), which the articles say is sendfile
// underneath. The account shows what the JVM really calls.
#include "jvm.h"
#include "workload.h"

namespace zc::workloads {

namespace {

class JavaTransferTo final : public Workload {
public:
  std::string_view name() const override { return "java_transfer_to"; }
  std::string_view summary() const override {
    return "a JVM (OpenJDK) sends the file with FileChannel.transferTo to a SocketChannel";
  }
  std::vector<std::string_view> claims() const override { return {"java_transfer_to"}; }
  std::string unavailable_reason() const override { return jvm_unavailable_reason(); }
  bool forks() const override { return true; }
  void send(const SourceContext &ctx) const override { run_java_source(ctx, "transferTo"); }
};

const Registered<JavaTransferTo> registered(150);

} // namespace

} // namespace zc::workloads
