// What one run found, per role (source, sink), each figure with its evidence.
// A figure without evidence on this kernel is empty (null in JSON), never 0.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "evidence.h"

namespace zc {

template <typename T> struct Figure {
  std::optional<T> value;
  Evidence evidence;
};
using Count = Figure<std::uint64_t>;
using Ratio = Figure<double>;

// Payload bytes that moved at one site, in one direction, inside one syscall.
struct SiteRow {
  std::uint16_t site_id = 0; // ZC_SITE_*
  std::uint8_t dir = 0;      // ZC_DIR_*
  std::string site;
  std::string direction;
  std::string syscall; // "(none)" outside any syscall
  bool cpu_copy = false;
  std::uint64_t bytes = 0;
  std::uint64_t events = 0;
  double passes = 0;
  Evidence evidence;
};

struct SyscallRow {
  std::uint64_t count = 0;
  std::uint64_t errors = 0;
  std::uint64_t time_ns = 0;
  std::optional<std::uint64_t> bytes; // only for syscalls whose return counts bytes
};

struct Account {
  std::string role; // "source" or "sink"

  struct {
    Count bytes;  // bytes the CPU copied
    Ratio passes; // bytes / payload size: the articles' "CPU copies"
    std::vector<SiteRow> by_site;
    std::uint64_t undetermined_bytes = 0; // moved, copy or reference unknown
  } cpu_copy;

  struct {
    Count bytes; // bytes handed on by page reference (no CPU copy)
    Ratio passes;
  } by_reference;

  struct {
    Count bytes;  // storage + nic: bytes a device moved
    Ratio passes; // the articles' "DMA copies"
    Count storage_bytes;
    Count nic_bytes;
    Count dma_mapped_bytes; // how the device reached memory (not added to bytes)
    Count virtual_bytes;    // handed to lo or veth: no device transfer
  } device;

  struct {
    Count total;
    std::map<std::string, SyscallRow> by_name;
  } syscalls;

  Count mode_switches; // two per syscall: the articles' "context switches"

  struct {
    Count voluntary;
    Count involuntary;
  } context_switches;

  struct {
    Count user;
    Count kernel;
    Count minor;
    Count major;
    Count file_fault_around; // fault-around ranges mapped
    Count file_fault;        // filemap_fault calls
    // Kernel-mode faults by the syscall they happened in ("(none)" outside).
    std::map<std::string, std::uint64_t> kernel_by_syscall;
  } page_faults;

  struct {
    Count wall_ns;
    Count user_ns;
    Count sys_ns;
  } time;

  // Cross-check by an independent route: the kernel's own rusage switch counts.
  struct {
    Count voluntary_switches;
    Count involuntary_switches;
  } rusage;

  // What the kernel told the workload process about its own work, by name
  // ("zerocopy.copied_bytes"): evidence "reported".
  std::map<std::string, Count> reported;
};

// Calls f(path, figure) for every Count and Ratio of the account, paths in
// JSON dotted form ("cpu_copy.bytes"). One list, used by JSON and tables.
template <typename F> void for_each_figure(Account &a, F &&f) {
  f("cpu_copy.bytes", a.cpu_copy.bytes);
  f("cpu_copy.passes", a.cpu_copy.passes);
  f("by_reference.bytes", a.by_reference.bytes);
  f("by_reference.passes", a.by_reference.passes);
  f("device.bytes", a.device.bytes);
  f("device.passes", a.device.passes);
  f("device.storage_bytes", a.device.storage_bytes);
  f("device.nic_bytes", a.device.nic_bytes);
  f("device.dma_mapped_bytes", a.device.dma_mapped_bytes);
  f("device.virtual_bytes", a.device.virtual_bytes);
  f("syscalls.total", a.syscalls.total);
  f("mode_switches", a.mode_switches);
  f("context_switches.voluntary", a.context_switches.voluntary);
  f("context_switches.involuntary", a.context_switches.involuntary);
  f("page_faults.user", a.page_faults.user);
  f("page_faults.kernel", a.page_faults.kernel);
  f("page_faults.minor", a.page_faults.minor);
  f("page_faults.major", a.page_faults.major);
  f("page_faults.file_fault_around", a.page_faults.file_fault_around);
  f("page_faults.file_fault", a.page_faults.file_fault);
  f("time.wall_ns", a.time.wall_ns);
  f("time.user_ns", a.time.user_ns);
  f("time.sys_ns", a.time.sys_ns);
  f("rusage.voluntary_switches", a.rusage.voluntary_switches);
  f("rusage.involuntary_switches", a.rusage.involuntary_switches);
}

template <typename F> void for_each_figure(const Account &a, F &&f) {
  for_each_figure(const_cast<Account &>(a),
                  [&](const char *path, const auto &fig) { f(path, fig); });
}

} // namespace zc
