#include "chrome_trace.h"

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "copy_sites.h"
#include "error.h"
#include "invocation.h"
#include "syscall_names.h"

namespace zc {

using nlohmann::json;

namespace {

double micros(std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

std::string thread_comm(std::uint32_t tgid, std::uint32_t tid) {
  std::ifstream in("/proc/" + std::to_string(tgid) + "/task/" + std::to_string(tid) + "/comm");
  std::string name;
  std::getline(in, name);
  return name;
}

std::string syscall_of(std::uint16_t nr) {
  return nr == ZC_NO_SYSCALL ? "(none)" : syscall_name(nr);
}

bool is_device_event(std::uint8_t kind) {
  return kind == ZC_EV_BLOCK || kind == ZC_EV_DMA || kind == ZC_EV_NET;
}

std::string device_event_name(const zc_event &e) {
  switch (e.kind) {
  case ZC_EV_BLOCK:
    return e.site == ZC_BLOCK_WRITE ? "block write" : "block read";
  case ZC_EV_DMA:
    return e.site == ZC_DMA_TO_DEVICE     ? "dma map to device"
           : e.site == ZC_DMA_FROM_DEVICE ? "dma map from device"
                                          : "dma map bidirectional";
  default:
    switch (e.site) {
    case ZC_NET_VIRTUAL:
      return "net xmit (virtual device)";
    case ZC_NET_DEVICE:
      return "net xmit (device)";
    case ZC_NET_QUEUED_PAGED:
      return "net queued paged bytes";
    default:
      return "net xmit paged bytes";
    }
  }
}

} // namespace

ChromeTrace::ChromeTrace(const std::string &path) : path_(path), out_(path) {
  buffer_ = std::string("{\"schema\":\"") + kTraceEventsSchema + "\",\"produced_by\":" +
            invocation_json().dump(-1, ' ', false, json::error_handler_t::replace) +
            ",\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
}

ChromeTrace::~ChromeTrace() {
  try {
    close(nullptr, true, "zctrace stopped before the trace was complete");
  } catch (const std::exception &) {
    // Nothing more can be done for the file from a destructor.
  }
}

std::unique_ptr<ChromeTrace> ChromeTrace::open_if(const std::optional<std::string> &path) {
  return path ? std::make_unique<ChromeTrace>(*path) : nullptr;
}

std::function<void(const zc_event &)> ChromeTrace::sink(const std::unique_ptr<ChromeTrace> &trace) {
  if (!trace)
    return {}; // no consumer: the probes stream nothing
  return [&trace](const zc_event &e) { trace->add(e); };
}

void ChromeTrace::name_process(std::uint32_t tgid, const std::string &name) {
  process_names_[tgid] = name;
}

void ChromeTrace::write(const std::string &line) {
  if (written_)
    buffer_ += ",\n";
  buffer_ += line;
  ++written_;
  if (buffer_.size() >= (1u << 20)) {
    out_.write(buffer_);
    buffer_.clear();
  }
}

void ChromeTrace::meet(std::uint32_t tgid, std::uint32_t tid, std::uint8_t role) {
  if (named_processes_.insert(tgid).second) {
    std::string name;
    if (tgid == kDeviceTrackPid)
      name = "devices";
    else if (auto it = process_names_.find(tgid); it != process_names_.end())
      name = it->second;
    else
      name = role_name(role);
    write(
        json{{"ph", "M"}, {"name", "process_name"}, {"pid", tgid}, {"args", {{"name", name}}}}.dump(
            -1, ' ', false, json::error_handler_t::replace));
  }
  if (named_threads_.insert((std::uint64_t{tgid} << 32) | tid).second) {
    std::string name =
        tgid == kDeviceTrackPid ? "transfers of the " + role_name(role) : thread_comm(tgid, tid);
    if (name.empty())
      name = "thread " + std::to_string(tid);
    write(json{{"ph", "M"},
               {"name", "thread_name"},
               {"pid", tgid},
               {"tid", tid},
               {"args", {{"name", name}}}}
              .dump(-1, ' ', false, json::error_handler_t::replace));
  }
}

void ChromeTrace::add(const zc_event &e) {
  if (closed_)
    return;
  // Device work finishes in interrupt context, on whatever thread ran: it
  // goes to the track of the role that owns it.
  const bool device = is_device_event(e.kind);
  const std::uint32_t pid = device ? kDeviceTrackPid : e.tgid;
  const std::uint32_t tid = device ? e.role + 1u : e.tid;
  meet(pid, tid, e.role);
  last_ts_ns_ = std::max<std::uint64_t>(last_ts_ns_, e.ts_ns);
  json j = {{"pid", pid}, {"tid", tid}, {"ts", micros(e.ts_ns)}};
  switch (e.kind) {
  case ZC_EV_SYSCALL:
    j["name"] = syscall_of(e.id);
    j["cat"] = "syscall";
    j["args"] = {{"ret", e.value}};
    if (e.aux) {
      j["ph"] = "X";
      j["dur"] = micros(e.aux);
    } else {
      j["ph"] = "i";
      j["s"] = "t";
    }
    break;
  case ZC_EV_PAYLOAD: {
    const CopySite *site = find_copy_site(e.site);
    const bool cpu_copy = e.dir == ZC_DIR_USER_TO_KERNEL || e.dir == ZC_DIR_KERNEL_TO_USER ||
                          e.dir == ZC_DIR_KERNEL_TO_KERNEL;
    j["ph"] = "i";
    j["s"] = "t";
    j["cat"] = "copy";
    j["name"] = site ? site->name : "site " + std::to_string(e.site);
    j["args"] = {{"bytes", e.value},
                 {"direction", direction_name(e.dir)},
                 {"cpu_copy", cpu_copy},
                 {"syscall", syscall_of(e.id)},
                 {"role", role_name(e.role)}};
    write(j.dump(-1, ' ', false, json::error_handler_t::replace));
    if (cpu_copy) {
      copied_[e.tgid] += static_cast<std::uint64_t>(e.value);
      write(json{{"ph", "C"},
                 {"pid", e.tgid},
                 {"name", "CPU-copied bytes"},
                 {"ts", micros(e.ts_ns)},
                 {"args", {{"bytes", copied_[e.tgid]}}}}
                .dump(-1, ' ', false, json::error_handler_t::replace));
    }
    return;
  }
  case ZC_EV_FAULT:
    j["ph"] = "i";
    j["s"] = "t";
    j["cat"] = "fault";
    j["name"] = e.site == ZC_FAULT_KERNEL ? "page fault (kernel mode)" : "page fault (user mode)";
    j["args"] = {{"address", e.aux}, {"error_code", e.value}, {"syscall", syscall_of(e.id)}};
    break;
  case ZC_EV_SWITCH:
    j["ph"] = "i";
    j["s"] = "t";
    j["cat"] = "sched";
    j["name"] =
        e.site == ZC_SWITCH_VOLUNTARY ? "switch out (voluntary)" : "switch out (involuntary)";
    j["args"] = {{"prev_state", e.aux}, {"syscall", syscall_of(e.id)}};
    break;
  default:
    j["ph"] = "i";
    j["s"] = "t";
    j["cat"] = "device";
    j["name"] = device_event_name(e);
    j["args"] = {{"bytes", e.value}, {"role", role_name(e.role)}};
    if (e.kind == ZC_EV_BLOCK)
      j["args"]["sector"] = e.aux;
    break;
  }
  write(j.dump(-1, ' ', false, json::error_handler_t::replace));
}

void ChromeTrace::finish(const StreamStats &events, const std::string &note) {
  close(&events, false, note);
}

void ChromeTrace::finish_partial(const std::string &why) { close(nullptr, true, why); }

void ChromeTrace::close(const StreamStats *events, bool partial, const std::string &note) {
  if (closed_)
    return;
  closed_ = true;
  json other = {{"partial", partial}, {"note", note.empty() ? json(nullptr) : json(note)}};
  if (events) {
    json by_kind = json::object();
    for (const auto &[kind, n] : events->lost_by_kind)
      by_kind[kind] = n;
    other["events"] = {{"streamed", events->submitted},
                       {"received", events->received},
                       {"written", written_},
                       {"lost", events->lost},
                       {"lost_by_kind", by_kind}};
    // Lost events have no time: one marker at the end says how many.
    if (events->lost)
      write(json{{"ph", "i"},
                 {"s", "g"},
                 {"pid", 0},
                 {"tid", 0},
                 {"ts", micros(last_ts_ns_)},
                 {"name", "lost events: " + std::to_string(events->lost)},
                 {"cat", "zctrace"},
                 {"args", {{"lost", events->lost}}}}
                .dump(-1, ' ', false, json::error_handler_t::replace));
  } else {
    other["events"] = {{"written", written_}, {"lost", nullptr}};
  }
  buffer_ +=
      "\n],\"otherData\":" + other.dump(-1, ' ', false, json::error_handler_t::replace) + "}\n";
  out_.write(buffer_);
  buffer_.clear();
  out_.commit();
}

} // namespace zc
