#include "workload.h"

#include "error.h"

namespace zc::workloads {

std::string_view sink_mode_name(SinkMode mode) {
  switch (mode) {
  case SinkMode::ReadWriteFile:
    return "read_write_file";
  case SinkMode::SpliceFile:
    return "splice_file";
  case SinkMode::Read:
    break;
  }
  return "read";
}

SinkMode parse_sink_mode(std::string_view name) {
  for (SinkMode m : {SinkMode::Read, SinkMode::ReadWriteFile, SinkMode::SpliceFile})
    if (sink_mode_name(m) == name)
      return m;
  throw UsageError("unknown sink '" + std::string(name) +
                   "': choose read, read_write_file or splice_file");
}

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
      {"sent_bytes", "bytes the source's writes returned in all: what the sink must receive"},
      {"java.sent_bytes", "bytes the Java program says it sent (its own count, printed)"},
      {"truncate.length", "the length the truncating process cut the file to"},
      {"truncate.sent_first", "bytes the source wrote before it let the truncating process go"},
      {"truncate.held_ns",
       "nanoseconds the truncating process spent in truncate() (held while the lease stood)"},
      {"write.short_returns", "writes that returned fewer bytes than they asked for"},
      {"write.short_return_bytes", "what the last short write returned"},
      {"write.eintr", "writes that failed with EINTR (a signal came before any byte moved)"},
      {"write.faulted", "writes a page fault on the cut mapping stopped (short, or EFAULT)"},
      {"write.failed_errno", "the errno of the write that failed and ended the sending, 0: none"},
      {"lease.signals", "lease-break signals the source's handler saw"},
      {"lease.sent_at_signal", "bytes the source had sent when it saw the lease-break signal"},
      {"lease.signal_ns",
       "nanoseconds from the truncating process's truncate() call to the lease-break signal's "
       "handler (CLOCK_MONOTONIC in both)"},
      {"lease.released_ns",
       "nanoseconds from the lease-break signal to the source's call that gave the lease up"},
  };
  for (const auto &[n, meaning] : meanings)
    if (n == name)
      return meaning;
  if (name.rfind("calls.", 0) == 0)
    return "calls of this syscall the process made, by its own count (every attempt)";
  return "reported by the workload";
}

} // namespace zc::workloads
