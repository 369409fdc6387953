// libFuzzer target: any bytes as a result file, through everything
// `zctrace report` does with one (parse with the depth limit, schema and
// member checks, the dataset, the HTML page and the markdown). What zctrace
// refuses with a one-line error (zc::Error) is a right answer; anything
// else escaping, a crash or a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "error.h"
#include "html_report.h"
#include "result_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string text(reinterpret_cast<const char *>(data), size);
  try {
    const zc::analysis::ResultFile r = zc::analysis::parse_result("input.json", text);
    zc::analysis::check_reportable(r);
    const nlohmann::json dataset = zc::analysis::report_dataset({r});
    (void)zc::analysis::render_html(dataset);
    (void)zc::analysis::render_markdown(dataset);
  } catch (const zc::Error &) {
    // `zctrace report` prints it on one line and exits 2.
  }
  return 0;
}
