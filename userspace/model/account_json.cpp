#include "account_json.h"

namespace zc {

using nlohmann::json;

namespace {

// Sets j["a"]["b"] for path "a.b".
void set_path(json &j, std::string_view path, json value) {
  json *node = &j;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    const std::string key(path.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) {
      (*node)[key] = std::move(value);
      return;
    }
    node = &(*node)[key];
    start = dot + 1;
  }
}

} // namespace

json string_or_null(const std::string &s) { return s.empty() ? json(nullptr) : json(s); }

json to_json(const Evidence &ev) {
  return json{{"kind", evidence_kind_name(ev.kind)}, {"probes", ev.probes}, {"how", ev.how}};
}

json to_json(const SiteRow &r) {
  return {{"site", r.site},       {"direction", r.direction},
          {"syscall", r.syscall}, {"cpu_copy", r.cpu_copy},
          {"bytes", r.bytes},     {"events", r.events},
          {"passes", r.passes},   {"evidence", to_json(r.evidence)}};
}

json to_json(const Account &a) {
  json j;
  j["role"] = a.role;
  json evidence = json::object();
  for_each_figure(a, [&](const char *path, const auto &fig) {
    set_path(j, path, value_json(fig));
    evidence[path] = to_json(fig.evidence);
  });
  json sites = json::array();
  for (const SiteRow &r : a.cpu_copy.by_site)
    sites.push_back(to_json(r));
  j["cpu_copy"]["by_site"] = std::move(sites);
  j["cpu_copy"]["undetermined_bytes"] = a.cpu_copy.undetermined_bytes;
  json devices = json::array();
  for (const DeviceRow &d : a.device.by_device)
    devices.push_back(to_json(d));
  j["device"]["by_device"] = std::move(devices);
  json by_name = json::object();
  for (const auto &[name, row] : a.syscalls.by_name)
    by_name[name] = {{"count", row.count},
                     {"errors", row.errors},
                     {"time_ns", row.time_ns},
                     {"bytes", row.bytes ? json(*row.bytes) : json(nullptr)}};
  j["syscalls"]["by_name"] = std::move(by_name);
  j["page_faults"]["kernel_by_syscall"] = a.page_faults.kernel_by_syscall;
  json signals = json::object();
  for (const auto &[name, row] : a.signals.by_signal)
    signals[name] = {{"number", row.number},
                     {"generated", row.generated},
                     {"queued", row.queued},
                     {"not_queued", row.not_queued},
                     {"from_itself", row.from_itself}};
  j["signals"]["by_signal"] = std::move(signals);
  json reported = json::object();
  for (const auto &[name, fig] : a.reported) {
    reported[name] = value_json(fig);
    evidence["reported." + name] = to_json(fig.evidence);
  }
  j["reported"] = std::move(reported);
  j["evidence"] = std::move(evidence);
  return j;
}

json to_json(const ProbeReport &p) {
  json alternatives = json::array();
  for (const auto &alt : p.alternatives)
    alternatives.push_back({{"attach_point", alt.attach_point},
                            {"usable", alt.usable},
                            {"reason", string_or_null(alt.reason)}});
  return json{{"name", p.name},
              {"family", p.family},
              {"measures", p.measures},
              {"required", p.required},
              {"attached", p.attached},
              {"via", string_or_null(p.via)},
              {"evidence", p.attached ? json(evidence_kind_name(p.evidence)) : json(nullptr)},
              {"bytes_from", string_or_null(p.bytes_from)},
              {"path_present", p.path_present},
              {"reason", string_or_null(p.reason)},
              {"alternatives", std::move(alternatives)}};
}

json to_json(const DeviceRow &d) {
  return {{"device", d.device}, {"serves", d.serves}, {"kind", d.kind},
          {"what", d.what},     {"bytes", d.bytes},   {"count", d.count}};
}

json observation_json(const Observation &o) {
  json j;
  j["kernel"] = {
      {"release", o.kernel.release}, {"version", o.kernel.version}, {"machine", o.kernel.machine}};
  json lost_by_kind = json::object();
  for (const auto &[kind, n] : o.events.lost_by_kind)
    lost_by_kind[kind] = n;
  j["lost_events"] = o.events.lost;
  j["events"] = {{"stream_enabled", o.events.enabled},
                 {"streamed", o.events.submitted},
                 {"received", o.events.received},
                 {"lost", o.events.lost},
                 {"lost_by_kind", std::move(lost_by_kind)},
                 {"probe_runs_missed", o.probe_runs_missed},
                 {"counter_updates_lost", o.lost.counter_updates},
                 {"owner_records_lost", o.lost.owner_records},
                 {"task_contexts_lost", o.lost.task_contexts},
                 {"fault_lookups_failed", o.lost.fault_lookups},
                 {"buffer_lookups_failed", o.lost.buffer_lookups},
                 {"flows_lost", o.lost.flows},
                 {"device_records_lost", o.lost.devices},
                 {"processes_not_followed", o.lost.processes}};
  json programs = json::array();
  for (const ProgramStat &p : o.programs)
    programs.push_back({{"name", p.name},
                        {"run_count", p.run_count},
                        {"run_time_ns", p.run_time_ns},
                        {"recursion_misses", p.recursion_misses}});
  j["programs"] = std::move(programs);
  const Overhead &c = o.overhead;
  j["overhead"] = {
      {"measured", c.measured},
      {"why_not", c.measured ? json(nullptr) : json(c.why_not)},
      {"how", "kernel.bpf_stats_enabled held for the session (BPF_ENABLE_STATS): every program "
              "run timed by the kernel; the sum includes runs for processes not traced"},
      {"program_runs", c.measured ? json(c.program_runs) : json(nullptr)},
      {"run_time_ns", c.measured ? json(c.run_time_ns) : json(nullptr)},
      {"traced_syscalls", c.traced_syscalls},
      {"ns_per_traced_syscall",
       c.ns_per_traced_syscall ? json(*c.ns_per_traced_syscall) : json(nullptr)}};
  json probes = json::array();
  for (const auto &p : o.probes)
    probes.push_back(to_json(p));
  j["probes"] = std::move(probes);
  json devices = json::array();
  for (const DeviceRow &d : o.unattributed.by_device)
    devices.push_back(to_json(d));
  json payload = json::array();
  for (const SiteRow &row : o.unattributed.payload)
    payload.push_back(to_json(row));
  const Unattributed &u = o.unattributed;
  j["unattributed"] = {
      {"dma_mapped_bytes", value_json(u.dma_mapped_bytes)},
      {"receive_buffer_dma_bytes", value_json(u.receive_buffer_dma_bytes)},
      {"unknown_device_dma_bytes", value_json(u.unknown_device_dma_bytes)},
      {"by_device", std::move(devices)},
      {"payload", std::move(payload)},
      {"evidence",
       {{"dma_mapped_bytes", to_json(u.dma_mapped_bytes.evidence)},
        {"receive_buffer_dma_bytes", to_json(u.receive_buffer_dma_bytes.evidence)},
        {"unknown_device_dma_bytes", to_json(u.unknown_device_dma_bytes.evidence)}}}};
  return j;
}

} // namespace zc
