#!/usr/bin/python3
# jgrad: a copy of ../shared/peers/torch_bench.py (the PyTorch peer next to the jgrad repository), shipped in
# jgrad-cli so that `jgrad bench --against torch` needs nothing outside the product: it extracts this file to a
# temporary file and runs it with Debian's /usr/bin/python3. Only these comment lines are added; everything
# below is the original, unchanged. Its workloads' shapes must match jgrad's bench workloads exactly, or the
# comparison is meaningless: change both together (TorchBenchScriptTest checks that this copy equals the origin).
"""Reference CPU baselines (PyTorch) for the Java deep-learning library.

Run with Debian's python (python3-torch 1.13.1, CPU):
    /usr/bin/python3 torch_bench.py            # all workloads
    /usr/bin/python3 torch_bench.py lstm_lm_train transformer_train
Sub-commands: sgemm lstm_lm_train transformer_train resnet18_cifar_train
              lstm_infer transformer_decode all
Options: --threads N (default 2), --quick (fewer iterations, for smoke tests)

Output: one line per metric
    workload=<name> metric=<value> unit=<unit>
Extra information lines start with '#'.
Each timing is the median of several timed iterations after warm-up.
Data are synthetic (random token ids / random images); only speed is measured.
"""
import argparse
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

QUICK = False


def emit(name, value, unit):
    if value >= 100:
        s = "%.1f" % value
    elif value >= 1:
        s = "%.2f" % value
    else:
        s = "%.4f" % value
    print("workload=%s metric=%s unit=%s" % (name, s, unit), flush=True)


def info(msg):
    print("# " + msg, flush=True)


def time_it(fn, warmup, iters, budget_s=45.0):
    """Run fn() `warmup` times, then up to `iters` timed times (stopping early
    once budget_s of timed work is spent, but after at least 3).
    Returns (median_s, list_of_times)."""
    if QUICK:
        warmup, iters = 1, 2
    for _ in range(warmup):
        fn()
    times = []
    start = time.perf_counter()
    for i in range(iters):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if i >= 2 and time.perf_counter() - start > budget_s:
            break
    return statistics.median(times), times


def spread(times):
    return "n=%d min=%.4fs median=%.4fs max=%.4fs" % (
        len(times), min(times), statistics.median(times), max(times))


# --------------------------------------------------------------------------
# a. sgemm
# --------------------------------------------------------------------------
def bench_sgemm():
    torch.manual_seed(0)
    for n in (512, 1024, 2048):
        a = torch.randn(n, n, dtype=torch.float32)
        b = torch.randn(n, n, dtype=torch.float32)
        c = torch.empty(n, n, dtype=torch.float32)
        reps = {512: 50, 1024: 10, 2048: 2}[n]  # calls per timed sample

        def run():
            for _ in range(reps):
                torch.mm(a, b, out=c)

        med, times = time_it(run, warmup=2, iters=9, budget_s=15)
        gflops = 2.0 * n ** 3 * reps / med / 1e9
        info("sgemm N=%d reps/sample=%d %s" % (n, reps, spread(times)))
        emit("sgemm_N%d" % n, gflops, "GFLOP/s")


# --------------------------------------------------------------------------
# b. char-level LSTM language model training
# --------------------------------------------------------------------------
class CharLSTM(nn.Module):
    def __init__(self, vocab=65, emb=64, hidden=512, layers=2):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb)
        self.lstm = nn.LSTM(emb, hidden, num_layers=layers, batch_first=True)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        h, state = self.lstm(self.emb(x), state)
        return self.out(h), state


def bench_lstm_lm_train():
    torch.manual_seed(0)
    vocab, batch, seq = 65, 32, 128
    model = CharLSTM(vocab)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    x = torch.randint(0, vocab, (batch, seq))
    y = torch.randint(0, vocab, (batch, seq))

    def step():
        opt.zero_grad(set_to_none=True)
        logits, _ = model(x)
        loss = F.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1))
        loss.backward()
        opt.step()

    med, times = time_it(step, warmup=2, iters=15, budget_s=35)
    info("lstm_lm_train params=%d %s" % (sum(p.numel() for p in model.parameters()), spread(times)))
    emit("lstm_lm_train", batch * seq / med, "tokens/s")
    emit("lstm_lm_train", med * 1e3, "ms/step")


