// The ClickHouse HTTP client (clickhouse_client.hpp): Boost.Beast over plain
// TCP on a private io_context, one request at a time, the connection kept
// alive between them.
#include "collector/analytics/clickhouse_client.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <optional>

#include "common/url_encoding.hpp"
#include "common/version.hpp"

namespace codepulse::collector::analytics {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
constexpr auto kTuple = net::as_tuple(net::use_awaitable);

// The first line of a statement, shortened: what an error says was run.
std::string what_ran(std::string_view sql) {
  while (!sql.empty() && (sql.front() == ' ' || sql.front() == '\n'))
    sql.remove_prefix(1);
  std::string_view line = sql.substr(0, sql.find('\n'));
  if (line.size() > 72) return std::string(line.substr(0, 72)) + "...";
  return std::string(line);
}

bool valid_name(std::string_view s) {
  if (s.empty() || s.size() > 64 || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  return true;
}

}  // namespace

namespace {

// HOST[:PORT] or [IPv6][:PORT] into `host` and `port` (kept when absent);
// the error says what is wrong.
std::optional<std::string> parse_host_port(std::string_view rest, std::string& host,
                                           std::string& port_out) {
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return "an IPv6 host without ']'";
    host = std::string(rest.substr(1, close - 1));
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return "expected ':' after the IPv6 host";
    if (!rest.empty()) port = rest.substr(1);
  } else {
    const size_t colon = rest.rfind(':');
    host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port = rest.substr(colon + 1);
  }
  if (host.empty()) return "no host";
  if (!port.empty()) {
    int p = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || end != port.data() + port.size() || p < 1 || p > 65535)
      return "the port '" + std::string(port) + "' is not a number from 1 to 65535";
    port_out = std::string(port);
  }
  return std::nullopt;
}

std::string host_port(const std::string& host, const std::string& port) {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
}

}  // namespace

std::string ClickHouseTarget::display() const {
  return host_port(host, port) + "/" + database;
}

ClickHouseTarget ClickHouseTarget::shard(size_t i) const {
  ClickHouseTarget t = *this;
  t.cluster.clear();
  t.shards.clear();
  t.port = "8123";
  // Parsed when this target was: it cannot fail here.
  (void)parse_host_port(shards.at(i), t.host, t.port);
  return t;
}

Result<ClickHouseTarget> parse_clickhouse_url(std::string_view url) {
  constexpr std::string_view kScheme = "clickhouse://";
  const auto bad = [](const std::string& why) {
    return make_error("analytics URL: " + why +
                      " (expected clickhouse://[USER[:PASSWORD]@]HOST[:PORT][/DATABASE]"
                      "[?cluster=NAME&shard=HOST:PORT&shard=HOST:PORT...])");
  };
  if (url.substr(0, kScheme.size()) != kScheme) return bad("it must start with clickhouse://");
  std::string_view rest = url.substr(kScheme.size());
  ClickHouseTarget t;
  // After the credentials: a password may hold a '?'.
  const size_t at_sign = rest.rfind('@');
  if (const size_t q = rest.find('?', at_sign == std::string_view::npos ? 0 : at_sign);
      q != std::string_view::npos) {
    std::string_view params = rest.substr(q + 1);
    rest = rest.substr(0, q);
    while (!params.empty()) {
      const size_t amp = params.find('&');
      const std::string_view param = params.substr(0, amp);
      params = amp == std::string_view::npos ? std::string_view() : params.substr(amp + 1);
      const size_t eq = param.find('=');
      const std::string_view key = param.substr(0, eq);
      const std::string_view value =
          eq == std::string_view::npos ? std::string_view() : param.substr(eq + 1);
      if (key == "cluster") {
        if (!valid_name(value))
          return bad("the cluster name '" + std::string(value) +
                     "' must be letters, digits and '_' (at most 64)");
        if (!t.cluster.empty()) return bad("cluster given twice");
        t.cluster = std::string(value);
      } else if (key == "shard") {
        std::string host, port = "8123";
        if (auto why = parse_host_port(value, host, port))
          return bad("shard '" + std::string(value) + "': " + *why);
        const std::string address = host_port(host, port);
        if (std::find(t.shards.begin(), t.shards.end(), address) != t.shards.end())
          return bad("shard " + address + " given twice");
        t.shards.push_back(address);
      } else {
        return bad("an unknown parameter '" + std::string(key) + "' (cluster and shard are known)");
      }
    }
    if (t.cluster.empty() != t.shards.empty())
      return bad(t.cluster.empty()
                     ? "shards without a cluster name"
                     : "a cluster without its shards (shard=HOST:PORT, one per shard)");
  }
  if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (!db.empty() && db.back() == '/') db.remove_suffix(1);
    if (!db.empty()) {
      if (!valid_name(db))
        return bad("the database name '" + std::string(db) +
                   "' must be letters, digits and '_' (at most 64)");
      t.database = std::string(db);
    }
  }
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view creds = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const size_t colon = creds.find(':');
    auto user = percent_decode(creds.substr(0, colon));
    auto password = colon == std::string_view::npos ? std::optional<std::string>("")
                                                    : percent_decode(creds.substr(colon + 1));
    if (!user || !password) return bad("a bad percent-escape in the user or password");
    if (user->empty()) return bad("an empty user name before '@'");
    t.user = std::move(*user);
    t.password = std::move(*password);
  }
  if (auto why = parse_host_port(rest, t.host, t.port)) return bad(*why);
  return t;
}

