#include "probe_set.h"

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <thread>

#include <linux/membarrier.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "error.h"
#include "libbpf_log.h"
#include "processes.h"
#include "run_result.h"

#include "block.skel.h"
#include "copies.skel.h"
#include "faults.skel.h"
#include "net.skel.h"
#include "probes.skel.h"
#include "sched.skel.h"
#include "signals.skel.h"
#include "syscalls.skel.h"

namespace zc {

namespace {

// One family's BPF object, behind its generated skeleton.
class Family {
public:
  virtual ~Family() = default;
  virtual bpf_object *object() const = 0;
  virtual void set_config(const zc_config &config) = 0;
  virtual int load() = 0;
};

template <typename Skel, Skel *(*Open)(), int (*Load)(Skel *), void (*Destroy)(Skel *)>
class SkeletonFamily final : public Family {
public:
  SkeletonFamily() : skel_(Open()) {
    if (!skel_)
      throw_errno("cannot open the BPF object");
  }
  ~SkeletonFamily() override { Destroy(skel_); }
  bpf_object *object() const override { return skel_->obj; }
  void set_config(const zc_config &config) override {
    std::memcpy(const_cast<zc_config *>(&skel_->rodata->zc_cfg), &config, sizeof(config));
  }
  int load() override { return Load(skel_); }

private:
  Skel *skel_;
};

#define ZC_FAMILY(name)                                                                            \
  if (family == #name)                                                                             \
    return std::make_unique<SkeletonFamily<zc_##name##_bpf, zc_##name##_bpf__open,                 \
                                           zc_##name##_bpf__load, zc_##name##_bpf__destroy>>();

std::unique_ptr<Family> open_family(const std::string &family) {
  ZC_FAMILY(syscalls)
  ZC_FAMILY(sched)
  ZC_FAMILY(faults)
  ZC_FAMILY(copies)
  ZC_FAMILY(block)
  ZC_FAMILY(net)
  ZC_FAMILY(signals)
  ZC_FAMILY(probes) // every family in one object
  throw Error("unknown probe family " + family);
}
#undef ZC_FAMILY

struct Plan {
  ProbeReport report;
  const ProbeDef *def = nullptr;
  const ProbeAlternative *chosen = nullptr;
  bool must_attach = false;
};

bool matches_alternative(const ProbeAlternative &alt, const std::string &want) {
  return alt.attach_point() == want;
}

std::vector<Plan> make_plan(Features &features, const std::vector<std::string> &require) {
  // Every --require entry must name a probe or one of its attach points.
  for (const auto &want : require) {
    bool known = false;
    for (const auto &def : probe_catalog()) {
      known = known || def.name == want;
      for (const auto &alt : def.alternatives)
        known = known || matches_alternative(alt, want);
    }
    if (!known)
      throw UsageError("unknown probe '" + want +
                       "' in --require (`zctrace probes` lists probe names and attach points)");
  }

  std::vector<Plan> plan;
  for (const auto &def : probe_catalog()) {
    Plan p;
    p.def = &def;
    p.report.name = def.name;
    p.report.family = def.family;
    p.report.measures = def.measures;
    p.report.required = def.required;
    if (!def.path.empty())
      p.report.path_present = std::any_of(def.path.begin(), def.path.end(),
                                          [&](const auto &f) { return features.has_function(f); });
    std::string forced; // an attach point the user insists on
    p.must_attach = def.required;
    for (const auto &want : require) {
      if (want == def.name)
        p.must_attach = true;
      for (const auto &alt : def.alternatives)
        if (matches_alternative(alt, want)) {
          forced = want;
          p.must_attach = true;
        }
    }
    std::string refused;
    if (!p.report.path_present) {
      // Nothing to watch (and a derived tier would count what another
      // site already sees on this kernel).
      p.report.reason = "the kernel has none of " + [&] {
        std::string names;
        for (const auto &f : def.path)
          names += (names.empty() ? "" : ", ") + f;
        return names;
      }();
      plan.push_back(std::move(p));
      continue;
    }
    for (const auto &alt : def.alternatives) {
      Availability a = features.check(alt.kind, alt.target);
      if (a.ok && alt.args && features.tracepoint_args(alt.target) != alt.args)
        a = {false, "tracepoint " + alt.target + " passes " +
                        std::to_string(features.tracepoint_args(alt.target)) +
                        " arguments on this kernel; " + alt.programs.front() + " is written for " +
                        std::to_string(alt.args)};
      for (const auto &also : alt.also)
        if (a.ok && !features.check(also).ok)
          a = {false, "needs " + also + ": " + features.check(also).reason};
      p.report.alternatives.push_back({alt.attach_point(), a.ok, a.reason});
      const bool wanted = forced.empty() || forced == alt.attach_point();
      if (a.ok && wanted && !p.chosen) {
        p.chosen = &alt;
        p.report.via = alt.attach_point();
        p.report.evidence = alt.evidence;
        p.report.bytes_from = alt.bytes_from;
      } else if (!a.ok && wanted) {
        refused += (refused.empty() ? "" : "; ") + a.reason;
      }
    }
    if (!p.chosen) {
      p.report.reason = refused;
      if (p.must_attach)
        throw Error("required probe " + (forced.empty() ? def.name : forced) +
                    " cannot attach on this kernel (" + running_kernel().release + "): " + refused);
    }
    plan.push_back(std::move(p));
  }
  return plan;
}

// The zc_config every BPF object is loaded with: the derived tiers chosen.
zc_config config_for(const std::vector<Plan> &plan, const ProbeSetOptions &options) {
  zc_config cfg{};
  cfg.stream_events = options.stream_events;
  cfg.payload_dev = options.payload_file.dev;
  cfg.payload_ino = options.payload_file.ino;
  for (const Plan &p : plan) {
    if (!p.chosen || p.chosen->config_flag.empty())
      continue;
    const ConfigFlag *flag = find_config_flag(p.chosen->config_flag);
    if (!flag)
      throw Error("unknown zc_config flag " + p.chosen->config_flag);
    cfg.*(flag->field) = 1;
  }
  return cfg;
}

// Calls f(key) for every key of a hash map, as it stands.
template <typename Key, typename F> void for_each_key(int fd, F &&f) {
  Key key{}, next{};
  bool first = true;
  while (bpf_map_get_next_key(fd, first ? nullptr : &key, &next) == 0) {
    f(next);
    key = next;
    first = false;
  }
}

std::string last_line(const std::string &log) {
  std::string trimmed = log;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == ' '))
    trimmed.pop_back();
  const auto nl = trimmed.rfind('\n');
  return nl == std::string::npos ? trimmed : trimmed.substr(nl + 1);
}

} // namespace

