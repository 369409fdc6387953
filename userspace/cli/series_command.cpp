// zctrace compare and zctrace sweep: methods one after another under the
// same conditions. Each point is timed in passes with no probe loaded (a
// warm-up discarded, then --repeat passes or --runtime seconds) and counted
// in one traced run like `zctrace run`; a method this kernel cannot run is
// skipped with the reason, a point that fails is kept as failed.
#include <iostream>

#include "commands.h"
#include "interrupt.h"
#include "json_file.h"
#include "kernel_features.h"
#include "preflight.h"
#include "run_json.h"
#include "series_report.h"
#include "units.h"

namespace zc {

namespace {

struct Series {
  std::vector<analysis::SeriesPoint> points;
  bool failed = false;
};

int finish(const std::string &kind, const Conditions &c, const Repeats &repeats, const Series &s,
           const std::optional<std::string> &json_path) {
  const nlohmann::json doc = analysis::series_document(kind, conditions_json(c, repeats), s.points);
  std::cout << analysis::render_series(doc) << std::flush;
  if (json_path)
    write_json_atomically(*json_path, doc);
  if (s.failed)
    throw Error("some runs failed (see the table)");
  return 0;
}

void prepare_tracing() {
  install_interrupt_handlers();
  require_bpf_privileges();
  require_kernel_btf();
}

} // namespace

analysis::SeriesPoint run_point(Features &features, const std::string &method, const Conditions &c,
                                const Repeats &repeats, Progress &progress) {
  analysis::SeriesPoint p{method, c.size, c.chunk};
  progress.begin(method + ", " + format_size(c.size) + " in " + format_size(c.chunk) + " chunks");
  try {
    const RunRequest req = request_for(method, c);
    p.timing = time_passes(req, repeats);
    const RunResult r = run_traced(req, features);
    p.runs.push_back(run_document(r));
    p.summaries.push_back(analysis::summarize(r));
    require_success(r);
  } catch (const Interrupted &) {
    throw;
  } catch (const Unavailable &e) {
    p.status = "skipped";
    p.reason = describe(e).message;
    p.timing.reset();
  } catch (const std::exception &e) {
    p.status = "failed";
    p.reason = describe(e).message;
  }
  progress.end(p.status == "ok" ? "ok" : p.status + ": " + p.reason);
  return p;
}

nlohmann::json conditions_json(const Conditions &c, const Repeats &repeats) {
  return {{"cache", c.cache},
          {"route", c.sg ? std::string("veth, scatter-gather ") + (*c.sg ? "on" : "off")
                         : std::string("loopback")},
          {"scatter_gather", c.sg ? nlohmann::json(*c.sg) : nlohmann::json(true)},
          {"io_wq", c.io_wq},
          {"uncached", c.uncached},
          {"lease", c.lease},
          {"sink", c.sink},
          {"dir", c.fs.empty() ? nlohmann::json(c.dir) : nlohmann::json()},
          {"fs", c.fs.empty() ? nlohmann::json() : nlohmann::json(c.fs)},
          {"seed", c.seed},
          {"repeat", repeats.repeat},
          {"runtime_s", repeats.runtime_s ? nlohmann::json(*repeats.runtime_s) : nlohmann::json()},
          {"throughput_measured", "in passes with no probe loaded, after one warm-up pass"},
          {"kernel", running_kernel().release}};
}

int compare_command(const CompareOptions &o) {
  prepare_tracing();
  Features features;
  Series s;
  Progress progress(o.methods.size());
  for (const std::string &method : o.methods) {
    s.points.push_back(run_point(features, method, o, o.repeats, progress));
    s.failed = s.failed || s.points.back().status == "failed";
  }
  return finish("compare", o, o.repeats, s, o.json_path);
}

int sweep_command(const SweepOptions &o) {
  prepare_tracing();
  Features features;
  Series s;
  std::size_t points = 0;
  for (std::uint64_t size : o.sizes)
    for (std::uint64_t chunk : o.chunks)
      points += chunk <= size ? o.methods.size() : 0;
  Progress progress(points);
  for (std::uint64_t size : o.sizes)
    for (std::uint64_t chunk : o.chunks)
      for (const std::string &method : o.methods) {
        Conditions c = o;
        c.size = size;
        c.chunk = chunk;
        if (chunk > size) // a chunk larger than the message is the message
          continue;
        s.points.push_back(run_point(features, method, c, o.repeats, progress));
        s.failed = s.failed || s.points.back().status == "failed";
      }
  return finish("sweep", o, o.repeats, s, o.json_path);
}

} // namespace zc
