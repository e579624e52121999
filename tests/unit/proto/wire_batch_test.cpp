#include "proto/wire_batch.hpp"

#include <catch2/catch.hpp>

#include "common/zstd_codec.hpp"
#include "tests/support/record_fields.hpp"
#include "tests/support/wire_header.hpp"

using namespace codepulse;
using namespace codepulse::proto;
using codepulse::test::expect_same_record;

namespace {

WireRecord sample(int i) {
  WireRecord w;
  w.record_uid = "uid" + std::to_string(i);
  w.revision = 2;
  UsageRecord& r = w.usage;
  r.timestamp_ms = 1770912313088 + i;
  r.session_id = "4d5611e5-241a-462a-8d15-5122611a9569";
  r.message_id = "msg_01Aci2WjhVxhEoZK5GJvwV" + std::to_string(i);
  r.request_id = "req_011CY4TdRR4Sr7x9h9V6za" + std::to_string(i);
  r.model = "claude-opus-4-6";
  r.input = 1 + i;
  r.output = 299;
  r.cache_create_5m = 5601;
  r.cache_read = 29509;
  r.cost_nanos = 57240750;
  r.price_version = "2026-11-22";
  r.cc_version = "2.1.39";
  r.author = "dev@acme.example";
  r.repo = "github.com/acme/api";
  r.branch = "feature/PROJ-1";
  r.task_keys = "PROJ-1";
  r.turn_id = "daa5a4bb-530c-4055-b20c-bde38255c99e";
  ToolUse t;
  t.tool_use_id = "toolu_01K5BegAi12wHgGD6yU8D8" + std::to_string(i);
  t.name = "Edit";
  t.path = "src/main.cpp";
  t.action = FileAction::kChange;
  t.result_seen = true;
  t.lines_added = 3;
  t.lines_removed = 1;
  r.tools.push_back(t);
  return w;
}

// sample(i) with every field away from its default, and a tool of each
// kind, so that a field the wire loses shows.
WireRecord full_sample(int i) {
  WireRecord w = sample(i);
  UsageRecord& r = w.usage;
  r.dedupe_key = r.message_id + "\x1f" + r.request_id;
  r.sidechain = true;
  r.agent_id = "a2898e3";
  r.cache_create_1h = 7164;
  r.web_search_requests = 2;
  r.fast = true;
  r.long_context = true;
  r.assistant = "codex";
  r.output = 1299;
  r.reasoning = 1000;
  ToolUse read;
  read.tool_use_id = "toolu_01Read" + std::to_string(i);
  read.name = "Read";
  read.path = "src/util.cpp";
  read.action = FileAction::kRead;
  r.tools.push_back(read);
  ToolUse commit;
  commit.tool_use_id = "toolu_01Bash" + std::to_string(i);
  commit.name = "Bash";
  commit.git_commit = true;
  commit.result_seen = true;
  commit.lines_added = 12;
  commit.lines_removed = 4;
  commit.commit_sha = "1a2b3c4";
  r.tools.push_back(commit);
  ToolUse failed;
  failed.tool_use_id = "toolu_01Fail" + std::to_string(i);
  failed.name = "Bash";
  failed.result_seen = true;
  failed.error = true;
  r.tools.push_back(failed);
  return w;
}

BatchHeader header(size_t n) {
  return test::sample_header(n);
}

}  // namespace

