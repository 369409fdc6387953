// The spread of repeated measurements of one figure: median, extremes and a
// confidence interval for the median that assumes nothing of the
// distribution (run times on a shared machine are skewed, with outliers
// from other work, so a mean and a normal interval would mislead).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace zc {

struct Interval {
  double low = 0;
  double high = 0;
  double confidence = 0; // its exact coverage, >= 0.95
};

struct Spread {
  std::size_t n = 0;
  double median = 0;
  double min = 0;
  double max = 0;
  std::optional<Interval> interval; // none below kMinForInterval values
  std::string no_interval;          // why there is none
};

// Below 6 values no pair of order statistics covers the median with 95%:
// with 5, the min and max cover it with 1 - 2/32 = 93.75%.
inline constexpr std::size_t kMinForInterval = 6;

double median_of(std::vector<double> values);

// Order statistics x(k) and x(n+1-k) with the largest k for which
// P(Binomial(n, 1/2) < k) <= 2.5%: a distribution-free interval of at least
// 95% for the median (with 6 or 7 values that is the min and the max).
// `values` must not be empty.
Spread spread_of(std::vector<double> values);

// Whether two intervals tell their medians apart: -1 if `a` lies wholly
// below `b`, 1 if wholly above, 0 if they overlap (or either is missing).
int compare_intervals(const Spread &a, const Spread &b);

} // namespace zc
