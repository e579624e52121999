#include "proto/wire_commits.hpp"

#include "common/time.hpp"
#include "proto/commit_lists.hpp"
#include "proto/wire_fields.hpp"

namespace codepulse::proto::detail {
namespace {

// Object names: hexadecimal, SHA-1 (40) or SHA-256 (64) long; shorter
// abbreviations are accepted from 7 digits.
bool is_object_name(std::string_view s) {
  if (s.size() < 7 || s.size() > 64) return false;
  for (const char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool read_time(Fields& f, const char* key, int64_t& out, const DecodeLimits& limits,
               std::string& why) {
  std::string text;
  if (!f.str(key, text, true, why, 40)) return false;
  auto ms = parse_iso8601_utc_ms(text);
  if (!ms || *ms < 0 || (limits.max_timestamp_ms > 0 && *ms > limits.max_timestamp_ms)) {
    why = std::string("field '") + key +
          "' must be an ISO-8601 UTC time after 1970 and not more than a day ahead";
    return false;
  }
  out = *ms;
  return true;
}

// Survival at one mark (docs/PROVENANCE.md, "Survival"): optional, both
// counts or neither; the lines alive are some of the scored lines, the AI's
// alive some of the AI's, the others' alive some of the others'.
bool read_survival(Fields& ff, const CommitFile& file, const std::string& mark, int64_t& alive,
                   int64_t& ai_alive, std::string& why) {
  const std::string all_key = "lines_alive_" + mark, ai_key = "ai_lines_alive_" + mark;
  bool has_all = false, has_ai = false;
  if (!ff.has(all_key.c_str(), has_all, why) || !ff.has(ai_key.c_str(), has_ai, why)) return false;
  if (!has_all && !has_ai) {
    alive = ai_alive = -1;
    return true;
  }
  if (has_all != has_ai) {
    why = "needs both '" + all_key + "' and '" + ai_key + "', or neither";
    return false;
  }
  if (!ff.count(all_key.c_str(), alive, true, why) ||
      !ff.count(ai_key.c_str(), ai_alive, true, why))
    return false;
  if (ai_alive > alive || ai_alive > file.ai_lines_added ||
      alive - ai_alive > file.lines_added - file.ai_lines_added) {
    why = "needs '" + ai_key + "' no more than '" + all_key + "' and 'ai_lines_added', and the " +
          "other lines alive no more than the other lines added";
    return false;
  }
  return true;
}

bool read_files(dom::object o, CommitRecord& c, std::string& why) {
  dom::array files;
  if (o["files"].get_array().get(files)) return true;  // optional: a commit of no files
  if (files.size() > kMaxFilesPerCommit) {
    why = "field 'files' holds more than " + std::to_string(kMaxFilesPerCommit) + " files";
    return false;
  }
  size_t i = 0;
  for (dom::element fe : files) {
    const std::string where = "files[" + std::to_string(i++) + "]: ";
    dom::object fo;
    if (fe.get_object().get(fo)) {
      why = where + "must be an object";
      return false;
    }
    Fields ff(fo);
    CommitFile file;
    if (!ff.str("path", file.path, true, why, 4096) || !ff.count("added", file.added, false, why) ||
        !ff.count("removed", file.removed, false, why) || !ff.flag("binary", file.binary, why)) {
      why = where + why;
      return false;
    }
    if (file.path.empty() || file.added > kMaxLinesPerFile || file.removed > kMaxLinesPerFile) {
      why = where + "needs a non-empty 'path' and line counts up to " +
            std::to_string(kMaxLinesPerFile);
      return false;
    }
    // Line provenance (docs/PROVENANCE.md): optional counts, the AI's a part
    // of the scored lines.
    if (!ff.count("lines_added", file.lines_added, false, why) ||
        !ff.count("ai_lines_added", file.ai_lines_added, false, why)) {
      why = where + why;
      return false;
    }
    if (file.lines_added > kMaxLinesPerFile || file.ai_lines_added > file.lines_added) {
      why = where + "needs 'ai_lines_added' no more than 'lines_added', and 'lines_added' up to " +
            std::to_string(kMaxLinesPerFile);
      return false;
    }
    // Duplication: optional counts, the repeated a part of the blocks, a
    // block at least 6 scored lines.
    if (!ff.count("ai_blocks", file.ai_blocks, false, why) ||
        !ff.count("ai_blocks_repeated", file.ai_blocks_repeated, false, why) ||
        !ff.count("other_blocks", file.other_blocks, false, why) ||
        !ff.count("other_blocks_repeated", file.other_blocks_repeated, false, why)) {
      why = where + why;
      return false;
    }
    if (file.ai_blocks_repeated > file.ai_blocks ||
        file.other_blocks_repeated > file.other_blocks ||
        file.ai_blocks * 6 > file.ai_lines_added ||
        file.other_blocks * 6 > file.lines_added - file.ai_lines_added) {
      why = where +
            "needs each '*_blocks_repeated' no more than its '*_blocks', and blocks of at least 6 "
            "of the scored lines of their kind";
      return false;
    }
    if (!read_survival(ff, file, "21d", file.lines_alive_21d, file.ai_lines_alive_21d, why) ||
        !read_survival(ff, file, "90d", file.lines_alive_90d, file.ai_lines_alive_90d, why)) {
      why = where + why;
      return false;
    }
    c.files.push_back(std::move(file));
  }
  return true;
}

// "reworked" or "fix_blame": entries of the same shape.
bool read_reworked(dom::object o, const char* field, std::vector<ReworkedLines>& into,
                   std::string& why) {
  dom::array items;
  if (o[field].get_array().get(items)) return true;  // optional
  if (items.size() > kMaxFilesPerCommit) {
    why = std::string("field '") + field + "' holds more than " +
          std::to_string(kMaxFilesPerCommit) + " entries";
    return false;
  }
  size_t i = 0;
  for (dom::element re : items) {
    const std::string where = std::string(field) + "[" + std::to_string(i++) + "]: ";
    dom::object ro;
    if (re.get_object().get(ro)) {
      why = where + "must be an object";
      return false;
    }
    Fields rf(ro);
    ReworkedLines r;
    if (!rf.str("original_sha", r.original_sha, true, why, 64) ||
        !rf.str("path", r.path, true, why, 4096) || !rf.count("lines", r.lines, true, why)) {
      why = where + why;
      return false;
    }
    if (!is_object_name(r.original_sha) || r.lines > kMaxLinesPerFile) {
      why = where + "needs a hexadecimal 'original_sha' and 'lines' up to " +
            std::to_string(kMaxLinesPerFile);
      return false;
    }
    // Line-level rework: optional, the AI's a part of the lines.
    bool has_ai = false;
    if (!rf.has("ai_lines", has_ai, why)) {
      why = where + why;
      return false;
    }
    if (has_ai) {
      if (!rf.count("ai_lines", r.ai_lines, true, why)) {
        why = where + why;
        return false;
      }
      if (r.ai_lines > r.lines) {
        why = where + "needs 'ai_lines' no more than 'lines'";
        return false;
      }
    }
    into.push_back(std::move(r));
  }
  return true;
}

bool read_commit(dom::object o, CommitRecord& c, const DecodeLimits& limits, std::string& why) {
  Fields f(o);
  if (!f.str("sha", c.sha, true, why, 64)) return false;
  if (!is_object_name(c.sha)) {
    why = "field 'sha' must be a lowercase hexadecimal object name (7 to 64 digits)";
    return false;
  }
  if (!f.str("repo", c.repo, true, why, 512) ||
      !f.str("author_email", c.author_email, false, why, 320) ||
      !f.str("committer_email", c.committer_email, false, why, 320) ||
      !read_time(f, "author_time", c.author_ms, limits, why) ||
      !read_time(f, "committer_time", c.committer_ms, limits, why) ||
      !f.str("branch", c.branch, false, why, 512) ||
      !f.str("task_keys", c.task_keys, false, why, 1024) ||
      !f.flag("ai_coauthor", c.ai_coauthor, why) ||
      !f.flag("default_branch", c.on_default_branch, why))
    return false;
  if (c.repo.empty()) {
    why = "field 'repo' must not be empty";
    return false;
  }
  dom::array parents;
  if (!o["parents"].get_array().get(parents)) {
    for (dom::element pe : parents) {
      std::string_view p;
      if (pe.get_string().get(p) || !is_object_name(p)) {
        why = "field 'parents' must be an array of hexadecimal object names";
        return false;
      }
      c.parents.emplace_back(p);
    }
  }
  return read_files(o, c, why) && read_reworked(o, "reworked", c.reworked, why) &&
         read_reworked(o, "fix_blame", c.fix_blame, why);
}

}  // namespace

void write_commit(JsonWriter& w, const CommitRecord& c) {
  w.begin_object().field("sha", c.sha).field("repo", c.repo);
  w.key("parents").begin_array();
  for (const std::string& p : c.parents)
    w.value(p);
  w.end_array()
      .field("author_email", c.author_email)
      .field("author_time", format_iso8601_utc_ms(c.author_ms))
      .field("committer_email", c.committer_email)
      .field("committer_time", format_iso8601_utc_ms(c.committer_ms))
      .field("branch", c.branch)
      .field("task_keys", c.task_keys)
      .field("ai_coauthor", c.ai_coauthor);
  if (c.on_default_branch) w.field("default_branch", true);
  w.key("files");
  write_commit_files(w, c.files);
  w.key("reworked");
  write_reworked_lines(w, c.reworked);
  if (!c.fix_blame.empty()) {
    w.key("fix_blame");
    write_reworked_lines(w, c.fix_blame);
  }
  w.end_object();
}

Status read_commits(dom::object root, const DecodeLimits& limits, DecodedBatch& out) {
  dom::element el;
  if (root["commits"].get(el)) return {};  // a batch of usage only
  dom::array commits;
  if (el.get_array().get(commits)) return make_error("batch: field 'commits' must be an array");
  int64_t count = 0;
  dom::element count_el;
  if (root["commit_count"].get(count_el) || count_el.get_int64().get(count) ||
      count != static_cast<int64_t>(commits.size()))
    return make_error("batch: commit_count must equal the " + std::to_string(commits.size()) +
                      " commits the batch holds");
  if (commits.size() > limits.max_commits)
    return make_error("batch: " + std::to_string(commits.size()) + " commits exceed the limit of " +
                      std::to_string(limits.max_commits));
  size_t index = 0;
  for (dom::element e : commits) {
    CommitRecord c;
    dom::object o;
    std::string why;
    if (e.get_object().get(o)) {
      out.rejected_commits.push_back({index++, "", "a commit must be a JSON object"});
      continue;
    }
    if (read_commit(o, c, limits, why))
      out.commits.push_back(std::move(c));
    else
      out.rejected_commits.push_back({index, c.sha, why});
    ++index;
  }
  return {};
}

}  // namespace codepulse::proto::detail