TEST_CASE("a batch survives encode and decode unchanged", "[proto]") {
  std::vector<WireRecord> recs = {full_sample(1), full_sample(2)};
  recs[1].usage.cost_nanos.reset();  // an unpriced model
  auto bytes = encode(header(2), recs);
  REQUIRE(bytes);
  auto d = decode(*bytes, {});
  REQUIRE(d);
  const BatchHeader sent = header(2);
  CHECK(d->header.format_version == sent.format_version);
  CHECK(d->header.tracker_version == sent.tracker_version);
  CHECK(d->header.device_id == sent.device_id);
  CHECK(d->header.author == sent.author);
  CHECK(d->header.batch_id == sent.batch_id);
  CHECK(d->header.record_count == sent.record_count);
  CHECK(d->header.created_ms == sent.created_ms);
  REQUIRE(d->records.size() == 2);
  CHECK(d->rejected.empty());
  for (size_t i = 0; i < recs.size(); ++i) {
    INFO("record " << i);
    CHECK(d->records[i].record_uid == recs[i].record_uid);
    CHECK(d->records[i].revision == recs[i].revision);
    // Every field travels but two: the author, sent once in the header (the
    // collector takes it from the token), and the tracker's own dedupe key.
    UsageRecord want = recs[i].usage;
    want.author.clear();
    want.dedupe_key.clear();
    expect_same_record(d->records[i].usage, want);
  }
}

TEST_CASE("unknown fields from a newer tracker are ignored", "[proto]") {
  std::string json = encode_json(header(1), {sample(1)});
  json.replace(json.find("\"uid\""), 5, R"("future_field":{"x":[1,2]},"uid")");
  json.insert(1, R"("future_header":true,)");
  auto d = decode_json(json, {});
  REQUIRE(d);
  CHECK(d->records.size() == 1);
}

TEST_CASE("a tool call's failure travels as a flag only, absent meaning none", "[proto]") {
  WireRecord w = sample(1);
  w.usage.tools[0].error = true;
  std::string json = encode_json(header(1), {w});
  // Only a failure is written: an older collector ignores the field.
  REQUIRE(json.find(R"("error":true)") != std::string::npos);
  auto d = decode_json(json, {});
  REQUIRE(d);
  REQUIRE(d->records.size() == 1);
  CHECK(d->records[0].usage.tools.at(0).error);
  // A call that did not fail has no field; an older tracker never sends it.
  const std::string plain = encode_json(header(1), {sample(1)});
  CHECK(plain.find(R"("error")") == std::string::npos);
  auto older = decode_json(plain, {});
  REQUIRE(older);
  CHECK_FALSE(older->records.at(0).usage.tools.at(0).error);
  // Not a flag: the record is rejected, with the field named.
  json.replace(json.find(R"("error":true)"), 12, R"("error":"boom")");
  auto bad = decode_json(json, {});
  REQUIRE(bad);
  CHECK(bad->records.empty());
  REQUIRE(bad->rejected.size() == 1);
  CHECK(bad->rejected[0].reason.find("error") != std::string::npos);
}

TEST_CASE("a record of an older tracker, without assistant, is Claude Code's", "[proto]") {
  std::string json = encode_json(header(1), {sample(1)});
  const std::string field = R"("assistant":"claude-code",)";
  REQUIRE(json.find(field) != std::string::npos);
  json.erase(json.find(field), field.size());
  const std::string reasoning = R"("reasoning_tokens":0,)";
  REQUIRE(json.find(reasoning) != std::string::npos);
  json.erase(json.find(reasoning), reasoning.size());
  auto d = decode_json(json, {});
  REQUIRE(d);
  REQUIRE(d->records.size() == 1);
  CHECK(d->records[0].usage.assistant == "claude-code");
  CHECK(d->records[0].usage.reasoning == 0);
}

TEST_CASE("an assistant that is not a name, or reasoning above output, is refused", "[proto]") {
  std::vector<WireRecord> recs = {sample(1), sample(2), sample(3), sample(4)};
  recs[1].usage.assistant = "Codex CLI";
  recs[2].usage.assistant = "gemini-cli\x1b[2J";
  recs[3].usage.assistant = "opencode";
  recs[3].usage.reasoning = recs[3].usage.output + 1;
  auto d = decode_json(encode_json(header(4), recs), {});
  REQUIRE(d);
  REQUIRE(d->records.size() == 1);
  CHECK(d->records[0].usage.assistant == "claude-code");
  REQUIRE(d->rejected.size() == 3);
  CHECK(d->rejected[0].reason.find("field 'assistant' must be an assistant name") == 0);
  // A control character is refused before the name rule (wire_strings.hpp).
  CHECK(d->rejected[1].reason.find("field 'assistant' holds the control character U+001B at byte "
                                   "10") == 0);
  CHECK(d->rejected[2].reason ==
        "field 'reasoning_tokens' is 300, more than output_tokens (reasoning is a part of the "
        "output)");
}

