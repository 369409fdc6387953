// Throughput and CPU time of a method, timed with no probe loaded: a
// warm-up transfer (discarded), then passes until `repeat` of them are done
// and, with a runtime, until that much time has passed (as fio's and
// iperf3's -t). The accounts come from a traced run apart from these.
#pragma once

#include <optional>

#include "run_session.h"
#include "timing.h"

namespace zc {

struct Repeats {
  unsigned repeat = 6; // the fewest passes with a 95% interval for their median
  std::optional<double> runtime_s;
};

Timing time_passes(const RunRequest &request, const Repeats &repeats);

} // namespace zc
