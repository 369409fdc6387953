// What watching costs: each method is run untraced and traced, alternately,
// in one process, and the ratio of median throughputs traced/untraced is
// printed side by side. Alternating the two keeps slow drifts of a noisy
// machine (other load, page-cache state, CPU frequency) out of the ratio.
//
//   zctrace-bench-overhead [--size 64M] [--chunk 64K] [--rounds 7] [METHOD...]
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "error.h"
#include "interrupt.h"
#include "kernel_features.h"
#include "measure.h"
#include "preflight.h"
#include "run_session.h"
#include "units.h"
#include "workload.h"

namespace {

// MiB/s of `bytes` moved in `ns`.
double rate(std::uint64_t bytes, std::uint64_t ns) {
  return zc::bench::mib_per_s(static_cast<double>(bytes), static_cast<double>(ns) / 1e9);
}

} // namespace

int main(int argc, char **argv) {
  try {
    CLI::App app{"zctrace-bench-overhead: throughput of each copy method, traced / untraced"};
    std::string size_text = "64M", chunk_text = "64K";
    int rounds = 7;
    bool stream = false;
    std::vector<std::string> methods;
    app.add_option("--size", size_text, "bytes per transfer");
    app.add_option("--chunk", chunk_text, "bytes per call");
    app.add_option("--rounds", rounds, "untraced/traced pairs per method")
        ->check(CLI::PositiveNumber);
    bool bpf_stats = true;
    app.add_flag("!--no-bpf-stats", bpf_stats,
                 "trace without the run statistics (as --no-bpf-stats)");
    app.add_flag("--events", stream, "stream events to a consumer that counts them (as --trace)");
    app.add_option("methods", methods, "methods (default: all)");
    CLI11_PARSE(app, argc, argv);
    if (methods.empty())
      methods = zc::workloads::workload_names();

    zc::install_interrupt_handlers();
    zc::require_bpf_privileges();
    zc::require_kernel_btf();
    zc::Features features;

    zc::RunRequest req;
    req.size = zc::parse_size(size_text);
    req.chunk = zc::parse_size(chunk_text);
    req.probes.run_stats = bpf_stats;
    std::uint64_t consumed = 0;
    const zc::EventSink count_events = [&](const zc_event &) { ++consumed; };
    std::printf("%d untraced/traced pairs per method, %s in %s chunks, warm cache, events %s, "
                "run statistics %s\n\n",
                rounds, zc::format_size(req.size).c_str(), zc::format_size(req.chunk).c_str(),
                stream ? "streamed" : "not streamed", bpf_stats ? "on" : "off");
    std::printf("%-20s %16s %16s %14s %16s\n", "method", "untraced MiB/s", "traced MiB/s",
                "traced/untr.", "95% interval");
    for (const auto &method : methods) {
      req.method = method;
      std::vector<double> untraced, traced, ratios;
      zc::run_untraced(req); // warm the page cache and allocator once, unmeasured
      for (int i = 0; i < rounds; ++i) {
        const double u = rate(req.size, zc::run_untraced(req).wall_ns);
        const zc::RunResult r =
            zc::run_traced(req, features, stream ? count_events : zc::EventSink{});
        zc::require_success(r);
        const double t = rate(req.size, *r.transfer_wall_ns.value);
        untraced.push_back(u);
        traced.push_back(t);
        ratios.push_back(t / u);
      }
      const zc::Spread ratio = zc::spread_of(ratios);
      std::printf("%-20s %16.0f %16.0f %14.3f %8.2f..%.2f\n", method.c_str(),
                  zc::bench::median(untraced), zc::bench::median(traced), ratio.median,
                  ratio.interval ? ratio.interval->low : 0.0,
                  ratio.interval ? ratio.interval->high : 0.0);
    }
    std::printf(
        "\ntraced/untraced: median of the per-pair ratios, with a distribution-free interval of\n"
        "at least 95%% for that median (order statistics); 1.000 means watching is free.\n");
    return 0;
  } catch (const std::exception &e) {
    const zc::ErrorReport r = zc::describe(e);
    std::fprintf(stderr, "zctrace-bench-overhead: error: %s\n", r.message.c_str());
    return r.exit_code;
  }
}
