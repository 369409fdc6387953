// The account of a traced program (zctrace trace) as the terminal shows it,
// with the copy methods it used.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "trace_result.h"

namespace zc::analysis {

std::string render_trace(const TraceResult &trace);

// The role of each process seen: "program" for the one traced, "child" for
// every other (one it started).
std::map<std::uint32_t, std::string> trace_roles(const TraceResult &trace);

} // namespace zc::analysis
