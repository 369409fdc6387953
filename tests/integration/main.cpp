// The integration tests load real BPF programs: they need root, and fail
// (rather than skip) without it, so a misconfigured CI cannot pass silently.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

int main(int argc, char **argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (geteuid() != 0 && !::testing::GTEST_FLAG(list_tests)) {
    std::fprintf(stderr, "zctrace integration tests load BPF programs: run them as root\n");
    return 1;
  }
  return RUN_ALL_TESTS();
}
