#include "collector/serve/https_server.hpp"

#include <openssl/ssl.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <ctime>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "collector/http/query_string.hpp"
#include "collector/ingest/ingest_queue.hpp"
#include "collector/ingest/jira_endpoint.hpp"
#include "collector/ingest/metrics.hpp"
#include "collector/ingest/rate_limiter.hpp"
#include "collector/ingest/repo_webhook_endpoint.hpp"
#include "collector/serve/dashboard_assets.hpp"
#include "collector/serve/health_view.hpp"
#include "collector/serve/report_runner.hpp"
#include "collector/serve/session_store.hpp"
#include "collector/serve/viewer_access.hpp"
#include "common/json_writer.hpp"
#include "common/report/report.hpp"
#include "common/time.hpp"
#include "common/version.hpp"

namespace codepulse::collector {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Stream = beast::ssl_stream<beast::tcp_stream>;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = net::as_tuple(net::use_awaitable);
constexpr size_t kHeaderLimit = 16 * 1024;
constexpr size_t kSmallBodyLimit = 64 * 1024;  // any request other than a batch or webhook
constexpr size_t kWebhookBodyLimit = 1 << 20;  // Jira sends whole issues, GitHub whole pushes
constexpr size_t kHealthDevices = 5000;        // devices listed by GET /v1/health

// One client connection; touched only on its strand.
struct Connection {
  Connection(tcp::socket socket, ssl::context& tls) : stream(std::move(socket), tls) {}
  Stream stream;
  bool busy = false;  // between a request header and its reply
};

// Splits "host:port" or "[v6]:port".
Result<std::pair<std::string, std::string>> split_listen(const std::string& listen) {
  std::string host, port;
  if (!listen.empty() && listen.front() == '[') {
    const auto close = listen.find(']');
    if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':')
      return make_error("listen address '" + listen + "': expected [IPv6]:PORT");
    host = listen.substr(1, close - 1);
    port = listen.substr(close + 2);
  } else {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos)
      return make_error("listen address '" + listen + "': expected HOST:PORT");
    host = listen.substr(0, colon);
    port = listen.substr(colon + 1);
  }
  if (host.empty() || port.empty() || port.find_first_not_of("0123456789") != std::string::npos ||
      port.size() > 5 || std::stoi(port) > 65535)
    return make_error("listen address '" + listen + "': expected HOST:PORT with PORT 0-65535");
  return std::make_pair(host, port);
}

// "Sun, 22 Nov 2026 13:15:01 GMT": trackers check their clock against it.
std::string http_date_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

// Suspends the calling coroutine until the writer thread has stored the job.
template <class Token>
auto async_store(IngestQueue& queue, std::shared_ptr<IngestJob> job, Token&& token) {
  return net::async_initiate<Token, void()>(
      [&queue](auto handler, std::shared_ptr<IngestJob> j) {
        auto ex = net::get_associated_executor(handler);
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        j->done = [h, ex]() { net::post(ex, [h]() { std::move (*h)(); }); };
        if (!queue.submit(j)) j->done();  // shutting down: no result, the reply says 503
      },
      token, std::move(job));
}

// Suspends the calling coroutine until the report thread has run the job.
template <class Token>
auto async_report(ReportRunner& runner, std::shared_ptr<ReportJob> job, Token&& token) {
  return net::async_initiate<Token, void()>(
      [&runner](auto handler, std::shared_ptr<ReportJob> j) {
        auto ex = net::get_associated_executor(handler);
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        j->done = [h, ex]() { net::post(ex, [h]() { std::move (*h)(); }); };
        if (!runner.submit(j)) j->done();  // busy: no result, the reply says 503
      },
      token, std::move(job));
}

