// A Gemini CLI home for the tests, and the tracker run over it (gemini_tree.hpp).
#include "tests/support/gemini_tree.hpp"

#include <simdjson.h>

#include <catch2/catch.hpp>

namespace codepulse::test {

std::string GeminiTree::project(const std::string& slug, const std::string& cwd, bool root_file) {
  const std::string tmp = gemini + "/tmp/" + slug;
  make_dirs(tmp + "/chats");
  if (root_file) write_file(tmp + "/.project_root", cwd);
  projects_[cwd] = slug;
  std::string registry = "{\n  \"projects\": {";
  bool first = true;
  for (const auto& [folder, name] : projects_) {
    registry += (first ? "\n    \"" : ",\n    \"") + folder + "\": \"" + name + "\"";
    first = false;
  }
  write_file(gemini + "/projects.json", registry + "\n  }\n}");
  return tmp + "/chats";
}

std::string GeminiTree::scan(const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {
      tracker_bin(),          "scan",    "--assistant", "gemini-cli", "--assistant-dir",
      "gemini-cli=" + gemini, "--state", state,         "--json"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto r = run(argv);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

GeminiRows GeminiTree::rows(const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {tracker_bin(), "report",     "--state",  state,
                                   "--group-by",  "date,model", "--format", "json"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto r = run(argv);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return parse_rows(r.out, kCodepulseRows);
}

GeminiRows parse_rows(const std::string& json, const RowNames& n) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  REQUIRE_FALSE(parser.parse(json).get(root));
  GeminiRows out;
  for (simdjson::dom::element day : root[n.days]) {
    const std::string date(day[n.day].get_string().value());
    for (simdjson::dom::element model : day[n.models]) {
      GeminiRow& row = out[date + "|" + std::string(model[n.model].get_string().value())];
      if (*n.records) row.records = model[n.records].get_int64().value();
      row.input = model[n.input].get_int64().value();
      row.output = model[n.output].get_int64().value();
      row.cache_read = model[n.cache_read].get_int64().value();
    }
  }
  return out;
}

int64_t GeminiTree::stat(const std::string& scan_json, const std::string& key) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  REQUIRE_FALSE(parser.parse(scan_json).get(root));
  int64_t v = -1;
  REQUIRE_FALSE(root[key].get_int64().get(v));
  return v;
}

std::string gemini_message_lines(const bench::gemini::GeminiMessage& m) {
  namespace gl = bench::gemini;
  gl::GeminiMessage first = m;
  first.with_tool_calls = false;
  std::string out = gl::gemini_json(first) + "\n" + gl::set_last_updated(m.ts_ms) + "\n";
  if (m.calls.empty()) return out;
  gl::GeminiMessage second = m;
  second.with_tool_calls = true;
  out += gl::gemini_json(second) + "\n";
  out += gl::function_response_json(m.id + "-response", m.ts_ms + 100, m.calls) + "\n";
  out += gl::set_last_updated(m.ts_ms + 100) + "\n";
  return out;
}

std::string gemini_session_start(const std::string& session_id, int64_t start_ms,
                                 const std::string& cwd) {
  namespace gl = bench::gemini;
  return gl::header_line(session_id, "hash", start_ms) + "\n" +
         gl::set_messages({gl::session_context_json(start_ms, cwd)}, start_ms) + "\n";
}

GeminiRow gemini_row(const bench::gemini::Tokens& t) {
  GeminiRow r;
  r.records = 1;
  r.input = std::max<int64_t>(0, t.input - t.cached) + t.tool;
  r.output = t.output + t.thoughts;
  r.cache_read = t.cached;
  return r;
}

void add_row(GeminiRow& into, const GeminiRow& r) {
  into.records += r.records;
  into.input += r.input;
  into.output += r.output;
  into.cache_read += r.cache_read;
}

}  // namespace codepulse::test
