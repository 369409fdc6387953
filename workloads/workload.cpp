#include "workload.h"

namespace zc::workloads {

Fd SourceContext::connect() const { return connect_to(address, port, tune); }

std::string Workload::invalid_parameters(std::uint64_t size, std::uint64_t chunk) const {
  (void)size;
  (void)chunk;
  return {};
}

std::string_view reported_meaning(std::string_view name) {
  static const std::pair<std::string_view, std::string_view> meanings[] = {
      {"zerocopy.sends", "zero-copy sends made (MSG_ZEROCOPY sends, or io_uring SEND_ZC requests)"},
      {"zerocopy.copied_sends", "sends whose completion said the kernel copied them after all "
                                "(SO_EE_CODE_ZEROCOPY_COPIED, IORING_NOTIF_USAGE_ZC_COPIED)"},
      {"zerocopy.copied_bytes", "bytes of the sends the kernel said it copied"},
      {"uring.read_bytes", "bytes the io_uring READ completions returned"},
      {"uring.send_bytes", "bytes the io_uring SEND completions returned"},
      {"zc_receive.mapped_bytes",
       "bytes TCP_ZEROCOPY_RECEIVE mapped into the sink's address space (zc.length)"},
      {"zc_receive.copied_bytes",
       "bytes the sink had to read() because they could not be mapped (recv_skip_hint)"},
      {"zc_receive.calls", "TCP_ZEROCOPY_RECEIVE calls"},
      {"cow.parent_private_bytes",
       "Anonymous bytes of the parent's private mapping after its writes (/proc/self/smaps)"},
      {"cow.child_private_bytes",
       "Anonymous bytes of the child's private mapping after its writes (/proc/self/smaps)"},
      {"copy_file_range.bytes", "bytes the source's copy_file_range calls returned"},
  };
  for (const auto &[n, meaning] : meanings)
    if (n == name)
      return meaning;
  if (name.rfind("calls.", 0) == 0)
    return "calls of this syscall the process made, by its own count (every attempt)";
  return "reported by the workload";
}

} // namespace zc::workloads
