// The event stream as a JSON trace in the Chrome Trace Event format, which
// Perfetto (ui.perfetto.dev) and chrome://tracing open: per thread, syscall
// spans, copy events with their bytes, page faults and scheduler switches;
// device transfers on a track of their own per role. Events are written as
// they arrive. The document is closed by finish(), or, if the run stops
// before that, by the destructor with "partial": true: the file is valid
// JSON either way, and says how many events the ring buffer lost.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "bpf_abi.h"
#include "collector.h"
#include "output_file.h"

namespace zc {

inline constexpr const char *kTraceEventsSchema = "zctrace.trace-events/1";
// The pseudo-process that holds device transfers (above any real pid).
inline constexpr std::uint32_t kDeviceTrackPid = 0x7ffffff0;

class ChromeTrace {
public:
  // Throws zc::Error when the file cannot be created.
  explicit ChromeTrace(const std::string &path);
  ~ChromeTrace();
  ChromeTrace(const ChromeTrace &) = delete;
  ChromeTrace &operator=(const ChromeTrace &) = delete;

  // Names a process's track ("source", "program"); others are named from
  // the role the probes gave their events.
  void name_process(std::uint32_t tgid, const std::string &name);
  void add(const zc_event &event);
  // Closes the document with the ring buffer's bookkeeping.
  void finish(const StreamStats &events, const std::string &note = {});
  // Closes it as partial, saying why.
  void finish_partial(const std::string &why);

  std::uint64_t written() const { return written_; }

  // The trace `path` names, if one was asked for.
  static std::unique_ptr<ChromeTrace> open_if(const std::optional<std::string> &path);
  // An event handler adding each event to `trace`, if there is one.
  static std::function<void(const zc_event &)> sink(const std::unique_ptr<ChromeTrace> &trace);

private:
  void write(const std::string &json_line);
  void close(const StreamStats *events, bool partial, const std::string &note);
  void meet(std::uint32_t tgid, std::uint32_t tid, std::uint8_t role);

  std::string path_;
  OutputFile out_;     // renamed into place when the document is closed
  std::string buffer_; // written out a megabyte at a time
  bool closed_ = false;
  std::uint64_t written_ = 0;
  std::uint64_t last_ts_ns_ = 0;
  std::map<std::uint32_t, std::string> process_names_;
  std::set<std::uint32_t> named_processes_;
  std::set<std::uint64_t> named_threads_;
  std::map<std::uint32_t, std::uint64_t> copied_; // CPU-copied bytes so far, by tgid
};

} // namespace zc