std::vector<ProbeReport> plan_probes(Features &features, const std::vector<std::string> &require) {
  std::vector<ProbeReport> reports;
  for (auto &p : make_plan(features, require))
    reports.push_back(std::move(p.report));
  return reports;
}

struct ProbeSet::Impl {
  std::vector<ProbeReport> reports;
  std::vector<std::unique_ptr<Family>> families;
  std::vector<bpf_link *> links;
  std::vector<std::pair<std::string, int>> attached_programs; // name, fd (owned by its object)
  std::map<std::string, int> shared_maps; // name -> fd, owned by the first family's object
  ring_buffer *rb = nullptr;
  // zc_roles, mapped: the fork program ORs children's roles into it, so
  // user space changes it with atomic operations on the same words.
  std::uint64_t *roles = nullptr;
  // zc_task_slots, mapped read-only: the slots' pending flows are read
  // from it at the end instead of with thousands of lookups.
  const unsigned char *task_slots = nullptr;
  std::size_t task_slots_bytes = 0;
  std::size_t task_context_bytes = 0; // one thread context, as the array lays it out
  bool streamed = false;
  int stats_fd = -1; // BPF_ENABLE_STATS: statistics on while it is open
  // Each program's runs and time when measuring began (mark_start).
  std::map<std::string, ProgramStat> stats_at_start;
  std::string stats_missing;
  std::uint64_t received = 0;
  const EventHandler *handler = nullptr;

