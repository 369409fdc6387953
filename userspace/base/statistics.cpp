#include "statistics.h"

#include <algorithm>
#include <stdexcept>

namespace zc {

namespace {

double median_of_sorted(const std::vector<double> &v) {
  if (v.empty())
    throw std::invalid_argument("the median of no values");
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

} // namespace

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return median_of_sorted(v);
}

Spread spread_of(std::vector<double> v) {
  Spread s;
  std::sort(v.begin(), v.end());
  s.median = median_of_sorted(v);
  s.n = v.size();
  s.min = v.front();
  s.max = v.back();
  if (s.n < kMinForInterval) {
    s.no_interval = std::to_string(s.n) + (s.n == 1 ? " run gives" : " runs give") +
                    " no 95% interval for a median (it takes at least " +
                    std::to_string(kMinForInterval) + ")";
    return s;
  }
  // P(X <= i) for X ~ Binomial(n, 1/2), accumulated term by term.
  double p = 1.0, below = 0; // p: P(X = i); below: P(X < k) for the k kept
  for (std::size_t i = 0; i < s.n; ++i)
    p /= 2;
  std::size_t k = 0;
  for (std::size_t i = 0; i < s.n; ++i) {
    if (below + p > 0.025) // x(i + 1) would leave more than 2.5% outside
      break;
    below += p;
    k = i + 1;
    p = p * static_cast<double>(s.n - i) / static_cast<double>(i + 1);
  }
  s.interval = Interval{v[k - 1], v[s.n - k], 1 - 2 * below};
  return s;
}

int compare_intervals(const Spread &a, const Spread &b) {
  if (!a.interval || !b.interval)
    return 0;
  if (a.interval->high < b.interval->low)
    return -1;
  if (a.interval->low > b.interval->high)
    return 1;
  return 0;
}

} // namespace zc
