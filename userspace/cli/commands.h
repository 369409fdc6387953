// The subcommands. Each returns the process exit status or throws zc::Error.
#pragma once

#include "cli.h"
#include "progress.h"
#include "run_session.h"
#include "series_report.h"

namespace zc {

// The request for one method under the conditions given on the command line.
RunRequest request_for(const std::string &method, const Conditions &conditions);

// One method under `conditions`: timed in passes with no probe loaded and
// counted in one traced run (or skipped, or failed, with the reason); and
// the conditions of a series as JSON.
analysis::SeriesPoint run_point(Features &features, const std::string &method,
                                const Conditions &conditions, const Repeats &repeats,
                                Progress &progress);
nlohmann::json conditions_json(const Conditions &conditions, const Repeats &repeats);

int run_command(const RunOptions &options);
int list_command();
int probes_command(const ProbesOptions &options);
int vmtest_command(const VmtestOptions &options);
int matrix_command(const MatrixOptions &options);
int crosscheck_command(const CrosscheckOptions &options);
int compare_command(const CompareOptions &options);
int sweep_command(const SweepOptions &options);
int trace_command(const TraceOptions &options);
int verify_command(const VerifyOptions &options);
int report_command(const ReportOptions &options);

} // namespace zc
