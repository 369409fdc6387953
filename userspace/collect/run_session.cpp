#include "run_session.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <memory>
#include <thread>

#include "collector.h"
#include "interrupt.h"
#include "kernel_setting.h"
#include "processes.h"
#include "scratch_fs.h"
#include "signals.h"
#include "transfer.h"
#include "uncached.h"
#include "units.h"
#include "veth_route.h"
#include "workload.h"

namespace zc {

namespace {

using Clock = std::chrono::steady_clock;

const workloads::Workload &workload_for(const std::string &method) {
  const workloads::Workload *w = workloads::find_workload(method);
  if (!w)
    throw UsageError("unknown method '" + method + "'");
  return *w;
}

// How many files of --size a run makes: the data file, a method's copy of
// it, the sink's file.
std::uint64_t files_of_run(const RunRequest &req, const workloads::Workload &w) {
  return 1 + (w.writes_file() ? 1 : 0) + (req.sink != workloads::SinkMode::Read ? 1 : 0);
}

// A transfer ready to start, and the route it runs over (if the run made one).
struct Prepared {
  std::vector<std::unique_ptr<workloads::KernelSettingOverride>> settings;
  std::unique_ptr<workloads::VethRoute> route;
  // Declared before the transfer, so that it goes after the files in it.
  std::unique_ptr<workloads::ScratchFilesystem> scratch;
  std::unique_ptr<workloads::Transfer> transfer;
};

Prepared prepare(const RunRequest &req) {
  check_request(req);
  return with_context("preparing the " + req.method + " transfer", [&] {
    Prepared p;
    workloads::KernelSettingOverride::repair_left_behind();
    workloads::VethRoute::drop_left_behind();
    for (const auto &setting : workload_for(req.method).kernel_settings())
      p.settings.push_back(std::make_unique<workloads::KernelSettingOverride>(setting));
    workloads::TransferSpec spec{&workload_for(req.method),
                                 req.size,
                                 req.chunk,
                                 req.cache,
                                 req.dir,
                                 req.seed,
                                 req.address,
                                 req.sink_netns,
                                 {req.io_wq, req.uncached, req.lease},
                                 req.sink};
    if (!req.fs.empty()) {
      const workloads::Workload &w = workload_for(req.method);
      p.scratch = std::make_unique<workloads::ScratchFilesystem>(
          req.fs, workloads::scratch_image_bytes(files_of_run(req, w) * req.size));
      spec.dir = p.scratch->root();
      // Known only once the filesystem is there: whether it reads uncached.
      if (req.uncached)
        if (const std::string why = workloads::uncached_reads_unavailable(spec.dir); !why.empty())
          throw Unavailable(req.method + " --uncached cannot run on --fs " + req.fs + ": " + why);
    }
    if (req.scatter_gather) {
      p.route = std::make_unique<workloads::VethRoute>(*req.scatter_gather);
      spec.address = p.route->sink_address();
      spec.sink_netns = p.route->sink_netns();
    }
    p.transfer = std::make_unique<workloads::Transfer>(spec);
    return p;
  });
}

std::optional<bool> route_scatter_gather(const RunRequest &req) {
  if (req.scatter_gather)
    return req.scatter_gather;
  if (req.sink_netns.empty() && req.address.rfind("127.", 0) == 0)
    return true; // lo has NETIF_F_SG
  return std::nullopt;
}

std::string route_name(const RunRequest &req) {
  if (req.scatter_gather)
    return std::string("veth, scatter-gather ") + (*req.scatter_gather ? "on" : "off");
  if (!req.sink_netns.empty())
    return "to " + req.address + " in " + req.sink_netns;
  return req.address.rfind("127.", 0) == 0 ? "loopback" : "to " + req.address;
}

// Waits for both processes, calling `between` while they run.
template <typename F>
void wait_for(workloads::Transfer &transfer, const RunRequest &req, F &&between) {
  const auto deadline = Clock::now() + std::chrono::duration<double>(req.timeout_s);
  while (true) {
    between();
    if (interrupt_requested()) {
      transfer.kill_all();
      throw Interrupted();
    }
    if (transfer.poll())
      return;
    if (Clock::now() > deadline) {
      transfer.kill_all();
      throw Error("the " + req.method + " transfer did not finish within " +
                  std::to_string(static_cast<int>(req.timeout_s)) +
                  " s; its processes were killed");
    }
  }
}

ProcessObservation observed(const workloads::ProcessResult &p) {
  ProcessObservation o;
  if (p.start_ns && p.end_ns)
    o.wall_ns = *p.end_ns - *p.start_ns;
  o.usage = p.usage;
  o.io = p.io;
  for (const auto &[name, value] : p.figures)
    o.reported.push_back({name, value, std::string(workloads::reported_meaning(name))});
  return o;
}

// Every process of the run a signal ended, with its role.
std::vector<ProcessDeath> deaths_of(const workloads::TransferOutcome &o) {
  std::vector<ProcessDeath> deaths;
  for (const workloads::ProcessResult *p : {&o.source, &o.sink})
    for (const workloads::Death &d : p->deaths)
      deaths.push_back({d.role, static_cast<std::uint32_t>(d.pid), d.signal, d.core_dumped});
  return deaths;
}

// The bytes a run moved: the file, or for a method that sends part of it
// (mmap_truncate) that part. Passes and throughput are of these.
std::uint64_t payload_bytes_of(const RunRequest &req, const workloads::TransferOutcome &o) {
  return workload_for(req.method).sends_part() ? o.expected_bytes : req.size;
}

std::optional<std::int64_t> transfer_wall(const workloads::TransferOutcome &o) {
  if (!o.source.start_ns || !o.sink.start_ns || !o.source.end_ns || !o.sink.end_ns)
    return std::nullopt;
  return std::max(*o.source.end_ns, *o.sink.end_ns) -
         std::min(*o.source.start_ns, *o.sink.start_ns);
}

} // namespace

RunRequest make_request(const std::string &method, std::uint64_t size, std::uint64_t chunk,
                        const std::string &cache) {
  RunRequest req;
  req.method = method;
  req.size = size;
  req.chunk = chunk;
  req.cache = cache == "cold" ? workloads::CacheMode::Cold : workloads::CacheMode::Warm;
  return req;
}

std::string cache_mode_name(workloads::CacheMode mode) {
  return mode == workloads::CacheMode::Cold ? "cold" : "warm";
}

namespace {

// Where the sink listens must be an IPv4 address of this machine (or of the
// sink's namespace, which is only known once the sink is in it).
void check_address(const RunRequest &req) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  if (inet_pton(AF_INET, req.address.c_str(), &a.sin_addr) != 1)
    throw UsageError("--address: not an IPv4 address: '" + req.address + "'");
  if (!req.sink_netns.empty() || req.scatter_gather)
    return;
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    throw_errno("socket");
  const int rc = bind(fd, reinterpret_cast<const sockaddr *>(&a), sizeof(a));
  const int err = errno;
  close(fd);
  if (rc != 0 && err == EADDRNOTAVAIL)
    throw UsageError("--address: " + req.address + " is not an address of this machine");
}

void check_netns(const std::string &path) {
  if (path.empty())
    return;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw UsageError("--sink-netns: cannot open " + path + ": " + errno_text(errno));
  const int type = ioctl(fd, NS_GET_NSTYPE);
  close(fd);
  if (type != CLONE_NEWNET)
    throw UsageError("--sink-netns: " + path + " is not a network namespace");
}

// The data file (and a method's copy of it) must fit, with room to spare
// for everything else on that filesystem: the filesystem of --dir, or the
// one that holds the image --fs makes (its blocks are the files' blocks).
void check_space(const RunRequest &req, const workloads::Workload &w) {
  const std::string where = req.fs.empty() ? req.dir : workloads::kScratchImageFolder;
  const char *option = req.fs.empty() ? "--dir" : "--fs";
  struct statvfs st {};
  if (statvfs(where.c_str(), &st) != 0)
    throw UsageError(std::string(option) + ": cannot inspect " + where + ": " + errno_text(errno));
  const std::uint64_t free_bytes = static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
  const std::uint64_t total = static_cast<std::uint64_t>(st.f_blocks) * st.f_frsize;
  const std::uint64_t spare = std::max<std::uint64_t>(64ull << 20, total / 100);
  const auto mib = [](std::uint64_t b) { return std::to_string(b >> 20) + " MiB"; };
  const std::uint64_t files = files_of_run(req, w);
  if (req.size > (free_bytes > spare ? (free_bytes - spare) / files : 0))
    throw UsageError("--size " + format_size(req.size) + " does not fit in " + where + ": " +
                     mib(free_bytes) + " free, and a run needs " +
                     (files > 1 ? std::to_string(files) + " copies of its data file"
                                : std::string("its data file")) +
                     " plus " + mib(spare) + " to spare");
}

} // namespace

