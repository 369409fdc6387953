#include "version.h"

namespace zc {

extern const char *const kGitDescription; // generated at build time

std::string zctrace_version() { return ZCTRACE_VERSION; }
std::string git_description() { return kGitDescription; }

} // namespace zc
