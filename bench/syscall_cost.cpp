// What tracing adds to each syscall of a program zctrace did not write,
// against a floor: the least a BPF program can do on the same attach points
// (floor_counter.bpf.c: a pid check and a per-CPU add). Each round runs the
// program three ways, one after the other: bare, under the floor, and under
// `zctrace trace`. The program times itself (dd's "copied, S s" line,
// iperf3's own sum_sent.seconds), so zctrace's start-up is not in the
// figures, and the floor's sys_enter count is the program's syscalls.
//
//   zctrace-bench-cost [--rounds 7] [--records 500000] [--loopback-size 256M]
//                      [--zctrace PATH] [dd] [loopback]
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <thread>
#include <vector>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "error.h"
#include "floor_counter.skel.h"
#include "interrupt.h"
#include "kernel_features.h"
#include "measure.h"
#include "preflight.h"
#include "probe_set.h"
#include "units.h"

namespace {

using zc::Error;
using zc::bench::Child;
using zc::bench::Iperf3Server;
using zc::bench::median;
using zc::bench::Output;
using zc::bench::spread;

// One copy of the floor object per attach point; the target map is shared.
class Floor {
public:
  explicit Floor(const std::vector<std::string> &attach_points) {
    for (const auto &point : attach_points) {
      const auto colon = point.find(':');
      const std::string kind = point.substr(0, colon), target = point.substr(colon + 1);
      zc_floor_counter_bpf *skel = zc_floor_counter_bpf__open();
      if (!skel)
        zc::throw_errno("cannot open the floor counter");
      objects_.push_back({skel, point, nullptr});
      bpf_program *chosen = kind == "tp_btf"   ? skel->progs.floor_tp_btf
                            : kind == "fentry" ? skel->progs.floor_fentry
                                               : skel->progs.floor_fexit;
      bpf_program *prog;
      bpf_object__for_each_program(prog, skel->obj) bpf_program__set_autoload(prog, prog == chosen);
      if (int err = bpf_program__set_attach_target(chosen, 0, target.c_str()))
        throw Error("floor counter: no attach target " + point + ": " + zc::errno_text(-err));
      if (objects_.size() > 1)
        if (int err = bpf_map__reuse_fd(skel->maps.floor_target,
                                        bpf_map__fd(objects_.front().skel->maps.floor_target)))
          throw Error("floor counter: cannot share its target map: " + zc::errno_text(-err));
      if (int err = zc_floor_counter_bpf__load(skel))
        throw Error("floor counter: cannot load it for " + point + ": " + zc::errno_text(-err));
      objects_.back().prog = chosen;
    }
  }
  ~Floor() {
    detach();
    for (auto &o : objects_)
      zc_floor_counter_bpf__destroy(o.skel);
  }
  Floor(const Floor &) = delete;
  Floor &operator=(const Floor &) = delete;