void check_request(const RunRequest &req) {
  const workloads::Workload &w = workload_for(req.method);
  check_address(req);
  check_netns(req.sink_netns);
  const auto &types = workloads::scratch_filesystem_types();
  if (!req.fs.empty() && std::find(types.begin(), types.end(), req.fs) == types.end())
    throw UsageError("--fs " + req.fs + ": zctrace makes xfs, btrfs or ext4");
  if (!req.fs.empty() && req.dir != RunRequest{}.dir)
    throw UsageError("--fs and --dir both say where the files go; give one");
  check_space(req, w);
  if (const std::string bad = w.invalid_parameters(req.size, req.chunk); !bad.empty())
    throw UsageError(bad);
  if (req.scatter_gather && !w.sends_payload())
    throw UsageError("--sg does not apply to " + req.method + ": its payload crosses no socket");
  if (w.loopback_only() && !req.scatter_gather &&
      (!req.sink_netns.empty() || req.address.rfind("127.", 0) != 0))
    throw UsageError(req.method +
                     " needs the sink to receive the sender's own pages: over loopback or --sg, "
                     "not to " +
                     req.address + " (a NIC would need header split)");
  if (w.loopback_only() && req.scatter_gather == false)
    throw UsageError(req.method + " maps received pages: with --sg off every segment arrives "
                                  "linear and there is no page to map");
  if (req.io_wq && !w.uses_io_uring())
    throw UsageError("--io-wq applies to the io_uring methods only, not to " + req.method);
  if (req.uncached && !w.reads_uncached())
    throw UsageError("--uncached applies to read_write only (its reads become preadv2 with "
                     "RWF_DONTCACHE), not to " +
                     req.method);
  if (req.sink != workloads::SinkMode::Read && !w.default_sink())
    throw UsageError("--sink " + std::string(workloads::sink_mode_name(req.sink)) +
                     " does not apply to " + req.method + ": its sink is part of the method");
  if (req.lease && !w.takes_lease())
    throw UsageError("--lease applies to mmap_truncate only (the source holds a read lease on "
                     "the file it maps), not to " +
                     req.method);
  if (const std::string why = w.unavailable_reason(); !why.empty())
    throw Unavailable(req.method + " cannot run here: " + why);
  if (!req.fs.empty())
    if (const std::string why = workloads::scratch_filesystem_unavailable(req.fs); !why.empty())
      throw Unavailable("--fs " + req.fs + " cannot be made here: " + why);
  if (req.uncached && req.fs.empty())
    if (const std::string why = workloads::uncached_reads_unavailable(req.dir); !why.empty())
      throw Unavailable(req.method + " --uncached cannot run here: " + why);
}