# --------------------------------------------------------------------------
# c. Transformer encoder-decoder training
# --------------------------------------------------------------------------
class Seq2SeqTransformer(nn.Module):
    def __init__(self, vocab=8000, d_model=256, nhead=8, n_enc=3, n_dec=3,
                 d_ff=1024, dropout=0.1, max_len=64):
        super().__init__()
        self.d_model = d_model
        self.emb = nn.Embedding(vocab, d_model)          # shared src/tgt embedding
        self.pos = nn.Embedding(max_len, d_model)        # learned positions
        self.transformer = nn.Transformer(
            d_model=d_model, nhead=nhead, num_encoder_layers=n_enc,
            num_decoder_layers=n_dec, dim_feedforward=d_ff, dropout=dropout,
            batch_first=True)
        self.proj = nn.Linear(d_model, vocab)            # output projection (untied)
        self.drop = nn.Dropout(dropout)

    def embed(self, tok):
        pos = torch.arange(tok.shape[1], device=tok.device)
        return self.drop(self.emb(tok) * (self.d_model ** 0.5) + self.pos(pos))

    def encode(self, src):
        return self.transformer.encoder(self.embed(src))

    def decode(self, tgt, memory):
        mask = nn.Transformer.generate_square_subsequent_mask(tgt.shape[1])
        return self.transformer.decoder(self.embed(tgt), memory, tgt_mask=mask)

    def forward(self, src, tgt):
        return self.proj(self.decode(tgt, self.encode(src)))


def bench_transformer_train():
    torch.manual_seed(0)
    vocab, batch, slen, tlen = 8000, 64, 24, 24
    model = Seq2SeqTransformer(vocab)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-4, betas=(0.9, 0.98), eps=1e-9)
    crit = nn.CrossEntropyLoss(label_smoothing=0.1)
    src = torch.randint(0, vocab, (batch, slen))
    tgt = torch.randint(0, vocab, (batch, tlen + 1))
    tgt_in, tgt_out = tgt[:, :-1], tgt[:, 1:]

    def step():
        opt.zero_grad(set_to_none=True)
        logits = model(src, tgt_in)
        loss = crit(logits.reshape(-1, vocab), tgt_out.reshape(-1))
        loss.backward()
        opt.step()

    med, times = time_it(step, warmup=3, iters=20, budget_s=40)
    info("transformer_train params=%d %s" % (sum(p.numel() for p in model.parameters()), spread(times)))
    emit("transformer_train", batch * tlen / med, "tgt_tokens/s")
    emit("transformer_train", med * 1e3, "ms/step")


# --------------------------------------------------------------------------
# d. ResNet-18 (CIFAR variant) training
# --------------------------------------------------------------------------
class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet18Cifar(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)   # 3x3 stem, no maxpool
        self.bn1 = nn.BatchNorm2d(64)
        layers, cin = [], 64
        for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
            layers += [BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)]
            cin = cout
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(512, num_classes)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layers(out)
        out = F.adaptive_avg_pool2d(out, 1).flatten(1)
        return self.fc(out)