  void attach(pid_t tgid) {
    const __u32 zero = 0, target = static_cast<__u32>(tgid);
    if (bpf_map_update_elem(bpf_map__fd(objects_.front().skel->maps.floor_target), &zero, &target,
                            BPF_ANY))
      zc::throw_errno("floor counter: cannot set its target");
    for (auto &o : objects_) {
      std::vector<__u64> zeros(static_cast<std::size_t>(libbpf_num_possible_cpus()), 0);
      bpf_map_update_elem(bpf_map__fd(o.skel->maps.floor_hits), &zero, zeros.data(), BPF_ANY);
      o.link = bpf_program__attach(o.prog);
      if (!o.link)
        zc::throw_errno("floor counter: cannot attach it to " + o.point);
    }
  }
  void detach() {
    for (auto &o : objects_) {
      bpf_link__destroy(o.link);
      o.link = nullptr;
    }
  }
  // What the program at `point` counted since attach().
  std::uint64_t hits(const std::string &point) const {
    for (const auto &o : objects_) {
      if (o.point != point)
        continue;
      std::vector<__u64> per_cpu(static_cast<std::size_t>(libbpf_num_possible_cpus()));
      const __u32 zero = 0;
      if (bpf_map_lookup_elem(bpf_map__fd(o.skel->maps.floor_hits), &zero, per_cpu.data()))
        zc::throw_errno("floor counter: cannot read its count");
      std::uint64_t sum = 0;
      for (auto v : per_cpu)
        sum += v;
      return sum;
    }
    throw Error("floor counter: no program at " + point);
  }

private:
  struct Object {
    zc_floor_counter_bpf *skel;
    std::string point;
    bpf_program *prog;
    bpf_link *link = nullptr;
  };
  std::vector<Object> objects_;
};

// Every attach point zctrace's probes use on this kernel ("derived:sys_exit"
// rides on the sys_exit tracepoint).
std::vector<std::string> zctrace_attach_points(zc::Features &features) {
  std::set<std::string> points;
  for (const auto &r : zc::plan_probes(features, {})) {
    if (r.via.empty())
      continue;
    std::string via = r.via;
    if (via.rfind("derived:", 0) == 0)
      via = "tp_btf:" + via.substr(8);
    points.insert(via);
  }
  return {points.begin(), points.end()};
}

enum class Mode { Bare, Floor, Zctrace };
const char *mode_name(Mode m) {
  return m == Mode::Bare ? "bare" : m == Mode::Floor ? "floor" : "zctrace";
}

struct Sample {
  double seconds = 0;         // the program's own timing
  std::uint64_t syscalls = 0; // floor rounds only
};

struct Workload {
  std::string name;
  std::string what;
  std::vector<std::string> argv;
  // The program's own time, from its output.
  double (*seconds_of)(const std::string &output);
};

double dd_seconds(const std::string &out) {
  static const std::regex copied(R"(copied, ([0-9.e+-]+) s)");
  std::smatch m;
  if (!std::regex_search(out, m, copied))
    throw Error("dd printed no \"copied, S s\" line: " + out.substr(0, 400));
  return std::stod(m[1]);
}

double iperf3_seconds(const std::string &out) {
  const auto brace = out.find('{');
  if (brace == std::string::npos)
    throw Error("iperf3 printed no JSON: " + out.substr(0, 400));
  const auto j = nlohmann::json::parse(out.substr(brace, out.rfind('}') - brace + 1));
  if (j.contains("error"))
    throw Error("iperf3: " + j.at("error").get<std::string>());
  return j.at("end").at("sum_sent").at("seconds").get<double>();
}

// `zctrace`: the command that traces, "zctrace trace [options]".
Sample run_once(const Workload &w, Mode mode, Floor &floor,
                const std::vector<std::string> &zctrace) {
  Output out;
  std::vector<std::string> argv = w.argv;
  if (mode == Mode::Zctrace) {
    argv.insert(argv.begin(), "--");
    argv.insert(argv.begin(), zctrace.begin(), zctrace.end());
  }
  Child child(argv, out);
  if (mode == Mode::Floor)
    floor.attach(child.pid());
  child.release();
  const int st = child.wait();
  Sample s;
  if (mode == Mode::Floor) {
    s.syscalls = floor.hits("tp_btf:sys_enter");
    floor.detach();
  }
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
    throw Error(std::string(mode_name(mode)) + " " + w.name + " failed (status " +
                std::to_string(st) + "): " + out.text().substr(0, 600));
  s.seconds = w.seconds_of(out.text());
  return s;
}

// zctrace tracing another process (a sleep it starts) for as long as it
// lives: what a process it does not trace pays is measured beside it.
class TraceOfAnother {
public:
  explicit TraceOfAnother(const std::vector<std::string> &zctrace_trace)
      : child_(with(zctrace_trace, {"--", "sleep", "3600"}), out_) {
    child_.release();
    for (int i = 0; i < 400 && out_.text().find("tracing") == std::string::npos; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    if (out_.text().find("tracing") == std::string::npos)
      throw Error("zctrace trace did not start: " + out_.text().substr(0, 400));
  }
  ~TraceOfAnother() {
    kill(child_.pid(), SIGINT);
    child_.wait();
  }

private:
  static std::vector<std::string> with(std::vector<std::string> a,
                                       const std::vector<std::string> &b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }
  Output out_;
  Child child_;
};

} // namespace

int main(int argc, char **argv) {
  try {
    CLI::App app{"zctrace-bench-cost: ns zctrace adds per syscall, against a minimal counter"};
    int rounds = 7;
    std::uint64_t records = 500000;
    std::string loopback_size = "256M";
    std::string zctrace;
    std::vector<std::string> which;
    app.add_option("--rounds", rounds, "rounds of bare, floor and zctrace runs (default 7)")
        ->check(CLI::Range(3, 1000));
    app.add_option("--records", records, "dd records of 4 KiB (default 500000)")
        ->check(CLI::PositiveNumber);
    app.add_option("--loopback-size", loopback_size, "bytes iperf3 sends in 4 KiB writes (256M)");
    app.add_option("--zctrace", zctrace, "the zctrace binary (default: beside this one)");
    bool neighbour = true, bpf_stats = false;
    app.add_flag("--bpf-stats", bpf_stats,
                 "run zctrace trace with --bpf-stats (its run statistics cost two clock reads per "
                 "program run, for every process)");
    app.add_flag("!--no-neighbour", neighbour,
                 "skip the neighbour: dd not traced, beside a trace of another process");
    app.add_option("workloads", which, "dd, loopback (default: both)")
        ->check(CLI::IsMember({"dd", "loopback"}));
    CLI11_PARSE(app, argc, argv);
    if (which.empty())
      which = {"dd", "loopback"};
    if (zctrace.empty()) {
      char self[4096];
      const ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
      if (n <= 0)
        zc::throw_errno("cannot find this binary's folder");
      self[n] = 0;
      zctrace = std::string(self).substr(0, std::string(self).rfind('/')) + "/zctrace";
    }
    const std::uint64_t lo_bytes = zc::parse_size(loopback_size);
    std::vector<std::string> zctrace_trace = {zctrace, "trace"};
    if (bpf_stats)
      zctrace_trace.push_back("--bpf-stats");

    zc::install_interrupt_handlers();
    zc::require_bpf_privileges();
    zc::require_kernel_btf();
    zc::Features features;
    const std::vector<std::string> points = zctrace_attach_points(features);
    Floor floor(points);
    std::printf("floor: a pid check and a per-CPU add on each of zctrace's %zu attach points\n",
                points.size());
    std::printf("%d rounds of bare, floor, zctrace; each program times itself; zctrace %s\n\n",
                rounds, bpf_stats ? "trace --bpf-stats" : "trace (no run statistics, the default)");

    const int port = 5399;
    std::unique_ptr<Iperf3Server> server;
    std::vector<Workload> workloads;
    const Workload dd{
        "dd",
        "dd bs=4k " + std::to_string(records) + " records /dev/zero -> /dev/null",
        {"dd", "if=/dev/zero", "of=/dev/null", "bs=4k", "count=" + std::to_string(records)},
        dd_seconds};
    for (const auto &name : which) {
      if (name == "dd")
        workloads.push_back(dd);
      else {
        server = std::make_unique<Iperf3Server>(port);
        workloads.push_back(
            {"loopback",
             "iperf3 " + zc::format_size(lo_bytes) + " over loopback in 4 KiB writes",
             {"iperf3", "-c", "127.0.0.1", "-p", std::to_string(port), "-n",
              std::to_string(lo_bytes), "-l", "4K", "-J"},
             iperf3_seconds});
      }
    }

    std::printf("%-9s %-22s %-22s %-22s %-20s %-20s %s\n", "workload", "bare s (min..max)",
                "floor s", "zctrace s", "floor ns/syscall", "zctrace ns/syscall", "zctrace/floor");
    for (const auto &w : workloads) {
      std::vector<double> bare, fl, zt, fl_ns, zt_ns;
      run_once(w, Mode::Bare, floor, zctrace_trace); // warm caches, unmeasured
      for (int r = 0; r < rounds && !zc::interrupt_requested(); ++r) {
        const Sample b = run_once(w, Mode::Bare, floor, zctrace_trace);
        const Sample f = run_once(w, Mode::Floor, floor, zctrace_trace);
        const Sample z = run_once(w, Mode::Zctrace, floor, zctrace_trace);
        bare.push_back(b.seconds);
        fl.push_back(f.seconds);
        zt.push_back(z.seconds);
        const double calls = static_cast<double>(f.syscalls);
        fl_ns.push_back((f.seconds - b.seconds) * 1e9 / calls);
        zt_ns.push_back((z.seconds - b.seconds) * 1e9 / calls);
      }
      std::printf("%-9s %-22s %-22s %-22s %-20s %-20s %.2f (of medians)\n", w.name.c_str(),
                  spread(bare, "%.3f (%.3f..%.3f)").c_str(),
                  spread(fl, "%.3f (%.3f..%.3f)").c_str(), spread(zt, "%.3f (%.3f..%.3f)").c_str(),
                  spread(fl_ns, "%.0f (%.0f..%.0f)").c_str(),
                  spread(zt_ns, "%.0f (%.0f..%.0f)").c_str(), median(zt_ns) / median(fl_ns));
      std::printf("          %s\n", w.what.c_str());
    }
    if (neighbour) {
      // A neighbour: dd, not traced, bare, beside the floor counting
      // another process, and beside a zctrace trace of another process,
      // alternating. Any program on sys_enter/sys_exit sends every task's
      // syscalls through the tracepoint path (TIF_SYSCALL_TRACEPOINT):
      // the floor shows that price; zctrace's own is what it adds to it.
      std::vector<double> bare, by_floor, by_zctrace, floor_pct, zctrace_pct, beyond_floor;
      for (int r = 0; r < rounds && !zc::interrupt_requested(); ++r) {
        const Sample b = run_once(dd, Mode::Bare, floor, zctrace_trace);
        floor.attach(getpid()); // counts this bench, not dd
        const Sample f = run_once(dd, Mode::Bare, floor, zctrace_trace);
        floor.detach();
        Sample z;
        {
          const TraceOfAnother trace(zctrace_trace);
          z = run_once(dd, Mode::Bare, floor, zctrace_trace);
        }
        bare.push_back(b.seconds);
        by_floor.push_back(f.seconds);
        by_zctrace.push_back(z.seconds);
        floor_pct.push_back((f.seconds / b.seconds - 1) * 100);
        zctrace_pct.push_back((z.seconds / b.seconds - 1) * 100);
        beyond_floor.push_back((z.seconds / f.seconds - 1) * 100);
      }
      std::printf("\nneighbour: %s, not traced; bare, beside the floor counting another\n"
                  "process, beside `zctrace trace -- sleep` (median (min..max))\n",
                  dd.what.c_str());
      std::printf("  bare s %s; beside the floor s %s, slowdown %% %s\n",
                  spread(bare, "%.3f (%.3f..%.3f)").c_str(),
                  spread(by_floor, "%.3f (%.3f..%.3f)").c_str(),
                  spread(floor_pct, "%.1f (%.1f..%.1f)").c_str());
      std::printf(
          "  beside zctrace s %s, slowdown %% %s; beyond the floor's %% %s (target <= 2%%)\n",
          spread(by_zctrace, "%.3f (%.3f..%.3f)").c_str(),
          spread(zctrace_pct, "%.1f (%.1f..%.1f)").c_str(),
          spread(beyond_floor, "%.1f (%.1f..%.1f)").c_str());
    }
    std::printf("\nns/syscall: (the mode's time - the same round's bare time) / the syscalls the\n"
                "floor counted at sys_enter (the whole program, start-up included). Medians over\n"
                "rounds, (min..max) across rounds. The target: zctrace/floor <= 2.\n");
    return 0;
  } catch (const std::exception &e) {
    const zc::ErrorReport r = zc::describe(e);
    std::fprintf(stderr, "zctrace-bench-cost: error: %s\n", r.message.c_str());
    return r.exit_code;
  }
}