TEST_CASE("a record missing a required field is rejected alone, with the reason", "[proto]") {
  std::string json = encode_json(header(3), {sample(1), sample(2), sample(3)});
  const size_t second = json.find("\"uid\":\"uid2\"");
  const size_t model = json.find("\"model\":", second);
  json.replace(model, std::string("\"model\":\"claude-opus-4-6\",").size(), "");
  const size_t third = json.find("\"uid\":\"uid3\"");
  const size_t input = json.find("\"input_tokens\":4", third);
  json.replace(input, std::string("\"input_tokens\":4").size(), "\"input_tokens\":-4");
  auto d = decode_json(json, {});
  REQUIRE(d);
  CHECK(d->records.size() == 1);
  REQUIRE(d->rejected.size() == 2);
  CHECK(d->rejected[0].index == 1);
  CHECK(d->rejected[0].uid == "uid2");
  CHECK(d->rejected[0].reason == "missing required field 'model'");
  CHECK(d->rejected[1].reason == "field 'input_tokens' must be a non-negative integer");
}

TEST_CASE("bad batches fail as a whole with a clear reason", "[proto]") {
  auto json = encode_json(header(1), {sample(1)});
  std::string wrong_count = json;
  wrong_count.replace(wrong_count.find("\"record_count\":1"), 16, "\"record_count\":7");
  CHECK(decode_json(wrong_count, {}).error().message ==
        "batch: record_count says 7 but the batch holds 1 records");
  std::string newer = json;
  newer.replace(newer.find("\"format_version\":1"), 18, "\"format_version\":2");
  CHECK(decode_json(newer, {}).error().message.find("format_version 2 is not supported") !=
        std::string::npos);
  CHECK_FALSE(decode_json("[1,2]", {}));
  CHECK_FALSE(decode_json(json.substr(0, json.size() / 2), {}));
  DecodeLimits few;
  few.max_records = 0;
  CHECK(decode_json(json, few).error().message.find("exceed the limit") != std::string::npos);
}

TEST_CASE("truncated, corrupt and oversized zstd frames are refused", "[proto][zstd]") {
  auto bytes = encode(header(1), {sample(1)});
  REQUIRE(bytes);
  CHECK(decode(bytes->substr(0, bytes->size() - 5), {}).error().message.find("truncated") !=
        std::string::npos);
  std::string corrupt = *bytes;
  corrupt[corrupt.size() / 2] ^= 0x5a;
  corrupt[corrupt.size() / 2 + 1] ^= 0x33;
  CHECK_FALSE(decode(corrupt, {}));
  CHECK_FALSE(decode("not zstd at all", {}));
  // A zstd bomb: 1 GiB of zeros compresses to a few tens of KiB.
  auto bomb = zstd_compress(std::string(64u << 20, '\0'), 19);
  REQUIRE(bomb);
  CHECK(bomb->size() < (64u << 10));
  auto refused = zstd_decompress(*bomb, 1u << 20);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message == "zstd: decompressed data exceeds the limit of 1048576 bytes");
}

TEST_CASE("a realistic batch compresses to under 15% of its size", "[proto][zstd]") {
  std::vector<WireRecord> recs;
  for (int i = 0; i < 1000; ++i)
    recs.push_back(sample(i * 7919));
  const std::string json = encode_json(header(recs.size()), recs);
  auto bytes = encode(header(recs.size()), recs);
  REQUIRE(bytes);
  INFO(json.size() << " -> " << bytes->size());
  CHECK(bytes->size() * 100 < json.size() * 15);
}

