// The JSON document of a trace ("zctrace.trace/1"): what was traced, how it
// ended, the probes, the program's account and the copy methods it used.
#pragma once

#include <nlohmann/json.hpp>

#include "trace_result.h"

namespace zc {

inline constexpr const char *kTraceSchema = "zctrace.trace/1";

nlohmann::json trace_document(const TraceResult &trace);

} // namespace zc
