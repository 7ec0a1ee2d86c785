#!/usr/bin/env bash
# Inertia beside its two peers on the same models, batches, optimizers and threads: PyTorch 1.13
# from Python (Debian's python3-torch) and DJL 0.36 over libtorch 2.7.1 on the JVM (bench/djl).
# Each configuration runs on the three sides in turn, the order rotating round by round (the
# machine may be shared: several rounds, medians), and the summary prints one table with the
# medians of each side's p50 and p99 and the ratios peer p50 / Inertia p50 (above 1: Inertia is
# faster).
#
# Configurations: training steps (batch 128) mlp SGD, mlp AdamW and cnn SGD on 1 and 2 threads
# (Inertia: `inertia train --json`, step_ms_p50/p99 over its steps; PyTorch:
# scripts/torch_reference.py; DJL: bench/djl/run.sh step, both after 10 untimed steps), and
# serving calls of mlp and cnn at batch 1, 32 and 256 (`inertia bench predict`, which also warms
# up for 10 s so that the JIT has compiled its kernels; bench/torch_predict.py
# under torch.inference_mode(); bench/djl/run.sh predict), each after 50 untimed calls (5 with --quick).
# Inertia's step figures are `inertia train`'s, over all its steps: the first ones, while the JIT
# compiles, count too (a handful of 300 mlp steps, more of the cnn's 60; most of --quick's few).
#
# Usage: bench/compare.sh [--quick] [--rounds N]
#   --quick      one round with few steps and calls: a smoke run of the whole pipeline, not figures
# Environment: MLP_STEPS, CNN_STEPS (default 300, 60), PREDICT_ITERATIONS (default 200, cnn batch
# 256: a fifth), STEP_THREADS (default "1 2"), PREDICT_THREADS (default "1 2"), OPENBLAS_DIR (see
# bench/train_vs_torch.sh: without it Debian's PyTorch uses the reference BLAS).
# Data: Inertia trains on Fashion-MNIST (../shared/data/fashion-mnist or Debian's package, else its
# bundled sample); PyTorch and DJL on random batches of the same shape (a step's time does not
# depend on the pixel values); every predict benchmark runs on random inputs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=3
quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; rounds=1; shift ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "bench/compare.sh: unknown argument '$1'; usage: bench/compare.sh [--quick] [--rounds N]" >&2; exit 2 ;;
  esac
done
if [ "$quick" = 1 ]; then
  mlp_steps="${MLP_STEPS:-20}" cnn_steps="${CNN_STEPS:-5}" step_warmup=3
  predict_iterations="${PREDICT_ITERATIONS:-10}" predict_warmup=5 inertia_warmup_ms=10000
else
  mlp_steps="${MLP_STEPS:-300}" cnn_steps="${CNN_STEPS:-60}" step_warmup=10
  predict_iterations="${PREDICT_ITERATIONS:-200}" predict_warmup=50 inertia_warmup_ms=10000
fi
step_threads=(${STEP_THREADS:-1 2})
predict_threads=(${PREDICT_THREADS:-1 2})

data_flag=()
for d in "$root/../shared/data/fashion-mnist" /usr/share/datasets/fashion-mnist; do
  if [ -f "$d/train-images-idx3-ubyte.gz" ] || [ -f "$d/train-images-idx3-ubyte" ]; then
    data_flag=(--data-dir "$d")
    break
  fi
done
sides=(inertia)
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  sides+=(torch)
  [ -n "${OPENBLAS_DIR:-}" ] || echo "# OPENBLAS_DIR is not set: PyTorch runs on the reference BLAS" >&2
  . "$root/bench/openblas-core.sh"
else
  echo "# no PyTorch for /usr/bin/python3 (apt-get install python3-torch): its column stays empty" >&2
fi
if (cd "$root" && ./mvnw -q -f bench/djl/pom.xml package -DskipTests >&2) && touch "$root/bench/djl/target/classes/.built"; then
  sides+=(djl)
else
  echo "# bench/djl did not build: its column stays empty" >&2
fi
(cd "$root" && ./mvnw -q package -DskipTests >&2)

