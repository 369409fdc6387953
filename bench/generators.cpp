// zctrace's own generators, untraced, against iperf3 moving the same bytes
// in the same chunks over loopback, from a file of the same size in the
// page cache (iperf3 -F): sendfile against `iperf3 -F FILE -Z` (sendfile
// from the file), read_write against `iperf3 -F FILE` (read, then write).
// Without -F, iperf3 sends one chunk-sized buffer again and again, hot in
// the CPU's cache, which is not the same work. Alternating rounds; each
// side times itself (zctrace: first workload process start to last end;
// iperf3: its client's sum_sent.seconds). zctrace's sink still verifies
// every byte (CRC32C); iperf3's server reads and discards.
//
//   zctrace-bench-generators [--size 256M] [--chunk 64K] [--rounds 7]
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "error.h"
#include "interrupt.h"
#include "measure.h"
#include "run_session.h"
#include "units.h"

namespace {

// iperf3's own figure for one client run.
double iperf3_mib_per_s(const std::string &file, std::uint64_t size, std::uint64_t chunk,
                        bool zerocopy, int port) {
  zc::bench::Output out;
  std::vector<std::string> argv = {"iperf3",
                                   "-c",
                                   "127.0.0.1",
                                   "-p",
                                   std::to_string(port),
                                   "-n",
                                   std::to_string(size),
                                   "-l",
                                   std::to_string(chunk),
                                   "-F",
                                   file,
                                   "-J"};
  if (zerocopy)
    argv.push_back("-Z");
  zc::bench::Child child(argv, out);
  child.release();
  const int st = child.wait();
  const std::string text = out.text();
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
    throw zc::Error("iperf3 failed: " + text.substr(0, 400));
  const auto j = nlohmann::json::parse(text.substr(text.find('{')));
  const auto &sent = j.at("end").at("sum_sent");
  return zc::bench::mib_per_s(sent.at("bytes").get<double>(), sent.at("seconds").get<double>());
}

// A file of `size` bytes for iperf3 -F, read once so that it is in the page
// cache like zctrace's warm data file; removed with the bench.
class SourceFile {
public:
  explicit SourceFile(std::uint64_t size) {
    char name[] = "/var/tmp/zctrace-bench-iperf3.XXXXXX";
    const int fd = mkstemp(name);
    if (fd < 0)
      zc::throw_errno("creating iperf3's source file");
    path_ = name;
    std::vector<char> block(1 << 20);
    for (std::size_t i = 0; i < block.size(); ++i)
      block[i] = static_cast<char>(i * 2654435761u >> 24);
    for (std::uint64_t done = 0; done < size;) {
      const std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), size - done));
      if (write(fd, block.data(), n) != static_cast<ssize_t>(n))
        zc::throw_errno("writing iperf3's source file");
      done += n;
    }
    close(fd);
  }
  ~SourceFile() { unlink(path_.c_str()); }
  const std::string &path() const { return path_; }

private:
  std::string path_;
};

} // namespace

int main(int argc, char **argv) {
  try {
    CLI::App app{"zctrace-bench-generators: zctrace's untraced generators against iperf3"};
    std::string size_text = "256M", chunk_text = "64K";
    int rounds = 7;
    app.add_option("--size", size_text, "bytes per transfer (default 256M)");
    app.add_option("--chunk", chunk_text, "bytes per call (default 64K)");
    app.add_option("--rounds", rounds, "rounds (default 7)")->check(CLI::Range(3, 1000));
    CLI11_PARSE(app, argc, argv);
    const std::uint64_t size = zc::parse_size(size_text), chunk = zc::parse_size(chunk_text);
    zc::install_interrupt_handlers();
    const int port = 5398;
    zc::bench::Iperf3Server server(port);
    const SourceFile file(size);

    std::printf("%d alternating rounds, %s in %s chunks over loopback, warm cache\n\n", rounds,
                zc::format_size(size).c_str(), zc::format_size(chunk).c_str());
    std::printf("%-11s %-12s %-26s %-26s %s\n", "zctrace", "against", "zctrace MiB/s (min..max)",
                "iperf3 MiB/s (min..max)", "ratio of medians (target >= 0.9)");
    for (const auto &[method, zerocopy] :
         std::vector<std::pair<std::string, bool>>{{"sendfile", true}, {"read_write", false}}) {
      const std::string against = zerocopy ? "iperf3 -F -Z" : "iperf3 -F";
      zc::RunRequest req = zc::make_request(method, size, chunk, "warm");
      std::vector<double> ours, theirs;
      zc::run_untraced(req); // warm the page cache, unmeasured
      iperf3_mib_per_s(file.path(), size, chunk, zerocopy, port);
      for (int r = 0; r < rounds && !zc::interrupt_requested(); ++r) {
        ours.push_back(zc::bench::mib_per_s(
            static_cast<double>(size), static_cast<double>(zc::run_untraced(req).wall_ns) / 1e9));
        theirs.push_back(iperf3_mib_per_s(file.path(), size, chunk, zerocopy, port));
      }
      std::printf("%-11s %-12s %-26s %-26s %.2f\n", method.c_str(), against.c_str(),
                  zc::bench::spread(ours, "%.0f (%.0f..%.0f)").c_str(),
                  zc::bench::spread(theirs, "%.0f (%.0f..%.0f)").c_str(),
                  zc::bench::median(ours) / zc::bench::median(theirs));
    }
    return 0;
  } catch (const std::exception &e) {
    const zc::ErrorReport r = zc::describe(e);
    std::fprintf(stderr, "zctrace-bench-generators: error: %s\n", r.message.c_str());
    return r.exit_code;
  }
}
