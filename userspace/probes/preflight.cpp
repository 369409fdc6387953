#include "preflight.h"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "error.h"

// Older userspace headers lack the capabilities added in 5.8.
#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

namespace zc {

namespace {

bool has_cap(const __user_cap_data_struct (&data)[2], int cap) {
  return data[cap / 32].effective & (1u << (cap % 32));
}

} // namespace

void require_bpf_privileges() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (syscall(SYS_capget, &header, data) != 0)
    throw_errno("cannot read this process's capabilities");
  if (has_cap(data, CAP_SYS_ADMIN) || (has_cap(data, CAP_BPF) && has_cap(data, CAP_PERFMON)))
    return;
  throw Error("zctrace needs root, or CAP_BPF and CAP_PERFMON, to load BPF programs (running as "
              "uid " +
              std::to_string(geteuid()) + " without them)");
}

void require_kernel_btf() {
  if (access(kKernelBtfPath, R_OK) == 0)
    return;
  const int err = errno;
  throw Error(std::string("no kernel BTF at ") + kKernelBtfPath + " (" + errno_text(err) +
              "): zctrace needs a kernel built with CONFIG_DEBUG_INFO_BTF=y");
}

} // namespace zc
