// RecordBuilder on parsed request lines: the allowlisted fields, the cost, the
// repository identity, repo-relative paths and keyed hashes (docs/PRIVACY.md),
// in repositories laid out as bare git metadata files.
#include "tracker/strip/record_builder.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "common/hashing.hpp"
#include "common/text_controls.hpp"
#include "tests/support/log_lines.hpp"
#include "tests/support/test_prices.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using codepulse::test::AssistantSpec;
using codepulse::test::TempDir;

namespace {

// One model with simple rates (USD per million tokens, i.e. 1 = 1000 nanos a
// token) and a long-context tier above 1000 prompt tokens.
constexpr std::string_view kPrices = R"({
  "format": 2,
  "revision": "test-prices-1",
  "server_tools": [{"tool": "web_search", "usd_per_1000": 10}],
  "models": [{"family": "claude-test-1", "periods": [{"input": 1, "output": 2,
              "cache_write_5m": 3, "cache_write_1h": 4, "cache_read": 0.5,
              "long_context": {"above_tokens": 1000, "input": 2, "output": 4,
                               "cache_write_5m": 6, "cache_write_1h": 8, "cache_read": 1}}]}]})";

std::shared_ptr<const Pricer> test_prices() {
  static const std::shared_ptr<const Pricer> pricer = test::pricer_of(kPrices);
  return pricer;
}

// A line as the tail layer hands it over (padded), through the parser.
RequestLine parse_request(const std::string& line) {
  LineParser parser;
  const PendingTools pending;
  std::string buf = line;
  buf.append(simdjson::SIMDJSON_PADDING, '\0');
  const ParsedLine& p =
      parser.parse(std::string_view(buf.data(), line.size()), buf.size(), pending);
  REQUIRE(p.kind == LineKind::kRequest);
  return p.request;
}

RequestLine request_in(const std::string& cwd, const std::string& tool_json = "") {
  AssistantSpec s;
  s.model = "claude-test-1";
  s.cwd = cwd;
  s.tool_json = tool_json;
  return parse_request(test::assistant_line(s));
}

ToolCall call(const std::string& name, ToolKind kind, const std::string& file_path) {
  ToolCall c;
  c.id = "toolu_" + name;
  c.name = name;
  c.kind = kind;
  c.file_path = file_path;
  return c;
}

// <dir>/.git as git makes it, reduced to what identifies a repository: HEAD,
// an object store, and a config naming the origin remote.
void make_repo(const std::string& dir, const std::string& origin_url) {
  test::write_file(dir + "/.git/HEAD", "ref: refs/heads/main\n");
  test::make_dirs(dir + "/.git/objects");
  test::write_file(dir + "/.git/config",
                   "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = " + origin_url + "\n");
}

}  // namespace

TEST_CASE("a record holds the allowlisted facts of the request", "[strip]") {
  AssistantSpec s;
  s.message_id = "msg_01abc";
  s.request_id = "req_01xyz";
  s.model = "claude-test-1";
  s.session_id = "22222222-2222-4222-8222-222222222222";
  s.sidechain = true;
  s.cwd = "";
  s.branch = "feature/PROJ-12-login";
  s.input = 100;
  s.output = 10;
  s.cache_5m = 20;
  s.cache_1h = 30;
  s.cache_read = 500;
  s.web_search = 2;
  const RequestLine line = parse_request(test::assistant_line(s));
  RecordBuilder builder({"dev@acme.example", std::nullopt}, test_prices());
  const UsageRecord r = builder.build(line, "turn-uuid-1");

  CHECK(r.message_id == "msg_01abc");
  CHECK(r.request_id == "req_01xyz");
  CHECK(r.dedupe_key == "msg_01abc\x1freq_01xyz");
  CHECK(r.timestamp_ms == 1770912313088);
  CHECK(r.session_id == "22222222-2222-4222-8222-222222222222");
  CHECK(r.sidechain);
  CHECK(r.agent_id.empty());
  CHECK(r.model == "claude-test-1");
  CHECK(r.input == 100);
  CHECK(r.output == 10);
  CHECK(r.cache_create_5m == 20);
  CHECK(r.cache_create_1h == 30);
  CHECK(r.cache_read == 500);
  CHECK(r.web_search_requests == 2);
  CHECK_FALSE(r.fast);
  CHECK(r.cc_version == "2.1.39");
  CHECK(r.author == "dev@acme.example");
  CHECK(r.repo == "local/(unknown)");  // no cwd at all
  CHECK(r.branch == "feature/PROJ-12-login");
  CHECK(r.task_keys == "PROJ-12");
  CHECK(r.turn_id == "turn-uuid-1");
  CHECK(r.tools.empty());
  CHECK(r.price_version == "test-prices-1");
  // 100*1000 + 10*2000 + 20*3000 + 30*4000 + 500*500 nanos for the tokens,
  // 2 web searches at 10,000,000 each; 650 prompt tokens: no long context.
  REQUIRE(r.cost_nanos.has_value());
  CHECK(*r.cost_nanos == 20'550'000);
  CHECK_FALSE(r.long_context);
  CHECK(builder.unknown_model_records() == 0);
}

