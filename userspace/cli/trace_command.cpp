// zctrace trace: the account of any program, a command or a running process.
#include <iostream>
#include <memory>

#include "chrome_trace.h"
#include "commands.h"
#include "interrupt.h"
#include "json_file.h"
#include "preflight.h"
#include "trace_json.h"
#include "trace_report.h"
#include "trace_session.h"

namespace zc {

int trace_command(const TraceOptions &o) {
  TraceRequest req;
  req.command = o.command;
  for (int pid : o.pids)
    req.pids.push_back(static_cast<pid_t>(pid));
  req.duration_s = o.duration_s;
  req.user = o.user;
  req.probes.ringbuf_bytes = o.ringbuf_bytes;
  req.probes.run_stats = o.bpf_stats;
  req.on_attached = [](const std::vector<ProbeReport> &reports) {
    std::cerr << "zctrace: " << attached_summary(reports) << "; tracing" << std::endl;
  };
  check_trace_request(req); // bad input first
  install_interrupt_handlers();
  require_bpf_privileges();
  require_kernel_btf();
  Features features;

  const std::unique_ptr<ChromeTrace> events = ChromeTrace::open_if(o.trace_path);
  const EventSink on_event = ChromeTrace::sink(events);
  const TraceResult result = trace_program(req, features, on_event);
  if (events) {
    for (const FollowedProcess &p : result.followed)
      events->name_process(p.pid, p.name + " (" + p.how + ")");
    if (result.partial)
      events->finish_partial(result.partial_reason);
    else
      events->finish(result.events);
  }
  std::cout << analysis::render_trace(result) << std::flush;
  if (o.json_path)
    write_json_atomically(*o.json_path, trace_document(result));
  if (interrupt_requested())
    throw Interrupted();
  if (result.partial)
    throw Error("the trace is partial: " + result.partial_reason);
  return trace_exit_status(result);
}

} // namespace zc
