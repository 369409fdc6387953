// Applies a KernelSetting for as long as the object lives, then restores
// the value it found (also when the run fails or is interrupted).
//
// The setting is shared: every zctrace run holding it is recorded under
// /run/zctrace (sysctl.NAME: the original value, the value set, and the
// holders) before the value is changed. Overlapping runs that need the same
// value share it and the last one out restores the original; a run that
// needs another value while it is held is refused. A run killed before it
// could restore (SIGKILL, a crash) is repaired by the next zctrace that
// prepares a run.
#pragma once

#include <string>

#include "workload.h"

namespace zc::workloads {

class KernelSettingOverride {
public:
  explicit KernelSettingOverride(const KernelSetting &setting);
  ~KernelSettingOverride();
  KernelSettingOverride(const KernelSettingOverride &) = delete;
  KernelSettingOverride &operator=(const KernelSettingOverride &) = delete;

  // "net.core.high_order_alloc_disable=1 (was 0): why"
  std::string describe() const;

  // Restores every setting whose holders have all died without restoring
  // it, saying so on stderr; returns how many.
  static int repair_left_behind();

private:
  KernelSetting setting_;
  std::string old_;
};

} // namespace zc::workloads
