// One copy method = one workload: a source process that moves a file with
// that method (to a TCP socket, or for copy_file_range to another file), and
// a sink process (a separate process) that receives it and checks every byte.
//
// Each method is one file in workloads/methods/ that defines its Workload
// and registers it (`const Registered<MyMethod> registered(rank);`); the
// plumbing that runs any method lives in workloads/plumbing/.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "io.h"

namespace zc::workloads {

// Figures a workload learns from the kernel's own answers (MSG_ZEROCOPY
// completions, io_uring CQEs, TCP_ZEROCOPY_RECEIVE results), by name.
class Reporter {
public:
  virtual ~Reporter() = default;
  virtual void report(std::string_view name, std::uint64_t value) = 0;
  // A helper process the workload started was ended by a signal.
  virtual void died(std::string_view role, int pid, int signal, bool core_dumped) = 0;
};

// The workload's own count of the data-moving syscalls it makes, by name
// ("write"), every attempt included (EINTR, EAGAIN): zctrace compares it
// with the calls the probes counted. Kept in memory zctrace shares, so
// noting a call costs no syscall; outside a workload process it does nothing.
void note_call(const char *syscall);

// How the sink consumes the stream (--sink): read() it into a buffer (the
// default), read() it and write() it to a file, or splice() it socket ->
// pipe -> file, as a broker's receiving side does.
enum class SinkMode { Read, ReadWriteFile, SpliceFile };

std::string_view sink_mode_name(SinkMode mode); // "read", "read_write_file", "splice_file"
// Throws zc::UsageError naming the choices for an unknown name.
SinkMode parse_sink_mode(std::string_view name);

// Conditions a method may honour.
struct MethodOptions {
  bool io_wq = false;    // io_uring methods: punt every request to io-wq workers (IOSQE_ASYNC)
  bool uncached = false; // reads_uncached methods: read with RWF_DONTCACHE
  bool lease = false;    // takes_lease methods: hold a read lease on the file (F_SETLEASE)
};

// A kernel setting (a /proc/sys file) a method needs for the length of a
// run; zctrace restores the old value afterwards.
struct KernelSetting {
  std::string path;  // "/proc/sys/net/core/high_order_alloc_disable"
  std::string value; // "1"
  std::string why;
};

struct SourceContext {
  std::string path;      // the data file to send
  std::string dest_path; // for methods that write a file: where to
  std::string address;   // the sink's IPv4 address
  std::uint16_t port;    // and port
  std::uint64_t size;    // bytes in the file
  std::uint64_t chunk;
  MethodOptions options;
  Reporter *reporter;
  // Socket options the method needs before connecting (TCP_MAXSEG, ...).
  std::function<void(int)> tune = [](int) {};

  Fd connect() const;
};

struct SinkContext {
  int listen_fd; // listening socket the source will connect to
  std::uint64_t chunk;
  std::string dest_path; // for methods that write a file: what to check
  Reporter *reporter;
  SinkMode mode = SinkMode::Read;
  int file_fd = -1; // where a read_write_file or splice_file sink writes
};

struct Received {
  std::uint64_t bytes = 0;
  std::uint32_t crc32c = 0;
};

class Workload {
public:
  virtual ~Workload() = default;
  virtual std::string_view name() const = 0;
  // What the source does, in one line.
  virtual std::string_view summary() const = 0;
  // Ids of the claims (analysis/claims.json) this method is compared with.
  virtual std::vector<std::string_view> claims() const = 0;

  // Why this method cannot run here (a kernel feature it needs is missing),
  // probed by trying it; empty when it can.
  virtual std::string unavailable_reason() const { return {}; }
  // Why these parameters do not suit the method; empty when they do.
  virtual std::string invalid_parameters(std::uint64_t size, std::uint64_t chunk) const;
  // The source writes a file (dest_path) rather than only a socket.
  virtual bool writes_file() const { return false; }
  // The payload crosses the socket (so routing conditions such as --sg
  // apply); false when it goes file to file.
  virtual bool sends_payload() const { return true; }
  // Submits through io_uring (so --io-wq applies).
  virtual bool uses_io_uring() const { return false; }
  // Its sink is the default one, which --sink can make write a file (false
  // for a method whose sink is part of the method).
  virtual bool default_sink() const { return true; }
  // Reads the file with read(), which --uncached turns into preadv2 with
  // RWF_DONTCACHE.
  virtual bool reads_uncached() const { return false; }
  // Can hold a read lease on the file while it sends (so --lease applies).
  virtual bool takes_lease() const { return false; }
  // The source may send only part of the file (the file is cut under it):
  // the sink must then receive exactly the bytes the source reports as
  // sent ("sent_bytes"), the file's first ones.
  virtual bool sends_part() const { return false; }
  // The source forks a process that does part of the work (traced too).
  virtual bool forks() const { return false; }
  // Works only where the sink receives the sender's own pages (loopback,
  // veth), not across a NIC.
  virtual bool loopback_only() const { return false; }
  // Socket options for both ends (the sink's listener, the source's socket).
  virtual void tune_socket(int fd) const { (void)fd; }
  virtual std::vector<KernelSetting> kernel_settings() const { return {}; }

  // Moves the file; runs in the source process. Throws zc::Error on failure.
  virtual void send(const SourceContext &ctx) const = 0;
  // Accepts the source's connection and receives until EOF; runs in the sink
  // process. By default read() into a buffer of `chunk` bytes (at most 1 MiB),
  // and as ctx.mode says, written on to a file.
  virtual Received receive(const SinkContext &ctx) const;
};

// What a figure a workload reports means, in one sentence.
std::string_view reported_meaning(std::string_view name);

// Adds a method to the registry at `rank` (the order of `zctrace list`:
// the articles' table first). Called by Registered<> during static
// initialisation of each method file.
void register_workload(const Workload &workload, int rank);

template <typename W> struct Registered {
  explicit Registered(int rank) {
    static const W workload;
    register_workload(workload, rank);
  }
};

// Every registered method, by rank.
const std::vector<const Workload *> &all_workloads();
const Workload *find_workload(std::string_view name);
std::vector<std::string> workload_names();

} // namespace zc::workloads
