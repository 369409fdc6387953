#include "run_document.h"

#include "claim_check.h"
#include "method_use.h"
#include "run_json.h"

namespace zc::analysis {

nlohmann::json run_document(const RunResult &run) {
  nlohmann::json doc = to_json(run);
  doc["claims"] = claims_json(run);
  nlohmann::json seen = nlohmann::json::array();
  for (const MethodUse &u : method_uses(run.flows, run.process_roles))
    seen.push_back(to_json(u));
  doc["methods_seen"] = std::move(seen);
  return doc;
}

} // namespace zc::analysis
