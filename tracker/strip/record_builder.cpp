#include "tracker/strip/record_builder.hpp"

#include <vector>

#include "common/hashing.hpp"
#include "common/pricing/record_pricing.hpp"
#include "common/record/assistant.hpp"
#include "common/task_keys.hpp"
#include "common/text_controls.hpp"

namespace codepulse::tracker {
namespace {

// "a" is `base` or below it: returns the part below, "" for base itself.
std::optional<std::string_view> below(std::string_view path, std::string_view base) {
  if (base.empty()) return std::nullopt;
  if (base.size() > 1 && base.back() == '/') base.remove_suffix(1);
  if (base == "/") return std::nullopt;  // everything is below "/": no place to keep
  if (path == base) return std::string_view();
  if (path.size() > base.size() && path.substr(0, base.size()) == base && path[base.size()] == '/')
    return path.substr(base.size() + 1);
  return std::nullopt;
}

// "/x", "\\server\x", "C:\x" or "C:/x": absolute on some system.
bool is_absolute_anywhere(std::string_view p) {
  if (p.empty()) return false;
  if (p[0] == '/' || p[0] == '\\') return true;
  return p.size() >= 3 && ((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) &&
         p[1] == ':' && (p[2] == '\\' || p[2] == '/');
}

}  // namespace

ToolKind awaited_call_kind(const ToolCall& call, std::string_view cwd) {
  if (call.counted || call.failed) return ToolKind::kOther;  // its result is logged with it
  if (call.kind == ToolKind::kGitCommit) return ToolKind::kGitCommit;
  if (call.kind != ToolKind::kChange || call.file_path.empty()) return ToolKind::kAnswered;
  // relative_path() is empty (no action) only for a relative path that
  // normalises to nothing under a cwd that is not absolute.
  const bool placed = (!cwd.empty() && cwd.front() == '/') ||
                      is_absolute_anywhere(call.file_path) ||
                      normalize_path(call.file_path, "/").size() > 1;
  return placed ? ToolKind::kChange : ToolKind::kAnswered;
}

std::string normalize_path(std::string_view path, std::string_view base) {
  // Most paths are absolute and normal already: no "." or ".." segment, no
  // empty one (but a trailing slash, dropped).
  constexpr auto npos = std::string_view::npos;
  if (!path.empty() && path.front() == '/' && path.find("/.") == npos && path.find("//") == npos) {
    if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    return std::string(path);
  }
  // Segment by segment into `out` (base's first unless path is absolute):
  // "." and empty ones dropped, ".." takes back the last one kept.
  std::string out;
  out.reserve(base.size() + path.size() + 1);
  const auto take = [&out](std::string_view rest) {
    while (!rest.empty()) {
      const size_t slash = rest.find('/');
      const std::string_view part = rest.substr(0, slash);
      rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
      if (part.empty() || part == ".") continue;
      if (part == "..") {
        const size_t last = out.rfind('/');
        out.resize(last == std::string::npos ? 0 : last);
        continue;
      }
      out.push_back('/');
      out.append(part);
    }
  };
  if (path.empty() || path.front() != '/') take(base);
  take(path);
  return out.empty() ? "/" : out;
}

std::string RecordBuilder::keyed(std::string_view value) const {
  return keyed_value(options_.hash_key, value);
}

std::string RecordBuilder::relative_path(std::string_view file_path, const std::string& cwd) {
  if (file_path.empty()) return {};
  if (cwd.empty() || cwd.front() != '/') {
    // Without an absolute cwd we cannot place the file: only a relative path
    // that stays relative is kept.
    if (is_absolute_anywhere(file_path)) return "(outside)";
    std::string norm = normalize_path(file_path, "/");
    return keyed(std::string_view(norm).substr(1));
  }
  const std::string abs = normalize_path(file_path, cwd);
  const RepoInfo& repo = repos_.resolve(cwd);
  const std::string_view base = repo.in_repo ? std::string_view(repo.root) : std::string_view(cwd);
  auto rel = below(abs, base);
  if (!rel) return "(outside)";
  if (rel->empty()) return ".";
  return keyed(*rel);
}

RecordBuilder::RecordBuilder(StripOptions options, std::shared_ptr<const Pricer> prices)
    : options_(std::move(options)),
      prices_(std::move(prices)),
      author_(replace_control_characters(options_.author)) {}

void RecordBuilder::price(UsageRecord& r) {
  const PricedUsage cost = prices_->price(to_price(r));
  r.cost_nanos = cost.list_nanos;
  r.long_context = cost.long_context;
  if (!cost.list_nanos) ++unknown_models_;
  r.price_version = prices_->book().revision();
}

UsageRecord RecordBuilder::build_advisor(const UsageRecord& parent, const AdvisorCall& call) {
  // The request's ids, time, session, place, turn and inference_geo; the
  // advisor's model and tokens; nothing of the request's own work.
  UsageRecord r = parent;
  r.tools.clear();
  r.dedupe_key +=
      "\x1f"
      "advisor:" +
      std::to_string(call.index);
  r.iteration = call.index + 1;
  r.model = replace_control_characters(call.model);
  r.input = call.input;
  r.output = call.output;
  r.cache_create_5m = call.cache_write_5m;
  r.cache_create_1h = call.cache_write_1h;
  r.cache_read = call.cache_read;
  r.web_search_requests = 0;
  r.web_fetch_requests = 0;
  r.fast = false;
  price(r);
  return r;
}

void RecordBuilder::dedupe_key(const RequestLine& line, std::string& key) {
  key.clear();
  if (line.assistant != kClaudeCode && line.assistant != kClaudeDesktop) {
    // The other readers name a unique id for every request.
    key.assign(line.assistant);
    key.push_back('\x1f');
    key.append(line.message_id);
  } else if (!line.message_id.empty()) {
    key.assign(line.message_id);
    if (!line.request_id.empty()) {
      key.push_back('\x1f');
      key.append(line.request_id);
    }
  } else {
    // No message id: never deduplicated with other lines, but a re-read of the
    // same line must not count twice, so the line's own uuid (or its facts) is
    // the key.
    key.assign("noid\x1f");
    if (line.line_uuid.empty()) {
      key.append(line.session_id);
      key.push_back('\x1f');
      key.append(std::to_string(line.timestamp_ms));
    } else {
      key.append(line.line_uuid);
    }
  }
}

UsageRecord RecordBuilder::build(const RequestLine& line, const std::string& turn_id) {
  UsageRecord r;
  r.assistant.assign(line.assistant);
  dedupe_key(line, r.dedupe_key);
  // Every string sent is free of control characters and invalid UTF-8
  // (replaced by U+FFFD), which the collector refuses (proto/README.md,
  // "Strings"); the local dedupe key keeps the ids as logged.
  const auto sendable = [](std::string_view s) { return replace_control_characters(s); };
  r.message_id = sendable(line.message_id);
  r.request_id = sendable(line.request_id);
  r.timestamp_ms = line.timestamp_ms;
  // A session's requests mostly repeat the rest: each is made once per run.
  r.session_id = remembered(session_, line.session_id, sendable);
  r.sidechain = line.sidechain;
  r.agent_id = remembered(agent_, line.agent_id, sendable);
  r.model = remembered(model_, line.model, sendable);
  r.input = line.tokens.input;
  r.output = line.tokens.output;
  r.cache_create_5m = line.tokens.cache_write_5m;
  r.cache_create_1h = line.tokens.cache_write_1h;
  r.cache_read = line.tokens.cache_read;
  r.reasoning = line.tokens.reasoning;
  r.web_search_requests = line.tokens.web_search_requests;
  r.web_fetch_requests = line.tokens.web_fetch_requests;
  r.fast = line.tokens.fast;
  r.inference_geo = remembered(geo_, line.tokens.inference_geo, sendable);
  price(r);
  r.cc_version = remembered(version_, line.cc_version, sendable);
  r.author = author_;
  r.repo = remembered(repo_, line.cwd, [this](std::string_view cwd) {
    if (cwd.empty()) return std::string("local/(unknown)");
    return replace_control_characters(repos_.resolve(std::string(cwd)).identity);
  });
  r.task_keys = remembered(task_keys_, line.git_branch, [](std::string_view b) {
    return replace_control_characters(find_task_keys(b));
  });
  r.branch = remembered(branch_, line.git_branch, [this](std::string_view b) {
    return replace_control_characters(keyed(b));
  });
  r.turn_id = remembered(turn_, turn_id, sendable);
  build_tools(line, r.tools);
  return r;
}

void RecordBuilder::build_tools(const RequestLine& line, std::vector<ToolUse>& tools) {
  const auto sendable = [](std::string_view s) { return replace_control_characters(s); };
  tools.clear();
  tools.reserve(line.tools.size());
  for (const ToolCall& call : line.tools) {
    ToolUse t;
    t.tool_use_id = sendable(call.id);
    t.name = sendable(call.name);
    if (call.kind == ToolKind::kRead || call.kind == ToolKind::kChange) {
      t.path = sendable(relative_path(call.file_path, line.cwd));
      if (!t.path.empty())
        t.action = call.kind == ToolKind::kRead ? FileAction::kRead : FileAction::kChange;
    }
    t.git_commit = call.kind == ToolKind::kGitCommit;
    if (call.counted) {
      t.result_seen = true;
      t.lines_added = call.lines_added;
      t.lines_removed = call.lines_removed;
      t.commit_sha = sendable(call.commit_sha);
    }
    if (call.failed) {
      t.result_seen = true;  // the failure is the call's result, logged with it
      t.error = true;
    }
    tools.push_back(std::move(t));
  }
}

}  // namespace codepulse::tracker
