// Strings are valid at the door (proto/README.md, "Strings"): a control
// character (C0, DEL, C1) in any string of a record or commit rejects that
// record or commit alone, naming the field; in the header, the batch.
#include "proto/wire_strings.hpp"

#include <catch2/catch.hpp>
#include <functional>

#include "proto/wire_batch.hpp"
#include "tests/support/wire_header.hpp"

using namespace codepulse;
using namespace codepulse::proto;

namespace {

// One of each kind: ESC, NUL, a line break, a tab, DEL, C1 (CSI, NEL).
const std::vector<std::pair<std::string, std::string>> kControls = {
    {"ok\x1b[2J", "U+001B at byte 2"},
    {std::string("ok\0x", 4), "U+0000 at byte 2"},
    {"two\nlines", "U+000A at byte 3"},
    {"a\tb", "U+0009 at byte 1"},
    {"del\x7f", "U+007F at byte 3"},
    {"c1 \xc2\x9b"
     "1m",
     "U+009B at byte 3"},
    {"nel\xc2\x85", "U+0085 at byte 3"}};

WireRecord good(const std::string& uid) {
  WireRecord w;
  w.record_uid = uid;
  UsageRecord& r = w.usage;
  r.timestamp_ms = 1770912313088;
  r.session_id = "4d5611e5-241a-462a-8d15-5122611a9569";
  r.model = "claude-opus-4-6";
  r.input = 10;
  r.repo = "github.com/acme/api";
  r.branch = "feature/PROJ-1";
  ToolUse t;
  t.tool_use_id = "toolu_1";
  t.name = "Edit";
  t.path = "src/caf\xc3\xa9.cpp";  // non-ASCII text is no control
  r.tools.push_back(t);
  return w;
}

CommitRecord good_commit(const std::string& sha) {
  CommitRecord c;
  c.sha = sha;
  c.repo = "github.com/acme/api";
  c.author_email = c.committer_email = "dev@acme.example";
  c.author_ms = c.committer_ms = 1770912313088;
  c.branch = "main";
  c.files = {{"src/a.cpp", 1, 0, false}};
  c.reworked = {{"0123456789abcdef0123456789abcdef01234567", "src/a.cpp", 1}};
  return c;
}

}  // namespace