  ~Impl() {
    if (stats_fd >= 0)
      close(stats_fd); // the kernel turns the statistics off with the last holder
    if (roles)
      munmap(roles, kRolesBytes);
    if (task_slots)
      munmap(const_cast<unsigned char *>(task_slots), task_slots_bytes);
    ring_buffer__free(rb);
    destroy_links();
    // Later families reuse (dup) the first family's map fds: free them first.
    while (!families.empty())
      families.pop_back();
  }

  // All at once: detaching from a tracepoint waits for RCU grace periods
  // (12-16 ms each for sys_enter and sys_exit, measured), and the waits of
  // separate links overlap. With `quiesce`, also returns only once no
  // program that was running when it was called is running still.
  void destroy_links(bool quiesce = false) {
    std::vector<std::thread> detaching;
    for (bpf_link *l : links)
      detaching.emplace_back([l] { bpf_link__destroy(l); });
    links.clear();
    int quiesce_err = 0;
    if (quiesce)
      // MEMBARRIER_CMD_GLOBAL is synchronize_rcu() (kernel/sched/membarrier.c),
      // and every tracepoint program runs inside an RCU read-side section (a
      // tracepoint's probes are called with preemption off or under
      // rcu_read_lock, and BPF's own trampoline takes it too).
      detaching.emplace_back([&quiesce_err] {
        if (syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) != 0)
          quiesce_err = errno;
      });
    for (std::thread &t : detaching)
      t.join();
    if (quiesce_err)
      throw Error(std::string("waiting for the probes still running to finish (membarrier): ") +
                  std::strerror(quiesce_err));
  }

  static constexpr std::size_t kRolesBytes = ZC_ROLE_WORDS * sizeof(std::uint64_t);

  void set_role(std::uint32_t tgid, std::uint8_t role) {
    if (tgid >= ZC_PID_MAX_LIMIT)
      throw Error("process " + std::to_string(tgid) + " is beyond the kernel's pid limit");
    std::uint64_t &word = roles[tgid / 8];
    const unsigned shift = (tgid % 8) * 8;
    __atomic_fetch_and(&word, ~(std::uint64_t{0xff} << shift), __ATOMIC_SEQ_CST);
    __atomic_fetch_or(&word, std::uint64_t{role} << shift, __ATOMIC_SEQ_CST);
  }

  // Every attached program's runs, time and misses since it was loaded.
  std::vector<ProgramStat> program_stats() const {
    std::vector<ProgramStat> out;
    for (const auto &[name, fd] : attached_programs) {
      bpf_prog_info prog{};
      __u32 len = sizeof(prog);
      if (bpf_obj_get_info_by_fd(fd, &prog, &len) != 0)
        throw_errno("reading the bookkeeping of BPF program " + name);
      out.push_back({name, prog.run_cnt, prog.run_time_ns, prog.recursion_misses});
    }
    return out;
  }

  int map_fd(const char *name) const {
    auto it = shared_maps.find(name);
    if (it == shared_maps.end())
      throw Error(std::string("BPF map ") + name + " was not created");
    return it->second;
  }

  static int on_event(void *ctx, void *data, std::size_t size) {
    auto *self = static_cast<Impl *>(ctx);
    if (size < sizeof(zc_event))
      return 0;
    ++self->received;
    if (self->handler && *self->handler)
      (*self->handler)(*static_cast<const zc_event *>(data));
    return 0;
  }

  // Loads and attaches the chosen programs of `plans` from the object
  // `name`. `tentative`: a load the kernel refuses changes nothing and
  // returns false (the caller tries another way).
  bool load_family(const std::string &name, std::vector<Plan *> &plans,
                   const ProbeSetOptions &options, const zc_config &config,
                   bool tentative = false) {
    LibbpfLogCapture log;
    std::unique_ptr<Family> fam = open_family(name);
    bpf_object *obj = fam->object();
    std::set<std::string> wanted;
    for (Plan *p : plans)
      wanted.insert(p->chosen->programs.begin(), p->chosen->programs.end());
    bpf_program *prog;
    bpf_object__for_each_program(prog, obj) {
      bpf_program__set_autoload(prog, wanted.count(bpf_program__name(prog)) > 0);
    }
    bpf_map *map;
    bpf_object__for_each_map(map, obj) {
      const std::string map_name = bpf_map__name(map);
      if (auto it = shared_maps.find(map_name); it != shared_maps.end()) {
        if (int err = bpf_map__reuse_fd(map, it->second))
          throw Error("cannot share map " + map_name + ": " + errno_text(-err));
      } else if (map_name == "zc_events") {
        bpf_map__set_max_entries(map, static_cast<__u32>(options.ringbuf_bytes));
      }
    }
    fam->set_config(config);
    if (int err = fam->load()) {
      if (tentative) // libbpf's log (-v) says why
        return false;
      const std::string why =
          "loading the " + name + " probes failed: " + errno_text(-err) +
          (log.text().empty() ? "" : " (libbpf: " + last_line(log.text()) + ")");
      for (Plan *p : plans) {
        if (p->must_attach)
          throw Error(p->report.name + ": " + why);
        p->report.reason = why;
      }
      return false;
    }
    if (shared_maps.empty())
      bpf_object__for_each_map(map, obj) {
        const std::string map_name = bpf_map__name(map);
        if (map_name.rfind("zc_", 0) == 0)
          shared_maps[map_name] = bpf_map__fd(map);
      }
    // Attach every wanted program once (several probes may share one),
    // then each probe is attached if all of its programs are.
    std::map<std::string, std::string> failed; // program -> why
    for (const std::string &program_name : wanted) {
      bpf_program *program = bpf_object__find_program_by_name(obj, program_name.c_str());
      // A program of a family loaded before (the syscall family's exit
      // program, which runs the derived tiers): attached there.
      if (!program && std::any_of(attached_programs.begin(), attached_programs.end(),
                                  [&](const auto &a) { return a.first == program_name; }))
        continue;
      bpf_link *link = program ? bpf_program__attach(program) : nullptr;
      if (link) {
        links.push_back(link);
        attached_programs.emplace_back(program_name, bpf_program__fd(program));
        continue;
      }
      const int err = program ? errno : ENOENT;
      failed[program_name] = "attaching " + program_name + " failed: " + errno_text(err) +
                             (log.text().empty() ? "" : " (libbpf: " + last_line(log.text()) + ")");
    }
    for (Plan *p : plans) {
      std::string why;
      for (const auto &program_name : p->chosen->programs)
        if (auto it = failed.find(program_name); it != failed.end())
          why = it->second;
      if (why.empty()) {
        p->report.attached = true;
        continue;
      }
      if (p->must_attach)
        throw Error(p->report.name + ": " + why);
      p->report.reason = why;
    }
    families.push_back(std::move(fam));
    return true;
  }
};

