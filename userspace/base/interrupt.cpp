#include "interrupt.h"

#include <signal.h>

namespace zc {

namespace {

volatile sig_atomic_t g_signal = 0;

void on_signal(int sig) {
  if (!g_signal)
    g_signal = sig;
}

} // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP})
    sigaction(sig, &sa, nullptr);
}

bool interrupt_requested() { return g_signal != 0; }

int interrupt_signal() { return g_signal; }

} // namespace zc
