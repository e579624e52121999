// The shape the mock model APIs share (mock_messages_api.hpp,
// mock_responses_api.hpp, mock_gemini_api.hpp): an HTTP/1.1 server on
// 127.0.0.1 (ephemeral port, own thread) that answers with the responses a
// test scripts, in order, and records every request it read and what it
// served. A protocol says how requests are checked and answered.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace codepulse::test {

// What a mock records of each request it read, answered or not.
struct MockRequest {
  std::string method, target;  // "POST", "/v1/messages?beta=true"
  int status = 0;              // what it was answered with
  std::string model;           // the model asked for (in the body or the path), when known
  bool stream = false;         // it asked for a stream
  bool api_key = false;        // it carried an API key where its API wants one
};

namespace mock_http {
struct Request;
struct Reply;
}  // namespace mock_http

// The script and log of a mock (mock_model_api_internal.hpp).
template <class Answer, class Served>
struct MockLedger;

// Protocol: Answer (one scripted response), Served (what one became on the
// wire), static check(const Answer&) (throws std::invalid_argument on a bad
// answer), static answer(MockLedger&, const mock_http::Request&, MockRequest&)
// and static internal_error(message), both returning a mock_http::Reply.
template <class Protocol>
class MockModelApi {
 public:
  using Answer = typename Protocol::Answer;
  using Served = typename Protocol::Served;

  // Throws std::invalid_argument when an answer of the script is malformed.
  explicit MockModelApi(std::vector<Answer> script);
  ~MockModelApi();
  MockModelApi(const MockModelApi&) = delete;
  MockModelApi& operator=(const MockModelApi&) = delete;

  int port() const;
  std::string base_url() const;  // "http://127.0.0.1:PORT"

  std::vector<MockRequest> requests() const;
  std::vector<Served> served() const;
  size_t remaining() const;  // scripted answers not served yet

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace codepulse::test
