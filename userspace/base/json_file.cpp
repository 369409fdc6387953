#include "json_file.h"

#include <unistd.h>

#include <cerrno>

#include "error.h"
#include "invocation.h"
#include "output_file.h"

namespace zc {

void write_json_atomically(const std::string &path, const nlohmann::json &doc) {
  nlohmann::json out = doc;
  // Which zctrace, run how, when and where, wrote it.
  if (out.is_object() && !out.contains("produced_by"))
    out["produced_by"] = invocation_json();
  // Invalid UTF-8 (a program's name or command line) becomes U+FFFD, not an exception.
  const std::string text = out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  if (path == "-") { // standard output (the text goes to standard error then)
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = write(STDOUT_FILENO, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        throw_errno("writing the JSON to standard output");
      done += static_cast<std::size_t>(n);
    }
    return;
  }
  write_file_atomically(path, text);
}

} // namespace zc