namespace {

CommitRecord sample_commit(const std::string& sha) {
  CommitRecord c;
  c.repo = "github.com/acme/api";
  c.sha = sha;
  c.parents = {"1111111111111111111111111111111111111111"};
  c.author_email = "dev@acme.example";
  c.committer_email = "dev@acme.example";
  c.author_ms = 1770912000000;
  c.committer_ms = 1770912060000;
  c.branch = "feature/PROJ-1";
  c.task_keys = "PROJ-1,PROJ-7";
  c.ai_coauthor = true;
  c.files = {{"src/main.cpp", 12, 3, false}, {"logo.png", 0, 0, true}};
  c.reworked = {{"2222222222222222222222222222222222222222", "src/main.cpp", 2}};
  return c;
}

}  // namespace

TEST_CASE("commits travel beside the records and come back unchanged", "[proto][commits]") {
  const std::string sha = "abcdef0123456789abcdef0123456789abcdef01";
  auto bytes = encode(header(1), {sample(1)}, {sample_commit(sha)});
  REQUIRE(bytes);
  auto d = decode(*bytes, {});
  REQUIRE(d);
  CHECK(d->records.size() == 1);
  REQUIRE(d->commits.size() == 1);
  CHECK(d->rejected_commits.empty());
  const CommitRecord& c = d->commits[0];
  CHECK(c.sha == sha);
  CHECK(c.repo == "github.com/acme/api");
  CHECK(c.parents == std::vector<std::string>{"1111111111111111111111111111111111111111"});
  CHECK(c.author_ms == 1770912000000);
  CHECK(c.committer_ms == 1770912060000);
  CHECK(c.task_keys == "PROJ-1,PROJ-7");
  CHECK(c.ai_coauthor);
  REQUIRE(c.files.size() == 2);
  CHECK(c.files[0].path == "src/main.cpp");
  CHECK(c.files[0].added == 12);
  CHECK(c.files[0].removed == 3);
  CHECK(c.files[1].binary);
  REQUIRE(c.reworked.size() == 1);
  CHECK(c.reworked[0].lines == 2);
  // A batch of usage only has no commits array at all (older collectors
  // never see one).
  CHECK(encode_json(header(1), {sample(1)}).find("commits") == std::string::npos);
}

TEST_CASE("a bad commit is rejected alone, a bad commits array fails the batch",
          "[proto][commits]") {
  const std::string good = "abcdef0123456789abcdef0123456789abcdef01";
  std::string json = encode_json(header(1), {sample(1)},
                                 {sample_commit(good), sample_commit("not-a-sha; rm -rf /")});
  auto d = decode_json(json, {});
  REQUIRE(d);
  CHECK(d->records.size() == 1);
  REQUIRE(d->commits.size() == 1);
  REQUIRE(d->rejected_commits.size() == 1);
  CHECK(d->rejected_commits[0].index == 1);
  CHECK(d->rejected_commits[0].reason.find("field 'sha'") != std::string::npos);

  std::string negative = encode_json(header(1), {sample(1)}, {sample_commit(good)});
  negative.replace(negative.find("\"added\":12"), 10, "\"added\":-1");
  auto n = decode_json(negative, {});
  REQUIRE(n);
  REQUIRE(n->rejected_commits.size() == 1);
  CHECK(n->rejected_commits[0].reason == "files[0]: field 'added' must be a non-negative integer");

  std::string miscount = encode_json(header(1), {sample(1)}, {sample_commit(good)});
  miscount.replace(miscount.find("\"commit_count\":1"), 16, "\"commit_count\":3");
  CHECK(decode_json(miscount, {}).error().message.find("commit_count") != std::string::npos);

  DecodeLimits few;
  few.max_commits = 0;
  CHECK(decode_json(json, few).error().message.find("commits exceed the limit") !=
        std::string::npos);
}

