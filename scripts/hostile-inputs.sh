#!/usr/bin/env bash
# Feeds ./jgrad bad input of every kind a hostile new user tries (broken checkpoints, files, option values) and
# sorts the outcomes: a clear error is exit status 1 or 2 with one line of error on stderr and no stack trace;
# anything else (a stack trace, a hang past the time limit, several error lines, exit 0 on nonsense) is a failure.
#
#   scripts/hostile-inputs.sh            # prints one line per case, then the tally
#
# Uses a small heap (-Xmx1g) so that a size trusted before it is checked shows up as an error, not a long wait.
set -uo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
jgrad=$root/jgrad
work=$(mktemp -d "${TMPDIR:-/tmp}/jgrad-hostile.XXXXXX")
trap 'rm -rf "$work"' EXIT
export JGRAD_JAVA_OPTS="-Xmx1g"
export JGRAD_DATA=$work/cache
[[ -d $root/../shared/data ]] && export JGRAD_DATA_MIRROR=$root/../shared/data
limit=${LIMIT:-180}
tried=0 clear=0 accepted=0 failed=0

# case NAME EXPECT ARGS...   EXPECT: error (must fail clearly) or any (may succeed, or fail clearly)
case_() {
    local name=$1 expect=$2
    shift 2
    tried=$((tried + 1))
    local err=$work/err out=$work/out status
    timeout "$limit" "$jgrad" "$@" >"$out" 2>"$err"
    status=$?
    # The lines that report a problem: not progress bars, not the deprecation or weight warnings.
    local lines
    # picocli's own follow-ups to a usage error ("Did you mean", "Try ... --help") do not count.
    lines=$(grep -v -E '^(train|eval|valid|data|[a-z0-9-]+/[^ ]+) +[0-9]+%|^jgrad: warning|^warning:|^ *$|^Try .jgrad|^Did you mean|^Possible solutions|^ +[a-z-]+$' "$err" | grep -c . || true)
    local verdict
    if ((status == 124)); then
        verdict="FAIL (no answer in ${limit}s)"
    elif grep -q -E '^\s+at [a-z]|Exception in thread|^Caused by' "$err"; then
        verdict="FAIL (stack trace)"
    elif ((status == 1 || status == 2)); then
        if ((lines <= 2)); then verdict="clear"; else verdict="FAIL ($lines error lines)"; fi
    elif ((status == 0)) && [[ $expect == any ]]; then
        verdict="accepted"
    else
        verdict="FAIL (exit $status)"
    fi
    case $verdict in
        clear) clear=$((clear + 1)) ;;
        accepted) accepted=$((accepted + 1)) ;;
        *) failed=$((failed + 1)) ;;
    esac
    printf '%-44s %-22s %s\n' "$name" "$verdict" "$(grep -v -E '^(train|eval) +[0-9]+%|^Try .jgrad|^jgrad: warning' "$err" | head -1 | cut -c1-150)"
}

text=$root/data/tinyshakespeare/input.txt
# A real checkpoint to break: a tiny char LSTM trained for a few steps.
"$jgrad" train charlm --max-steps 4 --hidden 16 --embed-dim 8 --layers 1 --eval-every 4 --out "$work/lm" >/dev/null 2>&1 ||
    { echo "could not train the seed checkpoint" >&2; exit 1; }
model=$work/lm/model.safetensors
python3 - "$model" "$work" <<'PY'
import json, struct, sys, os, math
src, work = sys.argv[1], sys.argv[2]
raw = open(src, 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8+n]); data = raw[8+n:]
def write(name, header, data):
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * (-len(h) % 8)
    open(os.path.join(work, name), 'wb').write(struct.pack('<Q', len(h)) + h + data)
