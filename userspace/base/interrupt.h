// Ctrl-C, SIGTERM and SIGHUP: a flag the run loop checks, so that an
// interrupted run unwinds normally (ending its processes, detaching every
// BPF program and link, undoing what it changed) instead of dying with
// programs attached.
#pragma once

#include "error.h"

namespace zc {

void install_interrupt_handlers();
bool interrupt_requested();
// The signal that asked for it (SIGINT, SIGTERM, SIGHUP), 0 if none did.
int interrupt_signal();

class Interrupted : public Error {
public:
  Interrupted()
      : Error("interrupted; the workload was stopped and every probe detached", kExitInterrupted) {}
};

} // namespace zc