TEST_CASE("one builder makes each record as a fresh builder would, its fields changing or not",
          "[strip]") {
  TempDir dir;
  make_repo(dir / "api", "git@github.com:acme/api.git");
  make_repo(dir / "web", "https://github.com/acme/web.git");
  // Runs of requests that share a session, version, place, branch and turn,
  // then change one or more of them, and come back to earlier ones.
  struct Step {
    std::string session, version, cwd, branch, turn, model, geo;
  };
  const std::vector<Step> steps = {
      {"s1", "2.1.39", dir / "api", "main", "t1", "claude-test-1", ""},
      {"s1", "2.1.39", dir / "api", "main", "t1", "claude-test-1", ""},
      {"s1", "2.1.39", dir / "api", "feature/PROJ-7", "t2", "claude-test-1", R"("us")"},
      {"s2", "2.1.40", dir / "web", "feature/PROJ-7", "t2", "claude-other", R"("us")"},
      {"s2\x01", "2.1.40", "", "fix/ABC-1", "t3\x02", "claude-test-1", ""},
      {"s1", "2.1.39", dir / "api", "main", "t1", "claude-test-1", ""},
      {"s1", "2.1.39", dir / "web", "main", "", "claude-test-1", R"("eu")"},
  };
  RecordBuilder reused({"dev\x1b@acme.example", std::nullopt}, test_prices());
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& st = steps[i];
    AssistantSpec s;
    s.message_id = "msg_" + std::to_string(i);
    s.model = st.model;
    s.session_id = test::json_escape(st.session);
    s.cwd = st.cwd;
    s.branch = st.branch;
    s.inference_geo_json = st.geo;
    std::string line = test::assistant_line(s);
    const std::string version = R"("version":"2.1.39")";
    line.replace(line.find(version), version.size(), R"("version":")" + st.version + "\"");
    const RequestLine request = parse_request(line);
    RecordBuilder fresh({"dev\x1b@acme.example", std::nullopt}, test_prices());
    const UsageRecord want = fresh.build(request, st.turn);
    const UsageRecord got = reused.build(request, st.turn);
    INFO("step " << i);
    CHECK(got.session_id == want.session_id);
    CHECK(got.cc_version == want.cc_version);
    CHECK(got.repo == want.repo);
    CHECK(got.branch == want.branch);
    CHECK(got.task_keys == want.task_keys);
    CHECK(got.turn_id == want.turn_id);
    CHECK(got.model == want.model);
    CHECK(got.inference_geo == want.inference_geo);
    CHECK(got.author == want.author);
    CHECK(got.cost_nanos == want.cost_nanos);
  }
  // And the values are the right ones, not only equal.
  RecordBuilder check({"dev\x1b@acme.example", std::nullopt}, test_prices());
  AssistantSpec s;
  s.cwd = dir / "web";
  s.branch = "feature/PROJ-7";
  const UsageRecord r = check.build(parse_request(test::assistant_line(s)), "t\x02");
  CHECK(r.repo == "github.com/acme/web");
  CHECK(r.task_keys == "PROJ-7");
  CHECK(r.turn_id == "t\xEF\xBF\xBD");
  CHECK(r.author == "dev\xEF\xBF\xBD@acme.example");
}

TEST_CASE("a request over the threshold is priced at the long-context tier", "[strip]") {
  RequestLine line = request_in("");
  line.tokens = TokenCounts{};
  line.tokens.input = 2000;
  line.tokens.output = 10;
  RecordBuilder builder({"dev@acme.example", std::nullopt}, test_prices());
  const UsageRecord r = builder.build(line, "");
  CHECK(r.long_context);
  REQUIRE(r.cost_nanos.has_value());
  CHECK(*r.cost_nanos == 2000 * 2000 + 10 * 4000);
}

