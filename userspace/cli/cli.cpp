#include "cli.h"
#include "cli_docs.h"

#include <bpf/libbpf.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "claims.h"
#include "error.h"
#include "output_file.h"
#include "scratch_fs.h"
#include "text_table.h"
#include "units.h"
#include "version.h"

namespace zc {

namespace {

// Output files are checked before any work: a run is not made only to find
// that its result cannot be written.
const CLI::Validator writable_output(
    [](std::string &path) {
      if (path == "-")
        return std::string("- (standard output) is taken by --json only; name a file");
      const std::string problem = output_destination_problem(path);
      return problem.empty() ? problem : "cannot write " + path + ": " + problem;
    },
    "FILE");

// A JSON destination: a file as above, or - for standard output.
const CLI::Validator json_output(
    [](std::string &path) {
      if (path == "-")
        return std::string();
      const std::string problem = output_destination_problem(path);
      return problem.empty() ? problem : "cannot write " + path + ": " + problem;
    },
    "FILE|-");

// Seconds: more than 0 and at most a year (no 1.8e308 in a message).
const CLI::Validator seconds(
    [](std::string &text) -> std::string {
      char *end = nullptr;
      const double v = std::strtod(text.c_str(), &end);
      if (text.empty() || *end || !(v > 0) || v > 31536000)
        return "'" + text + "' is not a number of seconds above 0 and at most 31536000";
      return {};
    },
    "SECONDS");

const CLI::Validator process_id(
    [](std::string &text) -> std::string {
      char *end = nullptr;
      errno = 0;
      const long v = std::strtol(text.c_str(), &end, 10);
      if (text.empty() || *end || errno || v < 1 || v > 4194304)
        return "'" + text + "' is not a process id (1 to 4194304)";
      return {};
    },
    "PID");

const CLI::Validator unsigned_number(
    [](std::string &text) -> std::string {
      if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
        return "'" + text + "' is not a whole number of 0 or more";
      return {};
    },
    "N");

std::string join(const std::vector<std::string> &items) {
  std::string out;
  for (const auto &s : items)
    out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Why `text` is not a byte size, or "" when it is (a CLI11 validator).
std::string size_error(const std::string &text) {
  try {
    parse_size(text);
    return std::string();
  } catch (const UsageError &e) {
    return std::string(e.what());
  }
}

// An option holding a byte size ("64M"); parsed with zctrace's own rules.
CLI::Option *add_size(CLI::App &app, const std::string &name, std::uint64_t &target,
                      const std::string &help) {
  return app
      .add_option_function<std::string>(
          name, [&target](const std::string &text) { target = parse_size(text); }, help)
      ->check(size_error)
      ->type_name("SIZE");
}

// A comma-separated list of sizes ("4K,64K,1M").
CLI::Option *add_size_list(CLI::App &app, const std::string &name,
                           std::vector<std::uint64_t> &target, const std::string &help) {
  return app
      .add_option_function<std::vector<std::string>>(
          name,
          [&target](const std::vector<std::string> &texts) {
            target.clear();
            for (const auto &t : texts)
              target.push_back(parse_size(t));
          },
          help)
      ->delimiter(',')
      ->check(size_error)
      ->type_name("SIZE");
}

// --ringbuf-size: a power of two between 4K and 1G.
void add_no_bpf_stats(CLI::App &cmd, bool &bpf_stats) {
  cmd.add_flag_callback(
      "--no-bpf-stats", [&bpf_stats] { bpf_stats = false; },
      "do not time the probes' runs (kernel.bpf_stats_enabled); the report then says "
      "nothing of what watching cost, and each probe run is two clock reads cheaper");
}

void add_ringbuf_size(CLI::App &cmd, std::uint64_t &target) {
  add_size(cmd, "--ringbuf-size", target,
           "event ring buffer size, a power of two of at least 4K (default 4M)")
      ->check([](const std::string &text) {
        try {
          const std::uint64_t v = parse_size(text);
          if (v < 4096 || (v & (v - 1)) != 0 || v > (1ull << 30))
            return "ring buffer size " + text + " must be a power of two between 4K and 1G";
          return std::string();
        } catch (const UsageError &e) {
          return std::string(e.what());
        }
      });
}

// --cache, one meaning everywhere; the default is each command's own.
void add_cache(CLI::App &cmd, std::string &cache) {
  cmd.add_option("--cache", cache,
                 "warm: the file in the page cache; cold: dropped first, so the disk transfers "
                 "(default " +
                     cache + ")")
      ->check(CLI::IsMember({"warm", "cold"}));
}

// Where the sink listens: --address and --sink-netns; `more` says what a
// command does beside.
void add_sink_place(CLI::App &cmd, std::string &address, std::string &netns,
                    const std::string &more) {
  cmd.add_option("--address", address,
                 "IPv4 address the sink listens on and the source connects to (default " + address +
                     more + ")")
      ->type_name("ADDRESS");
  cmd.add_option("--sink-netns", netns,
                 "run the sink in this network namespace (a file such as /run/netns/NAME)")
      ->check(CLI::ExistingFile);
}

// --json: the document of a command, by its schema.
void add_json(CLI::App &cmd, std::optional<std::string> &path, const std::string &what) {
  cmd.add_option("--json", path, "write " + what + " to FILE, or - for standard output")
      ->check(json_output);
}

// Where a run's files live: --dir, or --fs (a filesystem made for each run),
// one or the other. Checked once parsing is done rather than with CLI11's
// excludes(), which would print "Excludes: --fs" into the options' help.
void add_place_of_files(CLI::App &cmd, std::string &dir, std::string &fs) {
  cmd.add_option("--dir", dir, "directory of the data file (default /var/tmp; not with --fs)")
      ->check(CLI::ExistingDirectory);
  cmd.add_option("--fs", fs,
                 "make a filesystem of this type for each run and keep the files there: an "
                 "unnamed image in /var/tmp on a loop device, mounted nowhere, gone with the "
                 "run (copy_file_range shares extents on xfs and btrfs, and copies on ext4)")
      ->check(CLI::IsMember(workloads::scratch_filesystem_types()));
  cmd.parse_complete_callback([&cmd] {
    if (cmd.count("--dir") > 0 && cmd.count("--fs") > 0)
      throw CLI::ValidationError("--fs", "not with --dir (both say where the files go)");
  });
}

// The options every command that runs methods shares. `sizes` is false for
// sweep, which takes lists of sizes and chunks instead.
void add_conditions(CLI::App &cmd, Conditions &c, bool sizes) {
  if (sizes) {
    add_size(cmd, "--size", c.size, "bytes to move per run (default 64M)");
    add_size(cmd, "--chunk", c.chunk, "bytes per call (default 64K)");
  }
  add_cache(cmd, c.cache);
  cmd.add_option_function<std::string>(
         "--sg", [&c](const std::string &v) { c.sg = v == "on"; },
         "send over a veth pair zctrace creates, with scatter-gather on or off")
      ->check(CLI::IsMember({"on", "off"}));
  cmd.add_flag("--io-wq", c.io_wq,
               "io_uring methods: submit every request to io-wq workers (IOSQE_ASYNC)");
  cmd.add_flag("--uncached", c.uncached,
               "read_write: read with preadv2(RWF_DONTCACHE), uncached buffered I/O (Linux "
               "6.14): the same copies, the file's pages dropped from the cache once read");
  cmd.add_option_function<std::string>(
         "--lease", [&c](const std::string &v) { c.lease = v == "on"; },
         "mmap_truncate: take a read lease on the file before mapping it (F_SETLEASE), so that "
         "the truncating process waits for the writer (default off)")
      ->check(CLI::IsMember({"on", "off"}));
  cmd.add_option("--sink", c.sink,
                 "how the sink consumes the stream: read() it (read, the default), read() it and "
                 "write() it to a file (read_write_file), or splice() it socket -> pipe -> file "
                 "(splice_file), as a broker's receiving side does")
      ->check(CLI::IsMember({"read", "read_write_file", "splice_file"}));
  add_place_of_files(cmd, c.dir, c.fs);
  cmd.add_option("--seed", c.seed,
                 "seed of the data file's contents (default " + std::to_string(c.seed) + ")")
      ->check(unsigned_number);
  cmd.add_option("--timeout", c.timeout_s,
                 "give up on a run after this many seconds (default " +
                     std::to_string(static_cast<long>(c.timeout_s)) + ")")
      ->check(seconds);
}

// --repeat and --runtime: the timed passes with no probe loaded.
void add_repeats(CLI::App &cmd, Repeats &r, const std::string &what = "each point") {
  cmd.add_option("--repeat", r.repeat,
                 "passes timed with no probe loaded, for " + what +
                     ", after a warm-up pass (default 6: the fewest with a 95% interval)")
      ->check(CLI::Range(1, 1000));
  cmd.add_option_function<double>(
         "--runtime", [&r](double s) { r.runtime_s = s; },
         "keep timing passes of " + what + " for this many seconds (at least --repeat of them)")
      ->check(seconds);
}

// Help as a reader wants it: one word for what an option takes (SIZE,
// SECONDS, FILE, warm|cold, N), not CLI11's TYPE:VALIDATOR pairs.
void tidy_types(CLI::App &app) {
  for (CLI::Option *o : app.get_options()) {
    if (o->get_type_size() == 0)
      continue; // a flag takes nothing
    const std::string full = o->get_type_name();
    const auto colon = full.find(':');
    const std::string base = full.substr(0, colon);
    const std::string rest = colon == std::string::npos ? "" : full.substr(colon + 1);
    std::string shown;
    if (!rest.empty() && rest.front() == '{') {
      shown = rest.substr(1, rest.find('}') - 1);
      std::replace(shown.begin(), shown.end(), ',', '|');
    } else if (rest.find(" in [") != std::string::npos) {
      shown = "N";
    } else if (!rest.empty()) {
      shown = rest.substr(0, rest.find(':'));
    } else if (o->get_positional() && o->get_lnames().empty()) {
      shown = o->get_name();
      std::transform(shown.begin(), shown.end(), shown.begin(), ::toupper);
    } else {
      shown = base == "UINT" || base == "INT" ? "N" : base == "FLOAT" ? "NUMBER" : base;
      if (shown == "TEXT")
        shown = "VALUE";
    }
    for (int i = 0;; ++i) {
      try {
        o->get_validator(i)->description("");
      } catch (const CLI::OptionNotFound &) {
        break;
      }
    }
    o->type_name(shown);
  }
  for (CLI::App *sub : app.get_subcommands({}))
    tidy_types(*sub);
}

constexpr const char *kNoHostHelp = "leave out this host: the vmtest targets' kernels alone";

// Thrown once --help-man or --bash-completion has made its text.
struct DocsReady {};

constexpr const char *kExitCodesHelp =
    "Exit status: 0 ok; 1 failure (no privileges, no BTF, a required probe missing, a "
    "workload error); 2 bad input; 3 the sink did not receive the file intact; 4 the method "
    "cannot run on this kernel; 5 verify could not measure every figure here (not an error); "
    "6 verify checked every claim and some figure differs from the articles; 130 interrupted "
    "(every probe detached first).";

} // namespace

std::string version_text() {
  return "zctrace " + zctrace_version() + " (git " + git_description() + "), libbpf " +
         libbpf_version_string();
}

Cli parse_cli(int argc, const char *const *argv, const std::vector<std::string> &methods) {
  Cli cli;
  CLI::App app{"zctrace: measure what Linux really does when a program moves data"};
  app.name("zctrace");
  app.require_subcommand(1);
  // -v and --quiet are taken before or after the subcommand.
  app.fallthrough();
  app.add_flag("-v,--verbose", cli.verbose, "print libbpf's messages to stderr");
  app.add_flag("--wide", cli.wide,
               "do not wrap tables at 100 columns (one line per row, however long)");
  app.add_flag("-q,--quiet", cli.quiet,
               "print no text report (with --json -, standard output is the JSON alone)");
  app.set_version_flag("--version", version_text(), "print zctrace's version and exit");
  app.footer(kExitCodesHelp);
  // What the build installs, made from this parser (hidden: no group).
  std::string docs;
  app.add_flag_callback("--help-man",
                        [&] {
                          docs = man_page(app, kExitCodesHelp);
                          throw DocsReady();
                        })
      ->group("");
  app.add_flag_callback("--bash-completion",
                        [&] {
                          docs = bash_completion(app, methods);
                          throw DocsReady();
                        })
      ->group("");

  auto method_known = [&methods](const std::string &m) {
    if (std::find(methods.begin(), methods.end(), m) != methods.end())
      return std::string();
    return "unknown method '" + m + "' (known: " + join(methods) + ")";
  };

  RunOptions run;
  CLI::App *run_cmd = app.add_subcommand(
      "run", "run one copy method under the probes and print its account next to the claims");
  run_cmd->add_option("method", run.method, "copy method (zctrace list)")
      ->required()
      ->check(method_known);
  add_conditions(*run_cmd, run, true);
  add_json(*run_cmd, run.json_path, "the run (zctrace.run/1)");
  add_sink_place(*run_cmd, run.address, run.sink_netns, "");
  run_cmd
      ->add_option("--require", run.require,
                   "probe name or attach point that must attach (repeatable)")
      ->type_name("PROBE");
  add_ringbuf_size(*run_cmd, run.ringbuf_bytes);
  add_no_bpf_stats(*run_cmd, run.bpf_stats);
  bool no_events = false;
  run_cmd->add_flag("--no-events", no_events,
                    "stream no events (the default: only --trace streams them, as it writes them)");
  run_cmd
      ->add_option("--trace", run.trace_path,
                   "write the event stream to FILE as a Chrome/Perfetto JSON trace")
      ->check(writable_output);
  Repeats run_repeats;
  run_repeats.repeat = 0;
  CLI::Option *run_repeat =
      run_cmd
          ->add_option("--repeat", run_repeats.repeat,
                       "also time N passes with no probe loaded (after a warm-up pass): "
                       "throughput and CPU time with their spread, the watching left out")
          ->check(CLI::Range(1, 1000));
  CLI::Option *run_runtime =
      run_cmd
          ->add_option_function<double>(
              "--runtime", [&run_repeats](double sec) { run_repeats.runtime_s = sec; },
              "keep timing passes with no probe loaded for this many seconds")
          ->check(seconds);

  TraceOptions trace;
  CLI::App *trace_cmd = app.add_subcommand(
      "trace", "account any program: `trace -- COMMAND ARGS...` or `trace --pid PID --duration S`");
  trace_cmd->add_option("command", trace.command, "the command to run and trace (after --)");
  trace_cmd
      ->add_option("--pid", trace.pids,
                   "trace this running process, its threads and every process descended from "
                   "it (repeatable)")
      ->check(process_id);
  trace_cmd
      ->add_option("--user", trace.user,
                   "run the command as this user, with its groups (default: as root)")
      ->type_name("USER");
  trace_cmd->add_option("--duration", trace.duration_s, "seconds to trace")->check(seconds);
  add_json(*trace_cmd, trace.json_path, "the account (zctrace.trace/1)");
  trace_cmd
      ->add_option("--trace", trace.trace_path,
                   "write the event stream to FILE as a Chrome/Perfetto JSON trace")
      ->check(writable_output);
  add_ringbuf_size(*trace_cmd, trace.ringbuf_bytes);
  trace_cmd->add_flag(
      "--bpf-stats", trace.bpf_stats,
      "time the probes' runs (kernel.bpf_stats_enabled) and say what watching cost; off by "
      "default: it costs every process on the machine two clock reads per probe run");

  ProbesOptions probes;
  CLI::App *probes_cmd = app.add_subcommand(
      "probes", "show which probes attach on this kernel, through what, and why the rest do not");
  add_json(*probes_cmd, probes.json_path, "the probe reports (zctrace.probes/1)");

  auto add_vm_options = [](CLI::App &cmd, VmOptions &vm) {
    cmd.add_option("-c,--config", vm.config,
                   "vmtest.toml (default ./vmtest.toml, else vmtest/vmtest.toml)")
        ->type_name("FILE");
    cmd.add_option("-f,--filter", vm.filter, "run only targets whose name matches this regex")
        ->type_name("REGEX");
    cmd.add_option("--out", vm.out_dir, "where each target's console log and files go")
        ->type_name("DIR");
    cmd.add_option("--cache-dir", vm.cache_dir,
                   "where kernels are kept (default $ZCTRACE_CACHE or /var/cache/zctrace)")
        ->type_name("DIR");
    cmd.add_option("--guest-zctrace", vm.guest_zctrace,
                   "static zctrace for the guests (default: zctrace-static next to zctrace)")
        ->type_name("FILE");
    cmd.add_flag("--kvm", vm.kvm, "use KVM instead of TCG software emulation");
    // Not --timeout: that is how long a run may take, in every command that runs one.
    cmd.add_option("--vm-timeout", vm.timeout_s,
                   "seconds before a VM is killed (default: each target's own)")
        ->check(seconds);
  };
  VmtestOptions vmtest;
  CLI::App *vmtest_cmd = app.add_subcommand(
      "vmtest", "run vmtest.toml targets (danobi/vmtest's schema) in other kernels under qemu");
  add_vm_options(*vmtest_cmd, vmtest.vm);

  MatrixOptions matrix;
  CLI::App *matrix_cmd = app.add_subcommand(
      "matrix",
      "run the methods in every vmtest target and on this host; one table across kernels");
  add_vm_options(*matrix_cmd, matrix.vm);
  matrix_cmd->add_option("--methods", matrix.methods, "methods (default: all)")
      ->delimiter(',')
      ->type_name("METHOD")
      ->check(method_known);
  add_size(*matrix_cmd, "--size", matrix.size, "bytes to move per run (default 64M)");
  add_size(*matrix_cmd, "--chunk", matrix.chunk, "bytes per call (default 64K)");
  add_cache(*matrix_cmd, matrix.cache);
  matrix_cmd->add_flag_callback(
      "--no-host", [&matrix] { matrix.host = false; }, kNoHostHelp);
  add_json(*matrix_cmd, matrix.json_path, "the matrix (zctrace.matrix/1)");

  CrosscheckOptions cross;
  CLI::App *cross_cmd = app.add_subcommand(
      "crosscheck",
      "compare every figure of each method that has an independent route with it (within 1%)");
  cross_cmd->add_option("methods", cross.methods, "methods (default: all)")->check(method_known);
  add_size(*cross_cmd, "--size", cross.size, "bytes to move per run (default 64M)");
  add_size(*cross_cmd, "--chunk", cross.chunk, "bytes per call (default 64K)");
  add_cache(*cross_cmd, cross.cache);
  cross_cmd->add_flag("--bpftrace", cross.bpftrace,
                      "also count with bpftrace on the same tracepoints");
  add_json(*cross_cmd, cross.json_path, "the checks (zctrace.crosscheck/1)");

  // "all" or method names.
  auto methods_or_all = [&](const std::string &m) {
    return m == "all" ? std::string() : method_known(m);
  };
  auto expand = [&methods](std::vector<std::string> chosen) {
    if (std::find(chosen.begin(), chosen.end(), "all") != chosen.end())
      return methods;
    return chosen;
  };

  // compare and sweep: methods (or all), conditions, repeats, JSON.
  auto add_series = [&](CLI::App &cmd, std::vector<std::string> &chosen, Conditions &c,
                        Repeats &repeats, std::optional<std::string> &json_path,
                        const std::string &schema, bool sizes) {
    cmd.add_option("methods", chosen, "methods, or all")->required()->check(methods_or_all);
    add_conditions(cmd, c, sizes);
    add_repeats(cmd, repeats);
    add_json(cmd, json_path, "the results (" + schema + ")");
  };
  CompareOptions compare;
  CLI::App *compare_cmd = app.add_subcommand(
      "compare", "run methods one after another under the same conditions; one table, one JSON");
  add_series(*compare_cmd, compare.methods, compare, compare.repeats, compare.json_path,
             "zctrace.compare/1", true);

  SweepOptions sweep;
  CLI::App *sweep_cmd = app.add_subcommand(
      "sweep", "run methods across message and chunk sizes: where each one wins");
  add_series(*sweep_cmd, sweep.methods, sweep, sweep.repeats, sweep.json_path, "zctrace.sweep/1",
             false);
  add_size_list(*sweep_cmd, "--size", sweep.sizes,
                "bytes to move per run, several or a comma-separated list (default 64M)");
  add_size_list(*sweep_cmd, "--chunk", sweep.chunks,
                "bytes per call, several or a comma-separated list (default 4K,64K,1M)");

  VerifyOptions verify;
  verify.conditions.size = 16ull << 20;
  verify.conditions.cache = "cold";
  CLI::App *verify_cmd = app.add_subcommand(
      "verify", "check every claim of the articles against runs: holds, differs, or cannot be "
                "measured here, and why");
  add_size(*verify_cmd, "--size", verify.conditions.size, "bytes to move per run (default 16M)");
  add_size(*verify_cmd, "--chunk", verify.conditions.chunk, "bytes per call (default 64K)");
  add_cache(*verify_cmd, verify.conditions.cache);
  add_place_of_files(*verify_cmd, verify.conditions.dir, verify.conditions.fs);
  add_sink_place(*verify_cmd, verify.address, verify.sink_netns,
                 "; claims with a route condition make their own");
  add_repeats(*verify_cmd, verify.repeats, "each method of a comparison claim");
  verify_cmd
      ->add_option("--claim", verify.claim_ids,
                   "check this claim alone (its id in analysis/claims.json; repeatable; "
                   "default: every claim)")
      ->type_name("ID")
      ->check([](const std::string &id) {
        if (analysis::claims().find(id))
          return std::string();
        std::string known;
        for (const analysis::Claim &c : analysis::claims().claims)
          known += (known.empty() ? "" : ", ") + c.id;
        return "unknown claim '" + id + "' (claims: " + known + ")";
      });
  verify_cmd->add_flag("--vmtest", verify.vmtest,
                       "also verify inside every vmtest target's kernel under qemu");
  verify_cmd->add_flag_callback(
      "--no-host", [&verify] { verify.host = false; }, kNoHostHelp);
  add_vm_options(*verify_cmd, verify.vm);
  add_json(*verify_cmd, verify.json_path, "the verdicts (zctrace.verify/1)");

  ReportOptions report;
  CLI::App *report_cmd = app.add_subcommand(
      "report", "turn run, compare, sweep, matrix, verify and trace JSON into one HTML page "
                "with charts, and a markdown summary");
  report_cmd->add_option("results", report.inputs, "result files (JSON)")->required();
  report_cmd
      ->add_option("-o,--output", report.html_path, "the HTML page (default zctrace-report.html)")
      ->check(writable_output);
  report_cmd
      ->add_option("--markdown", report.markdown_path,
                   "the markdown summary (default: the HTML path with .md)")
      ->check(writable_output);

  CLI::App *list_cmd =
      app.add_subcommand("list", "list the copy methods and what the articles claim for each");

  // CLI11 would only say "a subcommand is required": name the stray word.
  std::vector<std::string> commands;
  for (const CLI::App *sub : app.get_subcommands({}))
    commands.push_back(sub->get_name());
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.empty() || word[0] == '-')
      continue;
    if (std::find(commands.begin(), commands.end(), word) == commands.end())
      throw UsageError("unknown command '" + word + "' (commands: " + join(commands) + ")");
    break;
  }

