#include "json_file.h"

#include "output_file.h"

namespace zc {

void write_json_atomically(const std::string &path, const nlohmann::json &doc) {
  // Invalid UTF-8 (a program's name or command line) becomes U+FFFD, not an exception.
  write_file_atomically(path,
                        doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

} // namespace zc
