#include "html_report.h"

#include "error.h"

#include <cmath>
#include <cstring>
#include <sstream>

#include "text_table.h"
#include "units.h"

namespace zc {
extern const std::string_view kChartJs; // Chart.js, from Debian's libjs-chart.js
}

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

// Throughput of a run or point: the median of its passes with no probe
// loaded, with their interval (or min..max below 6 passes), when it was
// timed apart; else the traced run's own figure, without bars.
json throughput_fields(const json &timed, const json &traced_bytes_per_s,
                       const json &traced_measured) {
  json f = {{"throughput_mib_s", scaled(traced_bytes_per_s, kMiB)},
            {"throughput_low", nullptr},
            {"throughput_high", nullptr},
            {"throughput_bars", nullptr},
            {"passes", 0},
            {"throughput_measured", traced_measured.is_string()
                                        ? traced_measured
                                        : json("traced: with the probes attached")}};
  const json tp = at_path(timed, {"throughput_bytes_per_s"});
  if (!tp.is_object() || !tp.value("median", json()).is_number())
    return f;
  f["throughput_mib_s"] = scaled(tp.at("median"), kMiB);
  f["passes"] = tp.at("n");
  f["throughput_measured"] = timed.value("measured", json());
  const json interval = tp.value("interval", json());
  if (interval.is_object()) {
    f["throughput_low"] = scaled(interval.at("low"), kMiB);
    f["throughput_high"] = scaled(interval.at("high"), kMiB);
    f["throughput_bars"] = "95% interval of the median";
  } else {
    f["throughput_low"] = scaled(tp.at("min"), kMiB);
    f["throughput_high"] = scaled(tp.at("max"), kMiB);
    f["throughput_bars"] = "min..max (too few passes for an interval)";
  }
  return f;
}

// One run's row of figures (zctrace.run/1), as the source saw it; `timed`:
// the passes of its point with no probe loaded, if any.
json figure_row(const json &run, const std::string &file, const std::string &kernel,
                const json &timed) {
  const double size = at_path(run, {"params", "size"}).get<double>();
  const double chunk = at_path(run, {"params", "chunk"}).get<double>();
  const double chunks = chunk > 0 ? std::ceil(size / chunk) : 0;
  json row = {{"file", file},
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
              {"lost_events", run.value("lost_events", json())},
              {"claimed_cpu_copies", nullptr},
              {"claimed_context_switches", nullptr}};
  row.update(throughput_fields(timed, at_path(run, {"transfer", "throughput_bytes_per_s"}),
                               at_path(run, {"transfer", "throughput_measured"})));
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
    const json timed = p.value("timed", json());
    // Every traced run of the point, none dropped.
    if (p.contains("runs"))
      for (const json &run : p.at("runs"))
        ds["figures"].push_back(figure_row(run, f.path, kernel, timed));
    json row = {{"file", f.path},
                {"kernel", kernel},
                {"method", p.at("method")},
                {"size", p.at("size")},
                {"chunk", p.at("chunk")},
                {"route", at_path(f.doc, {"conditions", "route"})},
                {"cache", at_path(f.doc, {"conditions", "cache"})},
                {"source_cpu_ms_per_gib", at_path(p, {"summary", "source_cpu_ms_per_gib"})}};
    row.update(throughput_fields(timed, at_path(p, {"summary", "throughput_bytes_per_s"}),
                                 at_path(p, {"summary", "throughput_measured"})));
    ds["sweeps"].push_back(std::move(row));
  }
}

} // namespace

