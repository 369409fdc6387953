// The comparison across kernels: each method run by zctrace inside every
// selected vmtest target and natively on this host, gathered as one JSON
// document ("zctrace.matrix/1") of zctrace.run/1 results.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config.h"
#include "runner.h"

namespace zc::vmtest {

inline constexpr const char *kMatrixSchema = "zctrace.matrix/1";

struct MatrixParams {
  std::vector<std::string> methods;
  std::uint64_t size = 64ull << 20;
  std::uint64_t chunk = 64ull << 10;
  std::string cache = "cold";
  // Methods that run over loopback even where the guest has a NIC pair.
  std::vector<std::string> loopback_methods;
};

// The shell command a guest runs for the matrix: every method, its JSON,
// report and exit status left in /results; across the NIC pair when the
// guest has it. Exit status 4 (the method cannot run on this kernel) is a
// skip, not a failure.
std::string guest_matrix_command(const MatrixParams &params);

// One column of a VM target, from its run.
nlohmann::json vm_column(const Target &target, const TargetResult &result,
                         const MatrixParams &params);

nlohmann::json matrix_document(const MatrixParams &params, std::vector<nlohmann::json> columns);

} // namespace zc::vmtest
