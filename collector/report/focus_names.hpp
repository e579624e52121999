// The names a FOCUS row gives the companies and products behind AI assistant
// spend (docs/FOCUS_EXPORT.md): who provides and publishes a model, and the
// service an assistant is sold as.
#pragma once

#include <string>
#include <string_view>

#include "common/pricing/pricer.hpp"

namespace codepulse::collector {

struct FocusParties {
  std::string provider;   // ProviderName and InvoiceIssuerName: who sells the tokens
  std::string publisher;  // PublisherName: who makes the model
};

// The parties of `model` used through `assistant`: the publisher is the
// price book's provider of the model's family ("Anthropic", "OpenAI",
// "Google"), else the one its id names (reconcile_provider), else the
// assistant's vendor; the provider is Amazon Web Services or Google Cloud
// for a Bedrock or Vertex id, the publisher otherwise.
FocusParties model_parties(const Pricer& pricer, std::string_view model,
                           std::string_view assistant);

// The company that sells `assistant` ("claude-code" -> "Anthropic",
// "copilot" -> "GitHub"); the assistant's own name when not known.
std::string assistant_vendor(std::string_view assistant);
// The product `assistant` is ("claude-code" -> "Claude Code"); its own name
// when not known.
std::string assistant_service(std::string_view assistant);

}  // namespace codepulse::collector
