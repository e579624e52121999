// Requests and the assistant lines that carry their usage: the token arithmetic of a request,
// the usage object, one line per content block (mirrored into the parent chain for subagents),
// <synthetic> API error lines and the content blocks.
#include <algorithm>

#include "tests/corpus/gen_internal.hpp"

namespace codepulse::bench::corpus {

Req Gen::start_request(Session* s, Chain& c, Ctx& x, Model m, int64_t output, const VerInfo& v,
                       bool sidechain_sub) {
  day_guard(c);
  Req r;
  r.model = model_name(m);
  r.id = b62("msg_01", 22);
  if (v.request_id) r.rid = b62("req_011C", 20);
  r.u.in = rng_.chance(9, 10) ? rng_.range(1, 3) : rng_.range(4, 2500);
  int64_t cc = std::max<int64_t>(x.pending, rng_.range(40, 400));
  r.u.cr = x.ctx;
  if (r.u.in + cc + r.u.cr > x.limit) {
    cc = std::max<int64_t>(0, x.limit - r.u.in - r.u.cr);
  }
  if (r.u.in + cc + r.u.cr > x.limit) r.u.cr = x.limit - r.u.in - cc;
  const int ttl = s != nullptr ? s->ttl : 0;
  if (ttl == 0) {
    r.u.cc5 = cc;
  } else if (ttl == 1) {
    r.u.cc1h = cc;
  } else {
    r.u.cc1h = cc * rng_.range(0, 10) / 10;
    r.u.cc5 = cc - r.u.cc1h;
  }
  x.ctx = r.u.cr + cc;
  x.pending = 0;
  r.u.out = std::max<int64_t>(output, 11);
  r.out_ph = rng_.range(1, 10);
  r.all_final = v.all_final;
  r.has_final = !sidechain_sub && v.final_sometimes && rng_.chance(1, 2);
  r.geo = rng_.chance(1, 2) ? "global" : "not_available";
  r.cc_zero_bug = s != nullptr && s->cc_zero_bug && !sidechain_sub;
  return r;
}

void Gen::usage_json(std::string& o, const Req& r, bool final_shape, int64_t out) {
  const Usage& u = r.u;
  Json j(o);
  j.obj();
  j.k("input_tokens").n(u.in);
  j.k("cache_creation_input_tokens").n(r.cc_zero_bug ? 0 : u.cc());
  j.k("cache_read_input_tokens").n(u.cr);
  if (!final_shape) {
    j.k("cache_creation").obj();
    j.k("ephemeral_5m_input_tokens").n(u.cc5);
    j.k("ephemeral_1h_input_tokens").n(u.cc1h);
    j.end();
    j.k("output_tokens").n(out);
    j.k("service_tier").s("standard");
    j.k("inference_geo").s(r.geo);
  } else {
    j.k("output_tokens").n(out);
    j.k("server_tool_use").obj();
    j.k("web_search_requests").n(u.ws);
    j.k("web_fetch_requests").n(0);
    j.end();
    j.k("service_tier").s("standard");
    j.k("cache_creation").obj();
    j.k("ephemeral_1h_input_tokens").n(u.cc1h);
    j.k("ephemeral_5m_input_tokens").n(u.cc5);
    j.end();
    j.k("inference_geo").s("");
    j.k("iterations").arr().end();
  }
  j.end();
}

std::string Gen::assistant_line(Chain& c, const Req& r, const std::string& block_json, bool last,
                                bool tear, bool mirror) {
  tick(c, 150, 1500);
  const bool final_usage = r.all_final || (last && r.has_final);
  Usage eff = r.u;
  if (!final_usage) {
    eff.out = r.out_ph;
    eff.ws = 0;
  }
  std::string msg;
  msg.reserve(block_json.size() + 700);
  {
    Json m(msg);
    m.obj();
    m.k("model").s(r.model);
    m.k("id").s(r.id);
    m.k("type").s("message");
    m.k("role").s("assistant");
    m.k("content").arr().raw(block_json).end();
    m.k("stop_reason");
    if (r.all_final && last) {
      m.s(block_json.find("\"type\":\"tool_use\"") != std::string::npos ? "tool_use" : "end_turn");
    } else {
      m.null();
    }
    m.k("stop_sequence").null();
    m.k("usage");
    usage_json(msg, r, final_usage, eff.out);
    // the object is closed below (the progress mirror appends context_management first)
  }
  const std::string u = uuid();
  std::string line;
  line.reserve(msg.size() + 600);
  Json j(line);
  j.obj();
  envelope(j, c);
  j.k("message").raw(msg).out() += '}';
  if (!r.rid.empty()) j.k("requestId").s(r.rid);
  j.k("type").s("assistant");
  j.k("uuid").s(u);
  j.k("timestamp").ts(c.now);
  j.end();
  c.last_uuid = u;
  if (tear) {
    truncate_torn(line, 3);
    emit(c, line, LineKind::kMalformed);
  } else if (c.out != nullptr) {
    emit(c, line, LineKind::kUsage);
    record(r.id, r.rid, c.sidechain, c.now, r.model, eff);
  }
  if (mirror && c.parent != nullptr) {
    Chain& p = *c.parent;
    p.now = c.now;
    std::string pl;
    pl.reserve(msg.size() + 1200);
    Json pj(pl);
    mirror_open(pj, c);
    pj.k("type").s("assistant");
    pj.k("timestamp").ts(c.now);
    pj.k("message").raw(msg).out() += ",\"context_management\":null}";
    if (!r.rid.empty()) pj.k("requestId").s(r.rid);
    pj.k("uuid").s(u);
    pj.end();
    const std::string pu = mirror_close(pj, c);
    pj.k("timestamp").ts(c.now);
    pj.end();
    p.last_uuid = pu;
    emit(p, pl, LineKind::kUsage);
    record(r.id, r.rid, false, c.now, r.model, eff);
  }
  return u;
}

void Gen::synthetic_line(Chain& c) {
  tick(c, 500, 30000);
  std::string line;
  Json j(line);
  open_line(j, c, "assistant");
  const std::string u = uuid();
  j.k("uuid").s(u);
  j.k("timestamp").ts(c.now);
  j.k("message").obj();
  j.k("id").s(uuid());
  j.k("model").s("<synthetic>");
  j.k("role").s("assistant");
  j.k("stop_reason").s("stop_sequence");
  j.k("stop_sequence").s("");
  j.k("type").s("message");
  j.k("usage").obj();
  j.k("input_tokens").n(0);
  j.k("output_tokens").n(0);
  j.k("cache_creation_input_tokens").n(0);
  j.k("cache_read_input_tokens").n(0);
  j.k("server_tool_use").obj().k("web_search_requests").n(0).end();
  j.end();
  j.k("content").arr().obj().k("type").s("text");
  j.k("text").s(
      "API Error: 529 {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":"
      "\"Overloaded\"}}");
  j.end().end();
  j.end();
  j.k("isApiErrorMessage").b(true);
  j.k("error").s("rate_limit");
  j.k("apiErrorStatus").n(529);
  j.end();
  c.last_uuid = u;
  emit(c, line, LineKind::kNormal);
}

std::string Gen::tool_use_block(const std::string& id, const std::string& name,
                                const std::string& input_json) {
  std::string b;
  b.reserve(input_json.size() + 160);
  Json j(b);
  j.obj();
  j.k("type").s("tool_use");
  j.k("id").s(id);
  j.k("name").s(name);
  j.k("input").raw(input_json);
  j.k("caller").obj().k("type").s("direct").end();
  j.end();
  return b;
}

std::string Gen::text_block(const std::string& text) {
  std::string b;
  Json j(b);
  j.obj().k("type").s("text").k("text").s(text).end();
  return b;
}

std::string Gen::thinking_block() {
  std::string b;
  Json j(b);
  j.obj().k("type").s("thinking").k("thinking").s(prose(2, 12, false, false));
  j.k("signature").s(b62("Es", static_cast<int>(rng_.range(200, 900))));
  j.end();
  return b;
}

}  // namespace codepulse::bench::corpus
