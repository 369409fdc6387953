// The matrix as one table: methods down, kernels across, each cell a key
// figure with the kind of evidence behind it; a figure a kernel cannot give
// is "n/a" with a numbered note saying why.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace zc::analysis {

std::string render_matrix(const nlohmann::json &matrix);

} // namespace zc::analysis