ServerError parse_server_error(std::string_view body) {
  ServerError e;
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r' || body.back() == ' '))
    body.remove_suffix(1);
  std::string_view text = body;
  if (const size_t at = body.find("Code: "); at != std::string_view::npos) {
    std::string_view num = body.substr(at + 6);
    int code = 0;
    const auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), code);
    if (ec == std::errc()) {
      e.code = code;
      text = body.substr(static_cast<size_t>(end - body.data()));
      if (!text.empty() && text.front() == ',') text.remove_prefix(1);
    }
  }
  for (std::string_view prefix : {" e.displayText() = ", " DB::Exception: ", "DB::Exception: "}) {
    if (text.substr(0, prefix.size()) == prefix) text.remove_prefix(prefix.size());
  }
  if (const size_t what = text.find(", e.what() = "); what != std::string_view::npos)
    text = text.substr(0, what);
  while (!text.empty() && (text.front() == ' '))
    text.remove_prefix(1);
  // One line, at most 500 bytes: the reply is the server's, not ours.
  std::string out;
  for (char c : text.substr(0, 500))
    out.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  e.text = std::move(out);
  return e;
}

Result<ServerVersion> parse_server_version(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.remove_suffix(1);
  ServerVersion v;
  int* parts[] = {&v.major, &v.minor, &v.patch};
  std::string_view rest = text;
  for (int i = 0; i < 3 && !rest.empty(); ++i) {
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), *parts[i]);
    if (ec != std::errc()) {
      if (i == 0) return make_error("'" + std::string(text) + "' is not a ClickHouse version");
      break;
    }
    rest = rest.substr(static_cast<size_t>(end - rest.data()));
    if (rest.empty() || rest.front() != '.') break;
    rest.remove_prefix(1);
  }
  return v;
}

struct ClickHouseClient::Impl {
  Impl(const ClickHouseTarget& target, ClientLimits limits) : target_(target), limits_(limits) {}

  struct Reply {
    int status = 0;
    std::string body;
  };

  // One request, blocking: run on the private io_context until it is done.
  Result<Reply> request(http::verb verb, std::string target, std::string body) {
    std::optional<Result<Reply>> out;
    net::co_spawn(io_, run(verb, std::move(target), std::move(body), out),
                  [&out](std::exception_ptr e) {
                    if (!e) return;
                    std::string what = "unknown error";
                    try {
                      std::rethrow_exception(e);
                    } catch (const std::exception& ex) {
                      what = ex.what();
                    }
                    out = Result<Reply>(make_error(what));
                  });
    io_.restart();
    io_.run();
    if (!out) return make_error("no reply");
    return std::move(*out);
  }