  try {
    tidy_types(app);
    app.parse(argc, argv);
  } catch (const DocsReady &) {
    cli.done = true;
    cli.output = docs;
    return cli;
  } catch (const CLI::CallForVersion &e) {
    cli.done = true;
    cli.output = std::string(e.what()) + "\n";
    return cli;
  } catch (const CLI::CallForHelp &) {
    // The help of the subcommand asked about, if any.
    const CLI::App *about = &app;
    for (const CLI::App *sub : app.get_subcommands())
      about = sub;
    cli.done = true;
    cli.output = analysis::wrap_lines(about->help());
    return cli;
  } catch (const CLI::CallForAllHelp &) {
    cli.done = true;
    cli.output = analysis::wrap_lines(app.help("", CLI::AppFormatMode::All));
    return cli;
  } catch (const CLI::ParseError &e) {
    throw UsageError(e.what());
  }

  if (run_cmd->parsed()) {
    run.stream_events = run.trace_path.has_value() && !no_events;
    if (no_events && run.trace_path)
      throw UsageError("--trace writes the event stream: it cannot go with --no-events");
    if (run_repeat->count() || run_runtime->count()) {
      if (!run_repeat->count())
        run_repeats.repeat = 1;
      run.timed = run_repeats;
    }
    cli.command = run;
  } else if (trace_cmd->parsed()) {
    cli.command = trace;
  } else if (probes_cmd->parsed()) {
    cli.command = probes;
  } else if (list_cmd->parsed()) {
    cli.command = ListOptions{};
  } else if (vmtest_cmd->parsed()) {
    cli.command = vmtest;
  } else if (cross_cmd->parsed()) {
    if (cross.methods.empty())
      cross.methods = methods;
    cli.command = cross;
  } else if (compare_cmd->parsed()) {
    compare.methods = expand(compare.methods);
    cli.command = compare;
  } else if (sweep_cmd->parsed()) {
    sweep.methods = expand(sweep.methods);
    if (sweep.sizes.empty())
      sweep.sizes = {sweep.size};
    if (sweep.chunks.empty())
      sweep.chunks = {4ull << 10, 64ull << 10, 1ull << 20};
    cli.command = sweep;
  } else if (report_cmd->parsed()) {
    cli.command = report;
  } else if (verify_cmd->parsed()) {
    if (!verify.host && !verify.vmtest)
      throw UsageError("--no-host leaves nothing to verify without --vmtest");
    cli.command = verify;
  } else if (matrix_cmd->parsed()) {
    if (matrix.methods.empty())
      matrix.methods = methods;
    cli.command = matrix;
  }
  return cli;
}

} // namespace zc
