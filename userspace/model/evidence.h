// What a figure rests on: the kinds of evidence zctrace distinguishes.
#pragma once

#include <string>
#include <vector>

namespace zc {

enum class EvidenceKind {
  Site,        // measured at the copy site itself (fentry/fexit)
  Tracepoint,  // measured by tracepoints
  Derived,     // computed from other measured figures (say which)
  Rusage,      // the kernel's own per-process accounting (wait4 rusage)
  Clock,       // CLOCK_MONOTONIC read by the workload process
  Reported,    // the kernel's own answer to the workload: MSG_ZEROCOPY
               // completions, io_uring CQEs, TCP_ZEROCOPY_RECEIVE results
  Unavailable, // nothing on this kernel measures it (say why)
};

std::string evidence_kind_name(EvidenceKind kind);

struct Evidence {
  EvidenceKind kind = EvidenceKind::Unavailable;
  std::vector<std::string> probes; // attach points, e.g. "tp_btf:sock_send_length"
  std::string how;                 // one sentence
};

} // namespace zc
