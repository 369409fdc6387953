#include "run_json.h"

#include <cstdio>

#include "account_json.h"
#include "claim_check.h"
#include "method_use.h"
#include "signals.h"

namespace zc {

using nlohmann::json;

namespace {

std::string hex32(std::uint32_t v) {
  char buf[11];
  std::snprintf(buf, sizeof(buf), "0x%08x", v);
  return buf;
}

} // namespace

json to_json(const RunResult &r) {
  json j = observation_json(r);
  j["schema"] = kRunSchema;
  j["method"] = r.params.method;
  j["params"] = {
      {"size", r.params.size},
      {"chunk", r.params.chunk},
      {"cache", r.params.cache},
      {"dir", string_or_null(r.params.dir)},
      {"filesystem", r.params.filesystem},
      {"seed", r.params.seed},
      {"address", r.params.address},
      {"sink_netns", string_or_null(r.params.sink_netns)},
      {"route", r.params.route},
      {"scatter_gather", r.params.scatter_gather ? json(*r.params.scatter_gather) : json(nullptr)},
      {"io_wq", r.params.io_wq},
      {"uncached", r.params.uncached},
      {"lease", r.params.lease},
      {"sink", r.params.sink},
      {"kernel_settings", r.params.kernel_settings},
      {"fs", r.params.fs ? json{{"type", r.params.fs->type},
                                {"image_bytes", r.params.fs->image_bytes},
                                {"image_folder", r.params.fs->image_folder},
                                {"loop_device", r.params.fs->loop_device},
                                {"mkfs", r.params.fs->mkfs_command}}
                         : json(nullptr)}};
  j["integrity"] = {{"ok", r.integrity.ok},
                    {"algorithm", "crc32c"},
                    {"expected_bytes", r.integrity.expected_bytes},
                    {"received_bytes", r.integrity.received_bytes},
                    {"expected_checksum", hex32(r.integrity.expected_crc32c)},
                    {"received_checksum", hex32(r.integrity.received_crc32c)},
                    {"error", string_or_null(r.integrity.error)}};
  j["cache"] = {{"file_pages", r.cache.file_pages},
                {"resident_pages_before", r.cache.resident_before},
                {"resident_pages_after", r.cache.resident_after}};
  // The written file's extents, by FIEMAP; null for methods that write none.
  j["destination"] = nullptr;
  if (const auto &d = r.destination)
    j["destination"] = {
        {"bytes", d->bytes},
        {"shared_extent_bytes", d->shared_bytes ? json(*d->shared_bytes) : json()},
        {"why_not", string_or_null(d->why_not)},
        {"how", "FS_IOC_FIEMAP on the destination once the run was over: its extents flagged "
                "FIEMAP_EXTENT_SHARED, shared with the data file (a reflink moves no data)"}};
  json deaths = json::array();
  for (const ProcessDeath &d : r.deaths)
    deaths.push_back({{"role", d.role},
                      {"pid", d.pid},
                      {"signal", d.signal},
                      {"signal_name", signal_name(d.signal)},
                      {"core_dumped", d.core_dumped}});
  j["deaths"] = std::move(deaths);
  j["transfer"] = {
      {"wall_ns", value_json(r.transfer_wall_ns)},
      {"throughput_bytes_per_s", value_json(r.throughput_bytes_per_s)},
      {"throughput_measured", std::string("traced: with the probes attached, their cost in it") +
                                  (r.timed ? "; see timed for passes with no probe loaded"
                                           : " (--repeat N times N passes with no probe loaded)")}};
  // Timed apart with no probe loaded: null unless asked for (--repeat), as
  // transfer.throughput_measured says.
  j["timed"] = r.timed ? timing_json(*r.timed) : json();
  j["timing"] = {{"attach_ns", r.attach_ns}, {"total_ns", r.total_ns}};
  j["evidence"] = {{"transfer.wall_ns", to_json(r.transfer_wall_ns.evidence)},
                   {"transfer.throughput_bytes_per_s", to_json(r.throughput_bytes_per_s.evidence)}};
  j["source"] = to_json(r.source);
  j["sink"] = to_json(r.sink);
  return j;
}

json run_document(const RunResult &run) {
  json doc = to_json(run);
  doc["claims"] = analysis::claims_json(run);
  json seen = json::array();
  for (const analysis::MethodUse &u : analysis::method_uses(run.flows, run.process_roles))
    seen.push_back(analysis::to_json(u));
  doc["methods_seen"] = std::move(seen);
  return doc;
}

} // namespace zc
