#!/usr/bin/env bash
# A busy account at the limit of what the API allows: the release binary against
# `conftop sim --busy` (500 live participants in 50 conferences among 100,000 records, calls
# ending at the hour), driven in tmux as a person would, timed from outside. Prints one
# markdown table row per measure.
#
#   benches/busy_account.sh            # every measure (about 15 minutes)
#   benches/busy_account.sh first list # some of them: first four fourhosts warm power list ten
#                                      # outage churn
#   benches/busy_account.sh hour       # the churn viewer's memory over an hour (not in "every")
#
# CONFTOP_BENCH_BIN runs that binary instead of building one; CONFTOP_BENCH_PORT moves the
# simulators' ports (from 18701) and the work directory, so that two runs can go on at once.
#
# Needs tmux, curl and python3. Each measure runs against a fresh simulator; caches live in a
# fresh directory under target/ (bench-busy-PORT), never the user's.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${CONFTOP_BENCH_BIN:-}" ] || cargo build --release --quiet
bin=${CONFTOP_BENCH_BIN:-$PWD/target/release/conftop}
port=${CONFTOP_BENCH_PORT:-18700}
work=$PWD/target/bench-busy-$port
rm -rf "$work"
mkdir -p "$work"
only=" ${*:-first four fourhosts warm power list ten outage churn} "

sim_start() { # [sim options…]: a fresh busy simulator on $port; sets $key and $sim
  port=$((port + 1))
  "$bin" sim --busy --listen "127.0.0.1:$port" "$@" >"$work/sim.$port" 2>&1 &
  sim=$!
  for _ in $(seq 100); do
    key=$(awk '/access key/ {print $3}' "$work/sim.$port" 2>/dev/null || true)
    [ -n "$key" ] && curl -sf "http://127.0.0.1:$port/ping" >/dev/null && return
    sleep 0.1
  done
  echo "the simulator did not start" >&2
  exit 1
}
sim_stop() { kill "$sim" 2>/dev/null || true; wait "$sim" 2>/dev/null || true; }
stat() { # requests | 429
  curl -sf "http://127.0.0.1:$port/_sim/stats" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(sum(d["requests"].values()) if sys.argv[1] == "requests" else d["statuses"].get("429", 0))' "$1"
}
now() { date +%s.%N; }
since() { python3 -c "print(f'{$(now) - $1:.2f}')"; }