// The parts of a request the dashboard's access rules read.
WebRequest web_request(const http::request<http::string_body>& req) {
  WebRequest w;
  w.method = req.method_string();
  w.authorization = req[http::field::authorization];
  w.cookie = req[http::field::cookie];
  w.csrf = req[kCsrfHeader];
  w.origin = req[http::field::origin];
  w.host = req[http::field::host];
  w.sec_fetch_site = req["Sec-Fetch-Site"];
  w.content_type = req[http::field::content_type];
  w.body = req.body();
  return w;
}

}  // namespace

class HttpsServer::Impl {
 public:
  Impl(const ServerOptions& options, Store& store, Logger& log)
      : options_(options),
        store_(store),
        log_(log),
        tls_(ssl::context::tls_server),
        signals_(io_, SIGINT, SIGTERM),
        limiter_(options.limits.rate_per_s, options.limits.burst),
        queue_(store),
        endpoint_(store, limiter_, metrics_, options.limits),
        reports_(store, log, options.report_max_nodes, options.leverage_weights),
        viewers_(store, sessions_, now_utc_ms),
        jira_(store, options.jira_webhook_secret, options.jira_epic_link_field),
        github_(store, github_webhook_source(), options.github_webhook_secret),
        bitbucket_(store, bitbucket_webhook_source(), options.bitbucket_webhook_secret) {}

  Status open() {
    tls_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                     ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(tls_.native_handle(), TLS1_2_VERSION);
    boost::system::error_code ec;
    tls_.use_certificate_chain_file(options_.tls_cert, ec);
    if (ec)
      return make_error("cannot load the TLS certificate " + options_.tls_cert + ": " +
                        ec.message());
    tls_.use_private_key_file(options_.tls_key, ssl::context::pem, ec);
    if (ec)
      return make_error("cannot load the TLS private key " + options_.tls_key + ": " +
                        ec.message());
    if (SSL_CTX_check_private_key(tls_.native_handle()) != 1)
      return make_error("the TLS private key " + options_.tls_key +
                        " does not match the certificate " + options_.tls_cert);
    auto hp = split_listen(options_.listen);
    if (!hp) return hp.error();
    tcp::resolver resolver(io_);
    auto endpoints = resolver.resolve(hp->first, hp->second,
                                      tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || endpoints.empty())
      return make_error("cannot resolve the listen address " + options_.listen + ": " +
                        ec.message());
    const tcp::endpoint ep = endpoints.begin()->endpoint();
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return make_error("cannot listen on " + options_.listen + ": " + ec.message());
    port_ = acceptor_.local_endpoint().port();
    return {};
  }

  uint16_t port() const { return port_; }

