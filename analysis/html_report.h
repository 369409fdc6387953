// zctrace report: run, compare, sweep, matrix, verify and trace results
// turned into one self-contained HTML page (data, style and the script that
// draws its charts all inline) and a markdown summary. Both are made from one
// dataset extracted from the results:
//   figures: one row per run (kernel, method, copy passes, mode switches...)
//   sweeps:  throughput by chunk size, per method and kernel
//   claims:  the claims' figures and verdicts (verify, and runs' claims)
//   traces:  the copy methods traced programs were seen to use
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "result_file.h"

namespace zc::analysis {

nlohmann::json report_dataset(const std::vector<ResultFile> &results);

// Throws UsageError naming the file when the report cannot use a member it
// reads (missing, or of the wrong type): checked before any output.
void check_reportable(const ResultFile &result);

std::string render_html(const nlohmann::json &dataset);
std::string render_markdown(const nlohmann::json &dataset);

} // namespace zc::analysis
