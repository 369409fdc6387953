#include "cli_docs.h"

#include <CLI/CLI.hpp>

#include <sstream>

namespace zc {

namespace {

// Text for roff: backslashes escaped, a line never starting with a control
// character, option dashes as minus signs.
std::string roff(const std::string &text) {
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\''))
    out = "\\&" + out;
  return out;
}

// Options a reader sees (not the hidden ones: no group).
std::vector<const CLI::Option *> visible_options(const CLI::App &app) {
  std::vector<const CLI::Option *> out;
  for (const CLI::Option *o : app.get_options())
    if (!o->get_group().empty())
      out.push_back(o);
  return out;
}

std::string option_names(const CLI::Option *o) {
  if (o->get_positional() && o->get_lnames().empty() && o->get_snames().empty())
    return o->get_name();
  std::string names;
  for (const std::string &s : o->get_snames())
    names += (names.empty() ? "-" : ", -") + s;
  for (const std::string &l : o->get_lnames())
    names += (names.empty() ? "--" : ", --") + l;
  return names;
}

void man_options(std::ostringstream &out, const CLI::App &app) {
  for (const CLI::Option *o : visible_options(app)) {
    out << ".TP\n.B " << roff(option_names(o));
    if (o->get_type_size() != 0 && !o->get_type_name().empty())
      out << " \\fI" << roff(o->get_type_name()) << "\\fR";
    out << "\n" << roff(o->get_description());
    if (!o->get_default_str().empty())
      out << " (default " << roff(o->get_default_str()) << ")";
    out << "\n";
  }
}

// Every long and short name of the options of `app`.
std::string option_words(const CLI::App &app) {
  std::string words;
  for (const CLI::Option *o : visible_options(app)) {
    for (const std::string &s : o->get_snames())
      words += " -" + s;
    for (const std::string &l : o->get_lnames())
      words += " --" + l;
  }
  return words;
}

} // namespace

std::string man_page(const CLI::App &app, const std::string &exit_statuses) {
  std::string what = app.get_description();
  if (what.rfind("zctrace: ", 0) == 0)
    what = what.substr(9);
  std::ostringstream out;
  out << ".TH ZCTRACE 1 \"\" \"zctrace\" \"User Commands\"\n"
      << ".SH NAME\nzctrace \\- " << roff(what) << "\n"
      << ".SH SYNOPSIS\n.B zctrace\n[\\fB\\-v\\fR] [\\fB\\-q\\fR] \\fICOMMAND\\fR "
         "[\\fIOPTIONS\\fR]\n"
      << ".br\n.B zctrace \\-\\-version\n"
      << ".SH DESCRIPTION\n"
      << "zctrace runs each way Linux can move a file to a socket under eBPF probes and counts "
         "what really happens: CPU copies, DMA, syscalls, mode and scheduler switches, page "
         "faults. It checks the popular copy tables against them, traces any program, and "
         "writes the evidence as text, JSON, event traces and reports. It must run as root "
         "(or with CAP_BPF and CAP_PERFMON).\n"
      << ".SH OPTIONS\n";
  man_options(out, app);
  out << ".SH COMMANDS\n";
  for (const CLI::App *sub : app.get_subcommands({})) {
    out << ".SS " << roff(sub->get_name()) << "\n" << roff(sub->get_description()) << "\n";
    man_options(out, *sub);
  }
  out << ".SH EXIT STATUS\n"
      << roff(exit_statuses) << "\n"
      << ".SH FILES\n.TP\n.B /run/zctrace/probe\\-cache\n"
      << "what probing this kernel answered, kept for this boot and kernel\n"
      << ".SH SEE ALSO\n.BR bpftool (8),\n.BR bpftrace (8),\n.BR perf (1)\n";
  return out.str();
}

std::string bash_completion(const CLI::App &app, const std::vector<std::string> &methods) {
  std::string commands;
  for (const CLI::App *sub : app.get_subcommands({}))
    commands += " " + sub->get_name();
  std::string method_words;
  for (const std::string &m : methods)
    method_words += " " + m;
  std::ostringstream out;
  out << "# bash completion for zctrace, made by `zctrace --bash-completion`.\n"
      << "_zctrace() {\n"
      << "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd= i\n"
      << "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      << "    case ${COMP_WORDS[i]} in -*) ;; *) cmd=${COMP_WORDS[i]}; break ;; esac\n"
      << "  done\n"
      << "  case $prev in\n"
      << "    --json|--trace|-o|--output|--markdown|-c|--config|--out|--dir|--cache-dir|"
         "--guest-zctrace|--sink-netns)\n"
      << "      COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
      << "    --cache) COMPREPLY=($(compgen -W 'warm cold' -- \"$cur\")); return ;;\n"
      << "    --sg) COMPREPLY=($(compgen -W 'on off' -- \"$cur\")); return ;;\n"
      << "    --methods) COMPREPLY=($(compgen -W '" << method_words
      << "' -- \"$cur\")); return ;;\n"
      << "  esac\n"
      << "  local opts words\n"
      << "  case $cmd in\n"
      << "    '') opts='" << option_words(app) << "'; words='" << commands << "' ;;\n";
  for (const CLI::App *sub : app.get_subcommands({})) {
    std::string positional;
    for (const CLI::Option *o : visible_options(*sub))
      if (o->get_positional() && o->get_lnames().empty()) {
        const std::string &n = o->get_name();
        positional = n == "method" || n == "methods" ? method_words + (n == "methods" ? " all" : "")
                     : n == "results"                ? "FILES"
                                                     : "";
      }
    out << "    " << sub->get_name() << ") opts='" << option_words(*sub) << option_words(app)
        << "'; words='" << positional << "' ;;\n";
  }
  out << "  esac\n"
      << "  if [[ $cur == -* ]]; then\n"
      << "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
      << "  elif [[ $words == FILES ]]; then\n"
      << "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
      << "  else\n"
      << "    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
      << "  fi\n"
      << "}\n"
      << "complete -F _zctrace zctrace\n";
  return out.str();
}

} // namespace zc