  void drop() {
    if (stream_) {
      boost::system::error_code ignored;
      stream_->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream_->socket().close(ignored);
    }
    stream_.reset();
  }

 private:
  net::awaitable<Status> connect() {
    drop();
    tcp::resolver resolver(io_);
    auto [rec, results] = co_await resolver.async_resolve(target_.host, target_.port, kTuple);
    if (rec) co_return make_error("cannot resolve " + target_.host + ": " + rec.message());
    auto stream = std::make_unique<beast::tcp_stream>(io_);
    stream->expires_after(limits_.timeout);
    auto [cec, ep] = co_await stream->async_connect(results, kTuple);
    if (cec) co_return make_error("cannot connect: " + cec.message());
    stream_ = std::move(stream);
    co_return Status{};
  }

  // On a reused connection the server may have closed meanwhile (its
  // keep-alive is 10 s): once more on a new one. Every request we send is
  // safe to repeat (inserts are keyed and replaced by revision).
  net::awaitable<void> run(http::verb verb, std::string target, std::string body,
                           std::optional<Result<Reply>>& out) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      const bool reused = stream_ != nullptr;
      if (!stream_) {
        if (auto s = co_await connect(); !s) {
          out = Result<Reply>(s.error());
          co_return;
        }
      }
      http::request<http::string_body> req{verb, target, 11};
      req.set(http::field::host, target_.host + ":" + target_.port);
      req.set(http::field::user_agent, std::string("codepulse-collector/") + kVersion);
      req.set("X-ClickHouse-User", target_.user);
      if (!target_.password.empty()) req.set("X-ClickHouse-Key", target_.password);
      req.keep_alive(true);
      if (verb == http::verb::post) {
        req.body() = std::move(body);
        req.prepare_payload();
      }
      stream_->expires_after(limits_.timeout);
      auto [wec, wn] = co_await http::async_write(*stream_, req, kTuple);
      beast::flat_buffer buffer;
      http::response_parser<http::string_body> parser;
      parser.body_limit(limits_.max_reply_bytes);
      stream_->expires_after(wec ? std::chrono::milliseconds(2000) : limits_.timeout);
      auto [rec, rn] = co_await http::async_read(*stream_, buffer, parser, kTuple);
      if (rec) {
        drop();
        if (reused && attempt == 0 && rec != beast::error::timeout && (wec || rn == 0)) {
          body = std::move(req.body());
          continue;
        }
        if (rec == http::error::body_limit) {
          out = Result<Reply>(make_error("the reply is larger than " +
                                         std::to_string(limits_.max_reply_bytes >> 20) +
                                         " MiB; not read"));
        } else if (rec == beast::error::timeout) {
          out = Result<Reply>(
              make_error("no reply within " + std::to_string(limits_.timeout.count()) + " ms"));
        } else {
          out = Result<Reply>(
              make_error(wec ? "cannot send: " + wec.message() : "no reply: " + rec.message()));
        }
        co_return;
      }
      auto& res = parser.get();
      Reply r;
      r.status = static_cast<int>(res.result_int());
      r.body = std::move(res.body());
      if (!res.keep_alive()) drop();
      out = std::move(r);
      co_return;
    }
  }

  const ClickHouseTarget& target_;
  const ClientLimits limits_;
  net::io_context io_;
  std::unique_ptr<beast::tcp_stream> stream_;
};

ClickHouseClient::ClickHouseClient(ClickHouseTarget target, ClientLimits limits)
    : target_(std::move(target)), impl_(std::make_unique<Impl>(target_, limits)) {}

ClickHouseClient::~ClickHouseClient() {
  impl_->drop();
}

