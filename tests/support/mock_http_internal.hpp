// The HTTP side the mock model APIs share (mock_messages_api, mock_responses_api,
// mock_gemini_api): an HTTP/1.1 server on 127.0.0.1 (ephemeral port, own
// thread, keep-alive) that hands each request to the mock and sends its reply,
// whole or as server-sent events, one chunk per event.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace codepulse::test::mock_http {

struct Request {
  std::string method, target, body;                          // "POST", "/v1/x?y=z"
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string path() const { return target.substr(0, target.find('?')); }
  // The value of a header (name in lower case); empty when absent.
  std::string header(std::string_view name) const;
};

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::string> events;  // non-empty: streamed, chunked, one chunk each
  std::vector<std::pair<std::string, std::string>> headers;  // added to the response
};

// A whole JSON reply.
Reply json_reply(int status, std::string body);

class Server {
 public:
  // Called on the server's thread, one request at a time. An exception
  // becomes a 500 whose body is its message.
  using Handler = std::function<Reply(const Request&)>;

  // Listens at once; `handler` must outlive the server.
  explicit Server(Handler handler);
  ~Server();  // stops the thread; open connections end with it
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const;
  std::string base_url() const;  // "http://127.0.0.1:PORT"

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// "Mock" and 8 random hex digits: put in every id a mock makes, so the ids
// of two mocks never meet.
std::string random_tag();

}  // namespace codepulse::test::mock_http
