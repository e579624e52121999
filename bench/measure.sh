# Sourced by the benchmarks that set their own tool paths: measure LABEL
# COMMAND... (bench/tools_env.sh, which also names the tools).
source "$(dirname "${BASH_SOURCE[0]}")/tools_env.sh"
