// Running host tools (apt-get, dpkg-deb, modinfo, mkfs.ext4, xz) and
// capturing what they say, so a failure can be reported in one line.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace zc::vmtest {

struct ToolResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  // The last non-empty line of stderr (or stdout): the tool's own reason.
  std::string last_line() const;
};

// Runs argv[0] (looked up in PATH) to completion. Throws zc::Error only when
// it cannot be started at all; a non-zero exit is in the result.
ToolResult run_tool(const std::vector<std::string> &argv, const std::filesystem::path &cwd = {});

// Like run_tool, but throws zc::Error("<what>: <tool's last line>") unless it exits 0.
ToolResult run_tool_checked(const std::vector<std::string> &argv, const std::string &what,
                            const std::filesystem::path &cwd = {});

// The full path of an executable found in PATH, or empty.
std::filesystem::path find_in_path(const std::string &name);

} // namespace zc::vmtest
