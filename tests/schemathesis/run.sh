#!/usr/bin/env bash
# Schemathesis (a property-based API tester) against `conftop sim`, driven by VoIPbin's own
# OpenAPI document: thousands of generated requests, valid and not, to every operation the
# document names. Passes when no answer is a server error, none takes longer than 5 s, and
# the simulator still answers at the end (no crash, no hang).
#
#   tests/schemathesis/run.sh [schemathesis options…]     e.g. --max-examples 20
#
# Needs python3 and the PyPI registry the first time (schemathesis goes into a virtualenv
# under target/). Not part of `cargo test`: a run takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=target/schemathesis
venv=$out/venv
mkdir -p "$out"
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==4.32.5"
fi
cargo build --release --quiet

port=${PORT:-18765}
base=http://127.0.0.1:$port
target/release/conftop sim --listen "127.0.0.1:$port" --no-rate-limit >"$out/sim.log" 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -sf "$base/ping" >/dev/null && break
  sleep 0.1
done

# The agent login the simulator prints: a JWT, sent as a Bearer header on every request.
token=$(curl -sf -X POST "$base/auth/login" \
  -d '{"username":"admin@example.com","password":"sim-password"}' |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')

status=0
"$venv/bin/schemathesis" run tests/data/voipbin/openapi.json \
  --url "$base/v1.0" \
  -H "Authorization: Bearer $token" \
  --checks not_a_server_error \
  --max-response-time 5 \
  --workers 2 \
  --report ndjson --report-dir "$out" \
  "$@" || status=$?

if ! curl -sf --max-time 5 "$base/ping" >/dev/null; then
  echo "the simulator no longer answers" >&2
  exit 1
fi
requests=$(curl -sf "$base/_sim/stats" | python3 -c 'import json, sys; print(sum(json.load(sys.stdin)["requests"].values()))' || echo "?")
echo "the simulator answered $requests requests and still answers"
exit $status
