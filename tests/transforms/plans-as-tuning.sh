#!/bin/sh
# scripts/plans_as_tuning.py pins the heuristic's own plans with a field
# changed, and the planner then plans those: CONFIG's M <= 16 gate-up kernel
# as stream-K (split 0), its down kernel as the heuristic left it; bad --set
# values refused by name; template and swapAB set in a pinned copy; --where
# keeps only the plans whose field matches (the whole-K one of the two).
#   plans-as-tuning.sh MLPJIT_DUMP PYTHON SOURCE_DIR CONFIG
set -eu
dump=$1 python=$2 src=$3 config=$4
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
MLPJIT_TUNING_FILE= "$dump" --stage=kernels --json "$config" > "$dir/plans.json"
"$python" -B "$src/scripts/plans_as_tuning.py" --tokens 1,8,16 --roles gate_up \
  --set splitK=0 "$dir/tuning.json" "$dir/plans.json"
if "$python" -B "$src/scripts/plans_as_tuning.py" --tokens 1 --set template=x \
  "$dir/bad.json" "$dir/plans.json" 2> "$dir/err"; then
  echo "--set template=x was accepted"; exit 1
fi
grep -q "template=x: not a template" "$dir/err"
if "$python" -B "$src/scripts/plans_as_tuning.py" --tokens 1 --set tileN=wide \
  "$dir/bad.json" "$dir/plans.json" 2> "$dir/err"; then
  echo "--set tileN=wide was accepted"; exit 1
fi
grep -q "tileN=wide: not a plan field and value" "$dir/err"
# A string field: the M <= 16 down kernel named as ping-pong in a copy.
"$python" -B "$src/scripts/plans_as_tuning.py" --tokens 16 --roles down \
  --set template=sm90_tma_ws_pingpong --set swapAB=0 "$dir/pp.json" "$dir/plans.json"
grep -c '"template": "sm90_tma_ws_pingpong"' "$dir/pp.json" | sed 's/^/ping-pong pins: /'
grep -c '"swapAB": false' "$dir/pp.json" | sed 's/^/unswapped pins: /'
# --where: of the two M <= 16 plans only the gate-up's is whole K.
"$python" -B "$src/scripts/plans_as_tuning.py" --tokens 16 --where splitK=1 \
  --where swapAB=1 --set clusterM=2 "$dir/where.json" "$dir/plans.json" | sed 's/^/where: /'
grep -c '"clusterM": 2' "$dir/where.json" | sed 's/^/clustered pins: /'
grep -o '"epilogue": "[a-z]*"' "$dir/where.json"
echo "heuristic:"
MLPJIT_TUNING_FILE= "$dump" --stage=kernels "$config" | grep "_m1_"
echo "pinned:"
MLPJIT_TUNING_FILE="$dir/tuning.json" "$dump" --stage=kernels "$config" | grep "_m1_"
