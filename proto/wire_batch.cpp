#include "proto/wire_batch.hpp"

#include <simdjson.h>

#include "common/json_writer.hpp"
#include "common/record/assistant.hpp"
#include "common/time.hpp"
#include "common/zstd_codec.hpp"
#include "proto/wire_commits.hpp"
#include "proto/wire_fields.hpp"

namespace codepulse::proto {
namespace {

using detail::Fields;
using detail::is_identifier;

namespace dom = simdjson::dom;

const char* action_name(const ToolUse& t) {
  if (!t.action) return "";
  return *t.action == FileAction::kChange ? "change" : "read";
}

// Field by field rather than from common/record/usage_columns.hpp: the wire's
// order (proto/README.md) is not the list's, and the timestamp is ISO-8601.
void write_record(JsonWriter& w, const WireRecord& wr) {
  const UsageRecord& r = wr.usage;
  w.begin_object()
      .field("uid", wr.record_uid)
      .field("revision", wr.revision)
      .field("timestamp", format_iso8601_utc_ms(r.timestamp_ms))
      .field("session_id", r.session_id)
      .field("sidechain", r.sidechain)
      .field("agent_id", r.agent_id)
      .field("message_id", r.message_id)
      .field("request_id", r.request_id)
      .field("model", r.model)
      .field("input_tokens", r.input)
      .field("output_tokens", r.output)
      .field("cache_write_5m_tokens", r.cache_create_5m)
      .field("cache_write_1h_tokens", r.cache_create_1h)
      .field("cache_read_tokens", r.cache_read)
      .field("web_search_requests", r.web_search_requests)
      .field("fast", r.fast)
      .field("cost_nanos", r.cost_nanos)
      .field("long_context", r.long_context)
      .field("price_version", r.price_version)
      .field("claude_code_version", r.cc_version)
      .field("repo", r.repo)
      .field("branch", r.branch)
      .field("task_keys", r.task_keys)
      .field("turn_id", r.turn_id)
      .field("web_fetch_requests", r.web_fetch_requests)
      .field("inference_geo", r.inference_geo)
      .field("iteration", r.iteration)
      .field("assistant", r.assistant)
      .field("reasoning_tokens", r.reasoning);
  w.key("tools").begin_array();
  for (const ToolUse& t : r.tools) {
    w.begin_object()
        .field("id", t.tool_use_id)
        .field("name", t.name)
        .field("path", t.path)
        .field("action", action_name(t))
        .field("git_commit", t.git_commit)
        .field("result_seen", t.result_seen)
        .field("lines_added", t.lines_added)
        .field("lines_removed", t.lines_removed)
        .field("commit_sha", t.commit_sha);
    // Only a failure is sent: absent means false, to and from older programs.
    if (t.error) w.field("error", true);
    w.end_object();
  }
  w.end_array().end_object();
}

// Ranges that no real request reaches: checked after the types.
bool in_range(const WireRecord& wr, const DecodeLimits& limits, std::string& why) {
  const UsageRecord& r = wr.usage;
  if (!is_identifier(wr.record_uid)) {
    why = "field 'uid' must be a non-empty identifier (letters, digits, . _ - : @ / +)";
    return false;
  }
  if (!is_identifier(r.model)) {
    why = "field 'model' must be a non-empty model id (letters, digits, . _ - : @ / +)";
    return false;
  }
  const std::pair<const char*, int64_t> tokens[] = {{"input_tokens", r.input},
                                                    {"output_tokens", r.output},
                                                    {"cache_write_5m_tokens", r.cache_create_5m},
                                                    {"cache_write_1h_tokens", r.cache_create_1h},
                                                    {"cache_read_tokens", r.cache_read}};
  for (const auto& [name, value] : tokens) {
    if (value > kMaxTokensPerField) {
      why = std::string("field '") + name + "' is " + std::to_string(value) +
            ", more than any request can use (" + std::to_string(kMaxTokensPerField) + ")";
      return false;
    }
  }
  if (r.web_search_requests > kMaxWebSearches) {
    why = "field 'web_search_requests' is out of range";
    return false;
  }
  if (r.web_fetch_requests > kMaxWebSearches) {
    why = "field 'web_fetch_requests' is out of range";
    return false;
  }
  if (!is_assistant_name(r.assistant)) {
    why = "field 'assistant' must be an assistant name like \"codex\" (1 to 32 of a-z, 0-9, -)";
    return false;
  }
  if (r.reasoning > r.output) {
    why = "field 'reasoning_tokens' is " + std::to_string(r.reasoning) +
          ", more than output_tokens (reasoning is a part of the output)";
    return false;
  }
  if (r.iteration > kMaxIteration) {
    why = "field 'iteration' is out of range (more than " + std::to_string(kMaxIteration) +
          " advisor calls in one request)";
    return false;
  }
  if (r.cost_nanos && *r.cost_nanos > kMaxCostNanos) {
    why = "field 'cost_nanos' is out of range (more than $1,000,000 for one request)";
    return false;
  }
  if (r.timestamp_ms < limits.min_timestamp_ms ||
      (limits.max_timestamp_ms > 0 && r.timestamp_ms > limits.max_timestamp_ms)) {
    why = "field 'timestamp' " + format_iso8601_utc_ms(r.timestamp_ms) +
          " is absurd (before 2023 or more than a day ahead of the receiver's clock)";
    return false;
  }
  return true;
}

bool read_record(dom::object o, WireRecord& wr, std::string& why) {
  Fields f(o);
  UsageRecord& r = wr.usage;
  std::string ts;
  if (!f.str("uid", wr.record_uid, true, why, 64) || !f.count("revision", wr.revision, true, why) ||
      !f.str("timestamp", ts, true, why, 40) ||
      !f.str("session_id", r.session_id, true, why, 128) ||
      !f.str("model", r.model, true, why, 128) || !f.count("input_tokens", r.input, true, why) ||
      !f.count("output_tokens", r.output, true, why) ||
      !f.count("cache_write_5m_tokens", r.cache_create_5m, true, why) ||
      !f.count("cache_write_1h_tokens", r.cache_create_1h, true, why) ||
      !f.count("cache_read_tokens", r.cache_read, true, why))
    return false;
  auto ms = parse_iso8601_utc_ms(ts);
  if (!ms) {
    why = "field 'timestamp' must be an ISO-8601 UTC time like 2026-02-12T16:05:13.088Z";
    return false;
  }
  r.timestamp_ms = *ms;
  if (wr.revision < 1 || wr.revision > kMaxRevision) {
    why = "field 'revision' must be from 1 to " + std::to_string(kMaxRevision);
    return false;
  }
  int64_t cost = 0;
  dom::element cost_el;
  if (!o["cost_nanos"].get(cost_el) && !cost_el.is_null()) {
    if (!f.count("cost_nanos", cost, false, why)) return false;
    r.cost_nanos = cost;
  }
  if (!f.str("agent_id", r.agent_id, false, why, 128) ||
      !f.str("message_id", r.message_id, false, why, 256) ||
      !f.str("request_id", r.request_id, false, why, 256) ||
      !f.count("web_search_requests", r.web_search_requests, false, why) ||
      !f.flag("sidechain", r.sidechain, why) || !f.flag("fast", r.fast, why) ||
      !f.flag("long_context", r.long_context, why) ||
      !f.str("price_version", r.price_version, false, why, 64) ||
      !f.str("claude_code_version", r.cc_version, false, why, 64) ||
      !f.str("repo", r.repo, false, why, 512) || !f.str("branch", r.branch, false, why, 512) ||
      !f.str("task_keys", r.task_keys, false, why, 1024) ||
      !f.str("turn_id", r.turn_id, false, why, 128) ||
      !f.count("web_fetch_requests", r.web_fetch_requests, false, why) ||
      !f.str("inference_geo", r.inference_geo, false, why, 32) ||
      !f.count("iteration", r.iteration, false, why) ||
      !f.str("assistant", r.assistant, false, why, 32) ||
      !f.count("reasoning_tokens", r.reasoning, false, why))
    return false;
  dom::array tools;
  if (!o["tools"].get_array().get(tools)) {
    size_t i = 0;
    for (dom::element te : tools) {
      dom::object to;
      const std::string where = "tools[" + std::to_string(i++) + "]: ";
      if (te.get_object().get(to)) {
        why = where + "must be an object";
        return false;
      }
      Fields tf(to);
      ToolUse t;
      std::string action;
      if (!tf.str("id", t.tool_use_id, true, why, 128) || !tf.str("name", t.name, true, why, 256) ||
          !tf.str("path", t.path, false, why, 4096) || !tf.str("action", action, false, why, 16) ||
          !tf.flag("git_commit", t.git_commit, why) ||
          !tf.flag("result_seen", t.result_seen, why) ||
          !tf.count("lines_added", t.lines_added, false, why) ||
          !tf.count("lines_removed", t.lines_removed, false, why) ||
          !tf.str("commit_sha", t.commit_sha, false, why, 64) || !tf.flag("error", t.error, why)) {
        why = where + why;
        return false;
      }
      if (action == "change")
        t.action = FileAction::kChange;
      else if (action == "read")
        t.action = FileAction::kRead;
      else if (!action.empty()) {
        why = where + "field 'action' must be \"read\", \"change\" or \"\"";
        return false;
      }
      r.tools.push_back(std::move(t));
    }
  }
  return true;
}

}  // namespace

std::string encode_json(const BatchHeader& h, const std::vector<WireRecord>& records,
                        const std::vector<CommitRecord>& commits) {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field("format_version", int64_t{h.format_version})
      .field("tracker_version", h.tracker_version)
      .field("device_id", h.device_id)
      .field("author", h.author)
      .field("batch_id", h.batch_id)
      .field("record_count", static_cast<int64_t>(records.size()))
      .field("created", format_iso8601_utc_ms(h.created_ms));
  w.key("records").begin_array();
  for (const WireRecord& r : records)
    write_record(w, r);
  w.end_array();
  if (!commits.empty()) {
    w.field("commit_count", static_cast<int64_t>(commits.size()));
    w.key("commits").begin_array();
    for (const CommitRecord& c : commits)
      detail::write_commit(w, c);
    w.end_array();
  }
  w.end_object();
  return out;
}

Result<std::string> encode(const BatchHeader& header, const std::vector<WireRecord>& records,
                           const std::vector<CommitRecord>& commits) {
  return zstd_compress(encode_json(header, records, commits), kZstdLevel);
}

Result<DecodedBatch> decode(std::string_view compressed, const DecodeLimits& limits) {
  auto json = zstd_decompress(compressed, limits.max_decompressed_bytes);
  if (!json) return json.error();
  return decode_json(*json, limits);
}

Result<DecodedBatch> decode_json(std::string_view json, const DecodeLimits& limits) {
  dom::parser parser;
  simdjson::padded_string padded(json);
  dom::object root;
  if (auto err = parser.parse(padded).get_object().get(root); err)
    return make_error(std::string("batch is not a JSON object: ") + simdjson::error_message(err));
  DecodedBatch out;
  BatchHeader& h = out.header;
  Fields f(root);
  std::string why, created;
  int64_t version = 0;
  if (!f.count("format_version", version, true, why) ||
      !f.str("tracker_version", h.tracker_version, true, why, 64) ||
      !f.str("device_id", h.device_id, true, why, 128) ||
      !f.str("author", h.author, false, why, 320) ||
      !f.str("batch_id", h.batch_id, true, why, 128) ||
      !f.count("record_count", h.record_count, true, why) ||
      !f.str("created", created, true, why, 40))
    return make_error("batch header: " + why);
  if (version != kFormatVersion)
    return make_error("batch header: format_version " + std::to_string(version) +
                      " is not supported (this side speaks " + std::to_string(kFormatVersion) +
                      ")");
  h.format_version = static_cast<int>(version);
  auto created_ms = parse_iso8601_utc_ms(created);
  if (!created_ms) return make_error("batch header: field 'created' must be an ISO-8601 UTC time");
  h.created_ms = *created_ms;
  if (h.batch_id.empty()) return make_error("batch header: field 'batch_id' must not be empty");
  dom::array records;
  if (root["records"].get_array().get(records)) return make_error("batch: missing array 'records'");
  if (records.size() != static_cast<size_t>(h.record_count))
    return make_error("batch: record_count says " + std::to_string(h.record_count) +
                      " but the batch holds " + std::to_string(records.size()) + " records");
  if (records.size() > limits.max_records)
    return make_error("batch: " + std::to_string(records.size()) + " records exceed the limit of " +
                      std::to_string(limits.max_records));
  size_t index = 0;
  for (dom::element e : records) {
    WireRecord wr;
    dom::object o;
    std::string reason;
    if (e.get_object().get(o)) {
      out.rejected.push_back({index++, "", "a record must be a JSON object"});
      continue;
    }
    if (read_record(o, wr, reason) && in_range(wr, limits, reason)) {
      out.records.push_back(std::move(wr));
    } else {
      out.rejected.push_back({index, wr.record_uid, reason});
    }
    ++index;
  }
  if (auto read = detail::read_commits(root, limits, out); !read) return read.error();
  return out;
}

}  // namespace codepulse::proto
