// codepulse-bench-ingest: N concurrent trackers, each on its own HTTPS
// connection with its own token, send pre-encoded batches of realistic
// records to a running collector as fast as it answers. Prints records per
// second, per-batch latency percentiles and the compression ratio as JSON.
#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/hashing.hpp"
#include "proto/wire_batch.hpp"
#include "tracker/ship/collector_url.hpp"

using namespace codepulse;

namespace {

struct Options {
  std::string url, ca_file, token_prefix;
  int trackers = 16, batches = 20, records = 1000;
  double rate = 0;  // records/s offered in total; 0 = each tracker sends as fast as answered
};

// Realistic records: several models, repos, sessions and tool calls with
// paths, so the batch compresses like a real one; timestamps as live
// trackers send them (recent, rising).
proto::WireRecord make_record(int tracker, int batch, int i) {
  static const char* kModels[] = {"claude-opus-4-6", "claude-sonnet-4-5-20250929",
                                  "claude-haiku-4-5-20251001"};
  static const char* kRepos[] = {"github.com/acme/api", "github.com/acme/web",
                                 "bitbucket.org/acme/billing", "local/scratch"};
  static const char* kTools[] = {"Edit", "Read", "Bash", "Grep", "Write"};
  const uint64_t h =
      fnv1a64(std::to_string(tracker) + ":" + std::to_string(batch) + ":" + std::to_string(i));
  proto::WireRecord w;
  w.record_uid = sha256_hex(std::to_string(h) + std::to_string(tracker)).substr(0, 32);
  w.revision = 1;
  UsageRecord& r = w.usage;
  r.message_id = "msg_01" + sha256_hex(w.record_uid).substr(0, 22);
  r.request_id = "req_01" + sha256_hex(r.message_id).substr(0, 22);
  // Like live trackers: each sends its newest requests, a few seconds apart.
  r.timestamp_ms = 1'793'491'200'000 + (static_cast<int64_t>(batch) * 1000 + i) * 3000 + tracker;
  r.session_id = sha256_hex("s" + std::to_string(tracker * 1000 + batch / 3)).substr(0, 8) +
                 "-57a6-4b16-85d5-3adb4dc0c675";
  r.model = kModels[h % 3];
  r.input = static_cast<int64_t>(h % 50);
  r.output = static_cast<int64_t>(h % 4000);
  r.cache_create_5m = static_cast<int64_t>(h % 9000);
  r.cache_read = static_cast<int64_t>(h % 200'000);
  r.cost_nanos = static_cast<int64_t>(h % 900'000'000);
  r.price_version = "2026-11-22";
  r.cc_version = "2.1.39";
  r.repo = kRepos[(h >> 8) % 4];
  r.branch = (h >> 12) % 3 == 0 ? "main" : "feature/PROJ-" + std::to_string(h % 900);
  r.task_keys = r.branch == "main" ? "" : r.branch.substr(8);
  r.turn_id = sha256_hex(r.session_id + std::to_string(i / 4)).substr(0, 36);
  if ((h >> 16) % 3 != 0) {
    ToolUse t;
    t.tool_use_id = "toolu_01" + sha256_hex(r.request_id).substr(0, 22);
    t.name = kTools[(h >> 20) % 5];
    t.path = "src/module" + std::to_string((h >> 24) % 40) + "/file" +
             std::to_string((h >> 30) % 25) + ".cpp";
    t.action = t.name == std::string("Edit") || t.name == std::string("Write")
                   ? std::optional<FileAction>(FileAction::kChange)
                   : std::optional<FileAction>(FileAction::kRead);
    t.result_seen = true;
    t.lines_added = static_cast<int64_t>(h % 40);
    r.tools.push_back(t);
  }
  return w;
}

std::string read_token(const std::string& path) {
  std::ifstream in(path);
  std::string t;
  std::getline(in, t);
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--url")
      o.url = v;
    else if (k == "--ca-file")
      o.ca_file = v;
    else if (k == "--token-prefix")
      o.token_prefix = v;
    else if (k == "--trackers")
      o.trackers = std::stoi(v);
    else if (k == "--batches")
      o.batches = std::stoi(v);
    else if (k == "--records")
      o.records = std::stoi(v);
    else if (k == "--rate")
      o.rate = std::stod(v);
  }
  if (o.url.empty() || o.token_prefix.empty()) {
    std::fprintf(stderr,
                 "usage: codepulse-bench-ingest --url URL --ca-file CA --token-prefix P "
                 "[--trackers 16] [--batches 20] [--records 1000] [--rate RECORDS_PER_S]\n"
                 "tokens are read from P0, P1, ... (one per tracker)\n");
    return 2;
  }
  auto endpoint = tracker::parse_collector_url(o.url);
  if (!endpoint) {
    std::fprintf(stderr, "%s\n", endpoint.error().message.c_str());
    return 2;
  }
  // Encode everything first: the measurement covers the collector only.
  struct Tracker {
    std::string token;
    std::vector<std::string> bodies;
    std::vector<std::string> ids;
    size_t next = 0;
    std::unique_ptr<HttpsClient> client;
    std::chrono::steady_clock::time_point sent, due;
    std::unique_ptr<boost::asio::steady_timer> pace;
  };
  std::vector<Tracker> trackers(static_cast<size_t>(o.trackers));
  size_t json_bytes = 0, zstd_bytes = 0;
  for (int t = 0; t < o.trackers; ++t) {
    Tracker& tr = trackers[static_cast<size_t>(t)];
    tr.token = read_token(o.token_prefix + std::to_string(t));
    for (int b = 0; b < o.batches; ++b) {
      std::vector<proto::WireRecord> records;
      for (int i = 0; i < o.records; ++i)
        records.push_back(make_record(t, b, i));
      proto::BatchHeader h;
      h.tracker_version = "0.1.0";
      h.device_id = "bench-device-" + std::to_string(t);
      h.author = "dev" + std::to_string(t) + "@example.org";
      h.batch_id = sha256_hex(h.device_id + std::to_string(b)).substr(0, 32);
      h.record_count = o.records;
      h.created_ms = 1'767'225'600'000;
      json_bytes += proto::encode_json(h, records).size();
      auto body = proto::encode(h, records);
      if (!body) return 1;
      zstd_bytes += body->size();
      tr.bodies.push_back(std::move(body).value());
      tr.ids.push_back(h.batch_id);
    }
  }
  boost::asio::io_context io;
  // Paced mode: each tracker sends one batch every `interval`, staggered.
  const auto interval = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(o.rate > 0 ? o.trackers * o.records / o.rate : 0));
  std::vector<double> latencies_ms;
  int failures = 0;
  std::string first_failure;
  std::function<void(Tracker&)> send_next = [&](Tracker& tr) {
    if (tr.next >= tr.bodies.size()) return;
    HttpRequest req;
    req.target = "/v1/batches";
    req.headers = {{"Authorization", "Bearer " + tr.token},
                   {"Content-Encoding", "zstd"},
                   {"Idempotency-Key", tr.ids[tr.next]}};
    req.body = tr.bodies[tr.next];
    tr.sent = std::chrono::steady_clock::now();
    tr.client->send(std::move(req), [&](Result<HttpResponse> r) {
      latencies_ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - tr.sent)
              .count());
      if (!r || r->status != 200) {
        ++failures;
        if (first_failure.empty())
          first_failure = r ? std::to_string(r->status) + " " + r->body : r.error().message;
      }
      ++tr.next;
      if (o.rate <= 0) {
        send_next(tr);
        return;
      }
      // Paced: the next batch leaves at its slot (at once if already late).
      tr.due += interval;
      tr.pace->expires_at(tr.due);
      tr.pace->async_wait([&](const boost::system::error_code&) { send_next(tr); });
    });
  };
  for (auto& tr : trackers) {
    auto c = HttpsClient::create(io, *endpoint, {o.ca_file, ""}, std::chrono::seconds(60));
    if (!c) {
      std::fprintf(stderr, "%s\n", c.error().message.c_str());
      return 1;
    }
    tr.client = std::move(c).value();
  }
  const auto start = std::chrono::steady_clock::now();
  for (size_t t = 0; t < trackers.size(); ++t) {
    Tracker& tr = trackers[t];
    tr.pace = std::make_unique<boost::asio::steady_timer>(io);
    tr.due = start + interval * static_cast<int>(t) / o.trackers;
    tr.pace->expires_at(tr.due);
    tr.pace->async_wait([&](const boost::system::error_code&) { send_next(tr); });
  }
  io.run();
  for (auto& tr : trackers) {
    tr.client.reset();  // before the io_context they use
    tr.pace.reset();
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double p) {
    if (latencies_ms.empty()) return 0.0;
    return latencies_ms[std::min(
        latencies_ms.size() - 1,
        static_cast<size_t>(p * static_cast<double>(latencies_ms.size())))];
  };
  const double total = static_cast<double>(o.trackers) * o.batches * o.records;
  std::printf(
      "{\"trackers\":%d,\"offered_records_per_s\":%.0f,\"batches\":%zu,\"records\":%.0f,"
      "\"seconds\":%.3f,"
      "\"records_per_s\":%.0f,\"batch_ms_p50\":%.1f,\"batch_ms_p99\":%.1f,\"batch_ms_max\":%.1f,"
      "\"compressed_ratio\":%.4f,\"failures\":%d%s%s%s}\n",
      o.trackers, o.rate, latencies_ms.size(), total, secs, total / secs, pct(0.50), pct(0.99),
      latencies_ms.empty() ? 0.0 : latencies_ms.back(),
      static_cast<double>(zstd_bytes) / static_cast<double>(json_bytes), failures,
      first_failure.empty() ? "" : ",\"first_failure\":\"", first_failure.substr(0, 200).c_str(),
      first_failure.empty() ? "" : "\"");
  return failures == 0 ? 0 : 1;
}