for key, value, name in [('num_layers', '1000000', 'layers.safetensors'), ('hidden_size', '20000', 'hidden.safetensors'),
                         ('vocabulary', 'ab', 'vocab.safetensors'), ('vocab_size', '-3', 'negvocab.safetensors'),
                         ('model', 'NoSuchModel', 'kind.safetensors'), ('dropout', 'nan', 'dropout.safetensors')]:
    h = json.loads(json.dumps(header)); h['__metadata__'][key] = value; write(name, h, data)
nan = bytearray(data); nan[0:4] = struct.pack('<f', float('nan')); write('nan.safetensors', header, bytes(nan))
open(os.path.join(work, 'truncated.safetensors'), 'wb').write(raw[:len(raw)//2])
open(os.path.join(work, 'empty.safetensors'), 'wb').write(b'')
open(os.path.join(work, 'random.safetensors'), 'wb').write(os.urandom(4096))
big = struct.pack('<Q', 2**40) + raw[8:]; open(os.path.join(work, 'bighdr.safetensors'), 'wb').write(big)
PY
mkdir -p "$work/dir.safetensors"; mkfifo "$work/pipe.safetensors"
for f in layers hidden vocab negvocab kind dropout truncated empty random bighdr dir pipe; do
    case_ "sample: checkpoint $f" error sample --checkpoint "$work/$f.safetensors" --length 20
done
case_ "sample: NaN weights (warns)" any sample --checkpoint "$work/nan.safetensors" --length 20
case_ "sample: NaN weights --strict" error sample --checkpoint "$work/nan.safetensors" --length 20 --strict
case_ "sample: missing checkpoint" error sample --checkpoint "$work/none.safetensors"
case_ "sample: --length 2000000000" error sample --checkpoint "$model" --length 2000000000
case_ "sample: --length -1" error sample --checkpoint "$model" --length -1
case_ "sample: --temperature -1" error sample --checkpoint "$model" --temperature -1
case_ "sample: --temperature nan" error sample --checkpoint "$model" --temperature nan
case_ "sample: --top-k -3" error sample --checkpoint "$model" --top-k -3
case_ "sample: prompt outside vocabulary" error sample --checkpoint "$model" --prompt "ä€"
case_ "translate: a char-LM checkpoint" error translate --checkpoint "$model" "a man"
case_ "classify: a char-LM checkpoint" error classify --checkpoint "$model" "a film"
case_ "eval classify: a char-LM checkpoint" error eval classify --checkpoint "$model"
case_ "average: differing vocabularies" error average "$model" "$work/vocab.safetensors" --out "$work/avg.safetensors"
case_ "average: one file is a directory" error average "$model" "$work/dir.safetensors" --out "$work/avg2.safetensors"

# Texts and data files.
printf '' >"$work/empty.txt"; printf 'a' >"$work/one.txt"
printf 'first line\nsecond caf\xe9 line\n' >"$work/latin1.txt"
printf 'ok\n\xed\xa0\x80 cesu\n' >"$work/cesu.txt"; printf 'ok\n\xc0\xaf overlong\n' >"$work/overlong.txt"
for f in empty one latin1 cesu overlong; do
    case_ "train charlm --text $f" error train charlm --text "$work/$f.txt" --max-steps 2 --out "$work/t-$f"
done
case_ "train charlm --text a directory" error train charlm --text "$work" --max-steps 2 --out "$work/t-dir"
printf 'a fine film\t1\nno tab here\n' >"$work/notab.tsv"
printf 'a fine film\t1\na bad film\t999999999\n' >"$work/hugelabel.tsv"
printf 'a fine film\t1\na bad film\t-1\n' >"$work/neglabel.tsv"
printf 'a fine film\t1\na bad film\t8000000\n' >"$work/sparse.tsv"
for f in notab hugelabel neglabel sparse; do
    case_ "train classify --train $f" error train classify --train "$work/$f.tsv" --epochs 1 --out "$work/c-$f"
done
printf 'one\ntwo\n' >"$work/a.en"; printf 'eins\n' >"$work/a.de"
case_ "train translate: line counts differ" error train translate --train-src "$work/a.en" --train-tgt "$work/a.de" --valid-src "$work/a.en" --valid-tgt "$work/a.de" --max-steps 2 --out "$work/mt"
head -c 100 /dev/urandom >"$work/images.idx"
mkdir -p "$work/idx"; for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do cp "$work/images.idx" "$work/idx/$f"; done
case_ "train images: random IDX files" error train images --data "$work/idx" --epochs 1 --out "$work/img"
python3 -c "import struct,sys; open(sys.argv[1],'wb').write(struct.pack('>iiii',0x803,1,46340,46340))" "$work/idx/train-images-idx3-ubyte"
case_ "train images: IDX header 46340x46340" error train images --data "$work/idx" --epochs 1 --out "$work/img2"
python3 -c "import struct,sys; open(sys.argv[1],'wb').write(struct.pack('>iiii',0x803,1,0,0))" "$work/idx/train-images-idx3-ubyte"
case_ "train images: IDX 0x0 images" error train images --data "$work/idx" --epochs 1 --out "$work/img3"

# Option values.
for v in 0 -1 x 99999999999; do case_ "train charlm --batch $v" error train charlm --batch "$v" --max-steps 2 --out "$work/b$v"; done
for v in 0 -5 x; do case_ "train charlm --hidden $v" error train charlm --hidden "$v" --max-steps 2 --out "$work/h$v"; done
case_ "train charlm --hidden 20000" error train charlm --hidden 20000 --max-steps 2 --out "$work/h20000"
for v in nan -1 x; do case_ "train charlm --lr $v" error train charlm --lr "$v" --max-steps 2 --out "$work/lr$v"; done
case_ "train charlm --lr 3e38 --clip 0 (diverges)" error train charlm --lr 3e38 --clip 0 --max-steps 20 --out "$work/diverge"
[[ -f $work/diverge/model.safetensors ]] && python3 - "$work/diverge/model.safetensors" <<'PY' && echo "  (diverged run saved no NaN weights)"
import json, struct, sys, math
raw = open(sys.argv[1], 'rb').read(); n = struct.unpack('<Q', raw[:8])[0]
vals = struct.unpack('<%df' % ((len(raw) - 8 - n) // 4), raw[8 + n:])
sys.exit(1 if any(math.isnan(v) or math.isinf(v) for v in vals) else 0)
PY
for v in 0 2147483647; do case_ "train charlm --seq-len $v" error train charlm --seq-len "$v" --max-steps 2 --out "$work/s$v"; done
case_ "train charlm --epochs -1" error train charlm --epochs -1 --out "$work/e-1"
case_ "train charlm --dropout 1.5" error train charlm --dropout 1.5 --max-steps 2 --out "$work/d15"
case_ "train charlm --out an existing file" error train charlm --max-steps 2 --out "$text"
case_ "train charlm --resume without a run" error train charlm --resume --out "$work/nothing"
case_ "train charlm on a locked-free used dir" error train charlm --max-steps 2 --out "$work/lm"
case_ "--threads 0" error --threads 0 train demo
case_ "unknown option" error train charlm --no-such-option
case_ "unknown command" error trian charlm
case_ "train translate --beam 0 (valid-beam)" error train translate --valid-beam 0 --max-steps 2 --out "$work/vb"
case_ "data get: unknown data set" error data get cifar10
saved_mirror=${JGRAD_DATA_MIRROR:-}
export JGRAD_DATA_MIRROR=http://127.0.0.1:9/none JGRAD_DATA=$work/empty-cache
case_ "data get: no network" error data get sst2
export JGRAD_DATA_MIRROR=$saved_mirror JGRAD_DATA=$work/cache
echo
printf 'tried %d, clear errors %d, accepted %d, failures %d\n' "$tried" "$clear" "$accepted" "$failed"
((failed == 0))
