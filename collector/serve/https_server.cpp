// The listener: TLS, connections, keep-alive, timeouts, graceful shutdown,
// and the request loop that reads each request with Boost.Beast, picks its
// route (routes.hpp) and writes the handler's reply. The handlers live in
// the *_routes.cpp files; this is the only file that includes Beast.
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
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "collector/ingest/store_generation.hpp"
#include "collector/serve/auth_throttle.hpp"
#include "collector/serve/batch_routes.hpp"
#include "collector/serve/connection_slots.hpp"
#include "collector/serve/dashboard_origins.hpp"
#include "collector/serve/delivery_routes.hpp"
#include "collector/serve/endpoints.hpp"
#include "collector/serve/fault_log.hpp"
#include "collector/serve/finance_routes.hpp"
#include "collector/serve/insight_routes.hpp"
#include "collector/serve/listen_address.hpp"
#include "collector/serve/routes.hpp"
#include "collector/serve/viewer_routes.hpp"
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
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;
constexpr auto kTuple = net::as_tuple(net::use_awaitable);
constexpr size_t kHeaderLimit = 16 * 1024;

// One client connection; touched only on its strand.
struct Connection {
  Connection(tcp::socket socket, ssl::context& tls, uint64_t id_, std::string address_)
      : stream(std::move(socket), tls), id(id_), address(std::move(address_)) {}
  Stream stream;
  const uint64_t id;
  const std::string address;  // the client's IP address
  bool busy = false;          // between a request header and its reply
  bool proven = false;        // it carried an authenticated request
  bool evicted = false;       // its slot went to a newer connection: close, no TLS goodbye
};

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
      .count();
}

// Routes that check credentials: their 401s count as failed authentication.
bool checks_credentials(const RouteMatch& route) {
  return route.kind == RouteMatch::Kind::kFound && route.route->access != Access::kAnyone &&
         route.route->access != Access::kWebhookSecret;
}

HttpReply throttled(int64_t wait_s) {
  HttpReply r{429,
              error_json(429,
                         "too many failed authentications from this address or with this "
                         "token; retry in " +
                             std::to_string(wait_s) + " s"),
              wait_s};
  r.close = true;  // the body, if any, is not read
  return r;
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

// The request as the handlers read it; valid while `req` is.
RouteRequest route_request(const Request& req) {
  return {req.method_string(), req.target(),
          [&req](std::string_view name) -> std::string_view { return req[name]; }, req.body()};
}

}  // namespace

class HttpsServer::Impl {
 public:
  Impl(const ServerOptions& options, Store& store, Logger& log,
       std::unique_ptr<PricingState> pricing, StoreGeneration generation)
      : options_(options),
        log_(log),
        tls_(ssl::context::tls_server),
        signals_(io_, SIGINT, SIGTERM, SIGHUP),
        endpoints_(options, store, log, std::move(pricing), std::move(generation)),
        slots_({options.max_connections, options.max_connections_per_address,
                options.reserved_connections}) {}

  Status open() {
    tls_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                     ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(tls_.native_handle(), TLS1_2_VERSION);
    SSL_CTX_set_options(tls_.native_handle(), SSL_OP_CIPHER_SERVER_PREFERENCE);
    if (SSL_CTX_set_cipher_list(tls_.native_handle(), options_.tls12_ciphers.c_str()) != 1)
      return make_error("tls12_ciphers \"" + options_.tls12_ciphers +
                        "\" names no cipher suite OpenSSL knows");
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
    auto origins = dashboard_origins(options_.public_url, options_.tls_cert, port_);
    if (!origins) return origins.error();
    endpoints_.viewers().allow_origins(std::move(origins).value());
    return {};
  }

  uint16_t port() const { return port_; }

