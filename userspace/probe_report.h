// What became of each probe on this kernel: attached (and via which attach
// point), or not, and why. Shared by `zctrace probes`, run JSON and the
// collector, which labels each figure with the probes behind it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "probe_catalog.h"

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
  std::string via; // attach point in use, when attached
  AttachKind kind = AttachKind::TpBtf;
  std::string reason; // why it is not attached, when it is not
  std::vector<AlternativeResult> alternatives;
};

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