namespace {

std::string url_with(const ClickHouseTarget& t, bool database, const Settings& settings,
                     std::string_view query) {
  std::string url = "/?";
  bool first = true;
  const auto add = [&](std::string_view k, std::string_view v) {
    if (!first) url.push_back('&');
    first = false;
    url += url_encode(k);
    url.push_back('=');
    url += url_encode(v);
  };
  if (database) add("database", t.database);
  if (!query.empty()) add("query", query);
  for (const auto& [k, v] : settings)
    add(k, v);
  return url;
}

Error failure(const ClickHouseTarget& t, std::string_view what, const std::string& why) {
  return make_error("ClickHouse at " + t.display() + ": " + std::string(what) + ": " + why);
}

}  // namespace

Result<std::string> ClickHouseClient::execute(std::string_view sql, const Settings& settings,
                                              bool database) {
  Settings all = settings;
  all.emplace_back("wait_end_of_query", "1");
  if (!target_.cluster.empty()) all.emplace_back("insert_distributed_sync", "1");
  // The server parses at most max_query_size bytes of a statement (256 KiB
  // by default): a longer one (a report's literal lists, an epic map of
  // thousands of tasks) says its own length.
  constexpr size_t kDefaultMaxQuerySize = 262'144;
  if (sql.size() >= kDefaultMaxQuerySize)
    all.emplace_back("max_query_size", std::to_string(sql.size() + 1));
  // And at most 50,000 elements of syntax (500,000 once aliases are
  // written out): a list of tuples (a report asked level by level names
  // its kept parents' keys so) passes that from about 32 KiB on, each
  // element taking a byte of text or more.
  constexpr size_t kAstElementsFromBytes = 32'768;
  if (sql.size() >= kAstElementsFromBytes) {
    all.emplace_back("max_ast_elements", std::to_string(std::max<size_t>(50'000, sql.size())));
    all.emplace_back("max_expanded_ast_elements",
                     std::to_string(std::max<size_t>(500'000, 10 * sql.size())));
  }
  auto reply =
      impl_->request(http::verb::post, url_with(target_, database, all, ""), std::string(sql));
  if (!reply) return failure(target_, what_ran(sql), reply.error().message);
  if (reply->status != 200) {
    const ServerError e = parse_server_error(reply->body);
    return failure(target_, what_ran(sql),
                   (e.code ? "code " + std::to_string(e.code) + ": " : std::string()) + e.text +
                       " (HTTP " + std::to_string(reply->status) + ")");
  }
  return std::move(reply->body);
}

Status ClickHouseClient::insert(std::string_view table, std::string_view format,
                                std::string_view rows) {
  const std::string query = "INSERT INTO " + std::string(table) + " FORMAT " + std::string(format);
  Settings settings;
  if (!target_.cluster.empty()) settings.emplace_back("insert_distributed_sync", "1");
  auto reply =
      impl_->request(http::verb::post, url_with(target_, true, settings, query), std::string(rows));
  if (!reply) return failure(target_, query, reply.error().message);
  if (reply->status != 200) {
    const ServerError e = parse_server_error(reply->body);
    return failure(target_, query,
                   (e.code ? "code " + std::to_string(e.code) + ": " : std::string()) + e.text +
                       " (HTTP " + std::to_string(reply->status) + ")");
  }
  return {};
}

Result<std::string> ClickHouseClient::server_version() {
  auto body = execute("SELECT version()", {}, false);
  if (!body) return body.error();
  std::string v = std::move(*body);
  while (!v.empty() && (v.back() == '\n' || v.back() == ' '))
    v.pop_back();
  return v;
}

Status ClickHouseClient::ping() {
  auto reply = impl_->request(http::verb::get, "/ping", "");
  if (!reply) return failure(target_, "ping", reply.error().message);
  if (reply->status != 200 || reply->body.rfind("Ok.", 0) != 0)
    return failure(target_, "ping",
                   "HTTP " + std::to_string(reply->status) + ", not the ClickHouse 'Ok.'");
  return {};
}

}  // namespace codepulse::collector::analytics
