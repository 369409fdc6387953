#include "matrix_report.h"

#include <functional>
#include <map>
#include <sstream>

#include "text_table.h"

namespace zc::analysis {

using nlohmann::json;

namespace {

std::string short_kind(const std::string &kind) {
  static const std::map<std::string, std::string> tags = {{"site", "site"},
                                                          {"tracepoint", "tp"},
                                                          {"derived", "drv"},
                                                          {"rusage", "ru"},
                                                          {"clock", "clk"}};
  auto it = tags.find(kind);
  return it == tags.end() ? kind : it->second;
}

class Notes {
public:
  // "[n]" for a reason, numbering each distinct reason once.
  std::string ref(const std::string &why) {
    auto it = index_.find(why);
    if (it == index_.end()) {
      it = index_.emplace(why, static_cast<int>(order_.size()) + 1).first;
      order_.push_back(why);
    }
    return "[" + std::to_string(it->second) + "]";
  }
  std::string render() const {
    std::string out;
    for (std::size_t i = 0; i < order_.size(); ++i)
      out += "[" + std::to_string(i + 1) + "] " + order_[i] + "\n";
    return out;
  }

private:
  std::map<std::string, int> index_;
  std::vector<std::string> order_;
};

const json *at_path(const json &j, const std::string &dotted) {
  const json *node = &j;
  std::size_t start = 0;
  while (true) {
    const auto dot = dotted.find('.', start);
    const std::string key = dotted.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!node->is_object() || !node->contains(key))
      return nullptr;
    node = &node->at(key);
    if (dot == std::string::npos)
      return node;
    start = dot + 1;
  }
}

std::string number(const json &v, int decimals) {
  if (v.is_number_float())
    return fixed(v.get<double>(), decimals);
  if (v.is_number_unsigned() || v.is_number_integer())
    return thousands(v.get<unsigned long long>());
  return "?";
}

// One figure of one account, or n/a with a note.
std::string figure(const json &run, const std::string &role, const std::string &path, int decimals,
                   Notes &notes, double divide_by = 0) {
  const json *account = at_path(run, role);
  const json *v = account ? at_path(*account, path) : nullptr;
  const json *ev = account ? at_path(*account, "evidence") : nullptr;
  // Passes are bytes / payload: what measured them is what measured the bytes.
  std::string ev_path = path;
  if (ev_path.ends_with(".passes"))
    ev_path = ev_path.substr(0, ev_path.size() - 7) + ".bytes";
  const json *e = ev && ev->contains(ev_path) ? &ev->at(ev_path) : nullptr;
  if (!v || v->is_null())
    return "n/a " + notes.ref(e ? e->value("how", std::string("not measured")) : "not measured");
  std::string text =
      divide_by > 0 ? fixed(v->get<double>() / divide_by, decimals) : number(*v, decimals);
  if (e)
    text += " " + short_kind(e->value("kind", std::string()));
  return text;
}

std::string pair(const json &run, const std::string &role, const std::string &a,
                 const std::string &b, Notes &notes) {
  const std::string x = figure(run, role, a, 0, notes), y = figure(run, role, b, 0, notes);
  return x + " / " + y;
}

} // namespace

