// Applies a KernelSetting for as long as the object lives, then restores
// the value it found (also when the run fails or is interrupted).
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

private:
  KernelSetting setting_;
  std::string old_;
};

} // namespace zc::workloads