  void run() {
    const auto address = acceptor_.local_endpoint().address().to_string();
    log_.info("lifecycle",
              "listening on https://" +
                  (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" +
                  std::to_string(port_) + " (codepulse-collector " + kVersion + ")");
    wait_for_signal();
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
    endpoints_.stop();  // every accepted batch is stored before we return
    log_.info("lifecycle", "stopped");
  }

  void set_on_hangup(std::function<void()> f) { on_hangup_ = std::move(f); }

  // The acceptor is only touched on its strand.
  void stop() {
    net::post(accept_strand_, [this] { begin_shutdown(); });
  }

 private:
  // SIGTERM and SIGINT stop; SIGHUP reopens the log file (logrotate), runs
  // the hangup handler (the configuration's reloadable settings) and waits on.
  void wait_for_signal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      if (sig == SIGHUP) {
        if (auto s = log_.reopen(); !s)
          log_.error("lifecycle", "SIGHUP: " + s.error().message + "; writing to the old one");
        log_.info("lifecycle", "received SIGHUP: log file reopened");
        if (on_hangup_) on_hangup_();
        wait_for_signal();
        return;
      }
      log_.info("lifecycle", std::string("received ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") +
                                 ", finishing the requests in flight");
      stop();
    });
  }

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
      boost::system::error_code addr_ec;
      const auto remote = socket.remote_endpoint(addr_ec);
      const std::string address = addr_ec ? "?" : remote.address().to_string();
      const uint64_t id = ++next_id_;
      const auto admission = slots_.open(id, address, steady_ms());
      if (admission.verdict != ConnectionSlots::Verdict::kAccept) {
        metrics().connection_refused();
        refused_log(admission.verdict == ConnectionSlots::Verdict::kRefuseAddress
                        ? "client " + address + " holds " +
                              std::to_string(options_.max_connections_per_address) +
                              " unauthenticated connections already"
                        : "every one of the " + std::to_string(options_.max_connections) +
                              " connection slots is busy with a request");
        boost::system::error_code ignored;
        socket.close(ignored);
        continue;
      }
      if (admission.evict != 0) evict(admission.evict);
      auto c = std::make_shared<Connection>(std::move(socket), tls_, id, address);
      {
        std::lock_guard lock(connections_mu_);
        connections_[id] = c;
      }
      ++open_connections_;
      metrics().connection_opened();
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
        slots_.close(id);
        metrics().connection_closed();
        --open_connections_;
      });
    }
  }

  Response make_response(const HttpReply& reply, unsigned version, bool keep_alive,
                         std::string_view content_type = "application/json",
                         const Headers& headers = {}) {
    Response res{static_cast<http::status>(reply.status), version};
    res.set(http::field::server, std::string("codepulse-collector/") + kVersion);
    res.set(http::field::content_type, content_type);
    res.set(http::field::date, http_date_now());
    // Every 503 and 429 says when to come back, whichever handler made it.
    int64_t retry_after = reply.retry_after_s;
    if (retry_after <= 0 && (reply.status == 503 || reply.status == 429)) retry_after = 5;
    if (retry_after > 0) res.set(http::field::retry_after, std::to_string(retry_after));
    if (reply.authenticate) res.set(http::field::www_authenticate, "Bearer realm=\"codepulse\"");
    res.set("X-Content-Type-Options", "nosniff");
    // HTTPS only, always: browsers that saw the dashboard never try plain HTTP.
    res.set(http::field::strict_transport_security, "max-age=31536000");
    for (const auto& [name, value] : headers)
      res.set(name, value);
    res.keep_alive(keep_alive && !reply.close && !stopping_);
    res.body() = reply.body;
    res.prepare_payload();
    return res;
  }

  // Reads requests until the client closes, a timeout, an error or shutdown.
  net::awaitable<void> serve(std::shared_ptr<Connection> c) {
    auto& tcp_layer = beast::get_lowest_layer(c->stream);
    tcp_layer.expires_after(std::chrono::milliseconds(options_.header_timeout_ms));
    if (auto [ec] = co_await c->stream.async_handshake(ssl::stream_base::server, kTuple); ec) {
      log_.debug("tls", "TLS handshake failed: " + ec.message());
      co_return;
    }
    const Router& router = collector_router();
    beast::flat_buffer buffer;
    bool first = true;
    while (!stopping_ && !c->evicted) {
      c->busy = false;
      slots_.set_idle(c->id, true, steady_ms());
      http::request_parser<http::string_body> parser;
      parser.header_limit(kHeaderLimit);
      // Beast checks Content-Length against this while parsing the header.
      parser.body_limit(endpoints_.batches().limits().max_body_bytes);
      tcp_layer.expires_after(
          std::chrono::milliseconds(first       ? options_.header_timeout_ms
                                    : c->proven ? options_.idle_timeout_ms
                                                : options_.unauthenticated_idle_timeout_ms));
      first = false;
      auto [ec, n] = co_await http::async_read_header(c->stream, buffer, parser, kTuple);
      if (ec == http::error::body_limit) {
        const HttpReply big = batch_too_large(endpoints_.batches());
        metrics().request(router.match("", parser.get().target()).label, 413);
        metrics().batch(BatchOutcome::kTooLarge);
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
          metrics().request("other", 400);
          if (co_await write(c, make_response(bad, 11, false))) co_await drain_unread(c);
        }
        break;
      }
      c->busy = true;
      slots_.set_idle(c->id, false, steady_ms());
      const auto started = Clock::now();
      auto& req = parser.get();
      const RouteMatch route = router.match(req.method_string(), req.target());
      const std::string& path = route.label;
      // Beast checked Content-Length against the batch limit; other requests
      // carry no real body, or a webhook's.
      if (const size_t limit = body_limit(route); limit > 0) {
        const auto cl = parser.content_length();
        if ((cl && *cl > limit) || parser.chunked()) {
          metrics().request(path, 413);
          co_await write(c, make_response(body_too_large(path, limit), req.version(), false));
          co_await drain_unread(c);
          break;
        }
        parser.body_limit(limit);
      }
      RouteReply reply;
      bool stored = false;
      const bool guarded = checks_credentials(route);
      std::string prefix(token_prefix(presented_token(req[http::field::authorization])));
      const int64_t wait_s = guarded ? throttle_.wait_s(c->address, prefix, steady_ms()) : 0;
      if (route.kind != RouteMatch::Kind::kFound) {
        reply.http = refusal(route);
      } else if (wait_s > 0) {
        reply.http = throttled(wait_s);
      } else if (route.route->handler == Handler::kBatches) {
        stored = co_await handle_batch(c, buffer, parser, reply.http);
      } else if (auto [ec2, m] = co_await http::async_read(c->stream, buffer, parser, kTuple);
                 ec2) {
        break;
      } else if (const int64_t login_wait = login_throttled(c->address, req, prefix);
                 login_wait > 0) {
        reply.http = throttled(login_wait);
      } else if (route.route->handler == Handler::kReport) {
        co_await handle_report(req, reply);
      } else if (route.route->handler == Handler::kReconcile ||
                 route.route->handler == Handler::kStatement ||
                 route.route->handler == Handler::kWaste ||
                 route.route->handler == Handler::kAnomalies ||
                 route.route->handler == Handler::kDeploymentStats ||
                 route.route->handler == Handler::kDeploymentList ||
                 route.route->handler == Handler::kDeploymentBugs ||
                 route.route->handler == Handler::kTaskClasses ||
                 route.route->handler == Handler::kHotspots) {
        co_await handle_finance(route.route->handler, req, reply);
      } else {
        reply = endpoints_.answer(route.route->handler, route_request(req));
      }
      if (guarded && wait_s == 0) note_authentication(c, prefix, path, reply.http.status);
      if (route.kind == RouteMatch::Kind::kFound && reply.http.status / 100 == 2)
        endpoints_.audit(route.route->handler, route_request(req), reply);
      metrics().request(path, reply.http.status);
      faults_.observe(std::string(req.method_string()) + " " + path, reply.http,
                      route.kind == RouteMatch::Kind::kFound &&
                          route.route->handler != Handler::kDashboard &&
                          route.route->handler != Handler::kMetrics);
      if (stored)
        metrics().batch_latency().observe(
            std::chrono::duration<double>(Clock::now() - started).count());
      const bool keep = req.keep_alive();
      const bool ok = co_await write(
          c, make_response(reply.http, req.version(), keep, reply.content_type, reply.headers));
      if (ok && reply.http.close && !parser.is_done()) co_await drain_unread(c);
      if (!ok || reply.http.close || !keep) break;
    }
    c->busy = false;
    if (c->evicted) co_return;  // closed without a TLS goodbye: the slot is someone else's
    tcp_layer.expires_after(std::chrono::seconds(2));
    co_await c->stream.async_shutdown(kTuple);
  }

  // POST /v1/session after its body was read: the wait of the token in the
  // body (which becomes `prefix`); 0 for any other request.
  int64_t login_throttled(const std::string& address, const Request& req, std::string& prefix) {
    if (req.method() != http::verb::post || req.target() != "/v1/session") return 0;
    auto token = login_token(req.body());
    if (!token) return 0;
    prefix = std::string(token_prefix(*token));
    return throttle_.wait_s(address, prefix, steady_ms());
  }

  // After a request to a route that checks credentials: a 401 counts against
  // the address and the token's prefix; a success proves the connection.
  void note_authentication(const std::shared_ptr<Connection>& c, const std::string& prefix,
                           const std::string& path, int status) {
    if (status == 401) {
      // Each rejected token, by its first characters and the address; a
      // wait that begins or grows is added (kind "auth": never crowded out
      // by a flood of plain rejections).
      const std::string line = throttle_.failed(c->address, prefix, steady_ms());
      const std::string rejected = prefix.empty()
                                       ? std::string()
                                       : "rejected a token beginning " + shown_token_start(prefix) +
                                             " from " + c->address + " (" + path + ")";
      if (!line.empty())
        log_.warn("auth", line + (rejected.empty() ? " (last: " + path + ")" : "; " + rejected));
      else if (!rejected.empty())
        log_.warn("auth-rejected", rejected);
    } else if (status < 400) {
      throttle_.succeeded(prefix, steady_ms());
      if (!c->proven) {
        c->proven = true;
        slots_.prove(c->id);
      }
    }
  }

  // Closes an idle connection whose slot a new one took.
  void evict(uint64_t id) {
    std::shared_ptr<Connection> victim;
    {
      std::lock_guard lock(connections_mu_);
      if (auto it = connections_.find(id); it != connections_.end()) victim = it->second.lock();
    }
    if (!victim) return;
    net::post(victim->stream.get_executor(), [victim] {
      victim->evicted = true;  // a busy one finishes its request first
      boost::system::error_code ignored;
      if (!victim->busy) beast::get_lowest_layer(victim->stream).socket().cancel(ignored);
    });
  }

  // At most one line every 10 s about refused connections (a flood would
  // otherwise fill the log); the metrics count each one.
  void refused_log(const std::string& why) {
    const int64_t now = steady_ms();
    int64_t last = last_refusal_log_ms_.load();
    if (now - last < 10'000 || !last_refusal_log_ms_.compare_exchange_strong(last, now)) return;
    log_.warn("accept", "refusing connections: " + why);
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
    BatchEndpoint& endpoint = endpoints_.batches();
    Caller caller;
    std::optional<uint64_t> length;
    if (const auto cl = parser.content_length(); cl && !parser.chunked()) length = *cl;
    if (auto early = admit_batch(endpoint, route_request(req), length, caller)) {
      reply = std::move(*early);
      co_return false;
    }
    beast::get_lowest_layer(c->stream).expires_after(
        std::chrono::milliseconds(options_.body_timeout_ms));
    auto [ec, n] = co_await http::async_read(c->stream, buffer, parser, kTuple);
    if (ec) {
      reply = batch_body_failed(endpoint, ec == http::error::body_limit, ec.message());
      co_return false;
    }
    auto prepared = prepare_batch(endpoint, caller, route_request(req));
    if (auto* r = std::get_if<HttpReply>(&prepared)) {
      reply = std::move(*r);
      co_return false;
    }
    auto job = std::get<std::shared_ptr<IngestJob>>(std::move(prepared));
    req.body().clear();
    req.body().shrink_to_fit();
    co_await async_store(endpoints_.queue(), job, net::use_awaitable);
    reply = endpoint.finish(*job);
    co_return reply.status == 200;
  }

  // GET /v1/report: checked and parsed here, run on the report thread.
  net::awaitable<void> handle_report(const Request& req, RouteReply& reply) {
    auto started = start_report(endpoints_.viewers(), route_request(req));
    if (auto* r = std::get_if<HttpReply>(&started)) {
      reply.http = std::move(*r);
      co_return;
    }
    auto job = std::get<std::shared_ptr<ReportJob>>(std::move(started));
    co_await async_report(endpoints_.reports(), job, net::use_awaitable);
    reply = report_reply(*job);
  }

  // GET /v1/reconcile, /v1/statement, /v1/waste and /v1/anomalies: checked here,
  // run on the report thread.
  net::awaitable<void> handle_finance(int handler, const Request& req, RouteReply& reply) {
    auto started =
        handler == Handler::kWaste || handler == Handler::kAnomalies ||
                handler == Handler::kHotspots
            ? start_insight(handler, endpoints_.viewers(), endpoints_.store(), route_request(req),
                            endpoints_.report_max_nodes())
        : handler == Handler::kDeploymentStats || handler == Handler::kDeploymentList ||
                handler == Handler::kDeploymentBugs || handler == Handler::kTaskClasses
            ? start_delivery(handler, endpoints_.viewers(), endpoints_.store(), options_.delivery,
                             route_request(req))
            : start_finance(handler, endpoints_.viewers(), endpoints_.store(), route_request(req));
    if (auto* r = std::get_if<HttpReply>(&started)) {
      reply.http = std::move(*r);
      co_return;
    }
    auto finance = std::get<FinanceJob>(std::move(started));
    co_await async_report(endpoints_.reports(), finance.job, net::use_awaitable);
    reply = finance_reply(finance);
  }

  Metrics& metrics() { return endpoints_.metrics(); }

  ServerOptions options_;
  Logger& log_;
  net::io_context io_;
  ssl::context tls_;
  net::strand<net::io_context::executor_type> accept_strand_{net::make_strand(io_)};
  tcp::acceptor acceptor_{accept_strand_};
  net::signal_set signals_;
  std::function<void()> on_hangup_;
  Endpoints endpoints_;
  FaultLog faults_{log_};
  ConnectionSlots slots_;
  AuthThrottle throttle_;
  std::atomic<int64_t> last_refusal_log_ms_{-100'000};
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
  auto pricing = PricingState::open(store);
  if (!pricing) return pricing.error();
  auto generation = serving_generation(store, log);
  if (!generation) return generation.error();
  auto impl = std::make_unique<Impl>(options, store, log, std::move(pricing).value(),
                                     std::move(generation).value());
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

void HttpsServer::on_hangup(std::function<void()> handler) {
  impl_->set_on_hangup(std::move(handler));
}

}  // namespace codepulse::collector