# One measurement: side, then the configuration (step MODEL OPTIMIZER THREADS | predict MODEL BATCH
# THREADS); prints the side's JSON line.
measure() {
  local side=$1 bench=$2 model=$3 what=$4 threads=$5 steps iterations
  steps=$mlp_steps
  [ "$model" = cnn ] && steps=$cnn_steps
  iterations=$predict_iterations
  [ "$model" = cnn ] && [ "$what" = 256 ] && iterations=$(( (predict_iterations + 4) / 5 ))
  case "$side:$bench" in
    inertia:step)
      "$root/inertia" train --model "$model" --optimizer "$what" --threads "$threads" --max-steps $((steps + step_warmup)) \
        --epochs 1 --schedule constant "${data_flag[@]}" --json 2>/dev/null | tail -1 ;;
    inertia:predict)
      "$root/inertia" bench predict --model "$model" --batch "$what" --threads "$threads" --iterations "$iterations" \
        --warmup "$predict_warmup" --warmup-ms "$inertia_warmup_ms" --json 2>/dev/null ;;
    torch:step)
      env "${torch_blas_env[@]}" OMP_NUM_THREADS="$threads" /usr/bin/python3 \
        "$root/scripts/torch_reference.py" --models "$model" --optimizers "$what" --threads "$threads" \
        --steps "$steps" --warmup "$step_warmup" | tail -1 ;;
    torch:predict)
      env "${torch_blas_env[@]}" OMP_NUM_THREADS="$threads" /usr/bin/python3 \
        "$root/bench/torch_predict.py" --model "$model" --batch "$what" --threads "$threads" \
        --iterations "$iterations" --warmup "$predict_warmup" ;;
    djl:step)
      "$root/bench/djl/run.sh" --threads "$threads" step --model "$model" --optimizer "$what" --steps "$steps" \
        --warmup "$step_warmup" 2>/dev/null | tail -1 ;;
    djl:predict)
      "$root/bench/djl/run.sh" --threads "$threads" predict --model "$model" --batch "$what" \
        --iterations "$iterations" --warmup "$predict_warmup" 2>/dev/null | tail -1 ;;
  esac
}

configs=()
for t in "${step_threads[@]}"; do
  configs+=("step mlp sgd $t" "step mlp adamw $t" "step cnn sgd $t")
done
for t in "${predict_threads[@]}"; do
  for m in mlp cnn; do
    for b in 1 32 256; do configs+=("predict $m $b $t"); done
  done
done

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
steal() { awk '/^cpu /{print $9}' /proc/stat; }
started="$(date -u +%FT%TZ)" load_start="$(cut -d' ' -f1-3 /proc/loadavg)" steal_start=$(steal)
echo "# $started $(nproc) cores, load average $load_start; sides: ${sides[*]}; rounds: $rounds" >&2
for round in $(seq 1 "$rounds"); do
  for config in "${configs[@]}"; do
    for i in "${!sides[@]}"; do
      side=${sides[$(( (i + round - 1) % ${#sides[@]} ))]}   # round r starts with side r
      line=$(measure "$side" $config) || line=""
      if [ -z "$line" ] || [ "${line:0:1}" != "{" ]; then
        echo "# $side $config: no result" >&2
        continue
      fi
      echo "$side|$config|$line" | tee -a "$out" >&2
    done
  done
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "# load average at the end $load_end; CPU stolen by the hypervisor: $(( ($(steal) - steal_start) * 10 )) ms" >&2

/usr/bin/python3 - "$out" "$started" "$(nproc)" "$load_start" "$load_end" "$quick" <<'EOF'
import json, statistics, sys
path, started, cores, load_start, load_end, quick = sys.argv[1:]
rows, order = {}, []
for line in open(path):
    side, config, payload = line.rstrip("\n").split("|", 2)
    r = json.loads(payload)
    if config not in rows:
        order.append(config)
    rows.setdefault(config, {}).setdefault(side, []).append(r)
def fields(bench):
    return ("step_ms_p50", "step_ms_p99") if bench == "step" else ("latency_ms_p50", "latency_ms_p99")
def med(rs, f):
    return statistics.median(x[f] for x in rs) if rs else None
def cell(v):
    return "" if v is None else f"{v:.3f}" if v < 10 else f"{v:.1f}"
print(f"Started {started} on {cores} cores, load average {load_start} at the start, {load_end} at the end"
      + (" (--quick: a smoke run, not figures)" if quick == "1" else ""))
print()
print("| bench | model | optimizer / batch | threads | Inertia p50 ms | PyTorch 1.13 p50 | DJL p50 | Inertia p99 ms"
      " | PyTorch 1.13 p99 | DJL p99 | PyTorch / Inertia | DJL / Inertia | rounds |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for config in order:
    bench, model, what, threads = config.split()
    p50, p99 = fields(bench)
    sides = rows[config]
    i, t, d = (sides.get(s, []) for s in ("inertia", "torch", "djl"))
    ip50 = med(i, p50)
    ratio = lambda rs: "" if not rs or not ip50 else f"{med(rs, p50) / ip50:.2f}x"
    cells = [bench, model, what, threads, cell(ip50), cell(med(t, p50)), cell(med(d, p50)), cell(med(i, p99)),
             cell(med(t, p99)), cell(med(d, p99)), ratio(t), ratio(d), str(max(len(i), len(t), len(d)))]
    print("| " + " | ".join(cells) + " |")
EOF
