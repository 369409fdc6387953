// What became of each probe on this kernel: attached (and via which attach
// point), or not, and why. Shared by `zctrace probes`, run JSON and the
// collector, which labels each figure with the probes behind it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "evidence.h"

namespace zc {

struct AlternativeResult {
  std::string attach_point; // "fentry:tcp_sendmsg_locked"
  bool usable = false;      // the kernel accepted a probe program there
  std::string reason;       // why not, when it did not
};

struct ProbeReport {
  std::string name;
  std::string family;
  std::string measures;
  bool required = false;
  bool attached = false;
  std::string via;                                   // attach point in use, when attached
  EvidenceKind evidence = EvidenceKind::Unavailable; // what its figures are
  std::string bytes_from;                            // how the chosen alternative reads byte counts
  std::string reason;                                // why it is not attached, when it is not
  std::vector<AlternativeResult> alternatives;
  // False when the kernel does not have the code path at all (then it needs
  // no watching); true when it does or the question does not arise.
  bool path_present = true;
};

// "12 of 20 probes attached": the line zctrace prints once it is watching.
std::string attached_summary(const std::vector<ProbeReport> &reports);

// Look-up of attached probes by name.
class ProbeIndex {
public:
  explicit ProbeIndex(const std::vector<ProbeReport> &reports) : reports_(reports) {}
  // The report of `name` if that probe is attached, else nullptr.
  const ProbeReport *attached(std::string_view name) const;
  // The report of `name` whatever its state, else nullptr.
  const ProbeReport *find(std::string_view name) const;

private:
  const std::vector<ProbeReport> &reports_;
};

} // namespace zc
