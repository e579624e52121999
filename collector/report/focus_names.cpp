// The companies and products of FOCUS rows (focus_names.hpp).
#include "collector/report/focus_names.hpp"

#include "collector/report/reconcile.hpp"
#include "common/pricing/model_id.hpp"

namespace codepulse::collector {
namespace {

struct Name {
  std::string_view key, vendor, service;
};

// Assistants as the `assistant` dimension names them (common/record/assistant.hpp),
// and the seats' usual ones.
constexpr Name kAssistants[] = {
    {"claude-code", "Anthropic", "Claude Code"},
    {"claude-desktop", "Anthropic", "Claude Desktop"},
    {"codex", "OpenAI", "Codex"},
    {"gemini-cli", "Google", "Gemini CLI"},
    {"opencode", "opencode", "OpenCode"},
    {"copilot", "GitHub", "GitHub Copilot"},
    {"copilot-cli", "GitHub", "GitHub Copilot CLI"},
    {"cursor", "Anysphere", "Cursor"},
};

// The price book's providers and reconcile_provider's names.
constexpr std::pair<std::string_view, std::string_view> kCompanies[] = {
    {"anthropic", "Anthropic"}, {"openai", "OpenAI"}, {"google", "Google"}};

const Name* find_assistant(std::string_view assistant) {
  for (const Name& n : kAssistants)
    if (n.key == assistant) return &n;
  return nullptr;
}

std::string company(std::string_view slug) {
  for (const auto& [key, name] : kCompanies)
    if (key == slug) return std::string(name);
  return std::string(slug);
}

}  // namespace

std::string assistant_vendor(std::string_view assistant) {
  const Name* n = find_assistant(assistant);
  return std::string(n ? n->vendor : assistant);
}

std::string assistant_service(std::string_view assistant) {
  const Name* n = find_assistant(assistant);
  return std::string(n ? n->service : assistant);
}

FocusParties model_parties(const Pricer& pricer, std::string_view model,
                           std::string_view assistant) {
  FocusParties p;
  if (const ModelEntry* entry = pricer.entry_for(model); entry && !entry->provider.empty())
    p.publisher = company(entry->provider);
  const ModelId id = parse_model_id(model);
  if (p.publisher.empty()) {
    const std::string named =
        id.family.starts_with("gemini") ? "google" : reconcile_provider(model);
    p.publisher = named == "anthropic" || named == "openai" || named == "google"
                      ? company(named)
                      : assistant_vendor(assistant);
  }
  p.provider = id.endpoint == EndpointKind::kBedrock  ? "Amazon Web Services"
               : id.endpoint == EndpointKind::kVertex ? "Google Cloud"
                                                      : p.publisher;
  return p;
}

}  // namespace codepulse::collector
