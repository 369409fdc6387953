// Files zctrace writes where a user asks (--json, --trace, report -o,
// --markdown). zctrace runs as root and the destination's folder may be
// writable by others (/tmp, a shared results folder), so nothing is ever
// opened by a name someone could have planted a symlink at: the content
// goes to a new file mkstemp makes in the destination's folder (O_EXCL,
// never through a link), which is renamed over the destination once whole.
// Readers see the old file or the whole new one; an interrupted write
// leaves nothing.
#pragma once

#include <string>
#include <string_view>

namespace zc {

// Why `path` cannot be written, or "" if it can: its folder must exist and
// take new files, and the path must not be a folder. Asked before any work.
std::string output_destination_problem(const std::string &path);

class OutputFile {
public:
  // Throws zc::Error naming `path` when the temporary cannot be made.
  explicit OutputFile(std::string path);
  ~OutputFile(); // not committed: the temporary is removed
  OutputFile(const OutputFile &) = delete;
  OutputFile &operator=(const OutputFile &) = delete;

  void write(std::string_view text);
  // Syncs it, makes it 0644 and renames it into place.
  void commit();
  const std::string &path() const { return path_; }

private:
  std::string path_;
  std::string temp_;
  int fd_ = -1;
};

void write_file_atomically(const std::string &path, std::string_view text);

// All of `text` to `fd`, through short writes and EINTR; throws naming `what`.
void write_all(int fd, std::string_view text, const std::string &what);

} // namespace zc
