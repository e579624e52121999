// The tools that look things up: Grep, Glob, MCP queries and WebSearch.
#include <vector>

#include "tests/corpus/gen_internal.hpp"
#include "tests/corpus/vocabulary.hpp"

namespace codepulse::bench::corpus {

void Gen::prep_grep(Session& s, ToolRun& t) {
  const bool content = rng_.chance(1, 2);
  {
    Json j(t.input);
    j.obj().k("pattern").s(rng_.pick(kWords) + "|" + canary());
    j.k("path").s(s.proj->cwd);
    j.k("output_mode").s(content ? "content" : "files_with_matches").end();
  }
  const int64_t n = rng_.range(0, 12);
  std::string text;
  std::vector<std::string> names;
  for (int64_t i = 0; i < n; ++i) {
    const FileEntry& f = pick_file(s);
    if (content) {
      text += f.rel + ":" + itos(rng_.range(1, f.lines)) + ":";
      text += pool_raw_[rng_.below(pool_raw_.size())] + "\n";
    } else {
      names.push_back(abs_path(s, f));
    }
  }
  text += canary();
  if (!content) {
    std::string listing = n == 0 ? "No files found" : "Found " + itos(n) + " files";
    for (const auto& nm : names)
      listing += "\n" + nm;
    text = with_canary(std::move(listing));
  }
  t.content_json = json_string(text);
  std::string tur;
  Json j(tur);
  j.obj().k("mode").s(content ? "content" : "files_with_matches");
  j.k("numFiles").n(static_cast<int64_t>(names.size())).k("filenames").arr();
  for (const auto& nm : names)
    j.s(nm);
  j.end();
  if (content) j.k("content").s(text).k("numLines").n(n);
  j.end();
  t.tur_json = std::move(tur);
  t.result_tokens = static_cast<int64_t>(text.size()) / 4 + 10;
}

void Gen::prep_glob(Session& s, ToolRun& t) {
  {
    Json j(t.input);
    j.obj().k("pattern").s("**/{*." + s.proj->ext + "," + canary() + "}");
    j.k("path").s(s.proj->cwd).end();
  }
  const int64_t n = rng_.range(1, 20);
  std::string text;
  std::string tur;
  Json j(tur);
  j.obj().k("filenames").arr();
  for (int64_t i = 0; i < n; ++i) {
    const std::string p = abs_path(s, pick_file(s));
    text += p + "\n";
    j.s(p);
  }
  j.end();
  j.k("durationMs").n(rng_.range(5, 400)).k("numFiles").n(n).k("truncated").b(false).end();
  text = with_canary(std::move(text));
  t.content_json = json_string(text);
  t.tur_json = std::move(tur);
  t.result_tokens = static_cast<int64_t>(text.size()) / 4 + 10;
}

void Gen::prep_mcp(ToolRun& t) {
  {
    Json j(t.input);
    j.obj().k("query").s(with_canary(sentence(2, 6))).k("limit").n(rng_.range(5, 50)).end();
  }
  const std::string text = prose(2, 10, true, true);
  std::string blocks;
  Json j(blocks);
  j.arr().obj().k("type").s("text").k("text").s(text).end().end();
  t.content_json = blocks;
  t.tur_json = std::move(blocks);
  t.result_tokens = static_cast<int64_t>(text.size()) / 4 + 10;
}

void Gen::prep_websearch(ToolRun& t) {
  const std::string q = with_canary(sentence(3, 7));
  {
    Json j(t.input);
    j.obj().k("query").s(q).end();
  }
  const std::string text =
      "Web search results for query: \"" + q + "\"\n\n" + prose(3, 8, false, true);
  t.content_json = json_string(text);
  std::string tur;
  Json j(tur);
  j.obj().k("query").s(q).k("results").arr();
  for (int i = 0; i < 3; ++i) {
    j.obj().k("title").s(with_canary(sentence(3, 6)));
    j.k("url").s("https://example.com/" + hex(8)).end();
  }
  j.end().k("durationSeconds").n(rng_.range(1, 9)).end();
  t.tur_json = std::move(tur);
  t.result_tokens = static_cast<int64_t>(text.size()) / 4 + 200;
}

}  // namespace codepulse::bench::corpus
