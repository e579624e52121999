// Codex rollout lines (codex_lines.hpp), field for field as 0.169.0 writes
// them; the older shape drops ordinals, turn ids, item_completed events,
// token_usage_record lines and cache-write counts, and runs its shell and
// patches through the `shell` tool.
#include "tests/corpus/codex_lines.hpp"

#include "tests/corpus/json_text.hpp"

namespace codepulse::bench::codex {

using corpus::append_int;
using corpus::append_ts;
using corpus::escaped;
using corpus::itos;
using corpus::json_string;

Usage& Usage::operator+=(const Usage& o) {
  input += o.input;
  cached += o.cached;
  cache_write += o.cache_write;
  output += o.output;
  reasoning += o.reasoning;
  return *this;
}

std::string uuid7(int64_t ms, uint64_t bits) {
  static const char* kHex = "0123456789abcdef";
  uint64_t more = bits * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;
  std::string hex;
  for (int i = 11; i >= 0; --i)
    hex.push_back(kHex[(static_cast<uint64_t>(ms) >> (i * 4)) & 15]);
  hex.push_back('7');  // the version
  for (int i = 0; i < 3; ++i, bits >>= 4)
    hex.push_back(kHex[bits & 15]);
  hex.push_back(kHex[8 | (bits & 3)]);  // the variant
  bits >>= 4;
  for (int i = 0; i < 15; ++i) {
    hex.push_back(kHex[(i < 8 ? bits : more) & 15]);
    if (i < 8) {
      bits >>= 4;
    } else {
      more >>= 4;
    }
  }
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

std::string rollout_path(int64_t ms, const std::string& thread) {
  std::string ts;
  append_ts(ts, ms);  // 2026-12-05T02:28:54.288Z
  std::string name = ts.substr(0, 19);
  for (char& c : name)
    if (c == ':') c = '-';
  return "sessions/" + ts.substr(0, 4) + "/" + ts.substr(5, 2) + "/" + ts.substr(8, 2) +
         "/rollout-" + name + "-" + thread + ".jsonl";
}

RolloutWriter::RolloutWriter(std::string thread_id, RolloutStyle style)
    : thread_(std::move(thread_id)), style_(std::move(style)) {}

void RolloutWriter::begin(int64_t ms, const char* type) {
  text += "{\"timestamp\":\"";
  append_ts(text, ms);
  text += "\",";
  if (style_.paginated) {
    text += "\"ordinal\":";
    append_int(text, ordinal_++);
    text += ",";
  }
  text += "\"type\":\"";
  text += type;
  text += "\",\"payload\":{";
}

void RolloutWriter::end() {
  text += "}}\n";
}

void RolloutWriter::item_completed(int64_t ms, const std::string& item) {
  begin(ms, "event_msg");
  text += "\"type\":\"item_completed\",\"thread_id\":\"" + thread_ + "\",\"turn_id\":\"" + turn_ +
          "\",\"item\":" + item;
  end();
}

std::string RolloutWriter::usage_json(const Usage& u) const {
  std::string o =
      "{\"input_tokens\":" + itos(u.input) + ",\"cached_input_tokens\":" + itos(u.cached);
  if (style_.records) o += ",\"cache_write_input_tokens\":" + itos(u.cache_write);
  o += ",\"output_tokens\":" + itos(u.output) +
       ",\"reasoning_output_tokens\":" + itos(u.reasoning) +
       ",\"total_tokens\":" + itos(u.input + u.output) + "}";
  return o;
}

void RolloutWriter::session_meta(int64_t ms, const std::string& cwd, const std::string& branch,
                                 const std::string& instructions, const std::string& source,
                                 const std::string& thread_source, const std::string& extra) {
  begin(ms, "session_meta");
  std::string ts;
  append_ts(ts, ms);
  text += "\"account_scoped\":true,\"session_id\":\"" + thread_ + "\",\"id\":\"" + thread_ +
          "\",\"timestamp\":\"" + ts + "\",\"cwd\":" + json_string(cwd) +
          ",\"runtime_workspace_roots\":[" + json_string(cwd) +
          "],\"originator\":\"codex_exec\",\"cli_version\":\"" + style_.cli_version +
          "\",\"source\":" + source + ",\"thread_source\":\"" + thread_source +
          "\",\"model_provider\":\"openai\"," +
          "\"base_instructions\":{\"text\":" + json_string(instructions) + "},\"history_mode\":\"" +
          (style_.paginated ? "paginated" : "legacy") + "\"";
  if (!branch.empty())
    text += ",\"git\":{\"commit_hash\":\"4b825dc642cb6eb9a060e54bf8d69288fbee4904\",\"branch\":" +
            json_string(branch) + ",\"repository_url\":\"git@github.com:acme/app.git\"}";
  if (!extra.empty()) text += "," + extra;
  end();
}

void RolloutWriter::foreign_meta(int64_t ms, const std::string& thread, const std::string& cwd) {
  const std::string mine = thread_;
  thread_ = thread;
  session_meta(ms, cwd, "", "parent instructions");
  thread_ = mine;
}

void RolloutWriter::turn_start(int64_t ms, const std::string& turn_id, const std::string& model,
                               const std::string& cwd, const std::string& prompt,
                               const std::string& developer_text) {
  turn_ = turn_id;
  turn_total_ = {};
  const std::string tid = style_.paginated ? ",\"turn_id\":\"" + turn_id + "\"" : "";
  begin(ms, "event_msg");
  text += "\"type\":\"task_started\"" + tid + ",\"model_context_window\":258400";
  end();
  begin(ms, "response_item");
  text +=
      "\"type\":\"message\",\"role\":\"developer\",\"content\":[{\"type\":\"input_text\","
      "\"text\":" +
      json_string(developer_text) + "}]";
  end();
  begin(ms, "response_item");
  text += "\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":" +
          json_string("<environment_context>\n  <cwd>" + cwd + "</cwd>\n</environment_context>") +
          "}]";
  end();
  begin(ms, "turn_context");
  text += "\"cwd\":" + json_string(cwd) + tid + ",\"approval_policy\":\"never\",\"model\":\"" +
          model + "\",\"collaboration_mode\":{\"mode\":\"default\",\"settings\":{\"model\":\"" +
          model + "\",\"developer_instructions\":" + json_string(developer_text) +
          "}},\"summary\":\"none\",\"sandbox_policy\":{\"type\":\"danger-full-access\"}";
  end();
  if (style_.paginated) {
    begin(ms, "event_msg");
    text += "\"type\":\"thread_settings_applied\",\"thread_id\":\"" + thread_ +
            "\",\"thread_settings\":{\"model\":\"" + model +
            "\",\"model_provider_id\":\"openai\",\"cwd\":" + json_string(cwd) + "}";
    end();
  }
  begin(ms, "response_item");
  text += "\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":" +
          json_string(prompt) + "}]";
  end();
  if (style_.paginated) {
    item_completed(ms, "{\"type\":\"UserMessage\",\"content\":[{\"type\":\"text\",\"text\":" +
                           json_string(prompt) + "}]}");
  } else {
    begin(ms, "event_msg");
    text += "\"type\":\"user_message\",\"message\":" + json_string(prompt);
    end();
  }
}

void RolloutWriter::reasoning(int64_t ms, const std::string& summary,
                              const std::string& encrypted) {
  begin(ms, "response_item");
  text += "\"type\":\"reasoning\",\"summary\":[{\"type\":\"summary_text\",\"text\":" +
          json_string(summary) +
          "}],\"content\":null,\"encrypted_content\":" + json_string(encrypted);
  end();
}

void RolloutWriter::exec_call(int64_t ms, const std::string& call_id, const std::string& cmd) {
  begin(ms, "response_item");
  if (style_.paginated) {
    text += "\"type\":\"function_call\",\"id\":\"item_" + call_id +
            "\",\"name\":\"exec_command\",\"arguments\":" +
            json_string("{\"cmd\":\"" + escaped(cmd) + "\"}") + ",\"call_id\":\"" + call_id + "\"";
  } else {
    text += "\"type\":\"function_call\",\"name\":\"shell\",\"arguments\":" +
            json_string("{\"command\":[\"bash\",\"-lc\",\"" + escaped(cmd) +
                        "\"],\"workdir\":\"/tmp\"}") +
            ",\"call_id\":\"" + call_id + "\"";
  }
  end();
}

void RolloutWriter::exec_output(int64_t ms, const std::string& call_id, const std::string& cmd,
                                const std::string& output) {
  if (style_.paginated)
    item_completed(ms, "{\"type\":\"CommandExecution\",\"id\":\"" + call_id +
                           "\",\"command\":[\"/bin/bash\",\"-lc\"," + json_string(cmd) +
                           "],\"status\":\"completed\",\"aggregated_output\":" +
                           json_string(output) + ",\"exit_code\":0}");
  begin(ms, "response_item");
  text += "\"type\":\"function_call_output\",\"call_id\":\"" + call_id +
          "\",\"output\":" + json_string("Process exited with code 0\nOutput:\n" + output);
  end();
}

void RolloutWriter::patch_call(int64_t ms, const std::string& call_id, const std::string& patch) {
  begin(ms, "response_item");
  if (style_.paginated) {
    text += "\"type\":\"custom_tool_call\",\"id\":\"item_" + call_id + "\",\"call_id\":\"" +
            call_id + "\",\"name\":\"apply_patch\",\"input\":" + json_string(patch);
  } else {
    text += "\"type\":\"function_call\",\"name\":\"shell\",\"arguments\":" +
            json_string("{\"command\":[\"apply_patch\",\"" + escaped(patch) + "\"]}") +
            ",\"call_id\":\"" + call_id + "\"";
  }
  end();
}

void RolloutWriter::patch_output(int64_t ms, const std::string& call_id, const std::string& path,
                                 const std::string& content) {
  if (style_.paginated)
    item_completed(ms, "{\"type\":\"FileChange\",\"id\":\"" + call_id + "\",\"changes\":{" +
                           json_string(path) + ":{\"type\":\"add\",\"content\":" +
                           json_string(content) + "}},\"status\":\"completed\"}");
  begin(ms, "response_item");
  text += std::string("\"type\":\"") +
          (style_.paginated ? "custom_tool_call_output" : "function_call_output") +
          "\",\"call_id\":\"" + call_id + "\",\"output\":" +
          json_string("Success. Updated the following files:\nA " + path + "\n" + content);
  end();
}

void RolloutWriter::answer(int64_t ms, const std::string& message) {
  if (style_.paginated) {
    item_completed(ms, "{\"type\":\"AgentMessage\",\"content\":[{\"type\":\"Text\",\"text\":" +
                           json_string(message) + "}]}");
  } else {
    begin(ms, "event_msg");
    text += "\"type\":\"agent_message\",\"message\":" + json_string(message);
    end();
  }
  begin(ms, "response_item");
  text +=
      "\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\","
      "\"text\":" +
      json_string(message) + "}]";
  end();
}

void RolloutWriter::usage(int64_t ms, const std::string& response_id, const Usage& u) {
  total_ += u;
  turn_total_ += u;
  last_ = u;
  if (!style_.records) return;
  begin(ms, "token_usage_record");
  text += "\"thread_id\":\"" + thread_ + "\",\"turn_id\":\"" + turn_ + "\",\"session_id\":\"" +
          thread_ + "\",\"root_turn_id\":\"" + turn_ + "\",\"response_id\":\"" + response_id +
          "\",\"usage\":" + usage_json(u) + ",\"turn_token_usage\":" + usage_json(turn_total_) +
          ",\"thread_token_usage\":" + usage_json(total_);
  end();
}

void RolloutWriter::token_count(int64_t ms) {
  token_count_raw(ms, total_, last_);
}

void RolloutWriter::token_count_raw(int64_t ms, const Usage& total, const Usage& last) {
  begin(ms, "event_msg");
  text += "\"type\":\"token_count\",\"info\":{\"total_token_usage\":" + usage_json(total) +
          ",\"last_token_usage\":" + usage_json(last) +
          ",\"model_context_window\":258400},\"rate_limits\":{\"limit_id\":\"codex\","
          "\"primary\":null,\"secondary\":null,\"credits\":null,\"plan_type\":null}";
  end();
}

void RolloutWriter::task_complete(int64_t ms, const std::string& last_message) {
  begin(ms, "event_msg");
  text += "\"type\":\"task_complete\"" +
          (style_.paginated ? ",\"turn_id\":\"" + turn_ + "\"" : std::string()) +
          ",\"last_agent_message\":" + json_string(last_message);
  end();
}

}  // namespace codepulse::bench::codex
