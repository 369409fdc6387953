// Every probe zctrace can attach: what it measures, which BPF family program
// implements it, and the alternatives to try, best first. The probe set picks
// the first alternative the running kernel accepts (probed, never guessed from
// the version) and records why the others were refused.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace zc {

enum class AttachKind { TpBtf, Fentry, Fexit };

std::string_view attach_kind_name(AttachKind kind); // "tp_btf", "fentry", "fexit"

struct ProbeAlternative {
  std::string program; // BPF program name in the family object
  AttachKind kind;
  std::string target; // tracepoint or kernel function name

  std::string attach_point() const; // "tp_btf:sock_send_length"
};

struct ProbeDef {
  std::string name;      // "copies:tcp_sendmsg_locked"
  std::string family;    // BPF object: syscalls, sched, faults, copies, block, net
  std::string measures;  // one line, for `zctrace probes`
  bool required = false; // a run cannot give an account without it
  std::vector<ProbeAlternative> alternatives;
};

const std::vector<ProbeDef> &probe_catalog();
const ProbeDef *find_probe(std::string_view name);

// The families in load order: the first creates the shared maps.
const std::vector<std::string> &probe_families();

} // namespace zc
