#include "kernel_features.h"

#include <unistd.h>

#include <cerrno>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "error.h"

namespace zc {

Features::Features() {
  vmlinux_ = btf__load_vmlinux_btf();
  if (!vmlinux_) {
    const int err = errno;
    throw Error("cannot read the kernel's BTF: " + errno_text(err));
  }
}

Features::~Features() { btf__free(vmlinux_); }

bool Features::has_function(const std::string &name) const {
  return btf__find_by_name_kind(vmlinux_, name.c_str(), BTF_KIND_FUNC) > 0;
}

int Features::tracepoint_args(const std::string &name) const {
  const int id = btf__find_by_name_kind(vmlinux_, ("btf_trace_" + name).c_str(), BTF_KIND_TYPEDEF);
  if (id <= 0)
    return 0;
  // typedef -> pointer -> function prototype (void *ctx, args...)
  const btf_type *t = btf__type_by_id(vmlinux_, btf__type_by_id(vmlinux_, id)->type);
  if (!t || !btf_is_ptr(t))
    return 0;
  t = btf__type_by_id(vmlinux_, t->type);
  if (!t || !btf_is_func_proto(t) || btf_vlen(t) == 0)
    return 0;
  return btf_vlen(t) - 1;
}

const Availability &Features::check(const std::string &attach_point) {
  const auto colon = attach_point.find(':');
  const std::string kind = attach_point.substr(0, colon), target = attach_point.substr(colon + 1);
  if (kind == "kfunc") {
    auto it = cache_.find(attach_point);
    if (it == cache_.end())
      it = cache_.emplace(attach_point, probe_kfunc(target)).first;
    return it->second;
  }
  for (AttachKind k :
       {AttachKind::TpBtf, AttachKind::Fentry, AttachKind::Fexit, AttachKind::Derived})
    if (attach_kind_name(k) == kind)
      return check(k, target);
  static const Availability unknown{false, "unknown attach point " + attach_point};
  return unknown;
}

const Availability &Features::check(AttachKind kind, const std::string &target) {
  if (kind == AttachKind::Derived)
    return check(AttachKind::TpBtf, target);
  const std::string key = std::string(attach_kind_name(kind)) + ":" + target;
  auto it = cache_.find(key);
  if (it == cache_.end())
    it = cache_.emplace(key, probe(kind, target)).first;
  return it->second;
}

Availability Features::probe_kfunc(const std::string &name) {
  const int func = btf__find_by_name_kind(vmlinux_, name.c_str(), BTF_KIND_FUNC);
  if (func <= 0)
    return {false, "no kfunc " + name + " in this kernel's BTF"};
  const int sys_enter = btf__find_by_name_kind(vmlinux_, "btf_trace_sys_enter", BTF_KIND_TYPEDEF);
  const int file = btf__find_by_name_kind(vmlinux_, "file", BTF_KIND_STRUCT);
  if (sys_enter <= 0 || file <= 0)
    return {false, "no sys_enter tracepoint or struct file in this kernel's BTF"};
  // r1 = 0; r2 = <struct file>; call kfunc; r0 = 0; exit: whether a tracing
  // program may call it (being in BTF is not enough: each kfunc is
  // registered for some program types).
  const bpf_insn insns[] = {
      {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, 0},
      {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_2, 0, 0, file},
      {BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, func},
      {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0},
      {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},
  };
  LIBBPF_OPTS(bpf_prog_load_opts, opts);
  opts.expected_attach_type = BPF_TRACE_RAW_TP;
  opts.attach_btf_id = static_cast<__u32>(sys_enter);
  const int prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, "zc_probe", "GPL", insns, 5, &opts);
  if (prog < 0)
    return {false,
            "the kernel refused a tracing program calling " + name + ": " + errno_text(-prog)};
  close(prog);
  return {true, ""};
}

Availability Features::probe(AttachKind kind, const std::string &target) {
  // tp_btf programs attach to the tracepoint's btf_trace_<name> typedef,
  // fentry/fexit programs to the function itself.
  const bool tracepoint = kind == AttachKind::TpBtf;
  const std::string btf_name = tracepoint ? "btf_trace_" + target : target;
  const int id = btf__find_by_name_kind(vmlinux_, btf_name.c_str(),
                                        tracepoint ? BTF_KIND_TYPEDEF : BTF_KIND_FUNC);
  if (id <= 0)
    return {false, tracepoint ? "no tracepoint " + target + " in this kernel (no " + btf_name +
                                    " in its BTF)"
                              : "no function " + target + " in this kernel's BTF"};

  // r0 = 0; exit: nothing to verify but the attach target itself.
  const bpf_insn insns[] = {
      {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0},
      {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},
  };
  LIBBPF_OPTS(bpf_prog_load_opts, opts);
  opts.expected_attach_type = tracepoint                   ? BPF_TRACE_RAW_TP
                              : kind == AttachKind::Fentry ? BPF_TRACE_FENTRY
                                                           : BPF_TRACE_FEXIT;
  opts.attach_btf_id = static_cast<__u32>(id);
  const int prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, "zc_probe", "GPL", insns, 2, &opts);
  if (prog < 0)
    return {false, "the kernel refused to load a " + std::string(attach_kind_name(kind)) +
                       " program for " + target + ": " + errno_text(-prog)};
  const int link = bpf_raw_tracepoint_open(nullptr, prog);
  close(prog);
  if (link < 0)
    return {false, "the kernel refused to attach a " + std::string(attach_kind_name(kind)) +
                       " program to " + target + ": " + errno_text(-link)};
  close(link);
  return {true, ""};
}

} // namespace zc
