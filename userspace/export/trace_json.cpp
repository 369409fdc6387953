#include "trace_json.h"

#include "account_json.h"
#include "method_use.h"
#include "trace_report.h"

namespace zc {

using nlohmann::json;

json trace_document(const TraceResult &t) {
  json j = observation_json(t);
  j["schema"] = kTraceSchema;
  j["target"] = t.target;
  j["roots"] = t.roots;
  json followed = json::array();
  for (const FollowedProcess &p : t.followed)
    followed.push_back({{"pid", p.pid},
                        {"ppid", p.ppid ? json(p.ppid) : json(nullptr)},
                        {"name", p.name},
                        {"execs", p.execs},
                        {"how", p.how}});
  j["followed"] = std::move(followed);
  j["containment"] = string_or_null(t.containment);
  j["ended"] = t.ended;
  j["command_finished"] = t.command_finished;
  j["exit_status"] = t.exit_status ? json(*t.exit_status) : json(nullptr);
  j["exit_signal"] = t.exit_signal ? json(*t.exit_signal) : json(nullptr);
  j["duration_ns"] = t.wall_ns;
  j["partial"] = t.partial;
  j["note"] = t.partial ? json(t.partial_reason) : json(nullptr);
  j["integrity"] = nullptr; // the data is the program's: nothing to check it against
  j["program"] = to_json(t.account);
  json seen = json::array();
  for (const analysis::MethodUse &u : analysis::method_uses(t.flows, analysis::trace_roles(t)))
    seen.push_back(analysis::to_json(u));
  j["methods_seen"] = std::move(seen);
  return j;
}

} // namespace zc
