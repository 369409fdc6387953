// Every probe zctrace can attach: what it measures, which BPF family
// implements it, and the alternatives to try, best first. The probe set picks
// the first alternative the running kernel accepts (probed by loading and
// attaching, never guessed from the version) and records why the others
// were refused.
//
// Copy sites go from the site itself (fexit: evidence "site") to tracepoints
// near it, to the syscall's return classified by its fd (the derived tier:
// a flag in the BPF objects' zc_config rather than a program of its own).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bpf_abi.h"
#include "evidence.h"

namespace zc {

enum class AttachKind { TpBtf, Fentry, Fexit, Derived };

std::string_view attach_kind_name(AttachKind kind); // "tp_btf", "fentry", "fexit", "derived"

struct ProbeAlternative {
  AttachKind kind;
  std::string target;                // function or tracepoint; "sys_exit" for derived
  std::vector<std::string> programs; // BPF programs autoloaded when it is chosen
  std::vector<std::string> also;     // further attach points it needs ("tp_btf:sys_exit")
  std::string config_flag;           // zc_config member set when it is chosen
  EvidenceKind evidence = EvidenceKind::Tracepoint;
  std::string bytes_from; // how it reads the byte count (copy sites)
  // A tracepoint program written for this many arguments needs a kernel
  // whose tracepoint passes exactly those (its btf_trace_ typedef says how
  // many); 0 when any will do.
  int args = 0;

  std::string attach_point() const; // "fexit:filemap_read", "derived:sys_exit"
};

struct ProbeDef {
  std::string name;      // "copies:filemap_read"
  std::string family;    // BPF object: syscalls, sched, faults, copies, block, net, signals
  std::string measures;  // one line, for `zctrace probes`
  bool required = false; // a run cannot give an account without it
  std::vector<ProbeAlternative> alternatives;
  // Kernel functions whose presence means the code path this probe watches
  // exists (any one); empty when that is not in question. A path the kernel
  // does not have needs no watching (->sendpage after 6.5, for example).
  std::vector<std::string> path;
};

const std::vector<ProbeDef> &probe_catalog();
const ProbeDef *find_probe(std::string_view name);

// The families in load order: the first creates the shared maps.
const std::vector<std::string> &probe_families();

// Every zc_config flag an alternative may set (bpf/zctrace.h), by name.
struct ConfigFlag {
  std::string name;
  std::uint8_t zc_config::*field;
};
const std::vector<ConfigFlag> &config_flags();
const ConfigFlag *find_config_flag(std::string_view name);

} // namespace zc