TEST_CASE("line provenance counts travel per file, only for a scored file, and are checked",
          "[proto][commits][provenance]") {
  const std::string sha = "abcdef0123456789abcdef0123456789abcdef01";
  CommitRecord sent = sample_commit(sha);
  sent.files[0].lines_added = 10;
  sent.files[0].ai_lines_added = 7;
  sent.on_default_branch = true;
  const std::string json = encode_json(header(1), {sample(1)}, {sent});
  CHECK(json.find(R"("lines_added":10,"ai_lines_added":7)") != std::string::npos);
  CHECK(json.find(R"("default_branch":true)") != std::string::npos);
  // The binary file was not scored: no counts for it.
  CHECK(json.find(R"("binary":true})") != std::string::npos);
  auto d = decode_json(json, {});
  REQUIRE(d);
  REQUIRE(d->commits.size() == 1);
  const CommitRecord& c = d->commits[0];
  CHECK(c.on_default_branch);
  CHECK(c.files[0].lines_added == 10);
  CHECK(c.files[0].ai_lines_added == 7);
  CHECK(c.files[1].lines_added == 0);
  CHECK(c.files[1].ai_lines_added == 0);
  // A commit of an older tracker has neither: not scored, not on the default branch.
  auto old = decode_json(encode_json(header(1), {sample(1)}, {sample_commit(sha)}), {});
  REQUIRE(old);
  CHECK_FALSE(old->commits[0].on_default_branch);
  CHECK(old->commits[0].files[0].lines_added == 0);

  // More AI lines than lines, a negative count: the commit is rejected alone.
  std::string more = json;
  more.replace(more.find(R"("ai_lines_added":7)"), 18, R"("ai_lines_added":11)");
  auto m = decode_json(more, {});
  REQUIRE(m);
  REQUIRE(m->rejected_commits.size() == 1);
  CHECK(m->rejected_commits[0].reason ==
        "files[0]: needs 'ai_lines_added' no more than 'lines_added', and 'lines_added' up to "
        "1000000000");
  std::string negative = json;
  negative.replace(negative.find(R"("lines_added":10)"), 16, R"("lines_added":-1)");
  auto n = decode_json(negative, {});
  REQUIRE(n);
  REQUIRE(n->rejected_commits.size() == 1);
  CHECK(n->rejected_commits[0].reason ==
        "files[0]: field 'lines_added' must be a non-negative integer");
  std::string flag = json;
  flag.replace(flag.find(R"("default_branch":true)"), 21, R"("default_branch":"yes")");
  auto f = decode_json(flag, {});
  REQUIRE(f);
  REQUIRE(f->rejected_commits.size() == 1);
  CHECK(f->rejected_commits[0].reason.find("default_branch") != std::string::npos);
}