json report_dataset(const std::vector<ResultFile> &results) {
  json ds = {{"files", json::array()},  {"figures", json::array()}, {"sweeps", json::array()},
             {"claims", json::array()}, {"traces", json::array()},  {"notes", json::array()}};
  for (const ResultFile &f : results) {
    ds["files"].push_back({{"path", f.path}, {"schema", f.doc.at("schema")}});
    if (f.kind == "run") {
      ds["figures"].push_back(
          figure_row(f.doc, f.path, kernel_of_run(f.doc), f.doc.value("timed", json())));
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
            ds["figures"].push_back(figure_row(run, f.path, kernel, json()));
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

// Draws the charts (with Chart.js, inlined before this script) and the
// tables from the embedded dataset. Each chart's element gets
// data-rendered="N", N the measured marks it drew (0: no data for it),
// data-claimed (the claimed values drawn beside them) and data-error-bars.
constexpr const char *kScript = R"JS(
const data = JSON.parse(document.getElementById('zctrace-data').textContent);
// Evenly spaced hues: as many distinct colours as there are series.
function palette(n) {
  return Array.from({length: n}, (_, i) =>
      `hsl(${Math.round(210 + i * 360 / Math.max(n, 1)) % 360}, 65%, ${i % 2 ? 36 : 50}%)`);
}
function formatSize(b) {
  const units = [['GiB', 1073741824], ['MiB', 1048576], ['KiB', 1024]];
  for (const [u, n] of units) if (b >= n) return +(b / n).toFixed(2) + ' ' + u;
  return b + ' B';
}
function unique(list) { return [...new Set(list)]; }
function median(v) {
  const s = [...v].sort((a, b) => a - b), n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
// A run's group: what besides the method sets it apart.
function groupOf(r) {
  return [r.kernel, formatSize(r.size), formatSize(r.chunk) + ' chunks', r.route, r.cache + ' cache']
      .filter(x => x !== null && x !== undefined).join(' · ');
}
function empty(box, why) {
  box.setAttribute('data-rendered', '0');
  const p = document.createElement('p'); p.className = 'empty'; p.textContent = why; box.appendChild(p);
}
// Whiskers from each dataset's errorBars ([low, high] per point, or null).
const errorBars = {
  id: 'zcErrorBars',
  afterDatasetsDraw(chart) {
    let drawn = 0;
    const ctx = chart.ctx;
    chart.data.datasets.forEach((ds, i) => {
      const meta = chart.getDatasetMeta(i);
      if (!ds.errorBars || meta.hidden) return;
      const y = chart.scales[meta.yAxisID];
      meta.data.forEach((el, j) => {
        const e = ds.errorBars[j];
        if (!e || ds.data[j] === null) return;
        const top = y.getPixelForValue(e[1]), bottom = y.getPixelForValue(e[0]);
        ctx.save();
        ctx.strokeStyle = '#111'; ctx.lineWidth = 1.3;
        ctx.beginPath();
        ctx.moveTo(el.x, top); ctx.lineTo(el.x, bottom);
        ctx.moveTo(el.x - 4, top); ctx.lineTo(el.x + 4, top);
        ctx.moveTo(el.x - 4, bottom); ctx.lineTo(el.x + 4, bottom);
        ctx.stroke(); ctx.restore();
        drawn++;
      });
    });
    chart.canvas.parentNode.parentNode.setAttribute('data-error-bars', String(drawn));
  }
};
function download(box, name, href, label) {
  const a = document.createElement('a');
  a.href = href; a.download = name; a.textContent = label; a.className = 'export';
  box.querySelector('.exports').appendChild(a);
}
// PNG of the chart as drawn, and CSV of the data behind it.
function exports(box, chart, id) {
  const bar = document.createElement('div'); bar.className = 'exports'; box.appendChild(bar);
  const rows = [['series', 'category', 'value', 'low', 'high']];
  chart.data.datasets.forEach(ds => ds.data.forEach((v, j) => {
    if (v === null) return;
    const e = ds.errorBars && ds.errorBars[j];
    rows.push([ds.label, chart.data.labels[j], v, e ? e[0] : '', e ? e[1] : '']);
  }));
  const csv = rows.map(r => r.map(c => '"' + String(c).replace(/"/g, '""') + '"').join(',')).join('\n');
  download(box, id + '.csv', URL.createObjectURL(new Blob([csv], {type: 'text/csv'})), 'data (CSV)');
  download(box, id + '.png', chart.toBase64Image('image/png', 1), 'image (PNG)');
}
function canvasIn(box, series) {
  const wrap = document.createElement('div'); wrap.className = 'plot';
  wrap.style.height = (360 + 18 * Math.ceil(series / 2)) + 'px';
  const canvas = document.createElement('canvas'); wrap.appendChild(canvas); box.appendChild(wrap);
  return canvas;
}
// The y axis reaches the highest whisker too, not only the highest value.
function options(xTitle, yTitle, datasets) {
  const tops = datasets.flatMap(ds => (ds.errorBars || []).filter(e => e).map(e => e[1]));
  return {
    animation: false, responsive: true, maintainAspectRatio: false,
    plugins: {legend: {position: 'bottom', labels: {boxWidth: 12, font: {size: 11}}}},
    scales: {x: {offset: true, title: {display: true, text: xTitle}},
             y: {beginAtZero: true, suggestedMax: tops.length ? Math.max(...tops) * 1.05 : undefined,
                 title: {display: true, text: yTitle}}}
  };
}
// Bars per method, one per group of runs (kernel, size, chunk, route,
// cache); repeats of a group as whiskers; the articles' claimed value, if
// any, as a bar of its own beside them.
function groupedBars(id, rows, key, yTitle, claimKey, bars) {
  const box = document.getElementById(id);
  rows = rows.filter(r => r[key] !== null && r[key] !== undefined);
  if (!rows.length) return empty(box, 'no run in these results measured this');
  const methods = unique(rows.map(r => r.method)), groups = unique(rows.map(groupOf));
  const colors = palette(groups.length);
  let marks = 0;
  const datasets = groups.map((g, i) => {
    const values = [], whiskers = [];
    methods.forEach(m => {
      const rs = rows.filter(r => r.method === m && groupOf(r) === g);
      if (!rs.length) { values.push(null); whiskers.push(null); return; }
      const v = rs.map(r => r[key]);
      values.push(median(v));
      marks++;
      if (rs.length > 1) whiskers.push([Math.min(...v), Math.max(...v)]);
      else if (bars && rs[0][bars[0]] !== null && rs[0][bars[0]] !== undefined)
        whiskers.push([rs[0][bars[0]], rs[0][bars[1]]]);
      else whiskers.push(null);
    });
    return {label: g, data: values, errorBars: whiskers, backgroundColor: colors[i]};
  });
  let claimed = 0;
  if (claimKey) {
    const values = methods.map(m => {
      const r = rows.find(r => r.method === m && r[claimKey] !== null && r[claimKey] !== undefined);
      return r ? r[claimKey] : null;
    });
    claimed = values.filter(v => v !== null).length;
    if (claimed)
      datasets.push({label: 'claimed by the articles', data: values, backgroundColor: '#e8e8e8',
                     borderColor: '#222', borderWidth: 1.5});
  }
  const chart = new Chart(canvasIn(box, datasets.length), {
    type: 'bar', data: {labels: methods, datasets: datasets},
    options: options('copy method', yTitle, datasets), plugins: [errorBars]});
  exports(box, chart, id);
  box.setAttribute('data-rendered', String(marks));
  box.setAttribute('data-claimed', String(claimed));
}
// Throughput against chunk size: a line per method and group, whiskers for
// the passes' intervals.
function sweepChart(id) {
  const box = document.getElementById(id);
  const rows = data.sweeps.filter(r => r.throughput_mib_s !== null);
  if (!rows.length) return empty(box, 'no compare or sweep in these results');
  const chunks = unique(rows.map(r => r.chunk)).sort((a, b) => a - b);
  const name = r => [r.method, r.kernel, formatSize(r.size), r.route, r.cache + ' cache']
      .filter(x => x !== null && x !== undefined).join(' · ');
  const names = unique(rows.map(name)), colors = palette(names.length);
  let marks = 0;
  const datasets = names.map((n, i) => {
    const values = [], whiskers = [];
    chunks.forEach(c => {
      const rs = rows.filter(r => name(r) === n && r.chunk === c);
      if (!rs.length) { values.push(null); whiskers.push(null); return; }
      const v = rs.map(r => r.throughput_mib_s);
      values.push(median(v));
      marks++;
      if (rs.length > 1) whiskers.push([Math.min(...v), Math.max(...v)]);
      else whiskers.push(rs[0].throughput_low !== null ? [rs[0].throughput_low, rs[0].throughput_high] : null);
    });
    return {label: n, data: values, errorBars: whiskers, borderColor: colors[i],
            backgroundColor: colors[i], spanGaps: true, pointRadius: 4};
  });
  const chart = new Chart(canvasIn(box, datasets.length), {
    type: 'line', data: {labels: chunks.map(formatSize), datasets: datasets},
    options: options('chunk: bytes per call', 'MiB/s (median, 95% interval)', datasets),
    plugins: [errorBars]});
  exports(box, chart, id);
  box.setAttribute('data-rendered', String(marks));
}
function cellText(v, format) {
  if (v === null || v === undefined) return '-';
  if (format) return format(v);
  return typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : String(v);
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
      const v = typeof c[0] === 'function' ? c[0](r) : r[c[0]];
      const td = tr.insertCell();
      td.textContent = cellText(v, c[2]);
      if (c[0] === 'verdict') td.className = v === 'holds' ? 'holds' : v === 'differs' ? 'differs' : 'unmeasured';
    });
  });
  box.appendChild(t);
  box.setAttribute('data-rendered', String(rows.length));
}
function throughputText(r) {
  if (r.throughput_mib_s === null || r.throughput_mib_s === undefined) return null;
  let t = r.throughput_mib_s.toFixed(0);
  if (r.throughput_low !== null && r.throughput_low !== undefined)
    t += ' [' + r.throughput_low.toFixed(0) + '..' + r.throughput_high.toFixed(0) + ']';
  return t + (r.passes ? ' (' + r.passes + ' passes)' : ' (traced)');
}
groupedBars('chart-copies', data.figures, 'cpu_copy_passes', 'CPU copy passes (bytes copied / payload)',
            'claimed_cpu_copies', null);
groupedBars('chart-switches', data.figures, 'mode_switches_per_chunk',
            'user/kernel mode switches per chunk', 'claimed_context_switches', null);
groupedBars('chart-throughput', data.figures, 'throughput_mib_s',
            'MiB/s (median, 95% interval)', null,
            ['throughput_low', 'throughput_high']);
sweepChart('chart-sweep');
table('table-claims', data.claims, [['kernel', 'kernel'], ['claim', 'claim'], ['figure', 'figure'],
  ['claimed', 'claimed'], ['measured', 'measured'], ['verdict', 'verdict'], ['why', 'why']]);
table('table-figures', data.figures, [['kernel', 'kernel'], ['method', 'method'],
  ['size', 'size', formatSize], ['chunk', 'chunk', formatSize], ['cache', 'cache'], ['route', 'route'],
  ['cpu_copy_passes', 'CPU copy passes'], ['claimed_cpu_copies', 'claimed'],
  ['by_reference_passes', 'by reference'], ['device_passes', 'device passes'],
  ['mode_switches_per_chunk', 'mode switches / chunk'], ['claimed_context_switches', 'claimed'],
  [throughputText, 'MiB/s median [95% interval]'], ['lost_events', 'lost events']]);
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
.plot { position: relative; width: 100%; max-width: 1100px; }
.exports a { margin-right: 1em; font-size: 12px; }
.empty { color: #777; font-style: italic; }
)CSS";

} // namespace

// "Chart.js v3.9.1" from the library's banner, for the page to credit.
std::string chartjs_name() {
  const std::size_t at = kChartJs.find("Chart.js v");
  if (at == std::string_view::npos)
    return "Chart.js";
  const std::size_t end = kChartJs.find_first_of(" \n", at + 9);
  return std::string(kChartJs.substr(at, end - at));
}

std::string render_html(const json &ds) {
  // Inlined as it is: the library must not end or change its script element.
  if (kChartJs.find("</script") != std::string_view::npos ||
      kChartJs.find("<!--") != std::string_view::npos)
    throw Error("the Chart.js this zctrace was built with cannot be inlined in a <script> element");
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      << "<title>zctrace report</title><style>" << kStyle << "</style></head><body>\n"
      << "<h1>zctrace report</h1>\n<p>From ";
  for (std::size_t i = 0; i < ds.at("files").size(); ++i)
    out << (i ? ", " : "") << "<code>" << escape_html(ds["files"][i].at("path")) << "</code> ("
        << escape_html(ds["files"][i].at("schema")) << ")";
  out << ". Passes are bytes / payload size on the sending side; claims are the articles' "
         "figures per buffer. Charts drawn by "
      << escape_html(chartjs_name()) << " (MIT), inlined.</p>\n";
  for (const json &n : ds.at("notes"))
    out << "<p class=\"note\">" << escape_html(n.get<std::string>()) << "</p>\n";
  out << "<h2>CPU copy passes per method, beside the articles' claims</h2>"
      << "<div id=\"chart-copies\" class=\"chart\"></div>\n"
      << "<h2>Mode switches per chunk per method, beside the articles' context switches</h2>"
      << "<div id=\"chart-switches\" class=\"chart\"></div>\n"
      << "<h2>Throughput per method, timed with no probe loaded</h2><div id=\"chart-throughput\" "
         "class=\"chart\"></div>\n"
      << "<h2>Throughput against chunk size</h2><div id=\"chart-sweep\" class=\"chart\"></div>\n"
      << "<p>How to read an interval: throughput is timed in passes with no probe loaded; a bar "
         "or point is their median, and its whiskers the range that holds the true median with "
         "at least 95% confidence whatever the distribution (order statistics; at least 6 "
         "passes). Where two methods' whiskers overlap, this machine cannot tell them apart.</p>\n"
      << "<h2>The claims against the measurements</h2><div id=\"table-claims\"></div>\n"
      << "<h2>Every run</h2><div id=\"table-figures\"></div>\n"
      << "<h2>Copy methods of traced programs</h2><div id=\"table-traces\"></div>\n"
      << "<script type=\"application/json\" id=\"zctrace-data\">"
      << script_safe(ds.dump(-1, ' ', false, json::error_handler_t::replace))
      << "</script>\n<script>" << kChartJs << "</script>\n<script>" << kScript
      << "</script>\n</body></html>\n";
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

// Rows with sizes in KiB/MiB and throughput with its interval, as a
// reviewer reads them.
json human(const json &rows) {
  json out = json::array();
  for (json r : rows) {
    for (const char *key : {"size", "chunk"})
      if (r.value(key, json()).is_number())
        r[key] = format_size(r.at(key).get<std::uint64_t>());
    const json mib = r.value("throughput_mib_s", json());
    if (mib.is_number()) {
      std::string t = fixed(mib.get<double>(), 0);
      if (r.value("throughput_low", json()).is_number())
        t += " [" + fixed(r.at("throughput_low").get<double>(), 0) + ".." +
             fixed(r.at("throughput_high").get<double>(), 0) + "]";
      const json passes = r.value("passes", json());
      t += passes.is_number() && passes.get<int>() > 0
               ? " (" + std::to_string(passes.get<int>()) + " passes)"
               : " (traced)";
      r["throughput"] = t;
    }
    out.push_back(std::move(r));
  }
  return out;
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
  md_table(out, human(ds.at("figures")),
           {{"kernel", "kernel"},
            {"method", "method"},
            {"size", "size"},
            {"chunk", "chunk"},
            {"cache", "cache"},
            {"route", "route"},
            {"cpu_copy_passes", "CPU copy passes"},
            {"claimed_cpu_copies", "claimed"},
            {"by_reference_passes", "by reference"},
            {"device_passes", "device passes"},
            {"mode_switches_per_chunk", "mode switches / chunk"},
            {"claimed_context_switches", "claimed"},
            {"throughput", "MiB/s median [95% interval]"}});
  out << "\n## Throughput against chunk size\n\n";
  md_table(out, human(ds.at("sweeps")),
           {{"kernel", "kernel"},
            {"method", "method"},
            {"size", "size"},
            {"chunk", "chunk"},
            {"route", "route"},
            {"throughput", "MiB/s median [95% interval]"},
            {"source_cpu_ms_per_gib", "source CPU ms/GiB"}});
  out << "\nThroughput is the median of passes timed with no probe loaded; the interval holds "
         "the true median with at least 95% confidence whatever the distribution. Where two "
         "intervals overlap the methods cannot be told apart here.\n";
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
