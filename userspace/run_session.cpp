#include "run_session.h"

#include <chrono>
#include <memory>
#include <thread>

#include "collector.h"
#include "interrupt.h"
#include "transfer.h"
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

workloads::TransferSpec spec_for(const RunRequest &req) {
  return {&workload_for(req.method),
          req.size,
          req.chunk,
          req.cache,
          req.dir,
          req.seed,
          req.address,
          req.sink_netns};
}

std::unique_ptr<workloads::Transfer> prepare(const RunRequest &req) {
  return with_context("preparing the " + req.method + " transfer",
                      [&] { return std::make_unique<workloads::Transfer>(spec_for(req)); });
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

ProcessObservation observe(const workloads::ProcessResult &p) {
  ProcessObservation o;
  if (p.start_ns && p.end_ns)
    o.wall_ns = *p.end_ns - *p.start_ns;
  o.usage = p.usage;
  return o;
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

RunResult run_traced(const RunRequest &req, Features &features, const EventSink &on_event) {
  const auto began = Clock::now();
  // Fork first: the workload processes must not inherit BPF descriptors.
  auto transfer = prepare(req);
  const auto loading = Clock::now();
  auto probes = with_context("loading the probes",
                             [&] { return std::make_unique<ProbeSet>(features, req.probes); });
  const auto attached = Clock::now();
  probes->add_target(transfer->source_pid(), ZC_ROLE_SOURCE, false);
  probes->add_target(transfer->sink_pid(), ZC_ROLE_SINK, false);
  if (req.on_attached)
    req.on_attached(probes->reports());
  with_context("starting the transfer", [&] { transfer->start(); });
  wait_for(*transfer, req, [&] { probes->poll_events(50, on_event); });
  probes->drain_events(on_event);

  const RawCounters counters = probes->read_counters();
  const workloads::TransferOutcome o = transfer->outcome();

  RunResult r;
  r.kernel = running_kernel();
  r.params = {req.method,    req.size,     req.chunk, cache_mode_name(req.cache),
              req.dir,       o.filesystem, req.seed,  req.address,
              req.sink_netns};
  r.integrity = {o.integrity_ok,    o.expected_bytes,  o.received_bytes,
                 o.expected_crc32c, o.received_crc32c, o.integrity_error};
  r.cache = {o.file_pages, o.resident_before};
  r.events = stream_stats(counters, probes->events_received());
  r.counter_updates_lost = counters.counters_full;
  r.owner_records_lost = counters.owners_full;
  r.task_contexts_lost = counters.tasks_full;
  r.probes = probes->reports();
  const ProbeIndex index(r.probes);
  r.source = build_account(ZC_ROLE_SOURCE, counters, index, observe(o.source), req.size);
  r.sink = build_account(ZC_ROLE_SINK, counters, index, observe(o.sink), req.size);
  r.unattributed_dma_bytes = unattributed_dma(counters, index);
  r.unattributed_payload = unattributed_payload(counters, index, req.size);
  if (auto wall = transfer_wall(o); wall && *wall > 0) {
    r.transfer_wall_ns.value = static_cast<std::uint64_t>(*wall);
    r.transfer_wall_ns.evidence = {
        EvidenceKind::Clock, {}, "first process start to last process end, CLOCK_MONOTONIC"};
    r.throughput_bytes_per_s.value =
        static_cast<double>(req.size) * 1e9 / static_cast<double>(*wall);
    r.throughput_bytes_per_s.evidence = {
        EvidenceKind::Derived, {}, "params.size / transfer.wall_ns"};
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

std::int64_t run_untraced(const RunRequest &req) {
  auto transfer = prepare(req);
  transfer->start();
  wait_for(*transfer, req, [] { std::this_thread::sleep_for(std::chrono::milliseconds(2)); });
  const workloads::TransferOutcome o = transfer->outcome();
  if (!o.integrity_ok)
    throw Error("integrity check failed: " + o.integrity_error, kExitIntegrity);
  const auto wall = transfer_wall(o);
  if (!wall)
    throw Error("a workload process did not report its times");
  return *wall;
}

} // namespace zc
