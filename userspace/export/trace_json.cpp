#include "trace_json.h"

#include "account_json.h"
#include "method_use.h"
#include "trace_report.h"

namespace zc {

using nlohmann::json;

json trace_document(const TraceResult &t) {
  json j;
  j["schema"] = kTraceSchema;
  j["kernel"] = {
      {"release", t.kernel.release}, {"version", t.kernel.version}, {"machine", t.kernel.machine}};
  j["target"] = t.target;
  j["pid"] = t.pid;
  j["exit_status"] = t.exit_status ? json(*t.exit_status) : json(nullptr);
  j["exit_signal"] = t.exit_signal ? json(*t.exit_signal) : json(nullptr);
  j["duration_ns"] = t.wall_ns;
  j["partial"] = t.partial;
  j["note"] = t.partial ? json(t.partial_reason) : json(nullptr);
  j["integrity"] = nullptr; // the data is the program's: nothing to check it against
  j["lost_events"] = t.events.lost;
  j["events"] = events_json(t.events, {t.counter_updates_lost, t.owner_records_lost,
                                       t.task_contexts_lost, 0, t.flows_lost});
  json probes = json::array();
  for (const auto &p : t.probes)
    probes.push_back(to_json(p));
  j["probes"] = std::move(probes);
  j["program"] = to_json(t.account);
  json seen = json::array();
  for (const analysis::MethodUse &u : analysis::method_uses(t.flows, analysis::trace_roles(t)))
    seen.push_back(analysis::to_json(u));
  j["methods_seen"] = std::move(seen);
  j["unattributed"] = {{"dma_mapped_bytes", value_json(t.unattributed_dma_bytes)}};
  return j;
}

} // namespace zc
