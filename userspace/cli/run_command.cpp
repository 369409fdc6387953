#include <iostream>
#include <memory>

#include "chrome_trace.h"
#include "commands.h"
#include "interrupt.h"
#include "json_file.h"
#include "preflight.h"
#include "run_json.h"
#include "run_report.h"
#include "run_session.h"
#include "units.h"

namespace zc {

RunRequest request_for(const std::string &method, const Conditions &c) {
  RunRequest req = make_request(method, c.size, c.chunk, c.cache);
  req.dir = c.dir;
  req.fs = c.fs;
  req.seed = c.seed;
  req.timeout_s = c.timeout_s;
  req.scatter_gather = c.sg;
  req.io_wq = c.io_wq;
  req.uncached = c.uncached;
  req.lease = c.lease;
  req.sink = workloads::parse_sink_mode(c.sink);
  return req;
}

int run_command(const RunOptions &o) {
  RunRequest req = request_for(o.method, o);
  req.address = o.address;
  req.sink_netns = o.sink_netns;
  check_request(req); // bad input first, whoever runs it
  install_interrupt_handlers();
  require_bpf_privileges();
  require_kernel_btf();
  Features features;

  req.probes.ringbuf_bytes = o.ringbuf_bytes;
  req.probes.run_stats = o.bpf_stats;
  req.probes.require = o.require;
  req.on_attached = [&](const std::vector<ProbeReport> &reports) {
    std::cerr << "zctrace: " << attached_summary(reports) << "; moving " << format_size(o.size)
              << " with " << o.method << std::endl;
  };

  const std::unique_ptr<ChromeTrace> events = ChromeTrace::open_if(o.trace_path);
  const EventSink on_event = ChromeTrace::sink(events);
  std::optional<Timing> timed;
  if (o.timed) {
    std::cerr << "zctrace: timing " << o.method << " with no probe loaded" << std::endl;
    timed = time_passes(req, *o.timed);
  }
  RunResult result = run_traced(req, features, on_event);
  result.timed = std::move(timed);
  if (events)
    events->finish(result.events);
  std::cout << analysis::render_run(result) << std::flush;
  if (o.json_path) {
    write_json_atomically(*o.json_path, run_document(result));
  }
  require_success(result);
  return 0;
}

} // namespace zc
