// Ctrl-C and SIGTERM: a flag the run loop checks, so that an interrupted run
// unwinds normally (killing its workload, detaching every BPF program and
// link) instead of dying with programs attached.
#pragma once

#include "error.h"

namespace zc {

void install_interrupt_handlers();
bool interrupt_requested();

class Interrupted : public Error {
public:
  Interrupted()
      : Error("interrupted; the workload was stopped and every probe detached", kExitInterrupted) {}
};

} // namespace zc
