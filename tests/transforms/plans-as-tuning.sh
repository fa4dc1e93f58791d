#!/bin/sh
# scripts/plans_as_tuning.py pins the heuristic's own plans with a field
# changed, and the planner then plans those: CONFIG's M <= 16 gate-up kernel
# as stream-K (split 0), its down kernel as the heuristic left it.
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
grep -q "not an integer plan field" "$dir/err"
echo "heuristic:"
MLPJIT_TUNING_FILE= "$dump" --stage=kernels "$config" | grep "_m1_"
echo "pinned:"
MLPJIT_TUNING_FILE="$dir/tuning.json" "$dump" --stage=kernels "$config" | grep "_m1_"
