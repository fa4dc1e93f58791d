# Lookups without side effects, sourced from the repository root: by
# scripts/device-session.sh, and by scripts that start no session of their
# own (a call choosing what to run by the GPU it got; plan dumps here).
# gpu_kind: h200 or h100, the GPU this call got (plan folders are dumped
# per GPU: docs/results/*/<name>-<gpu_kind>/).
gpu_kind() {
  case "$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)" in
  *H200*) echo h200 ;;
  *) echo h100 ;;
  esac
}
# config_file <name>: the staged config of that name (.device/fit, the
# validation configs in .device/V, the tp8 shard in .device/tp8).
config_file() {
  local d
  for d in fit V tp8; do
    [ -f ".device/$d/$1.json" ] && { echo ".device/$d/$1.json"; return; }
  done
  echo ".device/fit/$1.json" # missing: ab_validate's bench names it
}
# tables_on_h200 <part>: on an H200, session 34's tables.sh <part> (the
# issue's tables, which every call script runs first when an H200 comes),
# then exit the calling script with its status; on any other GPU nothing.
tables_on_h200() {
  [ "$(gpu_kind)" = h200 ] || return 0
  bash docs/results/2026-12-06-s34/tables.sh "$1"
  exit
}
