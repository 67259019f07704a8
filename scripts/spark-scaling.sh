#!/usr/bin/env bash
# Measures jgrad on Spark for the README's "Scaling out" section: translation throughput on one machine,
# local[1], local[2] and a standalone cluster of two 1-core workers; char-LM training single process vs 2 workers
# synchronous vs local SGD with K = 1, 8, 32. Run it on a quiet machine (timings!):
#
#   CHECKPOINT=runs/translate scripts/spark-scaling.sh            # the measurement (tens of minutes)
#   QUICK=1 scripts/spark-scaling.sh                              # a smoke run of every step, on tiny sizes
#
# Wall times are whole commands, JVM and Spark start-up included (Spark's is some seconds). SKIP_INFERENCE=1 measures
# the training only, SKIP_TRAINING=1 the inference only.
#
# Environment: SHARED      the shared data folder with multi30k (default ../shared)
#              CHECKPOINT  a translation run directory or model (without it, a tiny one is trained first: then the
#                          throughput figures are only a smoke test); STEPS, EVAL_EVERY, TARGET for the char LM
#                          (defaults 400, 50, 2.0 nats/char); OUT the folder for outputs and logs (default target/scaling).
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"
out=${OUT:-$root/target/scaling}
rm -rf "$out" && mkdir -p "$out"
quick=${QUICK:-0}
jgrad=$root/jgrad

# Builds jgrad-spark (and so Spark's jars in jgrad-spark/target/spark-home) once, before any clock starts.
"$jgrad" translate --help --spark local >/dev/null

# Prefixes each line with the seconds since the command started.
stamp() {
    local t0 line
    t0=$(date +%s.%N)
    while IFS= read -r line; do
        printf '%.2f %s\n' "$(echo "$(date +%s.%N) - $t0" | bc)" "$line"
    done
}

# ------------------------------------------------------------------ inference
multi30k=${SHARED:-$root/../shared}/data/multi30k
input=$out/flickr.en
if ((quick)); then
    zcat "$multi30k/test_2016_flickr.en.gz" | head -n 60 >"$input"
else
    zcat "$multi30k/test_2016_flickr.en.gz" >"$input"
fi
sentences=$(wc -l <"$input")
checkpoint=${CHECKPOINT:-}
if [[ -z $checkpoint ]]; then
    echo "no CHECKPOINT given: training a tiny translation model (the throughput figures are then a smoke test only)" >&2
    checkpoint=$out/translate-tiny
    "$jgrad" train translate --out "$checkpoint" --train-src "$multi30k/val.en.gz" --train-tgt "$multi30k/val.de.gz" \
        --valid-src "$multi30k/val.en.gz" --valid-tgt "$multi30k/val.de.gz" --max-steps 20 --d-model 32 --heads 2 --encoder-layers 1 --decoder-layers 1 --ff 64 \
        --vocab-size 500 --eval-every 0 >"$out/train-translate.log" 2>&1
fi

cluster_pid=
stop_cluster() {
    if [[ -n $cluster_pid ]]; then
        kill "$cluster_pid" 2>/dev/null || true
        wait "$cluster_pid" 2>/dev/null || true
    fi
    cluster_pid=
}
trap stop_cluster EXIT
start_cluster() {
    local log=$out/cluster.log
    java_bin=$(dirname "$(readlink -f "$(command -v java)")")
    [[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]] && java_bin=/usr/lib/jvm/temurin-25-jdk-amd64/bin
    "$java_bin/java" -cp "jgrad-spark/target/classes:jgrad-spark/target/spark-home/jars/*" dev.jgrad.spark.StandaloneCluster \
        jgrad-spark/target/spark-home 2 1 "$out/cluster" >"$log" 2>&1 &
    cluster_pid=$!
    for _ in $(seq 600); do
        master=$(grep -m1 -o 'spark://[0-9.:]*' "$log" || true)
        [[ -n $master ]] && return 0
        kill -0 "$cluster_pid" 2>/dev/null || { cat "$log" >&2; return 1; }
        sleep 0.2
    done
    return 1
}

echo "| translation of $sentences sentences | wall s | sentences/s |"
echo "|---|---:|---:|"
translate() { # name, extra args...
    local name=$1 t0 t1
    shift
    t0=$(date +%s.%N)
    "$jgrad" translate --checkpoint "$checkpoint" --input "$input" --out "$out/$name.de" "$@" 2>"$out/$name.log"
    t1=$(date +%s.%N)
    printf '| %s | %.1f | %.1f |\n' "$name" "$(echo "$t1 - $t0" | bc)" "$(echo "$sentences / ($t1 - $t0)" | bc -l)"
}
if ((!${SKIP_INFERENCE:-0})); then
translate "single process"
translate "local[1]" --spark 'local[1]'
translate "local[2]" --spark 'local[2]'
start_cluster
translate "standalone 2x1" --spark "$master"
stop_cluster
for f in "local[1]" "local[2]" "standalone 2x1"; do
    cmp -s "$out/single process.de" "$out/$f.de" || echo "WARNING: $f's translations differ from the single process's" >&2
done
fi

# ------------------------------------------------------------------ training
((${SKIP_TRAINING:-0})) && exit 0
steps=${STEPS:-400} every=${EVAL_EVERY:-50} target=${TARGET:-2.0}
model=()
if ((quick)); then
    steps=16 every=8 target=3.5
    model=(--hidden 32 --embed-dim 16)
fi
batch=32 seq=64
echo
echo "| char LM, $steps steps of $batch x $seq tokens | wall s | tokens/s | s to validation <= $target | final validation | communication share |"
echo "|---|---:|---:|---:|---:|---:|"
train() { # name, extra args...
    local name=$1
    shift
    "$jgrad" train charlm --out "$out/charlm-$name" --max-steps "$steps" --eval-every "$every" --sample-length 0 --batch "$batch" \
        --seq-len "$seq" "${model[@]}" "$@" 2>&1 | stamp >"$out/charlm-$name.log"
    awk -v name="$name" -v target="$target" -v tokens="$((steps * batch * seq))" '
        /validation [0-9.]+ nats\/char/ { for (i = 1; i <= NF; i++) if ($i == "validation") v = $(i + 1); if (!hit && v + 0 <= target) { hit = $1 } last = v }
        /data-parallel:/ { for (i = 1; i <= NF; i++) if ($i ~ /^\(/) share = $i }
        { end = $1 }
        END { printf "| %s | %.1f | %.0f | %s | %s | %s |\n", name, end, tokens / end, hit ? hit : "not reached", last, share ? share : "-" }
    ' "$out/charlm-$name.log"
}
train "single process"
train "2 workers sync" --spark 'local[2]'
for k in 1 8 32; do
    train "2 workers local SGD K=$k" --spark 'local[2]' --sync-every "$k"
done