TEST_CASE("a model without a price has no cost and is counted", "[strip]") {
  RequestLine line = request_in("");
  line.model = "gateway-model-x";
  RecordBuilder builder({"dev@acme.example", std::nullopt}, test_prices());
  const UsageRecord first = builder.build(line, "");
  CHECK_FALSE(first.cost_nanos.has_value());
  CHECK(first.model == "gateway-model-x");
  CHECK(builder.unknown_model_records() == 1);
  (void)builder.build(line, "");
  CHECK(builder.unknown_model_records() == 2);
  line.model = "claude-test-1";
  CHECK(builder.build(line, "").cost_nanos.has_value());
  CHECK(builder.unknown_model_records() == 2);
}

TEST_CASE("the dedupe key falls back to the line when there is no message id", "[strip]") {
  RecordBuilder builder({"", std::nullopt}, test_prices());
  RequestLine line = request_in("");
  line.request_id.clear();
  CHECK(builder.build(line, "").dedupe_key == "msg_01");
  line.message_id.clear();
  line.line_uuid = "uuid-7";
  CHECK(builder.build(line, "").dedupe_key == "noid\x1fuuid-7");
  line.line_uuid.clear();
  line.session_id = "s1";
  line.timestamp_ms = 42;
  CHECK(builder.build(line, "").dedupe_key ==
        "noid\x1fs1\x1f"
        "42");
}

TEST_CASE("the repo is the normalized origin of the repository around the cwd", "[strip]") {
  TempDir t;
  make_repo(t / "api", "https://dev:s3cr3t@GitHub.com/acme/api.git");
  test::make_dirs(t / "api/src/deep");
  test::make_dirs(t / "plain/work");
  RecordBuilder builder({"", std::nullopt}, test_prices());

  const UsageRecord in_repo = builder.build(request_in(t / "api/src/deep"), "");
  CHECK(in_repo.repo == "github.com/acme/api");
  const UsageRecord outside = builder.build(request_in(t / "plain/work"), "");
  CHECK(outside.repo == "local/work");
  // The roots found so far, for the git scan.
  REQUIRE(builder.repo_roots().size() == 1);
  CHECK(builder.repo_roots().at(t / "api") == "github.com/acme/api");
}

TEST_CASE("tool paths are made relative to the repository root", "[strip]") {
  TempDir t;
  make_repo(t / "app", "git@github.com:acme/app.git");
  test::make_dirs(t / "app/sub");
  const std::string cwd = t / "app/sub";
  RecordBuilder builder({"", std::nullopt}, test_prices());

  RequestLine line = request_in(cwd);
  line.tools = {
      call("Read", ToolKind::kRead, t / "app/src/main.cpp"),
      call("Edit", ToolKind::kChange, "../docs/./guide/../README.md"),  // relative to the cwd
      call("Write", ToolKind::kChange, t / "elsewhere/notes.txt"),
      call("Read", ToolKind::kRead, t / "app"),
      call("Bash", ToolKind::kGitCommit, ""),
      call("Grep", ToolKind::kOther, t / "app/src/main.cpp"),
      call("Read", ToolKind::kRead, ""),
  };
  const UsageRecord r = builder.build(line, "");
  REQUIRE(r.tools.size() == 7);

  CHECK(r.tools[0].tool_use_id == "toolu_Read");
  CHECK(r.tools[0].name == "Read");
  CHECK(r.tools[0].path == "src/main.cpp");  // from the root, not from the cwd
  CHECK(r.tools[0].action == FileAction::kRead);
  CHECK_FALSE(r.tools[0].git_commit);

  CHECK(r.tools[1].path == "docs/README.md");
  CHECK(r.tools[1].action == FileAction::kChange);
  CHECK(r.tools[1].wants_result());

  CHECK(r.tools[2].path == "(outside)");
  CHECK(r.tools[2].action == FileAction::kChange);

  CHECK(r.tools[3].path == ".");  // the root itself

  CHECK(r.tools[4].name == "Bash");
  CHECK(r.tools[4].git_commit);
  CHECK(r.tools[4].path.empty());
  CHECK_FALSE(r.tools[4].action.has_value());
  CHECK(r.tools[4].wants_result());

  // Only reads and changes keep a path; an empty one gives no action.
  CHECK(r.tools[5].path.empty());
  CHECK_FALSE(r.tools[5].action.has_value());
  CHECK(r.tools[6].path.empty());
  CHECK_FALSE(r.tools[6].action.has_value());
  CHECK_FALSE(r.tools[6].wants_result());
}

