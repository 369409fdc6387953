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
#include "preflight.h"
#include "probe_set.h"
#include "units.h"

namespace {

using zc::Error;

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

// The output of a child process, kept in an anonymous file (no path to plant).
struct Output {
  int fd = memfd_create("zctrace-bench-cost", MFD_CLOEXEC);
  ~Output() { close(fd); }
  std::string text() const {
    std::string out;
    char buf[65536];
    for (off_t at = 0;;) {
      const ssize_t n = pread(fd, buf, sizeof(buf), at);
      if (n <= 0)
        break;
      out.append(buf, static_cast<std::size_t>(n));
      at += n;
    }
    return out;
  }
};

// Forks `argv` with stdout and stderr in `out`, held before exec until
// release() (so that its pid can be given to the floor first).
class Child {
public:
  Child(const std::vector<std::string> &argv, const Output &out) {
    int gate[2];
    if (pipe2(gate, O_CLOEXEC))
      zc::throw_errno("pipe");
    pid_ = fork();
    if (pid_ < 0)
      zc::throw_errno("fork");
    if (pid_ == 0) {
      close(gate[1]);
      char go;
      if (read(gate[0], &go, 1) != 1)
        _exit(126);
      dup2(out.fd, 1);
      dup2(out.fd, 2);
      std::vector<char *> args;
      for (const auto &a : argv)
        args.push_back(const_cast<char *>(a.c_str()));
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
    close(gate[0]);
    gate_ = gate[1];
  }
  ~Child() {
    if (gate_ >= 0)
      close(gate_);
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  void release() {
    if (write(gate_, "g", 1) != 1)
      zc::throw_errno("releasing the measured program");
    close(gate_);
    gate_ = -1;
  }
  int wait() {
    int st = 0;
    while (waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    return st;
  }

private:
  pid_t pid_ = -1;
  int gate_ = -1;
  bool reaped_ = false;
};

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

Sample run_once(const Workload &w, Mode mode, Floor &floor, const std::string &zctrace) {
  Output out;
  std::vector<std::string> argv = w.argv;
  if (mode == Mode::Zctrace)
    argv.insert(argv.begin(), {zctrace, "trace", "--"});
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

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string spread(const std::vector<double> &v, const char *fmt) {
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  char buf[96];
  std::snprintf(buf, sizeof(buf), fmt, median(v), *lo, *hi);
  return buf;
}

// An iperf3 server for the loopback workload, ended with the bench.
class Iperf3Server {
public:
  explicit Iperf3Server(int port)
      : out_(), child_({"iperf3", "-s", "-p", std::to_string(port)}, out_) {
    child_.release();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }

private:
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

    zc::install_interrupt_handlers();
    zc::require_bpf_privileges();
    zc::require_kernel_btf();
    zc::Features features;
    const std::vector<std::string> points = zctrace_attach_points(features);
    Floor floor(points);
    std::printf("floor: a pid check and a per-CPU add on each of zctrace's %zu attach points\n",
                points.size());
    std::printf("%d rounds of bare, floor, zctrace; each program times itself\n\n", rounds);

    const int port = 5399;
    std::unique_ptr<Iperf3Server> server;
    std::vector<Workload> workloads;
    for (const auto &name : which) {
      if (name == "dd")
        workloads.push_back(
            {"dd",
             "dd bs=4k " + std::to_string(records) + " records /dev/zero -> /dev/null",
             {"dd", "if=/dev/zero", "of=/dev/null", "bs=4k", "count=" + std::to_string(records)},
             dd_seconds});
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
      run_once(w, Mode::Bare, floor, zctrace); // warm caches, unmeasured
      for (int r = 0; r < rounds && !zc::interrupt_requested(); ++r) {
        const Sample b = run_once(w, Mode::Bare, floor, zctrace);
        const Sample f = run_once(w, Mode::Floor, floor, zctrace);
        const Sample z = run_once(w, Mode::Zctrace, floor, zctrace);
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
