// zctrace: the one place errors are printed.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "cli.h"
#include "command_tree.h"
#include "commands.h"
#include "error.h"
#include "invocation.h"
#include "libbpf_log.h"
#include "progress.h"
#include "text_table.h"
#include "workload.h"
#include "wrapped_output.h"

int main(int argc, char **argv) {
  if (argc == 5 && std::string(argv[1]) == zc::kGuardianFlag)
    zc::guardian_main(std::atoi(argv[2]), std::string(argv[3]) == "-" ? "" : argv[3],
                      static_cast<pid_t>(std::atol(argv[4])));
  zc::record_invocation(argc, argv);
  try {
    const zc::Cli cli = zc::parse_cli(argc, argv, zc::workloads::workload_names());
    if (cli.done) {
      std::cout << cli.output;
      return 0;
    }
    zc::set_libbpf_verbose(cli.verbose);
    zc::set_verbose_progress(cli.verbose);
    if (cli.wide)
      zc::analysis::set_text_width(0);
    // With --json - standard output is the JSON: the text goes to standard
    // error, or nowhere with --quiet.
    const bool json_to_stdout = std::visit(
        [](const auto &o) {
          if constexpr (requires { o.json_path; })
            return o.json_path && *o.json_path == "-";
          else
            return false;
        },
        cli.command);
    if (cli.quiet)
      std::cout.rdbuf(nullptr);
    else if (json_to_stdout)
      std::cout.rdbuf(std::cerr.rdbuf());
    zc::WrappedOutput wrapped(std::cout);
    if (const auto *run = std::get_if<zc::RunOptions>(&cli.command))
      return zc::run_command(*run);
    if (const auto *probes = std::get_if<zc::ProbesOptions>(&cli.command))
      return zc::probes_command(*probes);
    if (std::holds_alternative<zc::ListOptions>(cli.command))
      return zc::list_command();
    if (const auto *vmtest = std::get_if<zc::VmtestOptions>(&cli.command))
      return zc::vmtest_command(*vmtest);
    if (const auto *matrix = std::get_if<zc::MatrixOptions>(&cli.command))
      return zc::matrix_command(*matrix);
    if (const auto *cross = std::get_if<zc::CrosscheckOptions>(&cli.command))
      return zc::crosscheck_command(*cross);
    if (const auto *compare = std::get_if<zc::CompareOptions>(&cli.command))
      return zc::compare_command(*compare);
    if (const auto *sweep = std::get_if<zc::SweepOptions>(&cli.command))
      return zc::sweep_command(*sweep);
    if (const auto *trace = std::get_if<zc::TraceOptions>(&cli.command))
      return zc::trace_command(*trace);
    if (const auto *verify = std::get_if<zc::VerifyOptions>(&cli.command))
      return zc::verify_command(*verify);
    if (const auto *report = std::get_if<zc::ReportOptions>(&cli.command))
      return zc::report_command(*report);
    throw zc::UsageError("no command given (try zctrace --help)");
  } catch (const std::exception &e) {
    const zc::ErrorReport report = zc::describe(e);
    std::fflush(stdout);
    std::fprintf(stderr, "zctrace: error: %s\n", report.message.c_str());
    return report.exit_code;
  }
}