TEST_CASE("a call the log says failed is a tool use with its error and result seen", "[strip]") {
  // Gemini CLI's status "error" and OpenCode's state "error" come with the
  // call itself (ToolCall::failed): the record's tool use carries the error
  // flag, and its result counts as seen, so nothing waits for a result line.
  TempDir t;
  make_repo(t / "app", "git@github.com:acme/app.git");
  RecordBuilder builder({"", std::nullopt}, test_prices());
  RequestLine line = request_in(t / "app");
  ToolCall failed_edit = call("replace", ToolKind::kChange, t / "app/src/a.ts");
  failed_edit.failed = true;
  ToolCall failed_shell = call("run_shell_command", ToolKind::kOther, "");
  failed_shell.failed = true;
  line.tools = {failed_edit, call("read_file", ToolKind::kRead, t / "app/src/a.ts"), failed_shell};
  const UsageRecord r = builder.build(line, "");
  REQUIRE(r.tools.size() == 3);
  CHECK(r.tools[0].error);
  CHECK(r.tools[0].result_seen);
  CHECK(r.tools[0].path == "src/a.ts");
  CHECK_FALSE(r.tools[1].error);
  CHECK_FALSE(r.tools[1].result_seen);
  CHECK(r.tools[2].error);
  CHECK(r.tools[2].result_seen);
  CHECK(r.tools[2].name == "run_shell_command");
}

TEST_CASE("tool paths come from the parsed tool_use block", "[strip]") {
  TempDir t;
  make_repo(t / "svc", "https://gitlab.example.com/group/svc.git");
  const RequestLine line = request_in(
      t / "svc",
      test::tool_use_block("toolu_01edit", "Edit",
                           R"({"file_path":")" + t / "svc/lib/x.py" +
                               R"(","old_string":"secret old","new_string":"secret new"})"));
  RecordBuilder builder({"", std::nullopt}, test_prices());
  const UsageRecord r = builder.build(line, "");
  REQUIRE(r.tools.size() == 1);
  CHECK(r.tools[0].tool_use_id == "toolu_01edit");
  CHECK(r.tools[0].name == "Edit");
  CHECK(r.tools[0].path == "lib/x.py");
  CHECK(r.tools[0].action == FileAction::kChange);
  CHECK(r.repo == "gitlab.example.com/group/svc");
}

TEST_CASE("outside a repository paths are relative to the cwd", "[strip]") {
  TempDir t;
  test::make_dirs(t / "scratch/proj");
  const std::string cwd = t / "scratch/proj";
  RecordBuilder builder({"", std::nullopt}, test_prices());
  CHECK(builder.relative_path(cwd + "/a/b.txt", cwd) == "a/b.txt");
  CHECK(builder.relative_path("a/../c.txt", cwd) == "c.txt");
  CHECK(builder.relative_path(cwd, cwd) == ".");
  CHECK(builder.relative_path(t / "scratch/other.txt", cwd) == "(outside)");
  CHECK(builder.relative_path(cwd + "-sibling/x", cwd) == "(outside)");  // a prefix, not a parent
  CHECK(builder.relative_path("", cwd).empty());
  // Everything is below "/": no place to keep a path from.
  CHECK(builder.relative_path("/etc/hosts", "/") == "(outside)");
}

TEST_CASE("without an absolute cwd only paths that stay relative are kept", "[strip]") {
  RecordBuilder builder({"", std::nullopt}, test_prices());
  for (const char* cwd : {"", "relative/dir"}) {
    CHECK(builder.relative_path("/home/dev/x.cpp", cwd) == "(outside)");
    CHECK(builder.relative_path("C:\\Users\\dev\\x.cpp", cwd) == "(outside)");
    CHECK(builder.relative_path("c:/work/x.cpp", cwd) == "(outside)");
    CHECK(builder.relative_path("\\\\server\\share\\x.cpp", cwd) == "(outside)");
    CHECK(builder.relative_path("src/./a/../b.cpp", cwd) == "src/b.cpp");
  }
}