ProbeSet::ProbeSet(Features &features, const ProbeSetOptions &options)
    : impl_(std::make_unique<Impl>()) {
  std::vector<Plan> plan = make_plan(features, options.require);
  const zc_config config = config_for(plan, options);
  impl_->streamed = options.stream_events;
  if (!options.run_stats) {
    impl_->stats_missing =
        "the run statistics were off: run --no-bpf-stats, or trace without --bpf-stats";
  } else {
    // Held by a descriptor: a crash or SIGKILL closes it, and the kernel
    // turns the statistics off again (kernel/bpf/syscall.c, bpf_enable_stats).
    impl_->stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
    if (impl_->stats_fd < 0)
      impl_->stats_missing = "the kernel refused BPF_ENABLE_STATS: " + errno_text(errno);
  }
  // Every family in one object first; one by one if the kernel refuses it.
  std::vector<Plan *> chosen;
  for (auto &p : plan)
    if (p.chosen)
      chosen.push_back(&p);
  const bool together = with_context(
      "the probes", [&] { return impl_->load_family("probes", chosen, options, config, true); });
  for (const auto &family : together ? std::vector<std::string>{} : probe_families()) {
    std::vector<Plan *> in_family;
    for (auto &p : plan)
      if (p.def->family == family && p.chosen)
        in_family.push_back(&p);
    if (in_family.empty())
      continue;
    with_context(family + " probes",
                 [&] { impl_->load_family(family, in_family, options, config); });
  }
  for (auto &p : plan)
    impl_->reports.push_back(std::move(p.report));
  void *roles = mmap(nullptr, Impl::kRolesBytes, PROT_READ | PROT_WRITE, MAP_SHARED,
                     impl_->map_fd("zc_roles"), 0);
  if (roles == MAP_FAILED)
    throw_errno("cannot map the probes' role table");
  impl_->roles = static_cast<std::uint64_t *>(roles);
  const int slots_fd = impl_->map_fd("zc_task_slots");
  bpf_map_info slots_info{};
  __u32 info_len = sizeof(slots_info);
  if (bpf_obj_get_info_by_fd(slots_fd, &slots_info, &info_len) != 0)
    throw_errno("reading the layout of the thread contexts");
  if (slots_info.value_size < sizeof(zc_pending_flows) || slots_info.max_entries != ZC_TASK_SLOTS)
    throw Error("the thread contexts are not laid out as this zctrace expects");
  impl_->task_context_bytes = (slots_info.value_size + 7) / 8 * 8; // array elements: 8-aligned
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  impl_->task_slots_bytes = (impl_->task_context_bytes * ZC_TASK_SLOTS + page - 1) / page * page;
  void *slots = mmap(nullptr, impl_->task_slots_bytes, PROT_READ, MAP_SHARED, slots_fd, 0);
  if (slots == MAP_FAILED)
    throw_errno("cannot map the thread contexts");
  impl_->task_slots = static_cast<const unsigned char *>(slots);
  impl_->rb = ring_buffer__new(impl_->map_fd("zc_events"), &Impl::on_event, impl_.get(), nullptr);
  if (!impl_->rb)
    throw_errno("cannot open the event ring buffer");
}

