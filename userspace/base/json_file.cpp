#include "json_file.h"

#include <unistd.h>

#include "invocation.h"
#include "output_file.h"

namespace zc {

void write_json_atomically(const std::string &path, nlohmann::json doc) {
  // Which zctrace, run how, when and where, wrote it.
  if (doc.is_object() && !doc.contains("produced_by"))
    doc["produced_by"] = invocation_json();
  // Invalid UTF-8 (a program's name or command line) becomes U+FFFD, not an exception.
  const std::string text = doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  if (path == "-") // standard output (the text goes to standard error then)
    write_all(STDOUT_FILENO, text, "writing the JSON to standard output");
  else
    write_file_atomically(path, text);
}

} // namespace zc
