#include "kernel_features.h"

#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <optional>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "error.h"
#include "observation.h"
#include "run_state.h"

namespace zc {

namespace {

// What the saved results are valid for: this boot, this kernel, this
// format of the record.
constexpr const char *kCacheRecord = "probe-cache";
constexpr const char *kCacheFormat = "2";

std::string boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

std::string cache_identity() {
  const KernelInfo k = running_kernel();
  return std::string(kCacheFormat) + " " + boot_id() + " " + k.release + " " + k.version;
}

// How many arguments tracepoint `name` passes its programs.
int count_tracepoint_args(struct btf *btf, const std::string &name) {
  const int id = btf__find_by_name_kind(btf, ("btf_trace_" + name).c_str(), BTF_KIND_TYPEDEF);
  if (id <= 0)
    return 0;
  // typedef -> pointer -> function prototype (void *ctx, args...)
  const btf_type *t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
  if (!t || !btf_is_ptr(t))
    return 0;
  t = btf__type_by_id(btf, t->type);
  if (!t || !btf_is_func_proto(t) || btf_vlen(t) == 0)
    return 0;
  return btf_vlen(t) - 1;
}

// The answer kept for `key`, else compute()'s, kept (and saved with the
// cache: `learnt`).
template <typename Map, typename F>
const typename Map::mapped_type &remember(Map &answers, const std::string &key, bool &learnt,
                                          F &&compute) {
  auto it = answers.find(key);
  if (it == answers.end()) {
    it = answers.emplace(key, compute()).first;
    learnt = true;
  }
  return it->second;
}

} // namespace

Features::Features() {
  // A cache that cannot be read is a cache miss, never an error: the
  // probes are then simply made again.
  try {
    StateLock lock;
    const std::optional<StateRecord> saved = read_state(kCacheRecord);
    if (!saved || saved->get("identity") != cache_identity())
      return;
    for (const auto &[key, value] : saved->lines) {
      if (key.rfind("check:", 0) == 0)
        cache_[key.substr(6)] = value == "ok"
                                    ? Availability{true, ""}
                                    : Availability{false, value.substr(value.find(' ') + 1)};
      else if (key.rfind("function:", 0) == 0)
        functions_[key.substr(9)] = value == "1";
      else if (key.rfind("tp_args:", 0) == 0)
        tracepoint_args_[key.substr(8)] = std::stoi(value);
    }
  } catch (const std::exception &) {
    cache_.clear();
    functions_.clear();
    tracepoint_args_.clear();
  }
}

Features::~Features() {
  if (learnt_) {
    try {
      StateRecord r;
      r.lines.emplace_back("identity", cache_identity());
      for (const auto &[key, a] : cache_)
        r.lines.emplace_back("check:" + key, a.ok ? "ok" : "no " + a.reason);
      for (const auto &[name, has] : functions_)
        r.lines.emplace_back("function:" + name, has ? "1" : "0");
      for (const auto &[name, n] : tracepoint_args_)
        r.lines.emplace_back("tp_args:" + name, std::to_string(n));
      StateLock lock;
      write_state(kCacheRecord, r);
    } catch (const std::exception &) {
      // Not saved: the next run probes again.
    }
  }
  btf__free(vmlinux_);
}

struct btf *Features::vmlinux() const {
  if (!vmlinux_) {
    vmlinux_ = btf__load_vmlinux_btf();
    if (!vmlinux_) {
      const int err = errno;
      vmlinux_ = nullptr;
      throw Error("cannot read the kernel's BTF: " + errno_text(err));
    }
  }
  return vmlinux_;
}

bool Features::has_function(const std::string &name) const {
  return remember(functions_, name, learnt_, [&] {
    return btf__find_by_name_kind(vmlinux(), name.c_str(), BTF_KIND_FUNC) > 0;
  });
}

int Features::tracepoint_args(const std::string &name) const {
  return remember(tracepoint_args_, name, learnt_,
                  [&] { return count_tracepoint_args(vmlinux(), name); });
}

const Availability &Features::check(const std::string &attach_point) {
  const auto colon = attach_point.find(':');
  const std::string kind = attach_point.substr(0, colon), target = attach_point.substr(colon + 1);
  if (kind == "kfunc")
    return remember(cache_, attach_point, learnt_, [&] { return probe_kfunc(target); });
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
  return remember(cache_, std::string(attach_kind_name(kind)) + ":" + target, learnt_,
                  [&] { return probe(kind, target); });
}

Availability Features::probe_kfunc(const std::string &name) {
  const int func = btf__find_by_name_kind(vmlinux(), name.c_str(), BTF_KIND_FUNC);
  if (func <= 0)
    return {false, "no kfunc " + name + " in this kernel's BTF"};
  const int sys_enter = btf__find_by_name_kind(vmlinux(), "btf_trace_sys_enter", BTF_KIND_TYPEDEF);
  const int file = btf__find_by_name_kind(vmlinux(), "file", BTF_KIND_STRUCT);
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
  const int id = btf__find_by_name_kind(vmlinux(), btf_name.c_str(),
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
