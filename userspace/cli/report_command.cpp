// zctrace report: result files into one HTML page and a markdown summary.
#include <fstream>
#include <iostream>

#include "commands.h"
#include "error.h"
#include "html_report.h"
#include "result_file.h"

namespace zc {

namespace {

void write_text(const std::string &path, const std::string &text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out.flush())
      throw_errno("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw_errno("cannot rename " + tmp + " to " + path);
}

} // namespace

int report_command(const ReportOptions &o) {
  std::vector<analysis::ResultFile> results;
  for (const std::string &path : o.inputs)
    results.push_back(analysis::load_result(path)); // every input checked before any output
  const nlohmann::json dataset = analysis::report_dataset(results);
  write_text(o.html_path, analysis::render_html(dataset));
  const std::string md = o.markdown_path.value_or(
      o.html_path.size() > 5 && o.html_path.substr(o.html_path.size() - 5) == ".html"
          ? o.html_path.substr(0, o.html_path.size() - 5) + ".md"
          : o.html_path + ".md");
  write_text(md, analysis::render_markdown(dataset));
  std::cout << "zctrace report: " << results.size() << " result files, "
            << dataset.at("figures").size() << " runs, " << dataset.at("sweeps").size()
            << " sweep points, " << dataset.at("claims").size() << " claim figures -> "
            << o.html_path << ", " << md << "\n";
  return 0;
}

} // namespace zc