ProbeSet::~ProbeSet() = default;

const std::vector<ProbeReport> &ProbeSet::reports() const { return impl_->reports; }

std::vector<std::pair<std::uint32_t, zc_target>> ProbeSet::targets() const {
  const int fd = impl_->map_fd("zc_targets");
  std::vector<std::pair<std::uint32_t, zc_target>> out;
  for_each_key<__u32>(fd, [&](__u32 tgid) {
    zc_target t{};
    if (bpf_map_lookup_elem(fd, &tgid, &t) == 0)
      out.emplace_back(tgid, t);
  });
  return out;
}

void ProbeSet::add_target(pid_t tgid, std::uint8_t role, bool follow_children, bool descendant) {
  const __u32 key = static_cast<__u32>(tgid);
  zc_target value{};
  value.role = role;
  value.follow_children = follow_children ? 1u : 0u;
  if (const auto p = inspect_process(tgid)) {
    std::snprintf(value.comm, sizeof(value.comm), "%s", p->name.c_str());
    if (descendant)
      value.ppid = static_cast<__u32>(p->ppid);
  }
  if (bpf_map_update_elem(impl_->map_fd("zc_targets"), &key, &value, BPF_ANY) != 0)
    throw_errno("cannot register process " + std::to_string(tgid) + " with the probes");
  impl_->set_role(key, role);
}

void ProbeSet::clear_targets() {
  const int fd = impl_->map_fd("zc_targets");
  std::vector<__u32> keys;
  for_each_key<__u32>(fd, [&](__u32 k) { keys.push_back(k); });
  for (__u32 k : keys) {
    impl_->set_role(k, ZC_ROLE_NONE);
    bpf_map_delete_elem(fd, &k);
  }
}

