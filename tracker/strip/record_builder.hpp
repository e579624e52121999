// strip: builds a UsageRecord from the allowlisted facts of a parsed request.
// Absolute paths, the cwd and everything not named in UsageRecord stay here.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/pricing/pricer.hpp"
#include "common/record/keyed_value.hpp"
#include "common/record/usage_record.hpp"
#include "tracker/git/repo_identity.hpp"
#include "tracker/parse/line_parser.hpp"

namespace codepulse::tracker {

struct StripOptions {
  std::string author;                   // the tracker's configured identity
  std::optional<std::string> hash_key;  // when set: paths and branches become keyed hashes
};

class RecordBuilder {
 public:
  RecordBuilder(StripOptions options, std::shared_ptr<const Pricer> prices);

  UsageRecord build(const RequestLine& line, const std::string& turn_id);
  // Parts of build(): the request's dedupe key (as logged: its ids are not
  // made sendable) and its tool calls, for a copy of a request already built.
  static void dedupe_key(const RequestLine& line, std::string& key);
  void build_tools(const RequestLine& line, std::vector<ToolUse>& tools);
  // The record of one advisor call of `parent`'s request (line.advisors):
  // the parent's ids, time, session, place and turn under the advisor's
  // model and tokens, keyed "<parent key>\x1fadvisor:<index>". Advisor calls
  // take the request's inference_geo, run at standard speed and use no tools.
  UsageRecord build_advisor(const UsageRecord& parent, const AdvisorCall& call);
  // Records built from here on are priced with `prices` (a refreshed book).
  void set_pricer(std::shared_ptr<const Pricer> prices) { prices_ = std::move(prices); }
  const Pricer& pricer() const { return *prices_; }
  // Repo-relative path of a file a tool touched (see docs/PRIVACY.md).
  std::string relative_path(std::string_view file_path, const std::string& cwd);

  int64_t unknown_model_records() const { return unknown_models_; }
  // Repositories (worktree root -> identity) the sessions so far ran in.
  const std::unordered_map<std::string, std::string>& repo_roots() const { return repos_.roots(); }

 private:
  std::string keyed(std::string_view value) const;
  void price(UsageRecord& r);

  // What was made of a field's last raw value: the requests of a session
  // repeat their session, version, place, branch and turn.
  struct Remembered {
    bool set = false;
    std::string raw, made;
  };
  template <typename Make>
  static const std::string& remembered(Remembered& m, std::string_view raw, Make make) {
    if (!m.set || m.raw != raw) {
      m.made = make(raw);
      m.raw.assign(raw);
      m.set = true;
    }
    return m.made;
  }

  StripOptions options_;
  std::shared_ptr<const Pricer> prices_;
  RepoResolver repos_;
  std::string author_;  // options_.author, as sent
  Remembered session_, agent_, model_, geo_, version_, repo_, task_keys_, branch_, turn_;
  int64_t unknown_models_ = 0;
};

// What a Claude Code tool call waits for: awaited_kind(t, true) of the
// ToolUse `t` that build() makes of `call` for a request run in `cwd`,
// known without building it (a scan's reader thread tracks its file's
// pending calls this way; tests/unit/strip/record_builder_test.cpp holds the
// two equal). Its key is replace_control_characters(call.id), as t's.
ToolKind awaited_call_kind(const ToolCall& call, std::string_view cwd);

// Lexically normalized absolute path ("a/./b/../c" -> "a/c"); relative input
// is joined to base first.
std::string normalize_path(std::string_view path, std::string_view base);

}  // namespace codepulse::tracker
