#include "run_json.h"

#include <cstdio>

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

template <typename T> json value_of(const Figure<T> &f) {
  return f.value ? json(*f.value) : json(nullptr);
}

std::string hex32(std::uint32_t v) {
  char buf[11];
  std::snprintf(buf, sizeof(buf), "0x%08x", v);
  return buf;
}

json nullable(const std::string &s) { return s.empty() ? json(nullptr) : json(s); }

} // namespace

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
    set_path(j, path, value_of(fig));
    evidence[path] = to_json(fig.evidence);
  });
  json sites = json::array();
  for (const SiteRow &r : a.cpu_copy.by_site)
    sites.push_back(to_json(r));
  j["cpu_copy"]["by_site"] = std::move(sites);
  j["cpu_copy"]["undetermined_bytes"] = a.cpu_copy.undetermined_bytes;
  json by_name = json::object();
  for (const auto &[name, row] : a.syscalls.by_name)
    by_name[name] = {{"count", row.count},
                     {"errors", row.errors},
                     {"time_ns", row.time_ns},
                     {"bytes", row.bytes ? json(*row.bytes) : json(nullptr)}};
  j["syscalls"]["by_name"] = std::move(by_name);
  j["page_faults"]["kernel_by_syscall"] = a.page_faults.kernel_by_syscall;
  json reported = json::object();
  for (const auto &[name, fig] : a.reported) {
    reported[name] = value_of(fig);
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
                            {"reason", nullable(alt.reason)}});
  return json{{"name", p.name},
              {"family", p.family},
              {"measures", p.measures},
              {"required", p.required},
              {"attached", p.attached},
              {"via", nullable(p.via)},
              {"evidence", p.attached ? json(evidence_kind_name(p.evidence)) : json(nullptr)},
              {"bytes_from", nullable(p.bytes_from)},
              {"path_present", p.path_present},
              {"reason", nullable(p.reason)},
              {"alternatives", std::move(alternatives)}};
}

json events_json(const StreamStats &events, const UpdatesLost &lost) {
  json lost_by_kind = json::object();
  for (const auto &[kind, n] : events.lost_by_kind)
    lost_by_kind[kind] = n;
  return {{"streamed", events.submitted},
          {"received", events.received},
          {"lost", events.lost},
          {"lost_by_kind", std::move(lost_by_kind)},
          {"counter_updates_lost", lost.counter_updates},
          {"owner_records_lost", lost.owner_records},
          {"task_contexts_lost", lost.task_contexts},
          {"fault_lookups_failed", lost.fault_lookups},
          {"flows_lost", lost.flows}};
}

json to_json(const RunResult &r) {
  json j;
  j["schema"] = kRunSchema;
  j["kernel"] = {
      {"release", r.kernel.release}, {"version", r.kernel.version}, {"machine", r.kernel.machine}};
  j["method"] = r.params.method;
  j["params"] = {
      {"size", r.params.size},
      {"chunk", r.params.chunk},
      {"cache", r.params.cache},
      {"dir", r.params.dir},
      {"filesystem", r.params.filesystem},
      {"seed", r.params.seed},
      {"address", r.params.address},
      {"sink_netns", nullable(r.params.sink_netns)},
      {"route", r.params.route},
      {"scatter_gather", r.params.scatter_gather ? json(*r.params.scatter_gather) : json(nullptr)},
      {"io_wq", r.params.io_wq},
      {"kernel_settings", r.params.kernel_settings}};
  j["integrity"] = {{"ok", r.integrity.ok},
                    {"algorithm", "crc32c"},
                    {"expected_bytes", r.integrity.expected_bytes},
                    {"received_bytes", r.integrity.received_bytes},
                    {"expected_checksum", hex32(r.integrity.expected_crc32c)},
                    {"received_checksum", hex32(r.integrity.received_crc32c)},
                    {"error", nullable(r.integrity.error)}};
  j["cache"] = {{"file_pages", r.cache.file_pages},
                {"resident_pages_before", r.cache.resident_before}};
  j["lost_events"] = r.events.lost;
  j["events"] = events_json(r.events, {r.counter_updates_lost, r.owner_records_lost,
                                       r.task_contexts_lost, r.fault_lookups_failed, r.flows_lost});
  json probes = json::array();
  for (const auto &p : r.probes)
    probes.push_back(to_json(p));
  j["probes"] = std::move(probes);
  j["transfer"] = {{"wall_ns", value_of(r.transfer_wall_ns)},
                   {"throughput_bytes_per_s", value_of(r.throughput_bytes_per_s)}};
  j["timing"] = {{"attach_ns", r.attach_ns}, {"total_ns", r.total_ns}};
  json unowned = json::array();
  for (const SiteRow &row : r.unattributed_payload)
    unowned.push_back(to_json(row));
  j["unattributed"] = {{"dma_mapped_bytes", value_of(r.unattributed_dma_bytes)},
                       {"payload", std::move(unowned)}};
  j["evidence"] = {{"transfer.wall_ns", to_json(r.transfer_wall_ns.evidence)},
                   {"transfer.throughput_bytes_per_s", to_json(r.throughput_bytes_per_s.evidence)},
                   {"unattributed.dma_mapped_bytes", to_json(r.unattributed_dma_bytes.evidence)}};
  j["source"] = to_json(r.source);
  j["sink"] = to_json(r.sink);
  return j;
}

} // namespace zc