RunResult run_traced(const RunRequest &req, Features &features, const EventSink &on_event) {
  const auto began = Clock::now();
  // Fork first: the workload processes must not inherit BPF descriptors.
  Prepared prepared = prepare(req);
  auto &transfer = prepared.transfer;
  const auto loading = Clock::now();
  ProbeSetOptions probe_options = req.probes;
  const workloads::FileId payload = transfer->data_file();
  probe_options.payload_file = {payload.kernel_dev, payload.ino};
  // Events are reserved and submitted only when something consumes them.
  probe_options.stream_events = static_cast<bool>(on_event);
  auto probes = with_context("loading the probes",
                             [&] { return std::make_unique<ProbeSet>(features, probe_options); });
  const auto attached = Clock::now();
  // A source that forks (cow) has its children traced as the source too.
  probes->add_target(transfer->source_pid(), ZC_ROLE_SOURCE, workload_for(req.method).forks());
  probes->add_target(transfer->sink_pid(), ZC_ROLE_SINK, false);
  if (req.on_attached)
    req.on_attached(probes->reports());
  probes->mark_start();
  with_context("starting the transfer", [&] { transfer->start(); });
  // Woken by either side's exit, not only by the next timeout.
  const PidFd source_exit(transfer->source_pid()), sink_exit(transfer->sink_pid());
  wait_for(*transfer, req, [&] { probes->poll_events(50, on_event, {&source_exit, &sink_exit}); });
  with_context("detaching the probes", [&] { probes->detach(); });
  probes->drain_events(on_event);

  const RawCounters counters = probes->read_counters();
  const workloads::TransferOutcome o = transfer->outcome();

  RunResult r;
  r.kernel = running_kernel();
  r.params = {req.method,
              req.size,
              req.chunk,
              cache_mode_name(req.cache),
              prepared.scratch ? std::string() : req.dir,
              o.filesystem,
              req.seed,
              prepared.route ? prepared.route->sink_address() : req.address,
              prepared.route ? prepared.route->sink_netns() : req.sink_netns,
              route_name(req),
              route_scatter_gather(req),
              req.io_wq,
              req.uncached,
              req.lease,
              std::string(workloads::sink_mode_name(req.sink)),
              {},
              std::nullopt};
  for (const auto &setting : prepared.settings)
    r.params.kernel_settings.push_back(setting->describe());
  if (const auto &scratch = prepared.scratch)
    r.params.fs =
        ScratchFsParams{scratch->type(), scratch->image_bytes(), workloads::kScratchImageFolder,
                        scratch->loop_device(), scratch->mkfs_command()};
  r.integrity = {o.integrity_ok,    o.expected_bytes,  o.received_bytes,
                 o.expected_crc32c, o.received_crc32c, o.integrity_error};
  r.deaths = deaths_of(o);
  if (prepared.route) {
    const pid_t holder = prepared.route->holder_pid();
    if (const int sig = prepared.route->holder_signal())
      r.deaths.push_back(
          {"network namespace holder (zc-netns)", static_cast<std::uint32_t>(holder), sig, false});
  }
  const workloads::Transfer::FileState files = transfer->file_state();
  r.cache = {o.file_pages, o.resident_before, files.resident_after};
  if (workload_for(req.method).writes_file()) {
    DestinationReport d;
    if (files.destination) {
      d.bytes = files.destination->file_bytes;
      d.shared_bytes = files.destination->shared_bytes;
    } else {
      d.why_not = files.destination_why_not;
    }
    r.destination = d;
  }
  r.probes = probes->reports();
  const std::uint64_t payload_bytes = payload_bytes_of(req, o);
  observe(r, counters, probes->events_received(), payload_bytes);
  r.process_roles = {{static_cast<std::uint32_t>(transfer->source_pid()), "source"},
                     {static_cast<std::uint32_t>(transfer->sink_pid()), "sink"}};
  // And every process the source forked (cow's writer, mmap_truncate's
  // truncater, the Java methods' JVM): followed with the source's role.
  for (const auto &[tgid, target] : probes->targets())
    if (target.role == ZC_ROLE_SOURCE || target.role == ZC_ROLE_SINK)
      r.process_roles.emplace(tgid, target.role == ZC_ROLE_SOURCE ? "source" : "sink");
  const ProbeIndex index(r.probes);
  r.source = build_account(ZC_ROLE_SOURCE, counters, index, observed(o.source), payload_bytes);
  r.sink = build_account(ZC_ROLE_SINK, counters, index, observed(o.sink), payload_bytes);
  if (auto wall = transfer_wall(o); wall && *wall > 0) {
    r.transfer_wall_ns.value = static_cast<std::uint64_t>(*wall);
    r.transfer_wall_ns.evidence = {
        EvidenceKind::Clock, {}, "first process start to last process end, CLOCK_MONOTONIC"};
    r.throughput_bytes_per_s.value =
        static_cast<double>(payload_bytes) * 1e9 / static_cast<double>(*wall);
    r.throughput_bytes_per_s.evidence = {
        EvidenceKind::Derived,
        {},
        "params.size (for a method that sends part of the file, integrity.expected_bytes) / "
        "transfer.wall_ns"};
  } else {
    r.transfer_wall_ns.evidence.how = "a workload process did not report its times";
    r.throughput_bytes_per_s.evidence.how = r.transfer_wall_ns.evidence.how;
  }
  auto ns = [](Clock::duration d) {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
  };
  r.attach_ns = ns(attached - loading);
  r.total_ns = ns(Clock::now() - began);
  return r;
}

