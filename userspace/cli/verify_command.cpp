// zctrace verify: the articles' claims against runs on this host and, with
// --vmtest, inside every vmtest target (each guest runs zctrace verify and
// sends its JSON back).
#include <algorithm>
#include <iostream>
#include <map>

#include "claims.h"
#include "commands.h"
#include "interrupt.h"
#include "json_file.h"
#include "kernel_features.h"
#include "preflight.h"
#include "units.h"
#include "verify.h"
#include "vm_session.h"
#include "workload.h"

namespace zc {

namespace {

using nlohmann::json;

// The chunk sizes a comparison claim is checked at: its smallest and largest.
const std::vector<std::uint64_t> kComparisonChunks = {4ull << 10, 1ull << 20};

std::string key_of(const analysis::VerifyRun &r) {
  return r.method + (r.scatter_gather ? (*r.scatter_gather ? "/sg-on" : "/sg-off") : "") +
         (r.lease ? (*r.lease ? "/lease-on" : "/lease-off") : "");
}

// The claims --claim names, or every claim.
analysis::Claims chosen_claims(const VerifyOptions &o) {
  analysis::Claims chosen = analysis::claims();
  if (o.claim_ids.empty())
    return chosen;
  std::erase_if(chosen.claims, [&](const analysis::Claim &c) {
    return std::find(o.claim_ids.begin(), o.claim_ids.end(), c.id) == o.claim_ids.end();
  });
  return chosen;
}

json verify_here(const VerifyOptions &o) {
  Features features;
  const analysis::Claims claims = chosen_claims(o);
  std::map<std::string, RunResult> runs;
  std::map<std::string, std::string> why_not;
  const auto verify_runs = analysis::verify_runs(claims);
  std::size_t steps = verify_runs.size();
  for (const analysis::Claim &c : claims.claims)
    steps += c.method.empty() ? kComparisonChunks.size() * c.methods.size() : 0;
  Progress progress(steps);
  for (const analysis::VerifyRun &vr : verify_runs) {
    if (interrupt_requested())
      throw Interrupted();
    RunRequest req = request_for(vr.method, o.conditions);
    req.scatter_gather = vr.scatter_gather;
    req.lease = vr.lease.value_or(false);
    if (!vr.scatter_gather) {
      req.address = o.address;
      req.sink_netns = o.sink_netns;
    }
    progress.begin(key_of(vr));
    try {
      runs.emplace(key_of(vr), run_traced(req, features));
      progress.end("done");
    } catch (const Interrupted &) {
      throw;
    } catch (const std::exception &e) {
      why_not[key_of(vr)] = describe(e).message;
      progress.end(why_not[key_of(vr)]);
    }
  }

  json checked = json::array();
  for (const analysis::Claim &c : claims.claims) {
    if (!c.method.empty()) {
      const std::string key = key_of(analysis::run_for(c));
      if (auto it = runs.find(key); it != runs.end())
        checked.push_back(analysis::verify_claim(c, it->second));
      else
        checked.push_back(analysis::unmeasured_claim(c, why_not[key]));
      continue;
    }
    // A comparison: its methods swept over the smallest and largest chunk,
    // warm (the disk would decide the race, not the method).
    Conditions sweep = o.conditions;
    sweep.cache = "warm";
    std::vector<analysis::SeriesPoint> points;
    for (std::uint64_t chunk : kComparisonChunks)
      for (const std::string &method : c.methods) {
        sweep.chunk = chunk;
        points.push_back(run_point(features, method, sweep, o.repeats, progress));
      }
    const json series =
        analysis::series_document("sweep", conditions_json(sweep, o.repeats), points);
    checked.push_back(analysis::verify_comparison(c, series));
  }
  json conditions = {{"size", o.conditions.size},
                     {"chunk", o.conditions.chunk},
                     {"cache", o.conditions.cache},
                     {"dir", o.conditions.fs.empty() ? json(o.conditions.dir) : json()},
                     {"fs", o.conditions.fs.empty() ? json() : json(o.conditions.fs)},
                     {"address", o.address}};
  return analysis::verify_kernel("host", running_kernel().release, std::move(checked), conditions);
}

// What a guest runs: zctrace verify across the NIC pair when the guest has one.
std::string guest_verify_command(const VerifyOptions &o) {
  std::string only;
  for (const std::string &id : o.claim_ids)
    only += " --claim " + id; // ids are checked against claims.json: no quoting needed
  return "net=''\n"
         "[ -e /run/netns/peer ] && net='--address 10.99.0.2 --sink-netns /run/netns/peer'\n"
         "zctrace verify --size " +
         std::to_string(o.conditions.size) + " --chunk " + std::to_string(o.conditions.chunk) +
         " --cache " + o.conditions.cache + " --repeat " + std::to_string(o.repeats.repeat) +
         (o.repeats.runtime_s ? " --runtime " + std::to_string(*o.repeats.runtime_s) : "") + only +
         " --dir /var/tmp --json /results/verify.json $net > /results/verify.txt 2>&1\n"
         "rc=$?\n"
         "echo \"zctrace-verify: exited $rc\"\n"
         // 5: some claim cannot be measured in this guest, 6: some figure
         // differs; the verdicts say which.
         "[ $rc -eq 0 ] || [ $rc -eq 5 ] || [ $rc -eq 6 ]\n";
}

json verify_in(const vmtest::Target &t, const vmtest::TargetResult &r) {
  std::string report;
  for (const vmtest::GuestFile &f : r.files) {
    if (f.name == "verify.txt")
      report = f.data;
    if (f.name != "verify.json")
      continue;
    try {
      json doc = json::parse(f.data);
      json kernel = doc.at("kernels").at(0);
      kernel["name"] = t.name;
      return kernel;
    } catch (const json::exception &e) {
      return {{"name", t.name},
              {"kernel", r.kernel_release},
              {"claims", json::array()},
              {"error", std::string("unreadable JSON from the guest: ") + e.what()}};
    }
  }
  return {{"name", t.name},
          {"kernel", r.kernel_release},
          {"claims", json::array()},
          {"error", r.vm_ok ? "no verdicts came back: " + report : r.failure}};
}

} // namespace

int verify_command(const VerifyOptions &o) {
  // The guests keep their files on their own NVMe disk; a filesystem on a
  // loop device there would change what their storage figures measure.
  if (o.vmtest && !o.conditions.fs.empty())
    throw UsageError("--fs applies to this host's runs, not with --vmtest (the guests keep their "
                     "files on their NVMe disk)");
  install_interrupt_handlers();
  std::vector<json> kernels;
  bool vm_failed = false;
  if (o.host) {
    require_bpf_privileges();
    require_kernel_btf();
    kernels.push_back(verify_here(o));
  }
  if (o.vmtest) {
    VmSession s = open_session(o.vm);
    for (const vmtest::Target *t : s.targets) {
      if (interrupt_requested())
        throw Interrupted();
      vmtest::Target target = *t;
      target.command = guest_verify_command(o);
      const vmtest::TargetResult r = vmtest::run_target(target, s.runner, *s.cache);
      std::cerr << "zctrace: verify in " << r.name << " ("
                << (r.kernel_release.empty() ? "?" : r.kernel_release) << ")"
                << (r.vm_ok ? "" : ": FAILED: " + r.failure) << std::endl;
      kernels.push_back(verify_in(target, r));
      vm_failed = vm_failed || kernels.back().contains("error");
    }
  }
  const json doc = analysis::verify_document(std::move(kernels));
  std::cout << analysis::render_verify(doc) << std::flush;
  if (o.json_path)
    write_json_atomically(*o.json_path, doc);
  if (vm_failed)
    throw Error("verify did not run in every vmtest target (see above)");
  // Outcomes, not errors: a script tells them apart by the status alone.
  const json &summary = doc.at("summary");
  if (!analysis::every_claim_checked(doc)) {
    std::cerr << "zctrace: verify: "
              << count_of(summary.at("cannot_be_measured").get<long long>(), "figure cannot",
                          "figures cannot")
              << " be measured here (exit " << kExitUnchecked << ")" << std::endl;
    return kExitUnchecked;
  }
  if (summary.at("differs").get<std::size_t>() > 0) {
    std::cerr << "zctrace: verify: every claim checked; "
              << count_of(summary.at("differs").get<long long>(), "figure differs",
                          "figures differ")
              << " from the articles (exit " << kExitDiffers << ")" << std::endl;
    return kExitDiffers;
  }
  return 0;
}

} // namespace zc
