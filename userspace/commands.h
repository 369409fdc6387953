// The subcommands. Each returns the process exit status or throws zc::Error.
#pragma once

#include "cli.h"

namespace zc {

int run_command(const RunOptions &options);
int list_command();
int probes_command(const ProbesOptions &options);
int vmtest_command(const VmtestOptions &options);
int matrix_command(const MatrixOptions &options);
int crosscheck_command(const CrosscheckOptions &options);

} // namespace zc