std::string render_matrix(const json &m) {
  const json &params = m.at("params");
  const auto chunks = static_cast<double>(
      (params.at("size").get<std::uint64_t>() + params.at("chunk").get<std::uint64_t>() - 1) /
      params.at("chunk").get<std::uint64_t>());
  std::vector<std::string> header = {""};
  for (const auto &col : m.at("columns"))
    header.push_back(col.at("name").get<std::string>() + " (" +
                     (col.at("kernel").is_null() ? "?" : col.at("kernel").get<std::string>()) +
                     ")");
  TextTable t(header);
  Notes notes;

  struct Row {
    const char *label;
    std::function<std::string(const json &)> cell;
  };
  const std::vector<Row> rows = {
      {"  CPU copy passes, source",
       [&](const json &r) { return figure(r, "source", "cpu_copy.passes", 2, notes); }},
      {"  by-reference passes, source",
       [&](const json &r) { return figure(r, "source", "by_reference.passes", 2, notes); }},
      {"  CPU copy passes, sink",
       [&](const json &r) { return figure(r, "sink", "cpu_copy.passes", 2, notes); }},
      {"  device passes, source",
       [&](const json &r) { return figure(r, "source", "device.passes", 2, notes); }},
      {"  storage bytes / DMA-mapped for them, source",
       [&](const json &r) {
         return pair(r, "source", "device.storage_bytes", "device.dma_storage_bytes", notes);
       }},
      {"  NIC bytes / DMA-mapped for them, source",
       [&](const json &r) {
         return pair(r, "source", "device.nic_bytes", "device.dma_nic_bytes", notes);
       }},
      {"  TCP bytes resent, source",
       [&](const json &r) { return figure(r, "source", "tcp.retransmitted_bytes", 0, notes); }},
      {"  mode switches per chunk, source",
       [&](const json &r) { return figure(r, "source", "mode_switches", 2, notes, chunks); }},
      {"  sched switches vol / invol, source",
       [&](const json &r) {
         return pair(r, "source", "context_switches.voluntary", "context_switches.involuntary",
                     notes);
       }},
      {"  page faults user / kernel, source",
       [&](const json &r) {
         return pair(r, "source", "page_faults.user", "page_faults.kernel", notes);
       }},
      {"  zctrace run s (attaching probes s)",
       [&](const json &r) {
         const json *t = at_path(r, "timing");
         if (!t)
           return std::string("-");
         return fixed(t->at("total_ns").get<double>() / 1e9, 2) + " (" +
                fixed(t->at("attach_ns").get<double>() / 1e9, 2) + ")";
       }},
  };

  for (const auto &method_j : params.at("methods")) {
    const std::string method = method_j.get<std::string>();
    std::vector<std::string> title = {method};
    for (const auto &col : m.at("columns")) {
      const json &run = col.at("runs").contains(method) ? col.at("runs").at(method) : json();
      std::string state;
      if (!run.is_null() && run.contains("skipped"))
        state = "skipped " + notes.ref(run.at("skipped").get<std::string>());
      else if (run.is_null() || run.contains("error"))
        state =
            "FAILED " + notes.ref(run.is_null() ? "not run" : run.at("error").get<std::string>());
      else if (!run.at("integrity").at("ok").get<bool>())
        state = "INTEGRITY FAILED";
      else
        state = "ok, " + run.at("params").value("address", std::string("127.0.0.1")) +
                (run.at("params").value("sink_netns", json()).is_null() ? " (loopback)"
                                                                        : " (via NICs)");
      title.push_back(state);
    }
    t.add(title);
    for (const Row &row : rows) {
      std::vector<std::string> cells = {row.label};
      for (const auto &col : m.at("columns")) {
        const json &run = col.at("runs").contains(method) ? col.at("runs").at(method) : json();
        cells.push_back(
            run.is_null() || run.contains("error") || run.contains("skipped") ? "" : row.cell(run));
      }
      t.add(cells);
    }
  }
  std::vector<std::string> boot = {"VM boot s"}, run = {"all runs s"};
  for (const auto &col : m.at("columns")) {
    boot.push_back(col.at("boot_s").is_null() ? "-" : fixed(col.at("boot_s").get<double>(), 1));
    run.push_back(col.at("run_s").is_null() ? "-" : fixed(col.at("run_s").get<double>(), 1));
  }
  t.add(boot);
  t.add(run);

  std::ostringstream out;
  out << "matrix: " << params.at("size").get<std::uint64_t>() << " bytes in "
      << params.at("chunk").get<std::uint64_t>() << "-byte chunks, "
      << params.at("cache").get<std::string>() << " cache\n\n"
      << t.render()
      << "\nevidence: site = at the copy site (fentry/fexit), tp = tracepoints, drv = derived, "
         "ru = rusage\n";
  for (const auto &col : m.at("columns"))
    if (!col.at("error").is_null())
      out << col.at("name").get<std::string>() << ": " << col.at("error").get<std::string>()
          << "\n";
  const std::string n = notes.render();
  if (!n.empty())
    out << "\nnotes\n" << n;
  return out.str();
}

} // namespace zc::analysis