def bench_resnet18_cifar_train():
    torch.manual_seed(0)
    batch = 64
    model = ResNet18Cifar(10)
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)
    x = torch.randn(batch, 3, 32, 32)
    y = torch.randint(0, 10, (batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    med, times = time_it(step, warmup=2, iters=12, budget_s=40)
    info("resnet18_cifar_train params=%d mkldnn=%s %s" % (
        sum(p.numel() for p in model.parameters()), torch.backends.mkldnn.enabled, spread(times)))
    emit("resnet18_cifar_train", batch / med, "images/s")
    emit("resnet18_cifar_train", med * 1e3, "ms/step")


# --------------------------------------------------------------------------
# e. LSTM greedy generation, batch 1, one char at a time
# --------------------------------------------------------------------------
def bench_lstm_infer():
    torch.manual_seed(0)
    n_chars = 500
    model = CharLSTM(65)
    model.eval()

    def generate():
        with torch.no_grad():
            tok = torch.zeros(1, 1, dtype=torch.long)
            state = None
            for _ in range(n_chars):
                logits, state = model(tok, state)
                tok = logits[:, -1].argmax(-1, keepdim=True)

    med, times = time_it(generate, warmup=2, iters=10, budget_s=30)
    info("lstm_infer %d chars/sample %s" % (n_chars, spread(times)))
    emit("lstm_infer", n_chars / med, "chars/s")
    emit("lstm_infer", med / n_chars * 1e3, "ms/char")


# --------------------------------------------------------------------------
# f. Transformer greedy decoding, batch 1, no KV cache
# --------------------------------------------------------------------------
def bench_transformer_decode():
    torch.manual_seed(0)
    vocab, slen, steps = 8000, 24, 24
    model = Seq2SeqTransformer(vocab)
    model.eval()
    src = torch.randint(0, vocab, (1, slen))

    def decode():
        with torch.no_grad():
            memory = model.encode(src)
            ys = torch.zeros(1, 1, dtype=torch.long)        # BOS = 0
            for _ in range(steps):
                h = model.decode(ys, memory)                 # recompute whole prefix
                nxt = model.proj(h[:, -1]).argmax(-1, keepdim=True)
                ys = torch.cat([ys, nxt], dim=1)

    med, times = time_it(decode, warmup=3, iters=30, budget_s=30)
    info("transformer_decode %d tokens/sample (encoder once + %d decoder passes) %s" % (
        steps, steps, spread(times)))
    emit("transformer_decode", steps / med, "tokens/s")
    emit("transformer_decode", med / steps * 1e3, "ms/token")


WORKLOADS = {
    "sgemm": bench_sgemm,
    "lstm_lm_train": bench_lstm_lm_train,
    "transformer_train": bench_transformer_train,
    "resnet18_cifar_train": bench_resnet18_cifar_train,
    "lstm_infer": bench_lstm_infer,
    "transformer_decode": bench_transformer_decode,
}


def blas_info():
    """Which BLAS library torch actually loaded (Debian torch links libblas.so.3,
    i.e. whatever the alternatives / LD_LIBRARY_PATH resolve to)."""
    import ctypes
    import os
    paths = set()
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and ("blas" in parts[5] or "gomp" in parts[5]):
                paths.add(parts[5])
    desc = " ".join(sorted(paths))
    for p in sorted(paths):
        if "openblas" in os.path.basename(p):
            try:
                lib = ctypes.CDLL(p)
                lib.openblas_get_config.restype = ctypes.c_char_p
                lib.openblas_get_corename.restype = ctypes.c_char_p
                desc += " | %s core=%s blas_threads=%d" % (
                    lib.openblas_get_config().decode(), lib.openblas_get_corename().decode(),
                    lib.openblas_get_num_threads())
            except (OSError, AttributeError):
                pass
            break
    return desc


def main():
    global QUICK
    ap = argparse.ArgumentParser()
    ap.add_argument("workloads", nargs="*",
                    help="any of: %s, all (default)" % " ".join(WORKLOADS))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    QUICK = args.quick
    bad = [w for w in args.workloads if w not in WORKLOADS and w != "all"]
    if bad:
        ap.error("unknown workload(s): %s" % " ".join(bad))
    torch.set_num_threads(args.threads)
    info("torch=%s threads=%d interop=%d mkldnn=%s python=%s" % (
        torch.__version__, torch.get_num_threads(), torch.get_num_interop_threads(),
        torch.backends.mkldnn.is_available(), sys.version.split()[0]))
    info("blas: " + blas_info())
    info("env: " + " ".join("%s=%s" % (k, os.environ[k]) for k in sorted(os.environ)
                            if k.startswith(("OMP_", "GOMP_", "OPENBLAS_", "KMP_", "LD_LIBRARY_PATH"))))
    names = (list(WORKLOADS) if not args.workloads or "all" in args.workloads
             else args.workloads)
    for name in names:
        t0 = time.perf_counter()
        WORKLOADS[name]()
        info("%s wall=%.1fs" % (name, time.perf_counter() - t0))


if __name__ == "__main__":
    main()
