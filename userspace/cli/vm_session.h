// The vmtest targets a command runs in: the config, the targets its filter
// selects, and how the runner boots them.
#pragma once

#include <memory>
#include <vector>

#include "cli.h"
#include "config.h"
#include "kernels.h"
#include "runner.h"

namespace zc {

struct VmSession {
  vmtest::Config config;
  std::vector<const vmtest::Target *> targets;
  vmtest::RunnerOptions runner;
  std::unique_ptr<vmtest::KernelCache> cache;
};

VmSession open_session(const VmOptions &options);

} // namespace zc
