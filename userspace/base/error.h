// Errors carry their context up, as nested exceptions, to one place that
// prints them (main.cpp): "zctrace: error: loading probes: copies: ...".
#pragma once

#include <exception>
#include <stdexcept>
#include <string>

namespace zc {

// A failure to report to the user. `exit_code` follows zctrace's convention:
// 1 runtime failure, 2 bad input, 3 data integrity failure, 4 the method
// cannot run on this kernel, 5 verify could not check every claim here,
// 130 interrupted.
class Error : public std::runtime_error {
public:
  explicit Error(const std::string &what, int exit_code = 1)
      : std::runtime_error(what), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

private:
  int exit_code_;
};

// Bad input from the user (unknown method, bad size, ...): exit status 2.
class UsageError : public Error {
public:
  explicit UsageError(const std::string &what) : Error(what, 2) {}
};

// A copy method this kernel (or this machine's settings) cannot run, found by
// trying what it needs: exit status 4. `compare all` skips such methods.
class Unavailable : public Error {
public:
  explicit Unavailable(const std::string &what) : Error(what, 4) {}
};

inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitIntegrity = 3;
inline constexpr int kExitUnavailable = 4;
inline constexpr int kExitUnchecked = 5; // verify: some claim could not be measured here
inline constexpr int kExitDiffers = 6;   // verify: every claim checked, some figure differs
inline constexpr int kExitInterrupted = 130;

// "strerror (ENAME)" for an errno value.
std::string errno_text(int err);

// Throws Error("<what>: <errno text>") for the current errno.
[[noreturn]] void throw_errno(const std::string &what);

// Runs f(); if it throws, rethrows with `context` wrapped around the cause.
template <typename F> decltype(auto) with_context(const std::string &context, F &&f) {
  try {
    return f();
  } catch (...) {
    std::throw_with_nested(Error(context));
  }
}

// The whole chain of a (possibly nested) exception on one line, and the exit
// code of its innermost zc::Error (1 if there is none).
struct ErrorReport {
  std::string message;
  int exit_code = kExitFailure;
};
ErrorReport describe(const std::exception &e);

} // namespace zc