TEST_CASE("a control character in a record's or commit's string rejects it alone, naming the field",
          "[proto][strings]") {
  using SetRecord = std::function<void(WireRecord&, const std::string&)>;
  const std::vector<std::pair<std::string, SetRecord>> record_fields = {
      {"session_id", [](WireRecord& w, const std::string& v) { w.usage.session_id = v; }},
      {"agent_id", [](WireRecord& w, const std::string& v) { w.usage.agent_id = v; }},
      {"message_id", [](WireRecord& w, const std::string& v) { w.usage.message_id = v; }},
      {"request_id", [](WireRecord& w, const std::string& v) { w.usage.request_id = v; }},
      {"price_version", [](WireRecord& w, const std::string& v) { w.usage.price_version = v; }},
      {"claude_code_version", [](WireRecord& w, const std::string& v) { w.usage.cc_version = v; }},
      {"repo", [](WireRecord& w, const std::string& v) { w.usage.repo = v; }},
      {"branch", [](WireRecord& w, const std::string& v) { w.usage.branch = v; }},
      {"task_keys", [](WireRecord& w, const std::string& v) { w.usage.task_keys = v; }},
      {"turn_id", [](WireRecord& w, const std::string& v) { w.usage.turn_id = v; }},
      {"inference_geo", [](WireRecord& w, const std::string& v) { w.usage.inference_geo = v; }},
      {"model", [](WireRecord& w, const std::string& v) { w.usage.model = v; }},
      {"assistant", [](WireRecord& w, const std::string& v) { w.usage.assistant = v; }},
      {"tools[0]: field 'id'",
       [](WireRecord& w, const std::string& v) { w.usage.tools[0].tool_use_id = v; }},
      {"tools[0]: field 'name'",
       [](WireRecord& w, const std::string& v) { w.usage.tools[0].name = v; }},
      {"tools[0]: field 'path'",
       [](WireRecord& w, const std::string& v) { w.usage.tools[0].path = v; }},
      {"tools[0]: field 'commit_sha'",
       [](WireRecord& w, const std::string& v) { w.usage.tools[0].commit_sha = v; }},
  };
  using SetCommit = std::function<void(CommitRecord&, const std::string&)>;
  const std::vector<std::pair<std::string, SetCommit>> commit_fields = {
      {"repo", [](CommitRecord& c, const std::string& v) { c.repo = v; }},
      {"author_email", [](CommitRecord& c, const std::string& v) { c.author_email = v; }},
      {"committer_email", [](CommitRecord& c, const std::string& v) { c.committer_email = v; }},
      {"branch", [](CommitRecord& c, const std::string& v) { c.branch = v; }},
      {"task_keys", [](CommitRecord& c, const std::string& v) { c.task_keys = v; }},
      {"files[0]: field 'path'",
       [](CommitRecord& c, const std::string& v) { c.files[0].path = v; }},
      {"reworked[0]: field 'path'",
       [](CommitRecord& c, const std::string& v) { c.reworked[0].path = v; }},
  };
  // A good record and commit first, then one bad one per field and control.
  std::vector<WireRecord> records = {good("good")};
  std::vector<std::string> record_reasons;
  for (const auto& [field, set] : record_fields)
    for (const auto& [value, where] : kControls) {
      records.push_back(good("r" + std::to_string(records.size())));
      set(records.back(), value);
      const std::string name =
          field.find('\'') == std::string::npos ? "field '" + field + "'" : field;
      record_reasons.push_back(name + " holds the control character " + where);
    }
  records.push_back(good("good-last"));
  std::vector<CommitRecord> commits = {good_commit("aaaaaaa")};
  std::vector<std::string> commit_reasons;
  for (const auto& [field, set] : commit_fields)
    for (const auto& [value, where] : kControls) {
      char sha[16];
      std::snprintf(sha, sizeof sha, "b%07zx", commits.size());
      commits.push_back(good_commit(sha));
      set(commits.back(), value);
      const std::string name =
          field.find('\'') == std::string::npos ? "field '" + field + "'" : field;
      commit_reasons.push_back(name + " holds the control character " + where);
    }
  auto d = decode_json(encode_json(test::sample_header(records.size()), records, commits), {});
  REQUIRE(d);
  REQUIRE(d->records.size() == 2);
  CHECK(d->records[0].record_uid == "good");
  CHECK(d->records[1].record_uid == "good-last");
  CHECK(d->records[0].usage.tools[0].path == "src/caf\xc3\xa9.cpp");
  REQUIRE(d->rejected.size() == record_reasons.size());
  for (size_t i = 0; i < record_reasons.size(); ++i) {
    INFO(d->rejected[i].reason);
    CHECK(d->rejected[i].index == i + 1);
    CHECK(d->rejected[i].reason.rfind(record_reasons[i], 0) == 0);
  }
  REQUIRE(d->commits.size() == 1);
  REQUIRE(d->rejected_commits.size() == commit_reasons.size());
  for (size_t i = 0; i < commit_reasons.size(); ++i) {
    INFO(d->rejected_commits[i].reason);
    CHECK(d->rejected_commits[i].index == i + 1);
    CHECK(d->rejected_commits[i].reason.rfind(commit_reasons[i], 0) == 0);
  }
}

TEST_CASE("a control character in the batch header, or invalid UTF-8 anywhere, fails the batch",
          "[proto][strings]") {
  const std::vector<WireRecord> records = {good("u1")};
  for (const char* field : {"tracker_version", "device_id", "author", "batch_id"}) {
    INFO(field);
    BatchHeader h = test::sample_header(1);
    const std::string bad = "x\x1b]0;t\x07";
    if (std::string(field) == "tracker_version") h.tracker_version = bad;
    if (std::string(field) == "device_id") h.device_id = bad;
    if (std::string(field) == "author") h.author = bad;
    if (std::string(field) == "batch_id") h.batch_id = bad;
    auto d = decode_json(encode_json(h, records), {});
    REQUIRE_FALSE(d);
    CHECK(d.error().message == std::string("batch header: field '") + field +
                                   "' holds the control character U+001B at byte 1 (no string "
                                   "may hold C0, DEL or C1 control characters)");
  }
  // The JSON writer never writes invalid UTF-8: a document by hand.
  std::string json = encode_json(test::sample_header(1), records);
  json.replace(json.find("github.com/acme/api"), 6, "gi\xff\xfehu");
  auto d = decode_json(json, {});
  REQUIRE_FALSE(d);
  CHECK(d.error().message.find("batch is not a JSON object") == 0);
  CHECK(detail::string_problem("repo", "plain caf\xc3\xa9").empty());
}