void require_success(const RunResult &r) {
  if (!r.deaths.empty()) {
    const ProcessDeath &d = r.deaths.front();
    throw Error("the " + d.role + " (pid " + std::to_string(d.pid) + ") was killed by " +
                signal_name(d.signal) + (d.core_dumped ? " (core dumped)" : "") +
                (r.deaths.size() > 1
                     ? "; " + std::to_string(r.deaths.size() - 1) + " more died (see the report)"
                     : ""));
  }
  if (!r.integrity.ok)
    throw Error("integrity check failed: " + r.integrity.error, kExitIntegrity);
}

TimedPass run_untraced(const RunRequest &req) {
  Prepared prepared = prepare(req);
  auto &transfer = prepared.transfer;
  transfer->start();
  wait_for(*transfer, req, [] { std::this_thread::sleep_for(std::chrono::milliseconds(2)); });
  const workloads::TransferOutcome o = transfer->outcome();
  if (!o.integrity_ok)
    throw Error("integrity check failed: " + o.integrity_error, kExitIntegrity);
  const auto wall = transfer_wall(o);
  if (!wall || *wall <= 0)
    throw Error("a workload process did not report its times");
  TimedPass p;
  p.wall_ns = static_cast<std::uint64_t>(*wall);
  p.bytes = payload_bytes_of(req, o);
  auto cpu = [](const workloads::ProcessResult &r) -> std::optional<std::uint64_t> {
    if (!r.usage)
      return std::nullopt;
    return r.usage->user_ns + r.usage->sys_ns;
  };
  p.source_cpu_ns = cpu(o.source);
  if (const auto sink = cpu(o.sink); p.source_cpu_ns && sink)
    p.cpu_ns = *p.source_cpu_ns + *sink;
  return p;
}

} // namespace zc
