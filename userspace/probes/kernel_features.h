// What this kernel lets zctrace attach, decided by really loading a minimal
// program of the kind and attaching it to the target (never by comparing
// kernel versions). Results are kept for the life of the object and, for
// later runs, until the machine boots again (/run/zctrace/probe-cache,
// written when the object goes away): a trial attach costs about 10 ms of
// RCU grace periods, and the kernel's BTF (5 MB) is read only on a miss.
#pragma once

#include <map>
#include <string>

#include "probe_catalog.h"

struct btf;

namespace zc {

struct Availability {
  bool ok = false;
  std::string reason; // why not, when not ok
};

class Features {
public:
  Features();
  ~Features();
  Features(const Features &) = delete;
  Features &operator=(const Features &) = delete;

  // Can a program of `kind` attach to `target` (a tracepoint for tp_btf, a
  // kernel function for fentry/fexit)? The derived tier rides on the
  // syscall-exit tracepoint.
  const Availability &check(AttachKind kind, const std::string &target);
  // The same for an attach point written "kind:target"; "kfunc:NAME" asks
  // whether a tracing program may call kfunc NAME.
  const Availability &check(const std::string &attach_point);

  // Does the kernel have this function (in its BTF), attachable or not?
  bool has_function(const std::string &name) const;

  // How many arguments the tracepoint passes its programs (its
  // btf_trace_<name> typedef, less the context pointer); 0 when unknown.
  int tracepoint_args(const std::string &name) const;

private:
  Availability probe(AttachKind kind, const std::string &target);
  Availability probe_kfunc(const std::string &name);
  struct btf *vmlinux() const; // read on first use

  mutable struct btf *vmlinux_ = nullptr;
  std::map<std::string, Availability> cache_;
  mutable std::map<std::string, bool> functions_;
  mutable std::map<std::string, int> tracepoint_args_;
  mutable bool learnt_ = false; // something not in the saved cache: save it
};

} // namespace zc
