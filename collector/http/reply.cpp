#include "collector/http/reply.hpp"

#include "common/json_writer.hpp"

namespace codepulse::collector {

std::string error_json(int status, const std::string& message) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("error", message).field("status", int64_t{status}).end_object();
  return out;
}

}  // namespace codepulse::collector
