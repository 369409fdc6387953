// What every session observed (observation.h), as the terminal shows it:
// the losses line, the devices that moved data or had it mapped, and a
// warning for every update or probe run that was lost.
#pragma once

#include <string>
#include <vector>

#include "observation.h"

namespace zc::analysis {

// "lost events 0 of 9,166; probe runs missed 0"
std::string lost_text(const Observation &o);

// "cost of watching: 212 ns per traced syscall (4.10 ms in ...)"
std::string overhead_text(const Observation &o);

// Per device: what each role's bios and DMA mappings were, and what
// belonged to no role (receive buffers, mappings outside any target).
// Empty when no device was seen.
std::string render_devices(const Observation &o, const std::vector<const Account *> &accounts);

// The signals the kernel generated for each account's process
// (signal:signal_generate): which signal, to whom, queued or not, sent by
// the process itself or another; a line of why for an account without.
std::string render_signals(const std::vector<const Account *> &accounts);

// Zero-copy sends (MSG_ZEROCOPY, io_uring SEND_ZC) per account: asked,
// covered by the completions the kernel handed out, copied anyway, and the
// bytes copied later (skb_copy_ubufs); empty when no account made one.
std::string render_zerocopy(const std::vector<const Account *> &accounts);

// One WARNING line per kind of update the BPF side lost and per program the
// kernel skipped runs of; empty when nothing was lost.
std::string render_losses(const Observation &o);

} // namespace zc::analysis
