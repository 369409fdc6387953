// Writing result files atomically: readers see the old file or the whole new
// one, never a half-written one (a run interrupted mid-write leaves no
// truncated JSON behind).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace zc {

// With produced_by (invocation.h) added to an object that lacks it; "-" is
// standard output. By value: callers hand over their document (std::move)
// instead of it being copied to add produced_by.
void write_json_atomically(const std::string &path, nlohmann::json doc);

} // namespace zc
