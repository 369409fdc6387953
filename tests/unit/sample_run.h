// A run result the unit tests build without a kernel: mmap_write, 64 MiB,
// some counts and their evidence, three events lost.
#pragma once

#include "run_result.h"

namespace zc::test {

inline RunResult sample_run() {
  RunResult r;
  r.kernel = {"6.18.0", "#1 SMP", "x86_64"};
  r.params = {"mmap_write", 64ull << 20, 64ull << 10, "warm", "/var/tmp", "ext4", 1,
              "127.0.0.1",  "",          "loopback",  true,   false,      false,  {}};
  r.integrity = {true, 64ull << 20, 64ull << 20, 0xdeadbeef, 0xdeadbeef, ""};
  r.events.submitted = 10;
  r.events.received = 10;
  r.events.lost = 3;
  r.events.lost_by_kind = {{"syscall", 3}};
  ProbeReport p;
  p.name = "syscalls:sys_enter";
  p.family = "syscalls";
  p.measures = "syscalls";
  p.attached = true;
  p.via = "tp_btf:sys_enter";
  p.alternatives = {{"tp_btf:sys_enter", true, ""}};
  r.probes = {p};
  r.source.role = "source";
  r.source.cpu_copy.bytes = {64ull << 20,
                             {EvidenceKind::Tracepoint, {"tp_btf:tcp_sendmsg_locked"}, "sum"}};
  r.source.cpu_copy.passes = {1.0, {EvidenceKind::Derived, {}, "bytes / payload"}};
  r.source.syscalls.by_name["write"] = {1024, 0, 5000, 64ull << 20};
  r.source.syscalls.by_name["mmap"] = {1, 0, 10, std::nullopt};
  r.source.page_faults.kernel_by_syscall["write"] = 80;
  r.source.reported["zerocopy.sends"] = {1024u, {EvidenceKind::Reported, {}, "sends"}};
  r.sink.role = "sink";
  return r;
}

} // namespace zc::test