TEST_CASE("survival and line-level rework travel once measured, and are checked",
          "[proto][commits][provenance][survival]") {
  const std::string sha = "abcdef0123456789abcdef0123456789abcdef01";
  CommitRecord sent = sample_commit(sha);
  sent.files[0].lines_added = 10;
  sent.files[0].ai_lines_added = 7;
  sent.files[0].lines_alive_21d = 8;
  sent.files[0].ai_lines_alive_21d = 6;
  sent.reworked[0].ai_lines = 1;
  const std::string json = encode_json(header(1), {sample(1)}, {sent});
  CHECK(json.find(R"("lines_alive_21d":8,"ai_lines_alive_21d":6})") != std::string::npos);
  CHECK(json.find("lines_alive_90d") == std::string::npos);  // not measured: not sent
  CHECK(json.find(R"("lines":2,"ai_lines":1})") != std::string::npos);
  auto d = decode_json(json, {});
  REQUIRE(d);
  REQUIRE(d->commits.size() == 1);
  const CommitRecord& c = d->commits[0];
  CHECK(c.files[0].lines_alive_21d == 8);
  CHECK(c.files[0].ai_lines_alive_21d == 6);
  CHECK(c.files[0].lines_alive_90d == -1);
  CHECK(c.files[0].ai_lines_alive_90d == -1);
  CHECK(c.files[1].lines_alive_21d == -1);
  CHECK(c.reworked[0].ai_lines == 1);
  // An older tracker's commit: nothing measured, rework not told.
  auto old = decode_json(encode_json(header(1), {sample(1)}, {sample_commit(sha)}), {});
  REQUIRE(old);
  CHECK(old->commits[0].files[0].lines_alive_21d == -1);
  CHECK(old->commits[0].reworked[0].ai_lines == -1);

  auto rejected = [&](const std::string& from, const std::string& to) {
    std::string bad = json;
    bad.replace(bad.find(from), from.size(), to);
    auto r = decode_json(bad, {});
    REQUIRE(r);
    REQUIRE(r->rejected_commits.size() == 1);
    CHECK(r->commits.empty());
    return r->rejected_commits[0].reason;
  };
  // More AI lines alive than AI lines written, than lines alive; more of the
  // others' alive than they wrote; one count without the other; AI rework
  // beyond the lines reworked; a negative count.
  CHECK(rejected(R"("ai_lines_alive_21d":6)", R"("ai_lines_alive_21d":8)")
            .find("files[0]: needs 'ai_lines_alive_21d' no more than") == 0);
  CHECK(rejected(R"("lines_alive_21d":8,)", R"("lines_alive_21d":5,)")
            .find("files[0]: needs 'ai_lines_alive_21d' no more than 'lines_alive_21d'") == 0);
  CHECK(rejected(R"("lines_alive_21d":8,)", R"("lines_alive_21d":10,)")
            .find("the other lines alive no more than the other lines added") != std::string::npos);
  CHECK(rejected(R"("lines_alive_21d":8,)", "") ==
        "files[0]: needs both 'lines_alive_21d' and 'ai_lines_alive_21d', or neither");
  CHECK(rejected(R"("ai_lines":1)", R"("ai_lines":3)") ==
        "reworked[0]: needs 'ai_lines' no more than 'lines'");
  CHECK(rejected(R"("ai_lines":1)", R"("ai_lines":-1)") ==
        "reworked[0]: field 'ai_lines' must be a non-negative integer");
}

TEST_CASE("duplication counts travel for a file with a block, and are checked",
          "[proto][commits][provenance][duplication]") {
  const std::string sha = "abcdef0123456789abcdef0123456789abcdef01";
  CommitRecord sent = sample_commit(sha);
  sent.files[0].lines_added = 20;
  sent.files[0].ai_lines_added = 12;
  sent.files[0].ai_blocks = 2;
  sent.files[0].ai_blocks_repeated = 1;
  sent.files[0].other_blocks = 1;
  const std::string json = encode_json(header(1), {sample(1)}, {sent});
  CHECK(json.find(R"("ai_blocks":2,"ai_blocks_repeated":1,"other_blocks":1,)"
                  R"("other_blocks_repeated":0)") != std::string::npos);
  auto d = decode_json(json, {});
  REQUIRE(d);
  REQUIRE(d->commits.size() == 1);
  CHECK(d->commits[0].files[0].ai_blocks == 2);
  CHECK(d->commits[0].files[0].ai_blocks_repeated == 1);
  CHECK(d->commits[0].files[0].other_blocks == 1);
  CHECK(d->commits[0].files[1].ai_blocks == 0);  // no block: no counts sent
  CHECK(encode_json(header(1), {sample(1)}, {sample_commit(sha)}).find("blocks") ==
        std::string::npos);
  const std::string rule =
      "files[0]: needs each '*_blocks_repeated' no more than its '*_blocks', and blocks of at "
      "least 6 of the scored lines of their kind";
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {R"("ai_blocks_repeated":1)", R"("ai_blocks_repeated":3)"},
           {R"("ai_blocks":2)", R"("ai_blocks":3)"},           // 18 lines, only 12 the AI's
           {R"("other_blocks":1)", R"("other_blocks":2)"}}) {  // 12 lines, 8 others'
    std::string bad = json;
    bad.replace(bad.find(from), from.size(), to);
    auto r = decode_json(bad, {});
    REQUIRE(r);
    REQUIRE(r->rejected_commits.size() == 1);
    CHECK(r->rejected_commits[0].reason == rule);
  }
}
