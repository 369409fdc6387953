// zctrace report: result files into one HTML page and a markdown summary.
#include <iostream>

#include "commands.h"
#include "error.h"
#include "html_report.h"
#include "output_file.h"
#include "result_file.h"

namespace zc {

int report_command(const ReportOptions &o) {
  const std::string md = o.markdown_path.value_or(
      o.html_path.size() > 5 && o.html_path.substr(o.html_path.size() - 5) == ".html"
          ? o.html_path.substr(0, o.html_path.size() - 5) + ".md"
          : o.html_path + ".md");
  for (const std::string &out : {o.html_path, md})
    if (const std::string problem = output_destination_problem(out); !problem.empty())
      throw UsageError("cannot write " + out + ": " + problem);
  std::vector<analysis::ResultFile> results;
  // Every input checked before any output: its JSON, its schema, and that
  // the report can use every member it reads (a wrong type names the file).
  for (const std::string &path : o.inputs) {
    analysis::ResultFile r = analysis::load_result(path);
    analysis::check_reportable(r);
    results.push_back(std::move(r));
  }
  const nlohmann::json dataset = analysis::report_dataset(results);
  write_file_atomically(o.html_path, analysis::render_html(dataset));
  write_file_atomically(md, analysis::render_markdown(dataset));
  std::cout << "zctrace report: " << results.size() << " result files, "
            << dataset.at("figures").size() << " runs, " << dataset.at("sweeps").size()
            << " sweep points, " << dataset.at("claims").size() << " claim figures -> "
            << o.html_path << ", " << md << "\n";
  return 0;
}

} // namespace zc
