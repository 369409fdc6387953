#include "html_report.h"

#include "error.h"

#include <cmath>
#include <cstring>
#include <sstream>

#include "text_table.h"
#include "units.h"

namespace zc::analysis {

using nlohmann::json;

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

// j[a][b]... or null when any step is missing.
json at_path(const json &j, std::initializer_list<const char *> path) {
  const json *node = &j;
  for (const char *key : path) {
    if (!node->is_object() || !node->contains(key))
      return nullptr;
    node = &node->at(key);
  }
  return *node;
}

json scaled(const json &v, double by) {
  return v.is_number() ? json(v.get<double>() / by) : json(nullptr);
}

// One run's row of figures (zctrace.run/1), as the source saw it.
json figure_row(const json &run, const std::string &file, const std::string &kernel) {
  const double size = at_path(run, {"params", "size"}).get<double>();
  const double chunk = at_path(run, {"params", "chunk"}).get<double>();
  const double chunks = chunk > 0 ? std::ceil(size / chunk) : 0;
  json row = {
      {"file", file},
      {"kernel", kernel},
      {"method", run.at("method")},
      {"route", at_path(run, {"params", "route"})},
      {"cache", at_path(run, {"params", "cache"})},
      {"size", size},
      {"chunk", chunk},
      {"cpu_copy_passes", at_path(run, {"source", "cpu_copy", "passes"})},
      {"by_reference_passes", at_path(run, {"source", "by_reference", "passes"})},
      {"device_passes", at_path(run, {"source", "device", "passes"})},
      {"mode_switches_per_chunk",
       chunks > 0 ? scaled(at_path(run, {"source", "mode_switches"}), chunks) : json()},
      {"throughput_mib_s", scaled(at_path(run, {"transfer", "throughput_bytes_per_s"}), kMiB)},
      {"lost_events", run.value("lost_events", json())},
      {"claimed_cpu_copies", nullptr},
      {"claimed_context_switches", nullptr}};
  if (run.contains("claims"))
    for (const json &c : run.at("claims"))
      if (!c.value("cpu_copies", json()).is_null()) {
        row["claimed_cpu_copies"] = c.at("cpu_copies");
        row["claimed_context_switches"] = c.value("context_switches", json());
        break;
      }
  return row;
}

std::string kernel_of_run(const json &run) {
  const json r = at_path(run, {"kernel", "release"});
  return r.is_string() ? r.get<std::string>() : "?";
}

std::string text_of(const json &v) {
  if (v.is_null())
    return "-";
  if (v.is_string())
    return v.get<std::string>();
  if (v.is_number_float()) {
    std::ostringstream out;
    out.precision(3);
    out << v.get<double>();
    return out.str();
  }
  if (v.is_array()) {
    std::string s;
    for (const json &x : v)
      s += (s.empty() ? "" : " / ") + text_of(x);
    return s;
  }
  if (v.is_object() && v.contains("total"))
    return text_of(v.at("storage")) + " storage + " + text_of(v.at("nic")) + " NIC";
  if (v.is_object() && v.contains("site")) {
    std::string s;
    if (!v.at("min_passes").is_null())
      s = ">= " + text_of(v.at("min_passes"));
    if (!v.at("max_passes").is_null())
      s += (s.empty() ? "" : ", ") + std::string("<= ") + text_of(v.at("max_passes"));
    return s + " passes";
  }
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

void add_series_points(json &ds, const ResultFile &f) {
  const std::string kernel = at_path(f.doc, {"conditions", "kernel"}).is_string()
                                 ? at_path(f.doc, {"conditions", "kernel"}).get<std::string>()
                                 : "?";
  for (const json &p : f.doc.at("points")) {
    if (p.value("status", "") != "ok")
      continue;
    if (p.contains("runs") && !p.at("runs").empty())
      ds["figures"].push_back(figure_row(p.at("runs").at(0), f.path, kernel));
    ds["sweeps"].push_back(
        {{"file", f.path},
         {"kernel", kernel},
         {"method", p.at("method")},
         {"size", p.at("size")},
         {"chunk", p.at("chunk")},
         {"throughput_mib_s", scaled(at_path(p, {"summary", "throughput_bytes_per_s"}), kMiB)},
         {"source_cpu_ms_per_gib", at_path(p, {"summary", "source_cpu_ms_per_gib"})}});
  }
}

} // namespace

json report_dataset(const std::vector<ResultFile> &results) {
  json ds = {{"files", json::array()},  {"figures", json::array()}, {"sweeps", json::array()},
             {"claims", json::array()}, {"traces", json::array()},  {"notes", json::array()}};
  for (const ResultFile &f : results) {
    ds["files"].push_back({{"path", f.path}, {"schema", f.doc.at("schema")}});
    if (f.kind == "run") {
      ds["figures"].push_back(figure_row(f.doc, f.path, kernel_of_run(f.doc)));
    } else if (f.kind == "compare" || f.kind == "sweep") {
      add_series_points(ds, f);
    } else if (f.kind == "matrix") {
      for (const json &col : f.doc.at("columns")) {
        const std::string kernel =
            col.value("name", std::string("?")) + " " +
            (col.value("kernel", json()).is_string() ? col.at("kernel").get<std::string>() : "");
        // value() returns a copy: it must outlive the loop over its items.
        const json runs = col.value("runs", json::object());
        for (const auto &[method, run] : runs.items()) {
          if (run.contains("source"))
            ds["figures"].push_back(figure_row(run, f.path, kernel));
          else
            ds["notes"].push_back(kernel + ": " + method + ": " +
                                  text_of(run.value("skipped", run.value("error", json()))));
        }
      }
    } else if (f.kind == "verify") {
      for (const json &k : f.doc.at("kernels")) {
        const std::string kernel =
            k.value("name", std::string("?")) + " " + text_of(k.at("kernel"));
        if (k.contains("error") && !k.at("error").is_null())
          ds["notes"].push_back(kernel + ": " + text_of(k.at("error")));
        for (const json &c : k.at("claims"))
          for (const json &ch : c.at("checks"))
            ds["claims"].push_back({{"kernel", kernel},
                                    {"claim", c.at("label")},
                                    {"figure", ch.at("figure")},
                                    {"claimed", text_of(ch.at("claimed"))},
                                    {"measured", text_of(ch.at("measured"))},
                                    {"verdict", ch.at("verdict")},
                                    {"why", ch.value("why", json())}});
      }
    } else if (f.kind == "trace") {
      const json seen = f.doc.value("methods_seen", json::array());
      for (const json &u : seen)
        ds["traces"].push_back(
            {{"target", f.doc.at("target")},
             {"kernel", kernel_of_run(f.doc)},
             {"pid", u.at("pid")},
             {"method", u.at("method")},
             {"from", u.at("from").is_null() ? "-"
                                             : text_of(u.at("from").at("kind")) + " fd " +
                                                   text_of(u.at("from").at("fd"))},
             {"to", u.at("to").is_null()
                        ? "-"
                        : text_of(u.at("to").at("kind")) + " fd " + text_of(u.at("to").at("fd"))},
             {"bytes", u.at("bytes")}});
      if (f.doc.value("partial", false))
        ds["notes"].push_back(f.path + ": partial trace: " + text_of(f.doc.at("note")));
    }
  }
  return ds;
}

namespace {

std::string escape_html(const std::string &s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '&':
      out += "&amp;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

// The dataset inside a <script> element. An HTML parser ends the element at
// "</script" and changes state at "<!--" (with "<script" after it, "</script>"
// no longer ends it), whatever JavaScript thinks: no '<', '>' or '&' may
// appear. They only occur inside JSON strings, where \u003c, \u003e and
// \u0026 mean the same. U+2028 and U+2029 are escaped as well: older
// JavaScript engines take them for line ends.
std::string script_safe(const std::string &json_text) {
  std::string out;
  out.reserve(json_text.size());
  for (std::size_t i = 0; i < json_text.size(); ++i) {
    const char c = json_text[i];
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else if (c == '&')
      out += "\\u0026";
    else if (c == '\xe2' && i + 2 < json_text.size() && json_text[i + 1] == '\x80' &&
             (json_text[i + 2] == '\xa8' || json_text[i + 2] == '\xa9')) {
      out += json_text[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else
      out += c;
  }
  return out;
}

// Draws the charts and tables from the embedded dataset. Each chart's
// element gets data-rendered="N", N the marks it drew (0: no data for it).
constexpr const char *kScript = R"JS(
const data = JSON.parse(document.getElementById('zctrace-data').textContent);
const NS = 'http://www.w3.org/2000/svg';
const COLORS = ['#1b6ca8', '#d1495b', '#edae49', '#00798c', '#66a182', '#8d96a3', '#30638e'];
function el(name, attrs, parent, text) {
  const e = document.createElementNS(NS, name);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}
function unique(list) { return [...new Set(list)]; }
function empty(box, why) {
  box.setAttribute('data-rendered', '0');
  const p = document.createElement('p'); p.className = 'empty'; p.textContent = why; box.appendChild(p);
}
function legend(svg, names, x, y) {
  names.forEach((n, i) => {
    el('rect', {x: x, y: y + i * 16, width: 10, height: 10, fill: COLORS[i % COLORS.length]}, svg);
    el('text', {x: x + 14, y: y + 9 + i * 16, class: 'legend'}, svg, n);
  });
}
function barChart(id, key, label) {
  const box = document.getElementById(id);
  const rows = data.figures.filter(r => r[key] !== null && r[key] !== undefined);
  if (!rows.length) return empty(box, 'no run in these results measured ' + label);
  const methods = unique(rows.map(r => r.method)), kernels = unique(rows.map(r => r.kernel));
  const W = 900, H = 320, L = 50, R = 220, T = 20, B = 70;
  const svg = el('svg', {width: W, height: H, viewBox: `0 0 ${W} ${H}`}, box);
  const max = Math.max(1, ...rows.map(r => r[key]));
  const gw = (W - L - R) / methods.length, bw = Math.max(2, (gw - 8) / kernels.length);
  const y = v => T + (H - T - B) * (1 - v / max);
  for (let t = 0; t <= 4; t++) {
    const v = max * t / 4;
    el('line', {x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid'}, svg);
    el('text', {x: L - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end'}, svg, v.toFixed(2));
  }
  let marks = 0;
  methods.forEach((m, i) => {
    kernels.forEach((k, j) => {
      const r = rows.find(r => r.method === m && r.kernel === k);
      if (!r) return;
      const x = L + i * gw + 4 + j * bw;
      const rect = el('rect', {x: x, y: y(r[key]), width: bw - 1, height: y(0) - y(r[key]),
                               fill: COLORS[j % COLORS.length], class: 'bar'}, svg);
      el('title', {}, rect, `${m} on ${k}: ${r[key].toFixed(2)} ${label}`);
      marks++;
    });
    el('text', {x: L + i * gw + gw / 2, y: H - B + 14, class: 'tick', 'text-anchor': 'end',
                transform: `rotate(-30 ${L + i * gw + gw / 2} ${H - B + 14})`}, svg, m);
  });
  legend(svg, kernels, W - R + 10, T);
  box.setAttribute('data-rendered', String(marks));
}
function lineChart(id) {
  const box = document.getElementById(id);
  const rows = data.sweeps.filter(r => r.throughput_mib_s !== null);
  if (!rows.length) return empty(box, 'no sweep in these results');
  const names = unique(rows.map(r => r.method + ' (' + r.kernel + ', ' + r.size + ' B)'));
  const W = 900, H = 320, L = 60, R = 260, T = 20, B = 40;
  const svg = el('svg', {width: W, height: H, viewBox: `0 0 ${W} ${H}`}, box);
  const chunks = unique(rows.map(r => r.chunk)).sort((a, b) => a - b);
  const lo = Math.log2(chunks[0]), hi = Math.log2(chunks[chunks.length - 1]);
  const max = Math.max(1, ...rows.map(r => r.throughput_mib_s));
  const x = c => L + (hi > lo ? (Math.log2(c) - lo) / (hi - lo) : 0.5) * (W - L - R);
  const y = v => T + (H - T - B) * (1 - v / max);
  for (let t = 0; t <= 4; t++) {
    const v = max * t / 4;
    el('line', {x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid'}, svg);
    el('text', {x: L - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end'}, svg, v.toFixed(0));
  }
  chunks.forEach(c => el('text', {x: x(c), y: H - B + 16, class: 'tick', 'text-anchor': 'middle'},
                         svg, c >= 1048576 ? c / 1048576 + 'M' : c >= 1024 ? c / 1024 + 'K' : c));
  el('text', {x: 12, y: T + 10, class: 'tick'}, svg, 'MiB/s');
  let marks = 0;
  names.forEach((n, i) => {
    const pts = rows.filter(r => r.method + ' (' + r.kernel + ', ' + r.size + ' B)' === n)
                    .sort((a, b) => a.chunk - b.chunk);
    el('path', {d: pts.map((p, k) => (k ? 'L' : 'M') + x(p.chunk) + ' ' + y(p.throughput_mib_s)).join(' '),
                stroke: COLORS[i % COLORS.length], fill: 'none', 'stroke-width': 2, class: 'line'}, svg);
    pts.forEach(p => {
      const c = el('circle', {cx: x(p.chunk), cy: y(p.throughput_mib_s), r: 4,
                              fill: COLORS[i % COLORS.length], class: 'point'}, svg);
      el('title', {}, c, `${n}: ${p.throughput_mib_s.toFixed(0)} MiB/s at ${p.chunk} B chunks`);
      marks++;
    });
  });
  legend(svg, names, W - R + 10, T);
  box.setAttribute('data-rendered', String(marks));
}
function table(id, rows, columns) {
  const box = document.getElementById(id);
  if (!rows.length) { box.setAttribute('data-rendered', '0'); box.textContent = 'none'; return; }
  const t = document.createElement('table');
  const head = t.insertRow();
  columns.forEach(c => { const th = document.createElement('th'); th.textContent = c[1]; head.appendChild(th); });
  rows.forEach(r => {
    const tr = t.insertRow();
    columns.forEach(c => {
      const v = r[c[0]];
      const td = tr.insertCell();
      td.textContent = v === null || v === undefined ? '-' : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : v;
      if (c[0] === 'verdict') td.className = v === 'holds' ? 'holds' : v === 'differs' ? 'differs' : 'unmeasured';
    });
  });
  box.appendChild(t);
  box.setAttribute('data-rendered', String(rows.length));
}
barChart('chart-copies', 'cpu_copy_passes', 'CPU copy passes');
barChart('chart-switches', 'mode_switches_per_chunk', 'mode switches per chunk');
lineChart('chart-sweep');
table('table-claims', data.claims, [['kernel', 'kernel'], ['claim', 'claim'], ['figure', 'figure'],
  ['claimed', 'claimed'], ['measured', 'measured'], ['verdict', 'verdict'], ['why', 'why']]);
table('table-figures', data.figures, [['kernel', 'kernel'], ['method', 'method'], ['route', 'route'],
  ['cpu_copy_passes', 'CPU copy passes'], ['claimed_cpu_copies', 'claimed'],
  ['by_reference_passes', 'by reference'], ['device_passes', 'device passes'],
  ['mode_switches_per_chunk', 'mode switches / chunk'], ['claimed_context_switches', 'claimed'],
  ['throughput_mib_s', 'MiB/s'], ['lost_events', 'lost events']]);
table('table-traces', data.traces, [['target', 'program'], ['pid', 'pid'], ['method', 'method'],
  ['from', 'from'], ['to', 'to'], ['bytes', 'bytes']]);
document.body.setAttribute('data-ready', 'true');
)JS";

constexpr const char *kStyle = R"CSS(
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.holds { color: #1a7f37; } td.differs { color: #b3261e; font-weight: bold; } td.unmeasured { color: #777; }
.grid { stroke: #e5e5e5; } .tick, .legend { font-size: 11px; fill: #444; }
.empty { color: #777; font-style: italic; }
)CSS";

} // namespace

std::string render_html(const json &ds) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      << "<title>zctrace report</title><style>" << kStyle << "</style></head><body>\n"
      << "<h1>zctrace report</h1>\n<p>From ";
  for (std::size_t i = 0; i < ds.at("files").size(); ++i)
    out << (i ? ", " : "") << "<code>" << escape_html(ds["files"][i].at("path")) << "</code> ("
        << escape_html(ds["files"][i].at("schema")) << ")";
  out << ". Passes are bytes / payload size on the sending side; claims are the articles' "
         "figures per buffer.</p>\n";
  for (const json &n : ds.at("notes"))
    out << "<p class=\"note\">" << escape_html(n.get<std::string>()) << "</p>\n";
  out << "<h2>The claims against the measurements</h2><div id=\"table-claims\"></div>\n"
      << "<h2>CPU copy passes per method, per kernel</h2>"
      << "<div id=\"chart-copies\" class=\"chart\"></div>\n"
      << "<h2>Mode switches per chunk per method, per kernel</h2>"
      << "<div id=\"chart-switches\" class=\"chart\"></div>\n"
      << "<h2>Throughput against chunk size</h2><div id=\"chart-sweep\" class=\"chart\"></div>\n"
      << "<h2>Every run</h2><div id=\"table-figures\"></div>\n"
      << "<h2>Copy methods of traced programs</h2><div id=\"table-traces\"></div>\n"
      << "<script type=\"application/json\" id=\"zctrace-data\">"
      << script_safe(ds.dump(-1, ' ', false, json::error_handler_t::replace))
      << "</script>\n<script>" << kScript << "</script>\n</body></html>\n";
  return out.str();
}

namespace {

// Text from result files in markdown: every character markdown or the HTML
// a renderer lets through could act on is escaped, and line breaks (which
// would end a table row) become spaces.
std::string md_text(const std::string &s) {
  std::string out;
  for (char c : escape_html(s)) {
    if (c == '\n' || c == '\r')
      out += ' ';
    else if (c != '\0' && std::strchr("\\`*[]|#!", c))
      out += std::string("\\") + c;
    else
      out += c;
  }
  return out;
}

std::string md_cell(const json &v) {
  return md_text(v.is_number_float() ? fixed(v.get<double>(), 2) : text_of(v));
}

void md_table(std::ostringstream &out, const json &rows,
              const std::vector<std::pair<const char *, const char *>> &columns) {
  if (rows.empty()) {
    out << "none\n";
    return;
  }
  out << "|";
  for (const auto &c : columns)
    out << " " << c.second << " |";
  out << "\n|";
  for (std::size_t i = 0; i < columns.size(); ++i)
    out << "---|";
  out << "\n";
  for (const json &r : rows) {
    out << "|";
    for (const auto &c : columns)
      out << " " << md_cell(r.value(c.first, json())) << " |";
    out << "\n";
  }
}

} // namespace

void check_reportable(const ResultFile &result) {
  try {
    (void)report_dataset({result});
  } catch (const nlohmann::json::exception &e) {
    std::string why = e.what();
    if (const auto end = why.find("] "); why.rfind("[json.exception.", 0) == 0 && end != why.npos)
      why = why.substr(end + 2); // the library's code is no help to a reader
    throw UsageError(result.path + ": " + result.doc.value("schema", std::string("result")) +
                     " with a member missing or of the wrong type: " + why);
  }
}

std::string render_markdown(const json &ds) {
  std::ostringstream out;
  out << "# zctrace report\n\nFrom";
  for (const json &f : ds.at("files"))
    out << " " << md_text(f.at("path").get<std::string>()) << " ("
        << md_text(f.at("schema").get<std::string>()) << ")";
  out << ".\n\n";
  for (const json &n : ds.at("notes"))
    out << "- " << md_text(n.get<std::string>()) << "\n";
  out << "\n## The claims against the measurements\n\n";
  md_table(out, ds.at("claims"),
           {{"kernel", "kernel"},
            {"claim", "claim"},
            {"figure", "figure"},
            {"claimed", "claimed"},
            {"measured", "measured"},
            {"verdict", "verdict"},
            {"why", "why"}});
  out << "\n## Every run\n\n";
  md_table(out, ds.at("figures"),
           {{"kernel", "kernel"},
            {"method", "method"},
            {"route", "route"},
            {"cpu_copy_passes", "CPU copy passes"},
            {"claimed_cpu_copies", "claimed"},
            {"by_reference_passes", "by reference"},
            {"device_passes", "device passes"},
            {"mode_switches_per_chunk", "mode switches / chunk"},
            {"claimed_context_switches", "claimed"},
            {"throughput_mib_s", "MiB/s"}});
  out << "\n## Throughput against chunk size\n\n";
  md_table(out, ds.at("sweeps"),
           {{"kernel", "kernel"},
            {"method", "method"},
            {"size", "size"},
            {"chunk", "chunk"},
            {"throughput_mib_s", "MiB/s"},
            {"source_cpu_ms_per_gib", "source CPU ms/GiB"}});
  out << "\n## Copy methods of traced programs\n\n";
  md_table(out, ds.at("traces"),
           {{"target", "program"},
            {"pid", "pid"},
            {"method", "method"},
            {"from", "from"},
            {"to", "to"},
            {"bytes", "bytes"}});
  return out.str();
}

} // namespace zc::analysis
