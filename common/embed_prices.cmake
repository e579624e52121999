file(READ ${IN} content)
file(WRITE ${OUT} "#include \"common/embedded_prices.hpp\"\nnamespace codepulse {\nstd::string_view embedded_default_prices() {\n  return R\"codepulse_prices(${content})codepulse_prices\";\n}\n}  // namespace codepulse\n")
