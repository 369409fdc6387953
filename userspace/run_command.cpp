#include <iostream>

#include "claims.h"
#include "commands.h"
#include "interrupt.h"
#include "json_file.h"
#include "preflight.h"
#include "run_json.h"
#include "run_report.h"
#include "run_session.h"
#include "units.h"

namespace zc {

int run_command(const RunOptions &o) {
  install_interrupt_handlers();
  require_bpf_privileges();
  require_kernel_btf();
  Features features;

  RunRequest req = make_request(o.method, o.size, o.chunk, o.cache);
  req.dir = o.dir;
  req.seed = o.seed;
  req.address = o.address;
  req.sink_netns = o.sink_netns;
  req.timeout_s = o.timeout_s;
  req.probes.stream_events = o.stream_events;
  req.probes.ringbuf_bytes = o.ringbuf_bytes;
  req.probes.require = o.require;
  req.on_attached = [&](const std::vector<ProbeReport> &reports) {
    std::size_t attached = 0;
    for (const auto &r : reports)
      attached += r.attached;
    std::cerr << "zctrace: " << attached << " of " << reports.size() << " probes attached; moving "
              << format_size(o.size) << " with " << o.method << std::endl;
  };

  const RunResult result = run_traced(req, features);
  std::cout << analysis::render_run(result) << std::flush;
  if (o.json_path) {
    nlohmann::json doc = to_json(result);
    nlohmann::json claims = nlohmann::json::array();
    for (const analysis::Claim *c : analysis::claims().for_method(o.method))
      claims.push_back(analysis::to_json(*c));
    doc["claims"] = std::move(claims);
    write_json_atomically(*o.json_path, doc);
  }
  if (!result.integrity.ok)
    throw Error("integrity check failed: " + result.integrity.error, kExitIntegrity);
  return 0;
}

} // namespace zc
