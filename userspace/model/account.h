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

// Bytes one device moved, or had mapped for DMA, for one role.
struct DeviceRow {
  std::string device; // its name: "nvme0n1", "0000:00:04.0"
  std::string serves; // the disk or net device it serves: "nvme0n1", "eth0"
  std::string kind;   // "storage", "NIC", "unknown"
  std::string what;   // "read", "write", "read failed", "DMA to device", ...
  std::uint64_t bytes = 0;
  std::uint64_t count = 0; // bios, or mappings
};

struct SyscallRow {
  std::uint64_t count = 0;
  std::uint64_t errors = 0;
  std::uint64_t time_ns = 0;
  std::optional<std::uint64_t> bytes; // only for syscalls whose return counts bytes
};

// One signal the kernel generated for the process, by what became of it.
struct SignalRow {
  int number = 0;
  std::uint64_t generated = 0;   // signal:signal_generate events for the process
  std::uint64_t queued = 0;      // of them, queued for it (TRACE_SIGNAL_DELIVERED)
  std::uint64_t not_queued = 0;  // ignored, already pending, or lost (queue full)
  std::uint64_t from_itself = 0; // sent by the process itself (a fault, raise())
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
    Count storage_read_bytes; // the read part (what /proc/PID/io read_bytes counts too)
    Count nic_bytes;
    // How the devices reached memory (not added to bytes): DMA mappings
    // for the storage devices of this role's bios and for the NICs of its
    // transmits. Receive buffers a NIC driver posts are not any role's
    // (RunResult::receive_buffer_dma_bytes).
    Count dma_mapped_bytes; // dma_storage_bytes + dma_nic_bytes
    Count dma_storage_bytes;
    Count dma_nic_bytes;
    // What NIC drivers mapped during this role's transmits beyond the
    // packets' own bytes (a header of the driver's: virtio-net's is 12 bytes
    // a packet), and packet bytes they did not map during the transmit:
    // dma_nic_bytes - nic_driver_extra_bytes + nic_unmapped_bytes is the
    // packets' bytes.
    Count nic_driver_extra_bytes;
    Count nic_unmapped_bytes;
    Count virtual_bytes; // handed to lo or veth: no device transfer
    std::vector<DeviceRow> by_device;
  } device;

  // TCP segments this role's sockets sent again, and their payload bytes.
  // The copies a resend costs are in cpu_copy.by_site, at their sites.
  struct {
    Count retransmitted_bytes;
    Count retransmitted_segments;
  } tcp;

  struct {
    Count total;
    std::map<std::string, SyscallRow> by_name;
  } syscalls;

  Count mode_switches; // two per syscall: the articles' "context switches"

  struct {
    Count voluntary;
    Count involuntary;
    Count exits; // of the voluntary ones: exiting threads' last switch out
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

  // Cross-checks by independent routes: the kernel's own per-process
  // accounting (wait4 rusage, /proc/PID/io).
  struct {
    Count voluntary_switches;
    Count involuntary_switches;
    Count io_read_bytes; // /proc/PID/io read_bytes: read bios it submitted
  } rusage;

  // Zero-copy sends (MSG_ZEROCOPY, io_uring SEND_ZC) and what the kernel
  // said of them, whether or not the process looked: sends and bytes asked
  // for zero-copy (tcp_sendmsg_locked's zero-copy path), the sends the
  // completions it was handed cover (error-queue completions it dequeued,
  // io_uring notifications posted), those of them the kernel said it copied
  // anyway, and the bytes copied at skb_copy_ubufs where that is watched.
  struct {
    Count asked_sends;
    Count asked_bytes;
    Count completed_sends;
    Count copied_sends;
    Count copied_bytes;
  } zerocopy;

  // Signals the kernel generated for the process (and its followed
  // children), by name ("SIGBUS"); empty with `generated` null when the
  // signals probe did not attach.
  struct {
    Count generated;
    std::map<std::string, SignalRow> by_signal;
  } signals;

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
  f("device.storage_read_bytes", a.device.storage_read_bytes);
  f("device.nic_bytes", a.device.nic_bytes);
  f("device.dma_mapped_bytes", a.device.dma_mapped_bytes);
  f("device.dma_storage_bytes", a.device.dma_storage_bytes);
  f("device.dma_nic_bytes", a.device.dma_nic_bytes);
  f("device.nic_driver_extra_bytes", a.device.nic_driver_extra_bytes);
  f("device.nic_unmapped_bytes", a.device.nic_unmapped_bytes);
  f("device.virtual_bytes", a.device.virtual_bytes);
  f("tcp.retransmitted_bytes", a.tcp.retransmitted_bytes);
  f("tcp.retransmitted_segments", a.tcp.retransmitted_segments);
  f("syscalls.total", a.syscalls.total);
  f("mode_switches", a.mode_switches);
  f("context_switches.voluntary", a.context_switches.voluntary);
  f("context_switches.involuntary", a.context_switches.involuntary);
  f("context_switches.exits", a.context_switches.exits);
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
  f("rusage.io_read_bytes", a.rusage.io_read_bytes);
  f("signals.generated", a.signals.generated);
  f("zerocopy.asked_sends", a.zerocopy.asked_sends);
  f("zerocopy.asked_bytes", a.zerocopy.asked_bytes);
  f("zerocopy.completed_sends", a.zerocopy.completed_sends);
  f("zerocopy.copied_sends", a.zerocopy.copied_sends);
  f("zerocopy.copied_bytes", a.zerocopy.copied_bytes);
}

template <typename F> void for_each_figure(const Account &a, F &&f) {
  for_each_figure(const_cast<Account &>(a),
                  [&](const char *path, const auto &fig) { f(path, fig); });
}

} // namespace zc
