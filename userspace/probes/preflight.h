// Checks made before anything is loaded, each failing with one clear line:
// privileges to load BPF programs, and kernel BTF (CO-RE and tp_btf need it).
#pragma once

#include <string>

namespace zc {

inline constexpr const char *kKernelBtfPath = "/sys/kernel/btf/vmlinux";

// Throws Error unless the process may load and attach tracing programs:
// CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN.
void require_bpf_privileges();

// Throws Error unless the running kernel exposes its BTF.
void require_kernel_btf();

} // namespace zc