viewer() { # name cache-dir [options…]: a dashboard at 200×50 in its own tmux server
  local name=$1 cache=$2
  shift 2
  tmux -L "$name" new-session -d -x 200 -y 50 \
    "XDG_CACHE_HOME=$cache VOIPBIN_API_URL=http://127.0.0.1:$port/v1.0 VN_ACCESS_KEY=$key $bin --log-file $work/$name.log $*"
}
viewer_stop() { tmux -L "$1" send-keys q 2>/dev/null || true; sleep 0.5; tmux -L "$1" kill-server 2>/dev/null || true; }
screen() { tmux -L "$1" capture-pane -p 2>/dev/null || true; }
rows() { # the participant rows on screen, first first
  screen "$1" | grep -E '^ +[●+x?-] [A-Z]+ ' || true
}
unnamed() { # how many of these rows (stdin) still lack their caller
  grep -cE '^ +[●+x?-] [A-Z]+ +… ' || true
}
named() { # every row on screen has its caller (and there are rows)
  local r
  r=$(rows "$1")
  [ "$(grep -c . <<<"$r")" -gt 20 ] && [ "$(unnamed <<<"$r")" -eq 0 ]
}
topten() { # the first ten rows on screen have their callers
  local r
  r=$(rows "$1" | head -10)
  [ "$(grep -c . <<<"$r")" -ge 10 ] && [ "$(unnamed <<<"$r")" -eq 0 ]
}
whole() { # named, and every listed participant's record is in (the history scan of rooms
  # no list shows may go on, a page now and then)
  named "$1" && ! screen "$1" | sed -n 2p | grep -q 'load'
}
wait_for() { # what name deadline [start]: seconds from start (default: now) until it holds
  local what=$1 name=$2 limit=$3 t0=${4:-$(now)}
  while ! "$what" "$name"; do
    sleep 0.2
    if python3 -c "import sys; sys.exit(0 if $(now) - $t0 > $limit else 1)"; then
      echo "over ${limit}"
      return
    fi
  done
  since "$t0"
}
wait_each() { # what limit start name…: each viewer's own seconds from start until it holds,
  # all of them watched together (one after another would give a later one the earlier's time)
  local what=$1 limit=$2 t0=$3 n
  shift 3
  declare -A at=()
  while [ ${#at[@]} -lt $# ]; do
    for n in "$@"; do
      if [ -z "${at[$n]:-}" ] && "$what" "$n"; then at[$n]=$(since "$t0"); fi
    done
    if python3 -c "import sys; sys.exit(0 if $(now) - $t0 > $limit else 1)"; then
      for n in "$@"; do [ -n "${at[$n]:-}" ] || at[$n]="over${limit}"; done
    fi
    sleep 0.1
  done
  for n in "$@"; do printf '%s ' "${at[$n]}"; done | tr ' ' '\n' | sort -g | tr '\n' ' '
}

row() { printf '| %s | %s | %s |\n' "$1" "$2" "$3"; }
prime() { # name cache-dir: a viewer fills the cache with the whole picture, then stops
  viewer "$1" "$2"
  wait_for whole "$1" 300 >/dev/null
  sleep 3
  viewer_stop "$1"
}
echo "| measure | result | target |"
echo "|---|---|---|"

if [[ $only == *" first "* ]]; then
  sim_start
  t0=$(now)
  viewer first "$work/c-first"
  t=$(wait_for topten first 120 "$t0")
  row "top ten rows (200×50) named, one viewer, cold" "$t s, $(stat requests) requests" "≤ 3 s"
  t=$(wait_for named first 120 "$t0")
  row "first screen (200×50) named, one viewer, cold" "$t s, $(stat requests) requests, $(stat 429) × 429" "≤ 12 s, 0 × 429"
  viewer_stop first
  sim_stop
fi

four() { # label one|hosts target: four viewers started together, on one host (one cache) or
  # on four
  sim_start
  t0=$(now)
  for i in 1 2 3 4; do
    if [ "$2" = one ]; then viewer "four$i" "$work/c-four"; else viewer "four$i" "$work/c-fourhosts$i"; fi
  done
  times=$(wait_each named 120 "$t0" four1 four2 four3 four4)
  row "$1" "$times s; $(stat requests) requests, $(stat 429) × 429" "$3"
  for i in 1 2 3 4; do viewer_stop "four$i"; done
  sim_stop
}
if [[ $only == *" four "* ]]; then
  # A wall PC driving four screens: one host, so one cache, which they share as they read.
  four "the same, four viewers started together on one host (one cache)" one "≤ 10 s each, ≤ 8 × 429"
fi
if [[ $only == *" fourhosts "* ]]; then
  # Four caches: about four times the requests, through one customer's 17/s.
  four "the same, four viewers started together on four hosts (no shared cache)" hosts "≤ 8 × 429"
fi

if [[ $only == *" warm "* ]]; then
  sim_start
  prime warm "$work/c-warm"
  before=$(stat requests)
  viewer warm "$work/c-warm"
  t=$(wait_for whole warm 60)
  row "dashboard restarted (warm): whole, every caller on screen" "$t s, $(($(stat requests) - before)) requests" "≤ 2 s, ≤ 20 requests"
  viewer_stop warm
  sim_stop
fi

if [[ $only == *" power "* ]]; then
  sim_start
  prime power0 "$work/c-power"
  before=$(stat 429)
  t0=$(now)
  for i in 1 2 3 4; do viewer "power$i" "$work/c-power"; done
  times=$(wait_each whole 60 "$t0" power1 power2 power3 power4)
  row "four viewers restarted together after a power cut (warm, one cache)" "$times s; $(($(stat 429) - before)) × 429" "each ≤ 3 s, 0 × 429"
  for i in 1 2 3 4; do viewer_stop "power$i"; done
  sim_stop
fi

if [[ $only == *" list "* ]]; then
  sim_start
  list() {
    XDG_CACHE_HOME=$work/c-list VOIPBIN_API_URL=http://127.0.0.1:$port/v1.0 VN_ACCESS_KEY=$key \
      "$bin" list -o json --timeout 300s >"$work/list.json" 2>"$work/list.err"
  }
  check() {
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
ps = [p for c in d["conferences"] for p in c["participants"]]
unnamed = sum(p.get("caller") is None for p in ps)
print("%d participants, %d without a caller" % (len(ps), unnamed))' "$work/list.json"
  }
  timed_list() { # measure target: one listing, its exit status, time, requests and callers
    local before t0 code=0 t
    before=$(stat requests)
    t0=$(now)
    list || code=$?
    t=$(since "$t0")
    row "$1" "exit $code in $t s, $(($(stat requests) - before)) requests; $(check)" "$2"
  }
  timed_list "conftop list -o json, cold" "exit 0, ≤ 60 s"
  timed_list "conftop list run again (warm)" "≤ 3 s, ≤ 20 requests"
  sim_stop
fi

if [[ $only == *" ten "* ]]; then
  sim_start
  t0=$(now)
  for i in $(seq 10); do viewer "ten$i" "$work/c-ten$i"; done
  times=$(wait_each whole 300 "$t0" $(printf 'ten%d ' $(seq 10)))
  row "ten viewers from cold, no shared cache" "$times s; $(stat 429) × 429" "each ≤ 120 s, ≤ 10 × 429"
  for i in $(seq 10); do viewer_stop "ten$i"; done
  sim_stop
fi

if [[ $only == *" outage "* ]]; then
  # REST down (open websockets stay, new ones are refused), while a cold viewer loads and
  # once a viewer is whole: every request the server sees, handshakes included, over
  # seconds 10–40 of the outage.
  outage() { # label whole|loading
    sim_start
    viewer "outage-$2" "$work/c-outage-$2"
    if [ "$2" = whole ]; then wait_for whole "outage-$2" 300 >/dev/null; else sleep 3; fi
    curl -sf -X PUT "http://127.0.0.1:$port/_sim/faults" -d '{"error_rate":1}' >/dev/null
    sleep 10
    local before
    before=$(stat requests)
    sleep 30
    row "$1" "$(python3 -c "print(f'{($(stat requests) - $before) / 30:.2f}')") requests/s (seconds 10–40)" "≤ 0.5 requests/s"
    viewer_stop "outage-$2"
    sim_stop
  }
  outage "REST down 3 s after a cold start (loading)" loading
  outage "REST down once whole (steady)" whole
fi

churn_viewer() { # name: a viewer of a churning simulator, whole, every caller wanted (after one
  # search, everyone's name is); sets $pid, for rss
  sim_start --churn 600
  viewer "$1" "$work/c-$1"
  wait_for whole "$1" 300 >/dev/null
  tmux -L "$1" send-keys /
  sleep 0.5
  tmux -L "$1" send-keys -l a
  sleep 0.5
  tmux -L "$1" send-keys Escape
  pid=$(pgrep -f "^$bin --log-file $work/$1.log" | head -1)
}
rss() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status"; }

if [[ $only == *" churn "* ]]; then
  # Ten joins a second (and as many leaves), stays of about a minute; every caller named
  # (after one search, everyone's name is wanted).
  churn_viewer churn
  sleep 60
  before=$(stat requests)
  rss1=$(rss)
  sleep 120
  rate=$(python3 -c "print(f'{($(stat requests) - $before) / 120:.2f}')")
  row "churn of 10 joins and leaves a second, one viewer, every caller named" "$rate requests/s (minutes 2–3); resident $rss1 → $(rss) MB" "≤ 2.5 requests/s"
  viewer_stop churn
  sim_stop
fi

if [[ $only == *" hour "* ]]; then
  # The churn viewer for an hour: its resident memory every five minutes (the departures
  # window and the trend's hour fill in the first quarter hour, then it should hold still).
  churn_viewer hour
  before=$(stat requests)
  samples=""
  for minute in $(seq 5 5 60); do
    sleep 300
    samples+="${minute}m $(rss) · "
  done
  rate=$(python3 -c "print(f'{($(stat requests) - $before) / 3600:.2f}')")
  row "memory of the churn viewer for an hour (MB resident)" "${samples% · }; $rate requests/s" "flat once the departures window is full"
  viewer_stop hour
  sim_stop
fi