TEST_CASE("under a hash key paths and branches become keyed hashes", "[strip][privacy]") {
  TempDir t;
  make_repo(t / "app", "https://github.com/acme/app.git");
  const std::string key = "org-secret-key";
  RecordBuilder hashed({"dev@acme.example", key}, test_prices());
  RecordBuilder clear({"dev@acme.example", std::nullopt}, test_prices());

  RequestLine line = request_in(t / "app");
  line.git_branch = "feature/PROJ-7-payments";
  line.tools = {
      call("Edit", ToolKind::kChange, t / "app/src/pay.ts"),
      call("Read", ToolKind::kRead, "/etc/passwd"),
      call("Read", ToolKind::kRead, t / "app"),
  };
  const UsageRecord r = hashed.build(line, "turn");
  const auto expected_hash = [&](std::string_view value) {
    return "h:" + hmac_sha256_hex(key, value).substr(0, 32);
  };
  CHECK(r.branch == expected_hash("feature/PROJ-7-payments"));
  CHECK(r.branch.size() == 34);
  CHECK(r.task_keys == "PROJ-7");  // keys are kept in clear
  CHECK(r.repo == "github.com/acme/app");
  REQUIRE(r.tools.size() == 3);
  CHECK(r.tools[0].path == expected_hash("src/pay.ts"));
  CHECK(r.tools[0].action == FileAction::kChange);
  CHECK(r.tools[1].path == "(outside)");  // markers are not hashed
  CHECK(r.tools[2].path == ".");
  CHECK(hashed.relative_path("notes/todo.md", "") == expected_hash("notes/todo.md"));

  // Without the key the same request keeps its text; another key, other hashes.
  const UsageRecord plain = clear.build(line, "turn");
  CHECK(plain.branch == "feature/PROJ-7-payments");
  CHECK(plain.tools[0].path == "src/pay.ts");
  RecordBuilder other({"dev@acme.example", std::string("another-key")}, test_prices());
  CHECK(other.build(line, "turn").branch != r.branch);

  // An empty branch stays empty rather than hashing "".
  line.git_branch.clear();
  CHECK(hashed.build(line, "turn").branch.empty());
}

TEST_CASE("normalize_path resolves dots against a base", "[strip]") {
  CHECK(normalize_path("a/./b/../c", "/base") == "/base/a/c");
  CHECK(normalize_path("/x//y/./z/..", "/ignored") == "/x/y");
  CHECK(normalize_path("../../..", "/one") == "/");
  CHECK(normalize_path("", "/base/dir/") == "/base/dir");
  CHECK(normalize_path("../x/./y/", "/a/b") == "/a/x/y");
  CHECK(normalize_path("..//../c", "/a/b") == "/c");
  CHECK(normalize_path("/", "/base") == "/");
  CHECK(normalize_path("a/b", "") == "/a/b");
  CHECK(normalize_path("./a", "rel/dir") == "/rel/dir/a");
  // Absolute and normal already, or nearly: the short way and the long agree.
  CHECK(normalize_path("/srv/app/src/main.cpp", "/x") == "/srv/app/src/main.cpp");
  CHECK(normalize_path("/srv/app/", "/x") == "/srv/app");
  CHECK(normalize_path("/srv/.hidden/a", "/x") == "/srv/.hidden/a");
  CHECK(normalize_path("/srv/app/.", "/x") == "/srv/app");
  CHECK(normalize_path("/srv//app", "/x") == "/srv/app");
  CHECK(normalize_path("/srv/app//", "/x") == "/srv/app");
}

TEST_CASE("a call's awaited kind is known without building its record", "[strip]") {
  TempDir t;
  make_repo(t / "app", "https://github.com/acme/app.git");
  for (const std::optional<std::string>& key :
       {std::optional<std::string>(), std::optional<std::string>("k")}) {
    RecordBuilder builder({"dev@acme.example", key}, test_prices());
    for (const std::string& cwd : {t / "app", t.path(), std::string(), std::string("rel/dir")}) {
      RequestLine line = request_in(cwd);
      for (const char* path :
           {"", "src/a.ts", "/etc/passwd", ".", "a/..", "./", "../x", "C:\\x", "\\\\srv\\x", "//"})
        for (ToolKind kind :
             {ToolKind::kChange, ToolKind::kRead, ToolKind::kGitCommit, ToolKind::kOther})
          line.tools.push_back(call("T" + std::to_string(line.tools.size()), kind, path));
      line.tools.push_back(call("counted", ToolKind::kChange, "src/b.ts"));
      line.tools.back().counted = true;
      line.tools.push_back(call("failed", ToolKind::kGitCommit, ""));
      line.tools.back().failed = true;
      line.tools.push_back(call("ctl", ToolKind::kChange, "src/c.ts"));
      line.tools.back().id = "toolu_\x01x";
      const UsageRecord r = builder.build(line, "turn");
      REQUIRE(r.tools.size() == line.tools.size());
      for (size_t i = 0; i < r.tools.size(); ++i) {
        INFO(cwd << " " << line.tools[i].file_path << " " << static_cast<int>(line.tools[i].kind));
        CHECK(awaited_call_kind(line.tools[i], line.cwd) == awaited_kind(r.tools[i], true));
        CHECK(replace_control_characters(line.tools[i].id) == r.tools[i].tool_use_id);
      }
    }
  }
}
