// What a guest sends back on its second serial port (/dev/ttyS1), framed so
// that a guest that died half way is told apart from one that finished:
//
//   ZCTRACE-FILE <name> <bytes>        a file the command left in /results,
//   <base64 lines>                     base64-encoded
//   ZCTRACE-FILE-END
//   ...
//   ZCTRACE-EXIT <status>              the command's exit status: the end marker
//
// Without the end marker the guest crashed (or was killed) before finishing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zc::vmtest {

struct GuestFile {
  std::string name;
  std::string data;
};

struct Frames {
  std::vector<GuestFile> files;
  std::optional<int> exit_code; // set only when the end marker arrived
  std::string problem;          // a damaged frame, if any
};

Frames parse_frames(std::string_view stream);

std::string base64_decode(std::string_view text); // throws zc::Error on bad input
std::string base64_encode(std::string_view data);

} // namespace zc::vmtest
