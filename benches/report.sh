#!/usr/bin/env bash
# Runs every benchmark on the commit checked out and writes BENCHMARKS.md from what they
# print: nothing in it is typed by hand. About 70 minutes on a two-core machine.
#
#   benches/report.sh            # all of them, then BENCHMARKS.md
#   BENCHES="sync push" benches/report.sh
#   BENCHES= BENCH_NOTE="…" benches/report.sh   # no bench: BENCHMARKS.md again from the logs
#   BENCHES=hour benches/report.sh   # the busy account's hour of memory (about 65 minutes, not
#                                    # in the default set; its log names the binary measured)
#
# Raw output goes to target/bench-report/<bench>.log.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/bench-report
mkdir -p "$out"
benches=${BENCHES-"sync render push live memory viewers busy"}
# The figures belong to the code measured: the last commit that changed it.
commit=$(git log -1 --format=%h --abbrev=9 -- src Cargo.toml Cargo.lock)
dirty=$(git status --porcelain -- src benches Cargo.toml Cargo.lock | head -1)

run() { # name command…
  local name=$1
  shift
  echo "running $name…" >&2
  local t0=$SECONDS
  "$@" >"$out/$name.log" 2>&1 || echo "($name failed: see $out/$name.log)" >>"$out/$name.log"
  echo "$name took $((SECONDS - t0)) s" >&2
}

for b in $benches; do
  case $b in
    live) run live env CONFTOP_BENCH_PHASES=idle,latency,memory cargo bench --bench live ;;
    viewers) run viewers env CONFTOP_BENCH_VIEWERS=1,4 cargo bench --bench viewers ;;
    busy) run busy benches/busy_account.sh ;;
    hour) run hour bash -c 'cargo build --release --quiet && target/release/conftop --version && benches/busy_account.sh hour' ;;
    *) run "$b" cargo bench --bench "$b" ;;
  esac
done

section() { # title log pattern
  [ -f "$out/$2" ] || return 0
  printf '\n## %s\n\n```text\n' "$1"
  grep -E "$3" "$out/$2" | sed 's/[[:space:]]*$//' || true
  printf '```\n'
}

if [ -n "${BENCH_NOTE:-}" ]; then
  measured="at the commits the note below names"
else
  measured="at \`$commit\`${dirty:+ (with uncommitted changes)} (the last commit that changed \`src/\`)"
fi
{
  cat <<EOF
# Benchmarks

What conftop costs the API it watches and the machine it runs on, and how soon it shows a
change, against its targets. Everything below was printed by the benches $measured
and put here by \`benches/report.sh\`; earlier figures are in this file's history.

The machine has two cores, and wall-clock timings on it vary by up to 2× between runs: read a single figure as an order of magnitude, and compare only figures
measured side by side in one run (push against polling, one viewer against four). Request
counts are exact. \`cargo test\` makes no timing assertions; request-count rules are tests
(\`sync::schedule\`, \`sync::refresh_cost_is_independent_of_history\`,
\`cache::a_restart_with_the_cache_knows_the_picture_for_a_handful_of_requests\`).
EOF
  if [ -n "${BENCH_NOTE:-}" ]; then
    printf '\n%s\n' "$BENCH_NOTE"
  fi
  if [ -f "$out/busy.log" ]; then
    printf '\n## A busy account (`benches/busy_account.sh`)\n\n'
    printf 'The release binary in tmux at 200×50 against `conftop sim --busy`: 500 live participants in 50\n'
    printf 'conferences among 100,000 records, calls ending at the hour, the customer limit of 17/s.\n'
    printf 'Viewers started together are watched together, and each time is its own (a sweep over them\n'
    printf 'takes about 0.1 s a viewer, which bounds how finely they are told apart).\n\n'
    grep -E '^\|' "$out/busy.log"
  fi
  if [ -f "$out/hour.log" ]; then
    printf '\nThe churn viewer for an hour (`BENCHES=hour benches/report.sh`), measured with %s:\n\n' \
      "$(grep -m1 '^conftop ' "$out/hour.log")"
    grep -E '^\|' "$out/hour.log"
  fi
  section "API cost of the sync task (\`cargo bench --bench sync\`)" sync.log '^sync: (scenario|cold start|settled|requests per steady|answered 429)|^sync/.*time:'
  section "Drawing and state updates (\`cargo bench --bench render\`)" render.log 'time:|^render:|^app/|^render/'
  section "Push against polling, side by side (\`cargo bench --bench push\`)" push.log 'RESULT|revision'
  section "The real binary: idle cost, latency, memory (\`cargo bench --bench live\`)" live.log 'RESULT|^idle:|^latency: (median|p90|max|worst)|^memory:'
  section "Heap held by each part (\`cargo bench --bench memory\`)" memory.log 'RESULT|^memory: conftop'
  section "Several viewers of a busy account (\`cargo bench --bench viewers\`)" viewers.log '^viewers'
} >BENCHMARKS.md
echo "BENCHMARKS.md written from $out" >&2