  void run() {
    const auto address = acceptor_.local_endpoint().address().to_string();
    log_.info("lifecycle",
              "listening on https://" +
                  (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" +
                  std::to_string(port_) + " (codepulse-collector " + kVersion + ")");
    signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      log_.info("lifecycle", std::string("received ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") +
                                 ", finishing the requests in flight");
      stop();
    });
    net::co_spawn(accept_strand_, accept_loop(), net::detached);
    int threads = options_.threads > 0 ? options_.threads
                                       : static_cast<int>(std::thread::hardware_concurrency());
    threads = std::max(1, threads);
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i)
      pool.emplace_back([this] { io_.run(); });
    io_.run();
    for (auto& t : pool)
      t.join();
    queue_.stop();  // every accepted batch is stored before we return
    reports_.stop();
    log_.info("lifecycle", "stopped");
  }

  // The acceptor is only touched on its strand.
  void stop() {
    net::post(accept_strand_, [this] { begin_shutdown(); });
  }

 private:
  void begin_shutdown() {
    if (stopping_.exchange(true)) return;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    signals_.cancel(ignored);
    // Idle connections (waiting for a request) close now; busy ones finish.
    std::vector<std::shared_ptr<Connection>> open;
    {
      std::lock_guard lock(connections_mu_);
      for (auto& [id, weak] : connections_)
        if (auto c = weak.lock()) open.push_back(std::move(c));
    }
    for (auto& c : open)
      net::post(c->stream.get_executor(), [c] {
        if (!c->busy) beast::get_lowest_layer(c->stream).socket().cancel();
      });
    net::co_spawn(io_, drain(), net::detached);
  }

  // Waits for the open connections to finish, at most shutdown_grace_ms.
  net::awaitable<void> drain() {
    const auto deadline = Clock::now() + std::chrono::milliseconds(options_.shutdown_grace_ms);
    net::steady_timer timer(io_);
    while (open_connections_.load() > 0 && Clock::now() < deadline) {
      timer.expires_after(std::chrono::milliseconds(20));
      co_await timer.async_wait(kTuple);
    }
    if (open_connections_.load() > 0)
      log_.warn("lifecycle", std::to_string(open_connections_.load()) +
                                 " connections still busy after the grace period; closing them");
    io_.stop();
  }

  net::awaitable<void> accept_loop() {
    while (!stopping_) {
      tcp::socket socket(net::make_strand(io_));
      auto [ec] = co_await acceptor_.async_accept(socket, kTuple);
      if (ec) {
        if (stopping_ || ec == net::error::operation_aborted) co_return;
        log_.warn("accept", "accept failed: " + ec.message());
        net::steady_timer pause(io_, std::chrono::milliseconds(100));  // e.g. out of descriptors
        co_await pause.async_wait(kTuple);
        continue;
      }
      if (open_connections_.load() >= options_.max_connections) {
        metrics_.connection_refused();
        log_.warn("accept", "connection limit of " + std::to_string(options_.max_connections) +
                                " reached; refusing a connection");
        boost::system::error_code ignored;
        socket.close(ignored);
        continue;
      }
      auto c = std::make_shared<Connection>(std::move(socket), tls_);
      const uint64_t id = ++next_id_;
      {
        std::lock_guard lock(connections_mu_);
        connections_[id] = c;
      }
      ++open_connections_;
      metrics_.connection_opened();
      auto ex = c->stream.get_executor();
      net::co_spawn(ex, serve(c), [this, id](std::exception_ptr e) {
        if (e) {
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& ex2) {
            log_.error("connection", std::string("connection ended by an error: ") + ex2.what());
          }
        }
        {
          std::lock_guard lock(connections_mu_);
          connections_.erase(id);
        }
        metrics_.connection_closed();
        --open_connections_;
      });
    }
  }

  using Response = http::response<http::string_body>;

  Response make_response(const HttpReply& reply, unsigned version, bool keep_alive,
                         std::string_view content_type = "application/json",
                         const Headers& headers = {}) {
    Response res{static_cast<http::status>(reply.status), version};
    res.set(http::field::server, std::string("codepulse-collector/") + kVersion);
    res.set(http::field::content_type, content_type);
    res.set(http::field::date, http_date_now());
    if (reply.retry_after_s > 0)
      res.set(http::field::retry_after, std::to_string(reply.retry_after_s));
    if (reply.authenticate) res.set(http::field::www_authenticate, "Bearer realm=\"codepulse\"");
    res.set("X-Content-Type-Options", "nosniff");
    for (const auto& [name, value] : headers)
      res.set(name, value);
    res.keep_alive(keep_alive && !reply.close && !stopping_);
    res.body() = reply.body;
    res.prepare_payload();
    return res;
  }

  static bool is_webhook(std::string_view path) {
    return path == "/v1/webhooks/jira" || path == "/v1/webhooks/github" ||
           path == "/v1/webhooks/bitbucket";
  }

  static std::string path_label(std::string_view target) {
    const auto q = target.find('?');
    const auto path = target.substr(0, q);
    if (path == "/v1/batches" || path == "/v1/report" || path == "/v1/whoami" ||
        path == "/v1/session" || path == "/v1/health" || path == "/healthz" || path == "/metrics" ||
        is_webhook(path) || path == "/")
      return std::string(path);
    if (path.substr(0, 8) == "/assets/") return "/assets";
    return "other";
  }

  // Reads requests until the client closes, a timeout, an error or shutdown.
  net::awaitable<void> serve(std::shared_ptr<Connection> c) {
    auto& tcp_layer = beast::get_lowest_layer(c->stream);
    tcp_layer.expires_after(std::chrono::milliseconds(options_.header_timeout_ms));
    if (auto [ec] = co_await c->stream.async_handshake(ssl::stream_base::server, kTuple); ec) {
      log_.debug("tls", "TLS handshake failed: " + ec.message());
      co_return;
    }
    beast::flat_buffer buffer;
    bool first = true;
    while (!stopping_) {
      c->busy = false;
      http::request_parser<http::string_body> parser;
      parser.header_limit(kHeaderLimit);
      // Beast checks Content-Length against this while parsing the header.
      parser.body_limit(endpoint_.limits().max_body_bytes);
      tcp_layer.expires_after(
          std::chrono::milliseconds(first ? options_.header_timeout_ms : options_.idle_timeout_ms));
      first = false;
      auto [ec, n] = co_await http::async_read_header(c->stream, buffer, parser, kTuple);
      if (ec == http::error::body_limit) {
        HttpReply big{413, error_json(413, "the body is over the limit of " +
                                               std::to_string(endpoint_.limits().max_body_bytes) +
                                               " bytes; send smaller batches")};
        big.close = true;
        metrics_.request(path_label(parser.get().target()), 413);
        metrics_.batch(BatchOutcome::kTooLarge);
        if (co_await write(c, make_response(big, 11, false))) co_await drain_unread(c);
        break;
      }
      if (ec) {
        if (ec != http::error::end_of_stream && ec != beast::error::timeout &&
            ec != net::error::operation_aborted && ec != net::ssl::error::stream_truncated &&
            ec != net::error::eof && ec != net::error::connection_reset) {
          // Garbage: say so, then close.
          HttpReply bad{400, error_json(400, "malformed HTTP request: " + ec.message())};
          bad.close = true;
          metrics_.request("other", 400);
          if (co_await write(c, make_response(bad, 11, false))) co_await drain_unread(c);
        }
        break;
      }
      c->busy = true;
      const auto started = Clock::now();
      auto& req = parser.get();
      const std::string path = path_label(req.target());
      HttpReply reply;
      if (path != "/v1/batches") {
        // Beast checked Content-Length against the batch limit; other
        // requests carry no real body.
        const size_t limit = is_webhook(path) ? kWebhookBodyLimit : kSmallBodyLimit;
        const auto cl = parser.content_length();
        if ((cl && *cl > limit) || parser.chunked()) {
          HttpReply big{413, error_json(413, limit == kSmallBodyLimit
                                                 ? path + " takes no request body"
                                                 : "the body is over the limit of " +
                                                       std::to_string(limit) + " bytes")};
          big.close = true;
          metrics_.request(path, 413);
          co_await write(c, make_response(big, req.version(), false));
          co_await drain_unread(c);
          break;
        }
        parser.body_limit(limit);
      }
      std::string type = "application/json";
      Headers headers;
      bool stored = false;
      if (path == "/v1/batches") {
        if (req.method() != http::verb::post) {
          reply = {405, error_json(405, "use POST for /v1/batches")};
          reply.close = true;
        } else {
          stored = co_await handle_batch(c, buffer, parser, reply);
        }
      } else if (path == "other") {
        reply = {404, error_json(404,
                                 "no such endpoint; the collector serves the dashboard at /, "
                                 "POST /v1/batches, GET /v1/report, GET /v1/whoami, "
                                 "/v1/session, GET /v1/health, POST /v1/webhooks/jira, "
                                 "/v1/webhooks/github and /v1/webhooks/bitbucket, GET /healthz and "
                                 "GET /metrics")};
        reply.close = true;
      } else if (is_webhook(path) && req.method() != http::verb::post) {
        reply = {405, error_json(405, "use POST for " + path)};
        reply.close = true;
      } else if (path != "/v1/whoami" && path != "/v1/session" && !is_webhook(path) &&
                 req.method() != http::verb::get) {
        reply = {405, error_json(405, "use GET for " + path)};
        reply.close = true;
      } else if (auto [ec2, m] = co_await http::async_read(c->stream, buffer, parser, kTuple);
                 ec2) {
        break;
      } else if (path == "/v1/report") {
        co_await handle_report(req, reply, type);
      } else if (path == "/v1/whoami") {
        reply = whoami(web_request(req));
      } else if (path == "/v1/session") {
        WebReply web{{405, error_json(405,
                                      "use POST (log in), GET or DELETE (log out) for "
                                      "/v1/session")}};
        if (req.method() == http::verb::post)
          web = viewers_.login(web_request(req));
        else if (req.method() == http::verb::get)
          web = viewers_.current(web_request(req));
        else if (req.method() == http::verb::delete_)
          web = viewers_.logout(web_request(req));
        reply = std::move(web.http);
        headers = std::move(web.headers);
      } else if (path == "/v1/webhooks/jira") {
        reply = jira_.handle(req.target(), req["X-Codepulse-Secret"], req.body());
      } else if (path == "/v1/webhooks/github") {
        reply = repo_webhook(github_, req);
      } else if (path == "/v1/webhooks/bitbucket") {
        reply = repo_webhook(bitbucket_, req);
      } else if (path == "/v1/health") {
        reply = health(web_request(req));
      } else if (path == "/healthz") {
        reply = healthz();
      } else if (path == "/metrics") {
        reply.body = metrics_text();
        type = "text/plain; version=0.0.4";
      } else if (auto asset = find_dashboard_asset(req.target().substr(0, req.target().find('?')));
                 !asset) {  // "/" and "/assets"
        reply = {404, error_json(404, "no such dashboard file")};
      } else {
        reply.body = std::string(asset->body);
        type = asset->content_type;
        headers = std::move(asset->headers);
      }
      metrics_.request(path, reply.status);
      if (stored)
        metrics_.batch_latency().observe(
            std::chrono::duration<double>(Clock::now() - started).count());
      const bool keep = req.keep_alive();
      const bool ok = co_await write(c, make_response(reply, req.version(), keep, type, headers));
      if (ok && reply.close && !parser.is_done()) co_await drain_unread(c);
      if (!ok || reply.close || !keep) break;
    }
    c->busy = false;
    tcp_layer.expires_after(std::chrono::seconds(2));
    co_await c->stream.async_shutdown(kTuple);
  }

  // After a reply sent before the request body was read (401, 413, 429...):
  // read and drop what the client still sends, for a moment, so closing
  // does not reset the connection before the client has read the reply.
  net::awaitable<void> drain_unread(const std::shared_ptr<Connection>& c) {
    auto& layer = beast::get_lowest_layer(c->stream);
    const auto until = Clock::now() + std::chrono::seconds(2);
    std::vector<char> sink(64 * 1024);
    size_t total = 0;
    while (Clock::now() < until && total < (64u << 20)) {
      layer.expires_at(until);
      auto [ec, n] = co_await c->stream.async_read_some(net::buffer(sink), kTuple);
      if (ec) break;
      total += n;
    }
  }

  net::awaitable<bool> write(const std::shared_ptr<Connection>& c, Response res) {
    beast::get_lowest_layer(c->stream).expires_after(std::chrono::seconds(30));
    auto [ec, n] = co_await http::async_write(c->stream, res, kTuple);
    co_return !ec;
  }

  // POST /v1/batches after its header: admit, read the body, decode, store.
  // True when the batch reached the store.
  net::awaitable<bool> handle_batch(const std::shared_ptr<Connection>& c,
                                    beast::flat_buffer& buffer,
                                    http::request_parser<http::string_body>& parser,
                                    HttpReply& reply) {
    auto& req = parser.get();
    Caller caller;
    std::optional<uint64_t> length;
    if (const auto cl = parser.content_length(); cl && !parser.chunked()) length = *cl;
    if (auto early = endpoint_.admit(req[http::field::authorization],
                                     req[http::field::content_encoding], length, caller)) {
      reply = std::move(*early);
      co_return false;
    }
    beast::get_lowest_layer(c->stream).expires_after(
        std::chrono::milliseconds(options_.body_timeout_ms));
    auto [ec, n] = co_await http::async_read(c->stream, buffer, parser, kTuple);
    if (ec) {
      if (ec == http::error::body_limit) {
        reply = {413,
                 error_json(413, "the body is over the limit of " +
                                     std::to_string(endpoint_.limits().max_body_bytes) + " bytes")};
      } else {
        reply = {408, error_json(408, "the request body did not arrive: " + ec.message())};
      }
      reply.close = true;
      co_return false;
    }
    auto prepared = endpoint_.prepare(caller, req.body(), req[http::field::content_encoding],
                                      req["Idempotency-Key"]);
    if (auto* r = std::get_if<HttpReply>(&prepared)) {
      reply = std::move(*r);
      co_return false;
    }
    auto job = std::get<std::shared_ptr<IngestJob>>(std::move(prepared));
    req.body().clear();
    req.body().shrink_to_fit();
    co_await async_store(queue_, job, net::use_awaitable);
    reply = endpoint_.finish(*job);
    co_return reply.status == 200;
  }

  // GET /v1/report?group_by=...&metric=...: the report engine's tree, for
  // viewer and admin tokens. The same parameters and errors as the CLI.
  net::awaitable<void> handle_report(const http::request<http::string_body>& req, HttpReply& reply,
                                     std::string& type) {
    auto who = viewers_.identify(web_request(req), true);
    if (auto* r = std::get_if<HttpReply>(&who)) {
      reply = std::move(*r);
      co_return;
    }
    const std::string_view target = req.target();
    const auto q = target.find('?');
    auto pairs =
        parse_query_string(q == std::string_view::npos ? std::string_view() : target.substr(q + 1));
    if (!pairs) {
      reply = {400, error_json(400, pairs.error().message)};
      co_return;
    }
    report::Params params(pairs->begin(), pairs->end());
    if (std::none_of(params.begin(), params.end(),
                     [](const auto& p) { return p.first == "format"; }))
      params.emplace_back("format", "json");
    auto request = report::parse_report_params(params);
    if (!request) {
      reply = {400, error_json(400, request.error().message)};
      co_return;
    }
    auto job = std::make_shared<ReportJob>();
    job->request = std::move(request).value();
    co_await async_report(reports_, job, net::use_awaitable);
    if (!job->rendered) {
      reply = {503, error_json(503, "too many reports are running; retry shortly"), 2};
      co_return;
    }
    if (!*job->rendered) {
      const std::string& why = job->rendered->error().message;
      if (why.rfind(report::kTooManyNodes, 0) == 0)
        reply = {422, error_json(422, why)};
      else if (why.rfind(kStoreUnavailable, 0) == 0)
        reply = {503, error_json(503, why), 5};
      else
        reply = {500, error_json(500, "the report failed: " + why)};
      co_return;
    }
    reply.body = std::move(**job->rendered);
    type = job->request.format == "json"  ? "application/json"
           : job->request.format == "csv" ? "text/csv; charset=utf-8"
                                          : "text/plain; charset=utf-8";
  }

  static HttpReply repo_webhook(RepoWebhookEndpoint& endpoint,
                                const http::request<http::string_body>& req) {
    const RepoWebhookSource& source = endpoint.source();
    RepoWebhookRequest r;
    r.event = req[source.event_header];
    r.delivery = req[source.delivery_header];
    if (source.hook_header) r.hook = req[source.hook_header];
    r.signature = req[source.signature_header];
    r.body = req.body();
    return endpoint.handle(r, now_utc_ms());
  }

  // Who a token belongs to: `codepulse-tracker doctor` checks its token here.
  HttpReply whoami(const WebRequest& request) {
    auto who = viewers_.identify(request, false);
    if (auto* r = std::get_if<HttpReply>(&who)) return std::move(*r);
    const TokenInfo& token = std::get<Viewer>(who).token;
    std::string body;
    JsonWriter w(body);
    w.begin_object()
        .field("author", token.author)
        .field("role", role_name(token.role))
        .field("token_id", token.id)
        .end_object();
    return {200, body};
  }

  // GET /v1/health: trackers by device, refused batches, queues (viewers).
  HttpReply health(const WebRequest& request) {
    auto who = viewers_.identify(request, true);
    if (auto* r = std::get_if<HttpReply>(&who)) return std::move(*r);
    HealthInputs in;
    auto devices = store_.device_activity(kHealthDevices);
    if (!devices)
      return {503, error_json(503, "cannot read the batches: " + devices.error().message), 1};
    in.devices = std::move(devices).value();
    in.now_ms = now_utc_ms();
    auto count = store_.record_count();
    in.records_stored = count ? *count : -1;
    in.ingest_queue_depth = queue_.depth();
    return {200, health_json(in, metrics_)};
  }

  HttpReply healthz() {
    auto count = store_.record_count();
    if (!count) return {503, error_json(503, "store unavailable: " + count.error().message)};
    std::string body;
    JsonWriter w(body);
    w.begin_object()
        .field("status", "ok")
        .field("version", kVersion)
        .field("records", *count)
        .end_object();
    return {200, body};
  }

  std::string metrics_text() {
    auto size = store_.size_bytes();
    auto count = store_.record_count();
    std::string out = metrics_.render(size ? *size : -1, count ? *count : -1, queue_.depth());
    const CubeStats cube = reports_.stats();
    auto gauge = [&out](const char* name, const char* help, int64_t value) {
      out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n" + name +
             " " + std::to_string(value) + "\n";
    };
    gauge("codepulse_report_cube_ready", "1 once the in-memory report cube is built.",
          cube.ready ? 1 : 0);
    gauge("codepulse_report_cube_records", "Usage records folded into the report cube.",
          cube.records);
    gauge("codepulse_report_cube_groups", "Groups (turn, quarter hour, dimensions) in the cube.",
          cube.groups);
    gauge("codepulse_report_cube_bytes", "Approximate memory of the report cube.",
          cube.memory_bytes);
    gauge("codepulse_report_cube_build_ms", "Time the cube took to build at start.", cube.build_ms);
    return out;
  }

  ServerOptions options_;
  Store& store_;
  Logger& log_;
  net::io_context io_;
  ssl::context tls_;
  net::strand<net::io_context::executor_type> accept_strand_{net::make_strand(io_)};
  tcp::acceptor acceptor_{accept_strand_};
  net::signal_set signals_;
  Metrics metrics_;
  RateLimiter limiter_;
  IngestQueue queue_;
  BatchEndpoint endpoint_;
  ReportRunner reports_;
  SessionStore sessions_;
  ViewerAccess viewers_;
  JiraEndpoint jira_;
  RepoWebhookEndpoint github_, bitbucket_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<size_t> open_connections_{0};
  std::atomic<uint64_t> next_id_{0};
  std::mutex connections_mu_;
  std::unordered_map<uint64_t, std::weak_ptr<Connection>> connections_;
};

HttpsServer::HttpsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpsServer::~HttpsServer() = default;

Result<std::unique_ptr<HttpsServer>> HttpsServer::create(const ServerOptions& options, Store& store,
                                                         Logger& log) {
  auto impl = std::make_unique<Impl>(options, store, log);
  if (auto s = impl->open(); !s) return s.error();
  return std::unique_ptr<HttpsServer>(new HttpsServer(std::move(impl)));
}

uint16_t HttpsServer::port() const {
  return impl_->port();
}

void HttpsServer::run() {
  impl_->run();
}

void HttpsServer::stop() {
  impl_->stop();
}

}  // namespace codepulse::collector
