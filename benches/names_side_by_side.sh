#!/usr/bin/env bash
# Two builds of conftop side by side, each against its own busy simulator, in tmux at 80×24:
# every 5 s, the rows on screen without a caller (`…`); then, after a `/`, the filter line's
# `names n/N` until every caller is named. Needs tmux.
#
#   benches/names_side_by_side.sh OLD_BINARY NEW_BINARY
#
# e.g. build the older revision into another target directory first:
#   git worktree add /tmp/old REV && (cd /tmp/old && cargo build --release)
#   benches/names_side_by_side.sh /tmp/old/target/release/conftop target/release/conftop
set -u
A=${1:?old binary}
B=${2:?new binary}
S="-L conftop-names"
dir=$(mktemp -d)
tmux $S kill-server 2>/dev/null
tmux $S new-session -d -s simA -x 150 -y 10 "$B sim --busy --listen 127.0.0.1:18301 > $dir/a.out 2>&1"
tmux $S new-session -d -s simB -x 150 -y 10 "$B sim --busy --listen 127.0.0.1:18302 > $dir/b.out 2>&1"
sleep 4
KA=$(grep -a "access key" "$dir/a.out" | awk '{print $3}')
KB=$(grep -a "access key" "$dir/b.out" | awk '{print $3}')
tmux $S new-session -d -s old -x 80 -y 24 "VOIPBIN_API_URL=http://127.0.0.1:18301/v1.0 VN_ACCESS_KEY=$KA $A"
tmux $S new-session -d -s new -x 80 -y 24 "VOIPBIN_API_URL=http://127.0.0.1:18302/v1.0 VN_ACCESS_KEY=$KB $B"
t0=$(date +%s)
rows() { tmux $S capture-pane -p -t "$1" | grep -E "JOINED|LEAVING|JOINING"; }
unnamed() { rows "$1" | cut -c 14-20 | grep -c "…"; }
for _ in $(seq 1 18); do
  sleep 5
  echo "$(($(date +%s) - t0)) s: rows without a caller: old $(unnamed old)/$(rows old | wc -l), new $(unnamed new)/$(rows new | wc -l)"
done
tmux $S send-keys -t old /
tmux $S send-keys -t new /
t1=$(date +%s)
for _ in $(seq 1 60); do
  sleep 5
  a=$(tmux $S capture-pane -p -t old | tail -1 | grep -o "names [0-9]*/[0-9]*" || echo "all named")
  b=$(tmux $S capture-pane -p -t new | tail -1 | grep -o "names [0-9]*/[0-9]*" || echo "all named")
  echo "search + $(($(date +%s) - t1)) s: old $a, new $b"
  if [ "$a" = "all named" ] && [ "$b" = "all named" ]; then break; fi
done
tmux $S kill-server
rm -rf "$dir"
