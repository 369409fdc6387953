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

} // namespace zc
