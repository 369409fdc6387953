// Shared by the integration tests: real BPF programs, real workloads, as root.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernel_features.h"
#include "run_session.h"
#include "subprocess.h"

namespace zc::test {

using vmtest::run_tool;
using vmtest::ToolResult;

inline constexpr std::uint64_t kSize = 64ull << 20;
inline constexpr std::uint64_t kChunk = 64ull << 10;
inline constexpr std::uint64_t kChunks = kSize / kChunk;

// One Features per test binary: its probes are cached.
Features &features();

RunRequest request(const std::string &method);
// The same, moving `size` bytes.
RunRequest request(const std::string &method, std::uint64_t size);
RunResult run(const RunRequest &req);
inline RunResult run(const std::string &method) { return run(request(method)); }

// The file arrived intact and no in-kernel bookkeeping was lost; with
// `every_event`, the ring buffer lost nothing either.
void expect_intact(const RunResult &r, bool every_event = true);

// Bytes of the account's by_site rows at a ZC_SITE_*.
std::uint64_t rows_at(const Account &a, std::uint16_t site);

// Bytes of the account's by_site rows at `site` going `direction`.
std::uint64_t site_bytes(const Account &a, const std::string &site, const std::string &direction);
std::uint64_t calls(const Account &a, const std::string &syscall);
// A figure the workload reported (0, and a failure, when it did not).
std::uint64_t reported(const Account &a, const std::string &name);

// The zctrace binary under test, with arguments (for vmtest::run_tool).
std::vector<std::string> zctrace(std::vector<std::string> args);

// A file's whole text ("" when it cannot be read).
std::string read_text(const std::string &path);

// One line on stderr, starting "zctrace: error: " and containing `what`.
void expect_one_line_error(const ToolResult &c, int exit_code, const std::string &what);

// Every line of a text report fits a 100-column terminal (without --wide).
void expect_fits_100_columns(const std::string &text, const std::string &what);

// Ids of the BPF programs loaded on the machine now.
std::vector<std::uint32_t> loaded_bpf_programs();

} // namespace zc::test
