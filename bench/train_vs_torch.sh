#!/usr/bin/env bash
# Training throughput of `inertia train` beside PyTorch on the same models, batch and optimizer,
# interleaved run by run (the machine is shared: each configuration runs several rounds and the
# summary takes medians). Steady state: mlp runs 300 steps, cnn 60 (PyTorch: 10 warm-up steps
# before its timed ones), and the summary compares step-time medians, as throughput
# 128 * 1000 / step_ms_p50, besides the whole-run samples_per_s (which counts Inertia's JIT
# warm-up steps).
#
# bench/compare.sh is its successor with a third side (DJL on the JVM) and the serving benchmark.
#
# Usage: bench/train_vs_torch.sh [rounds] [threads...]     e.g. bench/train_vs_torch.sh 3 1 2
# Environment: MLP_STEPS, CNN_STEPS (defaults 300, 60), RUNS (default "mlp:sgd mlp:adamw
# mlp:innaprop cnn:sgd"; innaprop is compared with PyTorch's adamw run, the issue's comparison).
# Data: the first of ../shared/data/fashion-mnist and /usr/share/datasets/fashion-mnist that
# exists (else Inertia's bundled sample); PyTorch trains on random data of the same shape.
# PyTorch with OpenBLAS: set OPENBLAS_DIR to a directory holding libopenblas.so.0 / libblas.so.3
# (e.g. `apt-get download libopenblas0-openmp && dpkg -x libopenblas0-openmp_*.deb /tmp/openblas/root`,
# then OPENBLAS_DIR=/tmp/openblas/root/usr/lib/x86_64-linux-gnu/openblas-openmp); without it
# Debian's python3-torch uses the reference BLAS, about 20 times slower.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
shift || true
threads_list=("$@")
[ ${#threads_list[@]} -eq 0 ] && threads_list=(1 2)
mlp_steps="${MLP_STEPS:-300}"
cnn_steps="${CNN_STEPS:-60}"
runs="${RUNS:-mlp:sgd mlp:adamw mlp:innaprop cnn:sgd}"

data_flag=()
for d in "$root/../shared/data/fashion-mnist" /usr/share/datasets/fashion-mnist; do
  if [ -f "$d/train-images-idx3-ubyte.gz" ] || [ -f "$d/train-images-idx3-ubyte" ]; then
    data_flag=(--data-dir "$d")
    break
  fi
done
have_torch=0
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then have_torch=1; fi
torch_env=()
if [ "$have_torch" = 1 ]; then
  . "$root/bench/openblas-core.sh"
  torch_env=(env "${torch_blas_env[@]}")
fi

# CPU time the hypervisor gave to other guests (steal, in jiffies of 10 ms), printed per run: a
# run several times slower than its neighbours with steal > 0 was starved, not slow.
steal() { awk '/^cpu /{print $9}' /proc/stat; }

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
echo "# $(date -u +%FT%TZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); data: ${data_flag[*]:-bundled sample}" >&2
for round in $(seq 1 "$rounds"); do
  for threads in "${threads_list[@]}"; do
    for run in $runs; do
      model="${run%%:*}" opt="${run##*:}"
      steps=$mlp_steps
      [ "$model" = cnn ] && steps=$cnn_steps
      s0=$(steal)
      # a constant learning rate, as the PyTorch side runs
      line=$("$root/inertia" train --model "$model" --optimizer "$opt" --threads "$threads" --max-steps "$steps" \
        --epochs 1 --schedule constant "${data_flag[@]}" --json 2>/dev/null | tail -1)
      echo "inertia $round $line" | tee -a "$out" >&2
      echo "# steal during that run: $(( ($(steal) - s0) * 10 )) ms" >&2
      if [ "$have_torch" = 1 ]; then
        case "$opt" in sgd|adamw) ;; *) continue ;; esac # PyTorch's side of innaprop is its adamw run
        s0=$(steal)
        line=$("${torch_env[@]}" /usr/bin/python3 "$root/scripts/torch_reference.py" --models "$model" \
          --optimizers "$opt" --threads "$threads" --steps "$steps" | tail -1)
        echo "torch $round $line" | tee -a "$out" >&2
        echo "# steal during that run: $(( ($(steal) - s0) * 10 )) ms" >&2
      fi
    done
  done
done
echo "# load average at the end $(cut -d' ' -f1-3 /proc/loadavg)" >&2

/usr/bin/python3 - "$out" <<'EOF'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    side, _, payload = line.split(" ", 2)
    r = json.loads(payload)
    key = (r["model"], r["optimizer"], int(r["threads"]))
    rows.setdefault(key, {}).setdefault(side, []).append(r)
def med(rs, f):
    return statistics.median(x[f] for x in rs)
print("| model | optimizer | threads | Inertia step p50 ms | Inertia 128k/p50 | Inertia samples/s | PyTorch step p50 ms"
      " | PyTorch 128k/p50 | PyTorch samples/s | ratio (p50) | runs |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for (model, opt, threads), sides in sorted(rows.items()):
    if "inertia" not in sides:
        continue
    i = sides["inertia"]
    ip50 = med(i, "step_ms_p50")
    torch_opt = "adamw" if opt == "innaprop" else opt
    t = rows.get((model, torch_opt, threads), {}).get("torch")
    cells = [model, opt, str(threads), f"{ip50:.2f}", f"{128000 / ip50:,.0f}", f"{med(i, 'samples_per_s'):,.0f}"]
    if t:
        tp50 = med(t, "step_ms_p50")
        vs = "" if torch_opt == opt else f" (vs {torch_opt})"
        cells += [f"{tp50:.2f}", f"{128000 / tp50:,.0f}", f"{med(t, 'samples_per_s'):,.0f}",
                  f"{tp50 / ip50:.2f}x{vs}"]
    else:
        cells += ["", "", "", ""]
    cells.append(str(len(i)))
    print("| " + " | ".join(cells) + " |")
EOF
