// The integration tests load real BPF programs: they need root, and fail
// (rather than skip) without it, so a misconfigured CI cannot pass silently.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

// A program for `zctrace trace` to follow into its threads: N threads each
// pread() the whole file in 64 KiB calls.
int read_in_threads(const char *path, int threads) {
  const int fd = open(path, O_RDONLY);
  if (fd < 0)
    return 1;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([fd] {
      std::vector<char> buf(1 << 16);
      off_t off = 0;
      ssize_t n;
      while ((n = pread(fd, buf.data(), buf.size(), off)) > 0)
        off += n;
    });
  for (auto &t : pool)
    t.join();
  close(fd);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  if (argc == 4 && std::string(argv[1]) == "--read-in-threads")
    return read_in_threads(argv[2], std::atoi(argv[3]));
  ::testing::InitGoogleTest(&argc, argv);
  if (geteuid() != 0 && !::testing::GTEST_FLAG(list_tests)) {
    std::fprintf(stderr, "zctrace integration tests load BPF programs: run them as root\n");
    return 1;
  }
  return RUN_ALL_TESTS();
}
