// Which zctrace this is: its version and the git description of the tree it
// was built from (for --version and for every JSON document it writes).
#pragma once

#include <string>

namespace zc {

std::string zctrace_version();
std::string git_description();

} // namespace zc
