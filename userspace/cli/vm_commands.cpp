// zctrace vmtest and zctrace matrix: other kernels under qemu.
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "claims.h"
#include "commands.h"
#include "config.h"
#include "interrupt.h"
#include "json_file.h"
#include "kernel_features.h"
#include "matrix.h"
#include "matrix_report.h"
#include "preflight.h"
#include "run_json.h"
#include "run_session.h"
#include "runner.h"
#include "vm_session.h"
#include "workload.h"

namespace zc {

namespace fs = std::filesystem;

namespace {

std::string seconds(const std::optional<double> &s) {
  if (!s)
    return "-";
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << *s << " s";
  return out.str();
}

void print_result(const vmtest::TargetResult &r) {
  std::cout << "=> " << r.name;
  if (!r.kernel_release.empty())
    std::cout << " (kernel " << r.kernel_release
              << (r.kernel_package.empty() ? "" : ", " + r.kernel_package) << ")";
  std::cout << "\n   boot " << seconds(r.boot_s) << ", command " << seconds(r.command_s)
            << ", VM total " << seconds(r.total_s);
  if (r.vm_ok)
    std::cout << ", exit " << r.exit_code << "\n";
  else
    std::cout << "\n   FAILED: " << r.failure << "\n";
  for (const auto &m : r.missing_modules)
    std::cout << "   note: module " << m << " is neither built in nor shipped by this kernel\n";
  if (!r.console_log.empty())
    std::cout << "   console: " << r.console_log.string() << "\n";
}

} // namespace

int vmtest_command(const VmtestOptions &o) {
  install_interrupt_handlers();
  VmSession s = open_session(o.vm);
  std::vector<vmtest::TargetResult> results;
  for (const vmtest::Target *t : s.targets) {
    if (interrupt_requested())
      throw Interrupted();
    results.push_back(vmtest::run_target(*t, s.runner, *s.cache));
    std::cout << results.back().command_output;
    print_result(results.back());
    std::cout << std::flush;
  }
  return vmtest::exit_status(results);
}

int matrix_command(const MatrixOptions &o) {
  install_interrupt_handlers();
  VmSession s = open_session(o.vm);
  vmtest::MatrixParams params{o.methods, o.size, o.chunk, o.cache, {}};
  for (const auto &method : o.methods)
    if (const auto *w = workloads::find_workload(method); w && w->loopback_only())
      params.loopback_methods.push_back(method);
  std::vector<nlohmann::json> columns;
  bool all_ok = true;

  if (o.host) {
    require_bpf_privileges();
    require_kernel_btf();
    Features features;
    nlohmann::json col = {{"name", "host"},
                          {"where", "host"},
                          {"kernel", running_kernel().release},
                          {"package", nullptr},
                          {"boot_s", nullptr},
                          {"error", nullptr},
                          {"runs", nlohmann::json::object()}};
    const auto start = std::chrono::steady_clock::now();
    for (const auto &method : o.methods) {
      const RunRequest req = make_request(method, o.size, o.chunk, o.cache);
      try {
        col["runs"][method] = run_document(run_traced(req, features));
      } catch (const Interrupted &) {
        throw;
      } catch (const Unavailable &e) {
        col["runs"][method] = {{"skipped", describe(e).message}};
      } catch (const std::exception &e) {
        col["runs"][method] = {{"error", describe(e).message}};
        all_ok = false;
      }
    }
    col["run_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cerr << "zctrace: host (" << running_kernel().release << ") done in "
              << seconds(col["run_s"].get<double>()) << std::endl;
    columns.push_back(std::move(col));
  }

  for (const vmtest::Target *t : s.targets) {
    if (interrupt_requested())
      throw Interrupted();
    vmtest::Target target = *t;
    target.command = vmtest::guest_matrix_command(params);
    const vmtest::TargetResult r = vmtest::run_target(target, s.runner, *s.cache);
    std::cerr << "zctrace: " << r.name << " ("
              << (r.kernel_release.empty() ? "?" : r.kernel_release) << "): boot "
              << seconds(r.boot_s) << ", runs " << seconds(r.command_s)
              << (r.vm_ok ? "" : ", FAILED: " + r.failure) << std::endl;
    all_ok = all_ok && r.vm_ok && r.exit_code == 0;
    columns.push_back(vmtest::vm_column(target, r, params));
  }

  const nlohmann::json doc = vmtest::matrix_document(params, std::move(columns));
  std::cout << analysis::render_matrix(doc) << std::flush;
  if (o.json_path)
    write_json_atomically(*o.json_path, doc);
  if (!all_ok)
    throw Error("some runs of the matrix failed (see the table)");
  return 0;
}

} // namespace zc
