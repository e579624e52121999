#!/usr/bin/env bash
# The Claude Code hook's latency (docs/BENCHMARKS.md, "The Claude Code hook"):
# `codepulse-tracker hook` started RUNS times per case, as Claude Code starts
# it (a new process, the hook JSON on standard input), wall time from spawn to
# exit. Cases: no budget state; a warning; a blocked prompt; a blocked prompt
# whose input carries a 1 MiB prompt; 256 budgets (the most a state holds).
#   bench/hook.sh [RUNS]            (default 500)
# BENCH_BIN: the folder holding codepulse-tracker (default build/bin).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-500}"
bin="${BENCH_BIN:-$root/build/bin}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 - "$bin/codepulse-tracker" "$work" "$runs" <<'PY'
import json, os, resource, subprocess, sys, time
tracker, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
env = {"PATH": "/usr/bin:/bin", "HOME": work, "CLAUDE_PROJECT_DIR": work}

def budget(state, enforce, i=0):
    return {"id": f"b{i}", "scope": "team", "value": f"team-{i}", "period": "month",
            "period_start": "2026-12-01", "period_end": "2026-12-31", "basis": "effective",
            "limit_usd": 500.0, "spent_usd": 512.5 if state == "over" else 412.3,
            "forecast_usd": 610.0, "percent": 82.46, "state": state, "enforce": enforce,
            "override_until": None, "message": "Ask #finops for more"}

def write_state(folder, budgets):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "budgets.json"), "w") as f:
        json.dump({"received_ms": int(time.time() * 1000), "budgets": budgets}, f)

def prompt(text):
    return json.dumps({"session_id": "s", "transcript_path": "/t.jsonl", "cwd": work,
                       "permission_mode": "default", "hook_event_name": "UserPromptSubmit",
                       "prompt": text}).encode()

cases = [("no budget state", [], prompt("hi"), None),
         ("warning (1 budget at warn)", [budget("warn", True)], prompt("hi"), "systemMessage"),
         ("blocked (1 budget over, enforced)", [budget("over", True)], prompt("hi"), "block"),
         ("blocked, 1 MiB prompt on stdin", [budget("over", True)], prompt("x" * (1 << 20)), "block"),
         ("256 budgets at warn", [budget("warn", False, i) for i in range(256)], prompt("hi"),
          "systemMessage")]
print(f"{runs} runs per case; wall: milliseconds from spawn to exit; cpu: the hook's user + system time")
print(f"{'case':36} {'wall p50':>8} {'p95':>6} {'p99':>6} {'max':>6} {'cpu p50':>8} {'p99':>6}")
for n, (name, budgets, stdin, expect) in enumerate(cases):
    state = os.path.join(work, f"state{n}")
    if budgets:
        write_state(state, budgets)
    else:
        os.makedirs(state, exist_ok=True)
    times, cpu = [], []
    for _ in range(runs):
        c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        r = subprocess.run([tracker, "hook", "--state", state], input=stdin,
                           capture_output=True, env=env)
        times.append((time.perf_counter() - t0) * 1000)
        c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append((c1.ru_utime - c0.ru_utime + c1.ru_stime - c0.ru_stime) * 1000)
        assert r.returncode == 0, r.stderr
        assert expect is None or expect.encode() in r.stdout, r.stdout[:200]
    times.sort()
    cpu.sort()
    q = lambda v, p: v[min(len(v) - 1, int(p * len(v)))]
    print(f"{name:36} {q(times, 0.5):8.2f} {q(times, 0.95):6.2f} {q(times, 0.99):6.2f} "
          f"{times[-1]:6.2f} {q(cpu, 0.5):8.2f} {q(cpu, 0.99):6.2f}")
PY
