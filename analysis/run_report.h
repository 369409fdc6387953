// The terminal report of one run: the two accounts side by side with the
// articles' claims for the method, where the payload moved, and the syscalls.
#pragma once

#include <string>

#include "run_result.h"

namespace zc::analysis {

std::string render_run(const RunResult &run);

} // namespace zc::analysis
