#include "timed_passes.h"

#include <chrono>

#include "interrupt.h"

namespace zc {

Timing time_passes(const RunRequest &req, const Repeats &repeats) {
  Timing t;
  t.size = req.size;
  t.runtime_s = repeats.runtime_s;
  if (interrupt_requested())
    throw Interrupted();
  (void)run_untraced(req);
  t.warmups = 1;
  using Clock = std::chrono::steady_clock;
  const auto began = Clock::now();
  auto time_left = [&] {
    return repeats.runtime_s &&
           std::chrono::duration<double>(Clock::now() - began).count() < *repeats.runtime_s;
  };
  while (t.passes.size() < repeats.repeat || time_left()) {
    if (interrupt_requested())
      throw Interrupted();
    t.passes.push_back(run_untraced(req));
  }
  return t;
}

} // namespace zc
