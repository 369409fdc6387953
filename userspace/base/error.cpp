#include "error.h"

#include <cerrno>
#include <cstring>

namespace zc {

std::string errno_text(int err) {
  // The kernel's own ENOTSUPP leaks out of BPF (for example a trampoline for
  // a function with more arguments than this kernel's BPF can pass); libc
  // has no name for it.
  if (err == 524)
    return "not supported by this kernel (ENOTSUPP)";
  const char *name = strerrorname_np(err);
  std::string text = std::strerror(err);
  if (name)
    text += std::string(" (") + name + ")";
  return text;
}

void throw_errno(const std::string &what) { throw Error(what + ": " + errno_text(errno)); }

namespace {

void walk(const std::exception &e, ErrorReport &report) {
  if (!report.message.empty())
    report.message += ": ";
  report.message += e.what();
  // Nested context wrappers default to exit code 1; the cause decides.
  if (const auto *err = dynamic_cast<const Error *>(&e))
    report.exit_code = err->exit_code();
  try {
    std::rethrow_if_nested(e);
  } catch (const std::exception &inner) {
    walk(inner, report);
  } catch (...) {
    report.message += ": unknown error";
  }
}

} // namespace

ErrorReport describe(const std::exception &e) {
  ErrorReport report;
  walk(e, report);
  return report;
}

} // namespace zc