void ProbeSet::poll_events(int timeout_ms, const EventHandler &handler,
                           const std::vector<const PidFd *> &exits) {
  std::vector<pollfd> fds{{ring_buffer__epoll_fd(impl_->rb), POLLIN, 0}};
  bool running = exits.empty();
  for (const PidFd *p : exits)
    if (!p->exited()) {
      running = true;
      if (p->fd() >= 0)
        fds.push_back({p->fd(), POLLIN, 0});
    }
  if (poll(fds.data(), fds.size(), running ? timeout_ms : 0) < 0 && errno != EINTR)
    throw_errno("waiting for events");
  drain_events(handler);
}

void ProbeSet::drain_events(const EventHandler &handler) {
  impl_->handler = &handler;
  const int rc = ring_buffer__consume(impl_->rb);
  impl_->handler = nullptr;
  if (rc < 0)
    throw Error("reading the event ring buffer: " + errno_text(-rc));
}

std::uint64_t ProbeSet::events_received() const { return impl_->received; }

RawCounters ProbeSet::read_counters() const {
  RawCounters out;
  out.streamed = impl_->streamed;
  out.run_stats = impl_->stats_fd >= 0;
  out.run_stats_missing = impl_->stats_missing;
  const int ncpu = libbpf_num_possible_cpus();
  if (ncpu <= 0)
    throw Error("cannot count the possible CPUs: " + errno_text(-ncpu));

  const int counters = impl_->map_fd("zc_counters");
  std::vector<zc_counter_val> per_cpu(static_cast<std::size_t>(ncpu));
  for_each_key<zc_counter_key>(counters, [&](const zc_counter_key &key) {
    if (bpf_map_lookup_elem(counters, &key, per_cpu.data()) != 0)
      return;
    CounterSample s;
    s.key = key;
    for (const auto &v : per_cpu) {
      s.val.count += v.count;
      s.val.bytes += v.bytes;
    }
    out.samples.push_back(s);
  });

  // Syscalls by role and number, as the counters they stand for.
  // In one call: a lookup per slot would be 1,536 syscalls.
  const int syscalls = impl_->map_fd("zc_syscalls");
  constexpr __u32 kSlots = ZC_ROLE_MAX * ZC_SYSCALL_SLOTS;
  std::vector<__u32> slot_keys(kSlots);
  std::vector<zc_syscall_val> all_cpus(static_cast<std::size_t>(kSlots) *
                                       static_cast<std::size_t>(ncpu));
  {
    __u32 out_batch = 0, count = kSlots;
    LIBBPF_OPTS(bpf_map_batch_opts, batch_opts);
    const int err = bpf_map_lookup_batch(syscalls, nullptr, &out_batch, slot_keys.data(),
                                         all_cpus.data(), &count, &batch_opts);
    if ((err && errno != ENOENT) || count != kSlots)
      throw_errno("reading the syscall counters");
  }
  for (__u32 i = 0; i < kSlots; ++i) {
    const __u32 slot = slot_keys[i];
    zc_syscall_val sum{};
    for (int cpu = 0; cpu < ncpu; ++cpu) {
      const zc_syscall_val &v = all_cpus[static_cast<std::size_t>(i) * ncpu + cpu];
      sum.calls += v.calls;
      sum.bytes += v.bytes;
      sum.errors += v.errors;
      sum.time_ns += v.time_ns;
    }
    auto add = [&](std::uint8_t kind, std::uint64_t count, std::uint64_t bytes) {
      CounterSample s;
      s.key.role = static_cast<__u8>(slot / ZC_SYSCALL_SLOTS);
      s.key.kind = kind;
      s.key.id = static_cast<__u16>(slot % ZC_SYSCALL_SLOTS);
      s.val.count = count;
      s.val.bytes = bytes;
      out.samples.push_back(s);
    };
    if (sum.calls)
      add(ZC_KIND_SYSCALL, sum.calls, sum.bytes);
    if (sum.errors)
      add(ZC_KIND_SYSCALL_ERR, sum.errors, 0);
    // Every call of a number is timed but exit's and exit_group's, which
    // never return.
    const unsigned nr = slot % ZC_SYSCALL_SLOTS;
    if (sum.calls && nr != SYS_exit && nr != SYS_exit_group)
      add(ZC_KIND_SYSCALL_TIME, sum.calls, sum.time_ns);
  }

  const int health = impl_->map_fd("zc_health");
  std::vector<__u64> slots(static_cast<std::size_t>(ncpu));
  auto slot_sum = [&](__u32 index) {
    std::uint64_t total = 0;
    if (bpf_map_lookup_elem(health, &index, slots.data()) == 0)
      for (auto v : slots)
        total += v;
    return total;
  };
  out.counters_full = slot_sum(ZC_HEALTH_COUNTERS_FULL);
  out.owners_full = slot_sum(ZC_HEALTH_OWNERS_FULL);
  out.tasks_full = slot_sum(ZC_HEALTH_TASKS_FULL);
  out.vma_unknown = slot_sum(ZC_HEALTH_VMA_UNKNOWN);
  out.buffer_unknown = slot_sum(ZC_HEALTH_BUFFER_UNKNOWN);
  out.flows_full = slot_sum(ZC_HEALTH_FLOWS_FULL);
  out.devices_full = slot_sum(ZC_HEALTH_DEVICES_FULL);
  out.targets_full = slot_sum(ZC_HEALTH_TARGETS_FULL);

  const int flows = impl_->map_fd("zc_flows");
  for_each_key<zc_flow_key>(flows, [&](const zc_flow_key &key) {
    FlowSample f;
    f.key = key;
    if (bpf_map_lookup_elem(flows, &key, &f.val) == 0)
      out.flows.push_back(f);
  });
  // What threads still alive counted and have not added to zc_flows yet
  // (every thread context begins with struct zc_pending_flows), in the
  // slots (mapped) and in zc_tasks.
  auto add_pending = [&](const unsigned char *context) {
    zc_pending_flows pending;
    std::memcpy(&pending, context, sizeof(pending));
    for (int i = 0; i < 2; ++i) {
      if (!pending.val[i].calls)
        continue;
      auto same = std::find_if(out.flows.begin(), out.flows.end(), [&](const FlowSample &f) {
        return std::memcmp(&f.key, &pending.key[i], sizeof(zc_flow_key)) == 0;
      });
      if (same == out.flows.end()) {
        out.flows.push_back({pending.key[i], pending.val[i]});
      } else {
        same->val.calls += pending.val[i].calls;
        same->val.bytes += pending.val[i].bytes;
      }
    }
  };
  for (std::size_t slot = 0; slot < ZC_TASK_SLOTS; ++slot)
    add_pending(impl_->task_slots + slot * impl_->task_context_bytes);
  const int tasks = impl_->map_fd("zc_tasks");
  std::vector<unsigned char> task_value(impl_->task_context_bytes);
  for_each_key<__u32>(tasks, [&](__u32 tid) {
    if (bpf_map_lookup_elem(tasks, &tid, task_value.data()) == 0)
      add_pending(task_value.data());
  });

  const int devices = impl_->map_fd("zc_dev_counters");
  for_each_key<zc_dev_key>(devices, [&](const zc_dev_key &key) {
    DeviceSample d;
    d.key = key;
    if (bpf_map_lookup_elem(devices, &key, &d.val) == 0)
      out.devices.push_back(d);
  });
  const int info = impl_->map_fd("zc_devices");
  for_each_key<__u64>(info, [&](const __u64 &key) {
    zc_device d{};
    if (bpf_map_lookup_elem(info, &key, &d) == 0)
      out.device_info[key] = d;
  });

  for (ProgramStat p : impl_->program_stats()) {
    if (auto it = impl_->stats_at_start.find(p.name); it != impl_->stats_at_start.end()) {
      p.run_count -= it->second.run_count;
      p.run_time_ns -= it->second.run_time_ns;
      p.recursion_misses -= it->second.recursion_misses;
    }
    out.programs.push_back(p);
  }
  return out;
}

void ProbeSet::detach() { impl_->destroy_links(true); }

void ProbeSet::mark_start() {
  impl_->stats_at_start.clear();
  for (const ProgramStat &p : impl_->program_stats())
    impl_->stats_at_start[p.name] = p;
}

} // namespace zc
