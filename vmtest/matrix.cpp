#include "matrix.h"

#include "units.h"

namespace zc::vmtest {

using nlohmann::json;

std::string guest_matrix_command(const MatrixParams &p) {
  auto words = [](const std::vector<std::string> &list) {
    std::string out;
    for (const auto &m : list)
      out += (out.empty() ? "" : " ") + m;
    return out;
  };
  return "net=''\n"
         "[ -e /run/netns/peer ] && net='--address 10.99.0.2 --sink-netns /run/netns/peer'\n"
         "loopback=' " +
         words(p.loopback_methods) +
         " '\n"
         "status=0\n"
         "for m in " +
         words(p.methods) +
         "; do\n"
         "  route=$net\n"
         "  case \"$loopback\" in *\" $m \"*) route='' ;; esac\n"
         "  zctrace run \"$m\" --size " +
         std::to_string(p.size) + " --chunk " + std::to_string(p.chunk) + " --cache " + p.cache +
         " --dir /var/tmp --json \"/results/$m.json\" $route > \"/results/$m.txt\" 2>&1\n"
         "  rc=$?\n"
         "  echo $rc > \"/results/$m.rc\"\n"
         "  [ $rc -ne 0 ] && [ $rc -ne 4 ] && status=1\n"
         "  echo \"zctrace-matrix: $m exited $rc\"\n"
         "done\n"
         "exit $status\n";
}

json vm_column(const Target &target, const TargetResult &r, const MatrixParams &params) {
  json col;
  col["name"] = target.name;
  col["where"] = "vm";
  col["kernel"] = r.kernel_release.empty() ? json(nullptr) : json(r.kernel_release);
  col["package"] = r.kernel_package.empty() ? json(nullptr) : json(r.kernel_package);
  col["boot_s"] = r.boot_s ? json(*r.boot_s) : json(nullptr);
  col["run_s"] = r.command_s ? json(*r.command_s) : json(nullptr);
  col["error"] = r.vm_ok ? json(nullptr) : json(r.failure);
  col["runs"] = json::object();
  for (const auto &method : params.methods) {
    const std::string want = method + ".json", log = method + ".txt", rc = method + ".rc";
    json cell = {{"error", r.vm_ok ? "no result came back" : r.failure}};
    std::string report;
    bool unavailable = false;
    for (const GuestFile &f : r.files) {
      if (f.name == log)
        report = f.data;
      if (f.name == rc)
        unavailable = f.data.rfind("4", 0) == 0;
      if (f.name != want)
        continue;
      try {
        cell = json::parse(f.data);
      } catch (const json::exception &e) {
        cell = {{"error", std::string("unreadable JSON from the guest: ") + e.what()}};
      }
    }
    // A run that failed before writing JSON says why on its last line.
    if (cell.contains("error") && !report.empty()) {
      std::string last = report;
      while (!last.empty() && last.back() == '\n')
        last.pop_back();
      last = last.substr(last.rfind('\n') == std::string::npos ? 0 : last.rfind('\n') + 1);
      cell = unavailable ? json{{"skipped", last}} : json{{"error", last}};
    }
    col["runs"][method] = std::move(cell);
  }
  return col;
}

json matrix_document(const MatrixParams &params, std::vector<json> columns) {
  return {{"schema", kMatrixSchema},
          {"params",
           {{"methods", params.methods},
            {"size", params.size},
            {"chunk", params.chunk},
            {"cache", params.cache}}},
          {"columns", std::move(columns)}};
}

} // namespace zc::vmtest
