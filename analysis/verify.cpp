#include "verify.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "claim_check.h"
#include "method_use.h"
#include "signals.h"
#include "text_table.h"
#include "units.h"

namespace zc::analysis {

using nlohmann::json;

namespace {

double passes(std::uint64_t bytes, std::uint64_t size) {
  return size ? static_cast<double>(bytes) / static_cast<double>(size) : 0;
}

std::uint64_t chunks_of(const RunParams &p) {
  return p.chunk ? (p.size + p.chunk - 1) / p.chunk : 0;
}

json check(const std::string &figure, json claimed, json measured, const std::string &verdict,
           const std::string &why, const std::string &how) {
  return {{"figure", figure},
          {"claimed", std::move(claimed)},
          {"measured", std::move(measured)},
          {"verdict", verdict},
          {"why", why.empty() ? json() : json(why)},
          {"how", how}};
}

std::string verdict_of(double measured, double claimed, double tolerance = kTolerance) {
  return std::fabs(measured - claimed) <= tolerance ? kHolds : kDiffers;
}

// The source's CPU-copy sites, largest first: "tcp_sendmsg 1.00, xmit_linearize 1.00".
std::string copy_sites_text(const RunResult &r) {
  std::map<std::string, std::uint64_t> by_site;
  for (const SiteRow &row : r.source.cpu_copy.by_site)
    if (row.cpu_copy)
      by_site[row.site] += row.bytes;
  std::string out;
  for (const auto &[site, bytes] : by_site)
    if (passes(bytes, r.params.size) >= 0.005)
      out += (out.empty() ? "" : ", ") + site + " " + fixed(passes(bytes, r.params.size), 2);
  return out.empty() ? "no copy site" : out;
}

bool copied_at(const RunResult &r, const std::string &site) {
  for (const SiteRow &row : r.source.cpu_copy.by_site)
    if (row.cpu_copy && row.site == site && passes(row.bytes, r.params.size) >= 0.5)
      return true;
  return false;
}

json cpu_copies(const Claim &c, const RunResult &r) {
  const std::string how = "source cpu_copy.passes: bytes the CPU copied on the sending side / "
                          "payload size";
  const Ratio &p = r.source.cpu_copy.passes;
  if (!p.value)
    return check("cpu_copies", *c.cpu_copies, nullptr, kUnmeasured,
                 "not every copy site can be watched on this kernel: " + p.evidence.how, how);
  const std::string verdict = verdict_of(*p.value, *c.cpu_copies);
  std::string why;
  if (verdict == kDiffers) {
    why = "the source copied at " + copy_sites_text(r);
    if (copied_at(r, "xmit_linearize"))
      why += ": the route (" + r.params.route +
             ") has no scatter-gather, so the stack copied the paged bytes into linear buffers "
             "before the device";
    else if (*p.value < *c.cpu_copies && r.params.scatter_gather.value_or(false))
      why += ": the route (" + r.params.route +
             ") has scatter-gather, so the socket took the pages by reference";
    else if (*p.value > *c.cpu_copies)
      why += ", more than the claim counts";
  }
  return check("cpu_copies", *c.cpu_copies, *p.value, verdict, why, how);
}

json dma_copies(const Claim &c, const RunResult &r) {
  const std::string how = "source device passes: storage bytes (the bios it queued) + NIC bytes "
                          "(transmits to a device with a parent, headers included) / payload "
                          "size; holds within " +
                          fixed(kDeviceTolerance, 2);
  const Account &a = r.source;
  if (!a.device.storage_bytes.value || !a.device.nic_bytes.value)
    return check("dma_copies", *c.dma_copies, nullptr, kUnmeasured,
                 "the device probes are not attached: " + a.device.bytes.evidence.how, how);
  const double storage = passes(*a.device.storage_bytes.value, r.params.size);
  const double nic = passes(*a.device.nic_bytes.value, r.params.size);
  const json measured = {{"storage", storage}, {"nic", nic}, {"total", storage + nic}};
  if (nic < 0.5 && a.device.virtual_bytes.value.value_or(0) > 0)
    return check("dma_copies", *c.dma_copies, measured, kUnmeasured,
                 "the route (" + r.params.route +
                     ") has no NIC, so the network half cannot happen here; storage moved " +
                     fixed(storage, 2) + " passes (" + r.params.cache + " cache)",
                 how);
  const std::string verdict = verdict_of(storage + nic, *c.dma_copies, kDeviceTolerance);
  std::string why;
  if (verdict == kDiffers)
    why = "storage moved " + fixed(storage, 2) + " passes (" + r.params.cache + " cache" +
          (storage < 0.5 ? ": the file was read from the page cache" : "") + ") and the NIC " +
          fixed(nic, 2);
  return check("dma_copies", *c.dma_copies, measured, verdict, why, how);
}

json mode_switches(const Claim &c, const RunResult &r) {
  const std::string how = "2 x the source's calls of the claimed syscalls / chunks (" +
                          std::to_string(chunks_of(r.params)) + " of " +
                          format_size(r.params.chunk) + ")";
  const auto chunks = chunks_of(r.params);
  if (!r.source.syscalls.total.value || chunks == 0)
    return check("context_switches", *c.context_switches, nullptr, kUnmeasured,
                 "the syscall probes are not attached", how);
  double per_chunk = 0;
  std::string calls;
  std::string hint;
  for (const std::string &name : c.syscalls) {
    const auto it = r.source.syscalls.by_name.find(name);
    const double n = it == r.source.syscalls.by_name.end()
                         ? 0
                         : static_cast<double>(it->second.count) / static_cast<double>(chunks);
    per_chunk += 2 * n;
    calls += (calls.empty() ? "" : ", ") + name + " " + fixed(n, 2);
    if (n >= 1.5)
      hint += " " + name + " needs " + fixed(n, 0) + " calls per chunk" +
              (name == "splice" ? " (file -> pipe, pipe -> socket)" : "") + ";";
    else if (n < 0.5 && n > 0)
      hint += " " + name + " is called once for the whole file, not once per buffer;";
  }
  const std::string verdict = verdict_of(per_chunk, *c.context_switches);
  std::string why;
  if (verdict == kDiffers) {
    if (!hint.empty())
      hint.pop_back();
    why = "per chunk the source called " + calls + ", two mode switches each, so " +
          fixed(per_chunk, 2) + " mode switches per chunk, not " +
          std::to_string(*c.context_switches) + (hint.empty() ? "" : ":" + hint);
  }
  return check("context_switches", *c.context_switches, per_chunk, verdict, why, how);
}

json syscalls(const Claim &c, const RunResult &r) {
  const std::string how = "the syscalls of the source's copy methods (methods_seen)";
  std::set<std::string> used;
  for (const MethodUse &u : method_uses(r.flows, r.process_roles))
    if (u.role == "source" && u.bytes > 0)
      for (const auto &[name, n] : u.calls)
        used.insert(name);
  if (used.empty())
    return check("syscalls", c.syscalls, nullptr, kUnmeasured,
                 "no data-moving syscall of the source was seen", how);
  const std::set<std::string> claimed(c.syscalls.begin(), c.syscalls.end());
  std::string missing, extra;
  for (const auto &n : claimed)
    if (!used.count(n))
      missing += (missing.empty() ? "" : ", ") + n;
  for (const auto &n : used)
    if (!claimed.count(n))
      extra += (extra.empty() ? "" : ", ") + n;
  std::string why;
  if (!missing.empty())
    why = "the source never called " + missing;
  if (!extra.empty())
    why += (why.empty() ? "" : "; ") + std::string("the source also moved data with ") + extra;
  return check("syscalls", c.syscalls, std::vector<std::string>(used.begin(), used.end()),
               why.empty() ? kHolds : kDiffers, why, how);
}

json claim_header(const Claim &c) {
  json sources = json::array();
  for (const auto &s : c.sources)
    sources.push_back({{"article", s.article}, {"line", s.line}, {"quote", s.quote}});
  return {{"id", c.id},
          {"label", c.label},
          {"method", c.method.empty() ? json() : json(c.method)},
          {"methods", c.methods},
          {"condition", c.condition ? json(*c.condition) : json()},
          {"statement", c.statement ? json(*c.statement) : json()},
          {"sources", std::move(sources)}};
}

} // namespace

VerifyRun run_for(const Claim &c) { return {c.method, c.scatter_gather, c.lease}; }

std::vector<VerifyRun> verify_runs(const Claims &claims) {
  std::vector<VerifyRun> out;
  for (const Claim &c : claims.claims)
    if (!c.method.empty() && std::find(out.begin(), out.end(), run_for(c)) == out.end())
      out.push_back(run_for(c));
  return out;
}

json verify_claim(const Claim &c, const RunResult &r) {
  json j = claim_header(c);
  j["run"] = {{"route", r.params.route},
              {"cache", r.params.cache},
              {"size", r.params.size},
              {"chunk", r.params.chunk},
              {"integrity_ok", r.integrity.ok}};
  json checks = json::array();
  if (c.cpu_copies)
    checks.push_back(cpu_copies(c, r));
  if (c.dma_copies)
    checks.push_back(dma_copies(c, r));
  if (c.context_switches)
    checks.push_back(mode_switches(c, r));
  if (!c.syscalls.empty() && c.cpu_copies)
    checks.push_back(syscalls(c, r));
  for (const Verdict &v : check_claim(c, r)) {
    const Expectation &e = *v.expectation;
    const std::string verdict = !v.holds ? kUnmeasured : *v.holds ? kHolds : kDiffers;
    if (!e.method_seen.empty())
      checks.push_back(check(e.method_seen + " on the " + e.role, expectation_json(e),
                             v.passes ? json(*v.passes) : json(), verdict,
                             verdict == kHolds ? "" : v.text,
                             "payload passes the method moved from a file to a socket, by the "
                             "descriptor flows"));
    else if (!e.signal.empty())
      checks.push_back(check(e.signal + " to the " + e.role, expectation_json(e),
                             v.count ? json(*v.count) : json(), verdict,
                             verdict == kHolds ? "" : v.text,
                             "signals the kernel generated for the process"));
    else
      checks.push_back(check(e.site + " on the " + e.role, expectation_json(e),
                             v.passes ? json(*v.passes) : json(), verdict,
                             verdict == kHolds ? "" : v.text, "passes at the copy site"));
  }
  const std::string failed =
      !r.deaths.empty() ? "the " + r.deaths.front().role + " was killed by " +
                              signal_name(r.deaths.front().signal)
      : !r.integrity.ok ? "the run's integrity check failed: " + r.integrity.error
                        : "";
  if (!failed.empty())
    for (json &ch : checks) {
      ch["verdict"] = kUnmeasured;
      ch["why"] = failed;
    }
  j["checks"] = std::move(checks);
  return j;
}

json unmeasured_claim(const Claim &c, const std::string &why) {
  json j = claim_header(c);
  j["run"] = nullptr;
  j["checks"] = json::array({check("run", nullptr, nullptr, kUnmeasured, why, "")});
  return j;
}

json verify_comparison(const Claim &c, const json &series) {
  json j = claim_header(c);
  j["run"] = {{"sweep", series.at("conditions")}};
  json checks = json::array();
  for (const json &claim : series.at("claims")) {
    if (claim.at("id") != c.id)
      continue;
    for (const json &v : claim.at("verdicts")) {
      const std::string verdict = v.at("verdict");
      json ch = check(v.at("metric").get<std::string>() + " at " +
                          format_size(v.at("chunk").get<std::uint64_t>()) + " chunks",
                      v.at("expected"), v.at("median_winner"), verdict,
                      verdict == kHolds ? "" : v.at("text").get<std::string>(),
                      "each method's median over passes with no probe loaded, told apart only "
                      "where the 95% intervals do not overlap");
      // Every method's figures, not only the winner's.
      ch["methods"] = v.at("methods");
      checks.push_back(std::move(ch));
    }
  }
  if (checks.empty())
    checks.push_back(check("winners", nullptr, nullptr, kUnmeasured,
                           "the sweep did not measure every method of the claim", ""));
  j["checks"] = std::move(checks);
  return j;
}

json verify_kernel(const std::string &name, const std::string &release, json claims,
                   const json &conditions) {
  return {{"name", name},
          {"kernel", release},
          {"conditions", conditions},
          {"claims", std::move(claims)}};
}

json verify_document(std::vector<json> kernels) {
  json doc = {{"schema", kVerifySchema},
              {"tolerance", kTolerance},
              {"device_tolerance", kDeviceTolerance},
              {"kernels", kernels}};
  std::size_t holds = 0, differs = 0, unmeasured = 0, not_told_apart = 0;
  for (const json &k : kernels)
    for (const json &c : k.at("claims"))
      for (const json &ch : c.at("checks")) {
        const std::string v = ch.at("verdict");
        holds += v == kHolds;
        differs += v == kDiffers;
        not_told_apart += v == kNotToldApart;
        unmeasured += v == kUnmeasured;
      }
  doc["summary"] = {
      {"holds", holds},
      {"differs", differs},
      {"cannot_be_told_apart", not_told_apart},
      {"cannot_be_measured", unmeasured},
      {"every_claim_checked", unmeasured == 0 && holds + differs + not_told_apart > 0}};
  return doc;
}

bool every_claim_checked(const json &doc) {
  return doc.at("summary").at("every_claim_checked").get<bool>();
}

std::string render_verify(const json &doc) {
  std::ostringstream out;
  auto value = [](const json &v) -> std::string {
    if (v.is_null())
      return "-";
    if (v.is_number_float())
      return fixed(v.get<double>(), 2);
    if (v.is_object() && v.contains("total"))
      return fixed(v.at("storage").get<double>(), 2) + " storage + " +
             fixed(v.at("nic").get<double>(), 2) + " NIC";
    if (v.is_array()) {
      std::string s;
      for (const auto &x : v)
        s += (s.empty() ? "" : " / ") + (x.is_string() ? x.get<std::string>() : x.dump());
      return s;
    }
    if (v.is_object() && (v.contains("site") || v.contains("method_seen"))) {
      std::string s = v.at("min_passes").is_null() ? "" : ">= " + v.at("min_passes").dump();
      if (!v.at("max_passes").is_null())
        s += (s.empty() ? "" : ", ") + std::string("<= ") + v.at("max_passes").dump();
      return s + " passes";
    }
    if (v.is_object() && v.contains("signal")) {
      std::string s = v.at("min_count").is_null() ? "" : ">= " + v.at("min_count").dump();
      if (!v.at("max_count").is_null())
        s += (s.empty() ? "" : ", ") + std::string("<= ") + v.at("max_count").dump();
      return s;
    }
    return v.is_string() ? v.get<std::string>() : v.dump();
  };
  for (const json &k : doc.at("kernels")) {
    out << "verify on " << k.at("name").get<std::string>() << " (kernel "
        << (k.at("kernel").is_string() ? k.at("kernel").get<std::string>() : "?") << ")\n";
    if (k.contains("error") && !k.at("error").is_null())
      out << "  FAILED: " << k.at("error").get<std::string>() << "\n";
    // One block per claim; a verdict's reason on the lines under it, so
    // that the figures keep one line each at 100 columns.
    TextTable t({"    figure", "claimed", "measured", "verdict"});
    for (const json &c : k.at("claims")) {
      t.section("  " + c.at("label").get<std::string>());
      for (const json &ch : c.at("checks")) {
        t.add({"    " + ch.at("figure").get<std::string>(), value(ch.at("claimed")),
               value(ch.at("measured")), ch.at("verdict")});
        if (!ch.at("why").is_null())
          t.section("      why: " + ch.at("why").get<std::string>());
      }
    }
    out << t.render() << "\n";
  }
  const json &s = doc.at("summary");
  auto n = [&](const char *key) { return s.value(key, 0LL); };
  out << count_of(n("holds"), "figure holds", "figures hold") << ", "
      << count_of(n("differs"), "differs", "differ") << ", " << n("cannot_be_told_apart")
      << " cannot be told apart here, " << n("cannot_be_measured") << " cannot be measured here"
      << (s.at("every_claim_checked").get<bool>() ? ": every claim was checked\n"
                                                  : ": not every claim could be checked\n");
  return out.str();
}

} // namespace zc::analysis
