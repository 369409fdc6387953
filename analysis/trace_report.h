// The account of a traced program (zctrace trace): the terminal report and
// the JSON document ("zctrace.trace/1"), with the copy methods it used.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "trace_result.h"

namespace zc::analysis {

inline constexpr const char *kTraceSchema = "zctrace.trace/1";

std::string render_trace(const TraceResult &trace);
nlohmann::json trace_document(const TraceResult &trace);

} // namespace zc::analysis
