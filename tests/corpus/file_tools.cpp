// The file tools: Read, Edit, Write and MultiEdit calls and their results, with the
// structuredPatch hunks whose "+"/"-" lines the truth counts per file.
#include <algorithm>
#include <array>

#include "tests/corpus/gen_internal.hpp"
#include "tests/corpus/vocabulary.hpp"

namespace codepulse::bench::corpus {
namespace {

// Opens a structuredPatch hunk: its header, then the "lines" array.
void hunk_open(Json& j, int64_t old_start, int64_t old_lines, int64_t new_start,
               int64_t new_lines) {
  j.obj();
  j.k("oldStart").n(old_start);
  j.k("oldLines").n(old_lines);
  j.k("newStart").n(new_start);
  j.k("newLines").n(new_lines);
  j.k("lines").arr();
}

}  // namespace

void Gen::prep_read(Session& s, ToolRun& t, bool subagent, bool big) {
  FileEntry& f = pick_file(s);
  const std::string abs = abs_path(s, f);
  int64_t total = f.lines;
  int64_t n = total;
  const int64_t cap_lines = std::max<int64_t>(20, s.max_read_bytes / (subagent ? 160 : 40));
  if (big) {
    n = std::max<int64_t>(cap_lines, 40);
    total = std::max(total, n);
  } else if (rng_.chance(1, 12)) {
    n = std::min(cap_lines, rng_.log_range(1000, 5000));
    total = std::max(total, n);
  } else {
    n = std::min({n, cap_lines, rng_.log_range(20, 600)});
  }
  n = std::max<int64_t>(1, std::min(n, total));
  int64_t start = 1;
  std::string in;
  {
    Json j(in);
    j.obj().k("file_path").s(abs);
    if (n < total && rng_.chance(1, 2)) {
      start = rng_.range(1, total - n + 1);
      j.k("offset").n(start).k("limit").n(n);
    }
    j.end();
  }
  t.input = std::move(in);
  if (rng_.chance(1, 40)) {
    t.content_json =
        json_string_with_canary("<tool_use_error>File does not exist.", "</tool_use_error>");
    t.tur_json = json_string_with_canary("Error: File does not exist.");
    t.is_error = true;
    t.has_is_error_field = true;
    t.result_tokens = 20;
    return;
  }
  std::string c;
  c.reserve(static_cast<size_t>(n * 48 + 16));
  c += '"';
  content_esc(c, f.seed, start, n, true);
  c += '"';
  t.content_json = std::move(c);
  std::string tur;
  tur.reserve(static_cast<size_t>(n * 42 + abs.size() + 200));
  Json j(tur);
  j.obj().k("type").s("text").k("file").obj();
  j.k("filePath").s(abs);
  j.k("content");
  content_string(j, f.seed, start, n);
  j.k("numLines").n(n).k("startLine").n(start).k("totalLines").n(total);
  j.end().end();
  t.tur_json = std::move(tur);
  t.result_tokens = static_cast<int64_t>(t.content_json.size()) / 4;
}

// One line of a hunk: the tag (' ', '-', '+') and a pool line chosen by line_hash.
void Gen::patch_line(Json& j, char tag, uint64_t line_hash) {
  std::string& o = j.out();
  j.str_begin();
  o += tag;
  o += pool_esc_[line_hash % pool_esc_.size()];
  canary_esc(o);
  j.str_end();
}

std::string Gen::patch_json(int hunks, int64_t file_lines, uint64_t seed, int64_t& added,
                            int64_t& removed) {
  std::string o;
  Json j(o);
  j.arr();
  int64_t pos = 1;
  int64_t shift = 0;
  for (int h = 0; h < hunks; ++h) {
    pos += rng_.range(0, std::max<int64_t>(1, file_lines / (hunks + 1)));
    const int64_t ctx_before = std::min<int64_t>(3, pos - 1);
    const int64_t rem = rng_.chance(1, 5) ? 0 : rng_.range(1, 8);
    const int64_t add = rng_.chance(1, 6) ? 0 : rng_.range(1, 14);
    const int64_t ctx_after = rng_.range(0, 3);
    const int64_t old_start = pos - ctx_before;
    hunk_open(j, old_start, ctx_before + rem + ctx_after, old_start + shift,
              ctx_before + add + ctx_after);
    auto line = [&](char tag, int64_t k) {
      patch_line(j, tag, hash2(seed ^ static_cast<uint64_t>(tag), static_cast<uint64_t>(k)));
    };
    for (int64_t i = 0; i < ctx_before; ++i)
      line(' ', old_start + i);
    for (int64_t i = 0; i < rem; ++i)
      line('-', pos + i);
    for (int64_t i = 0; i < add; ++i)
      line('+', pos * 31 + i);
    for (int64_t i = 0; i < ctx_after; ++i)
      line(' ', pos + rem + i);
    j.end();
    j.end();
    added += add;
    removed += rem;
    shift += add - rem;
    pos += rem + ctx_after + 1;
  }
  j.end();
  return o;
}

void Gen::prep_edit(Session& s, ToolRun& t, Feat f) {
  std::string abs;
  FileEntry* fe = nullptr;
  if (f == Feat::kEditOutside || (f == Feat::kNone && rng_.chance(1, 25))) {
    static const std::array<const char*, 3> kOutside = {
        "/home/dev/.claude/CLAUDE.md", "/tmp/scratch/notes.md", "/etc/hosts.local"};
    abs = kOutside[rng_.below(kOutside.size())];
  } else if (f == Feat::kEditPrefixTrap || (f == Feat::kNone && rng_.chance(1, 40))) {
    abs = s.proj->cwd + "-old/src/" + s.proj->short_name + "_legacy." + s.proj->ext;
  } else {
    fe = &pick_file(s);
    abs = abs_path(s, *fe);
  }
  const int64_t file_lines = fe != nullptr ? fe->lines : rng_.range(10, 200);
  const uint64_t seed = fe != nullptr ? fe->seed : rng_.next();
  std::string old_s = pool_raw_[rng_.below(pool_raw_.size())] + "\n";
  old_s += pool_raw_[rng_.below(pool_raw_.size())] + " " + canary();
  const std::string new_s = with_canary(pool_raw_[rng_.below(pool_raw_.size())]);
  {
    Json j(t.input);
    j.obj().k("replace_all").b(false).k("file_path").s(abs);
    j.k("old_string").s(old_s).k("new_string").s(new_s).end();
  }
  if (f == Feat::kEditError || (f == Feat::kNone && rng_.chance(1, 20))) {
    t.content_json =
        json_string("<tool_use_error>String to replace not found in file.\nString: " + old_s +
                    "</tool_use_error>");
    t.tur_json = json_string("Error: String to replace not found in file.\nString: " + old_s);
    t.is_error = true;
    t.has_is_error_field = true;
    t.result_tokens = 40;
    return;
  }
  int64_t added = 0, removed = 0;
  const std::string patch =
      patch_json(static_cast<int>(rng_.range(1, 3)), file_lines, seed, added, removed);
  t.content_json = json_string_with_canary("The file " + abs + " has been updated successfully.");
  std::string tur;
  tur.reserve(static_cast<size_t>(file_lines * 42 + patch.size() + 400));
  Json j(tur);
  j.obj();
  j.k("filePath").s(abs);
  j.k("oldString").s(old_s);
  j.k("newString").s(new_s);
  j.k("originalFile");
  content_string(j, seed, 1, s.capped_lines(file_lines));
  j.k("structuredPatch").raw(patch);
  j.k("userModified").b(false);
  j.k("replaceAll").b(false);
  j.end();
  t.tur_json = std::move(tur);
  t.set_patch(abs, added, removed);
  if (fe != nullptr) fe->lines = std::max<int64_t>(1, fe->lines + added - removed);
  t.result_tokens = 60;
}

void Gen::prep_write(Session& s, ToolRun& t, bool create) {
  FileEntry* fe = nullptr;
  if (create) {
    FileEntry nf;
    nf.rel = (rng_.chance(1, 2) ? "src/" : "tests/") + s.proj->short_name + "/";
    nf.rel += rng_.pick(kModuleNames) + "_";
    nf.rel += hex(4) + "." + s.proj->ext;
    nf.lines = rng_.log_range(5, 400);
    nf.seed = rng_.next();
    s.proj->files.push_back(nf);
    fe = &s.proj->files.back();
  } else {
    fe = &pick_file(s);
  }
  const std::string abs = abs_path(s, *fe);
  const int64_t old_lines = fe->lines;
  const uint64_t old_seed = fe->seed;
  const int64_t n_lines = create ? fe->lines : std::max<int64_t>(1, old_lines + rng_.range(-5, 30));
  const int64_t n_cap = s.capped_lines(n_lines);
  const uint64_t new_seed = create ? fe->seed : rng_.next();
  {
    Json j(t.input);
    j.obj().k("file_path").s(abs).k("content");
    content_string(j, new_seed, 1, n_cap);
    j.end();
  }
  int64_t added = 0, removed = 0;
  std::string patch = "[]";
  // 2.1.3x writes an empty structuredPatch for new files; newer versions write the hunk.
  if (!create) {
    patch = patch_json(static_cast<int>(rng_.range(1, 4)), old_lines, new_seed, added, removed);
  } else if (s.ver->all_final) {
    std::string o;
    Json j(o);
    j.arr();
    hunk_open(j, 0, 0, 1, n_cap);
    for (int64_t i = 0; i < n_cap; ++i)
      patch_line(j, '+', hash2(new_seed, static_cast<uint64_t>(i + 1)));
    j.end().end().end();
    patch = std::move(o);
    added = n_cap;
  }
  t.content_json = json_string_with_canary(create ? "File created successfully at: " + abs
                                                  : "The file " + abs + " has been updated.");
  std::string tur;
  Json j(tur);
  j.obj();
  j.k("type").s(create ? "create" : "update");
  j.k("filePath").s(abs);
  j.k("content");
  content_string(j, new_seed, 1, n_cap);
  j.k("structuredPatch").raw(patch);
  j.k("originalFile");
  if (create) {
    j.null();
  } else {
    content_string(j, old_seed, 1, s.capped_lines(old_lines));
  }
  j.end();
  t.tur_json = std::move(tur);
  t.set_patch(abs, added, removed);
  fe->lines = n_lines;
  fe->seed = new_seed;
  t.result_tokens = 40;
}

void Gen::prep_multiedit(Session& s, ToolRun& t) {
  FileEntry& fe = pick_file(s);
  const std::string abs = abs_path(s, fe);
  const int64_t n_edits = rng_.range(2, 4);
  std::string edits;
  {
    Json e(edits);
    e.arr();
    for (int64_t i = 0; i < n_edits; ++i) {
      e.obj();
      e.k("old_string").s(with_canary(pool_raw_[rng_.below(pool_raw_.size())]));
      e.k("new_string").s(with_canary(pool_raw_[rng_.below(pool_raw_.size())]));
      e.k("replace_all").b(false);
      e.end();
    }
    e.end();
  }
  {
    Json j(t.input);
    j.obj().k("file_path").s(abs).k("edits").raw(edits).end();
  }
  int64_t added = 0, removed = 0;
  const std::string patch =
      patch_json(static_cast<int>(n_edits), fe.lines, fe.seed, added, removed);
  t.content_json = json_string_with_canary("Applied " + itos(n_edits) + " edits to " + abs + ":");
  std::string tur;
  Json j(tur);
  j.obj();
  j.k("filePath").s(abs);
  j.k("edits").raw(edits);
  j.k("originalFileContents");
  content_string(j, fe.seed, 1, s.capped_lines(fe.lines));
  j.k("structuredPatch").raw(patch);
  j.k("userModified").b(false);
  j.end();
  t.tur_json = std::move(tur);
  t.set_patch(abs, added, removed);
  fe.lines = std::max<int64_t>(1, fe.lines + added - removed);
  t.result_tokens = 80;
}

}  // namespace codepulse::bench::corpus
