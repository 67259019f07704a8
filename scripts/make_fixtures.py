#!/usr/bin/python3
"""Writes the PyTorch conformance fixtures in src/test/resources/fixtures/.

Run with Debian's torch (no other package needed):  /usr/bin/python3 scripts/make_fixtures.py

Each case is one small safetensors file (F32 only, written by hand with the same layout rules as
Hugging Face's implementation) holding the inputs, parameters, outputs and gradients, with the
options as string metadata. Gradients are those of (out * grad_output).sum() for a fixed random
grad_output, i.e. out.backward(grad_output), so a mistake that is symmetric in the output cannot
cancel out; the recurrent layers add their final states to that loss with their own random weights
(grad_h_n, grad_c_n). Integer inputs (class targets, token ids, sequence lengths) are stored as exact floats.

Every case seeds torch from its own name, so adding or reordering cases changes no other file.
"""
import os
import sys

import torch
import torch.nn.functional as F

from fixture_io import as_text, leaf, seed, write_safetensors

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "fixtures")


def save(name, tensors, metadata):
    path = os.path.join(OUT, name + ".safetensors")
    size = write_safetensors(path, tensors, {k: as_text(v) for k, v in metadata.items()})
    return size


CASES = []


def case(fn):
    CASES.append(fn)
    return fn


# ---------------------------------------------------------------- tensor ops


def matmul_case(name, a_shape, b_shape):
    seed(name)
    a = leaf(torch.randn(*a_shape))
    b = leaf(torch.randn(*b_shape))
    out = a @ b
    g = torch.randn(out.shape)
    out.backward(g)
    return save(name, {"a": a, "b": b, "out": out, "grad_output": g, "a.grad": a.grad, "b.grad": b.grad},
                {"op": "matmul"})


@case
def matmul():
    matmul_case("matmul_2d", (3, 4), (4, 5))
    matmul_case("matmul_batched_broadcast", (2, 1, 3, 4), (3, 4, 5))
    matmul_case("matmul_vector_matrix", (4,), (2, 4, 3))
    matmul_case("matmul_matrix_vector", (2, 3, 4), (4,))


def softmax_case(name, op, dim):
    seed(name)
    x = leaf(torch.randn(3, 4, 5) * 3)
    out = (torch.softmax if op == "softmax" else torch.log_softmax)(x, dim)
    g = torch.randn(out.shape)
    out.backward(g)
    return save(name, {"x": x, "out": out, "grad_output": g, "x.grad": x.grad}, {"op": op, "dim": dim})


@case
def softmax():
    for op in ("softmax", "log_softmax"):
        for dim in (0, 1, -1):
            softmax_case("%s_dim%d" % (op, dim), op, dim)


# ---------------------------------------------------------------- nn


def layer_norm_case(name, x_shape, normalized_shape):
    seed(name)
    x = leaf(torch.randn(*x_shape) * 2 + 0.5)
    ln = torch.nn.LayerNorm(normalized_shape, eps=1e-5)
    with torch.no_grad():
        ln.weight.copy_(torch.randn(normalized_shape))
        ln.bias.copy_(torch.randn(normalized_shape))
    out = ln(x)
    g = torch.randn(out.shape)
    out.backward(g)
    return save(name, {"x": x, "weight": ln.weight, "bias": ln.bias, "out": out, "grad_output": g,
                       "x.grad": x.grad, "weight.grad": ln.weight.grad, "bias.grad": ln.bias.grad},
                {"op": "layer_norm", "normalized_shape": ",".join(map(str, normalized_shape)), "eps": 1e-5})


@case
def layer_norm():
    layer_norm_case("layer_norm", (2, 3, 8), (8,))
    layer_norm_case("layer_norm_2d", (2, 3, 8), (3, 8))


def cross_entropy_case(name, logits_shape, reduction, ignore_index, label_smoothing, n_ignored):
    seed(name)
    classes = logits_shape[1]
    logits = leaf(torch.randn(*logits_shape) * 2)
    target_shape = (logits_shape[0],) + tuple(logits_shape[2:])
    target = torch.randint(0, classes, target_shape)
    flat = target.view(-1)
    if n_ignored:
        flat[torch.randperm(flat.numel())[:n_ignored]] = ignore_index
    loss = F.cross_entropy(logits, target, ignore_index=ignore_index, reduction=reduction,
                           label_smoothing=label_smoothing)
    g = torch.randn(loss.shape)
    loss.backward(g)
    return save(name, {"logits": logits, "target": target.float(), "out": loss, "grad_output": g,
                       "logits.grad": logits.grad},
                {"op": "cross_entropy", "reduction": reduction, "ignore_index": ignore_index,
                 "label_smoothing": label_smoothing})


@case
def cross_entropy():
    cross_entropy_case("cross_entropy_mean", (6, 5), "mean", -100, 0.0, 2)
    cross_entropy_case("cross_entropy_mean_smoothing", (6, 5), "mean", -100, 0.1, 2)
    cross_entropy_case("cross_entropy_sum_smoothing", (6, 5), "sum", -100, 0.1, 1)
    # ignore_index that is also a valid class id: those rows must be ignored, not scored
    cross_entropy_case("cross_entropy_none_ignore3", (6, 5), "none", 3, 0.2, 2)
    cross_entropy_case("cross_entropy_ncd", (2, 4, 3), "mean", -100, 0.0, 1)
    cross_entropy_case("cross_entropy_ncd_none_smoothing", (2, 4, 3), "none", -100, 0.15, 1)


def linear_case(name, in_features, out_features, x_shape, bias):
    seed(name)
    lin = torch.nn.Linear(in_features, out_features, bias=bias)
    x = leaf(torch.randn(*x_shape))
    out = lin(x)
    g = torch.randn(out.shape)
    out.backward(g)
    tensors = {"x": x, "weight": lin.weight, "out": out, "grad_output": g, "x.grad": x.grad,
               "weight.grad": lin.weight.grad}
    if bias:
        tensors.update({"bias": lin.bias, "bias.grad": lin.bias.grad})
    return save(name, tensors, {"op": "linear", "in_features": in_features, "out_features": out_features,
                                "bias": bias})


@case
def linear():
    linear_case("linear", 4, 3, (2, 5, 4), True)
    linear_case("linear_no_bias", 4, 3, (6, 4), False)


@case
def embedding():
    name = "embedding"
    seed(name)
    emb = torch.nn.Embedding(10, 4, padding_idx=0)
    indices = torch.tensor([[3, 0, 5, 3, 9], [0, 1, 1, 7, 3], [2, 8, 0, 4, 6]])
    out = emb(indices)
    g = torch.randn(out.shape)
    out.backward(g)
    save(name, {"weight": emb.weight, "indices": indices.float(), "out": out, "grad_output": g,
                "weight.grad": emb.weight.grad},
         {"op": "embedding", "num_embeddings": 10, "embedding_dim": 4, "padding_idx": 0})


# ---------------------------------------------------------------- optimisers


STEPS = 10


def optimizer_case(name, make, options):
    """Ten steps of an optimiser on a Linear(4, 3) fitting fixed data with mean squared error."""
    seed(name)
    model = torch.nn.Linear(4, 3)
    x = torch.randn(8, 4)
    y = torch.randn(8, 3)
    tensors = {"x": x, "y": y, "weight": model.weight.clone(), "bias": model.bias.clone()}
    opt = make(model.parameters())
    losses = []
    for step in range(1, STEPS + 1):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        tensors["step%d.weight" % step] = model.weight.clone()
        tensors["step%d.bias" % step] = model.bias.clone()
    tensors["loss"] = torch.tensor(losses)
    meta = {"optimizer": make.__name__ if hasattr(make, "__name__") else str(make), "steps": STEPS,
            "model": "Linear(4, 3)", "loss": "mse_loss(model(x), y), mean"}
    meta.update(options)
    return save(name, tensors, meta)


@case
def optimizers():
    def sgd(**kw):
        def make(params):
            return torch.optim.SGD(params, **kw)
        make.__name__ = "SGD"
        return make

    def adam(cls, **kw):
        def make(params):
            return cls(params, **kw)
        make.__name__ = cls.__name__
        return make

    o = dict(lr=0.1, momentum=0.9, dampening=0.0, weight_decay=0.0, nesterov=False)
    optimizer_case("sgd_momentum", sgd(**o), o)
    o = dict(lr=0.05, momentum=0.9, dampening=0.0, weight_decay=0.01, nesterov=True)
    optimizer_case("sgd_nesterov_weight_decay", sgd(**o), o)
    o = dict(lr=0.1, momentum=0.8, dampening=0.3, weight_decay=0.0, nesterov=False)
    optimizer_case("sgd_momentum_dampening", sgd(**o), o)
    o = dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False)
    optimizer_case("adam", adam(torch.optim.Adam, **o), dict(o, betas="0.9,0.999"))
    o = dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, amsgrad=False)
    optimizer_case("adam_l2", adam(torch.optim.Adam, **o), dict(o, betas="0.8,0.99"))
    o = dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01, amsgrad=False)
    optimizer_case("adamw", adam(torch.optim.AdamW, **o), dict(o, betas="0.9,0.999"))
    o = dict(lr=0.02, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1, amsgrad=False)
    optimizer_case("adamw_strong_decay", adam(torch.optim.AdamW, **o), dict(o, betas="0.9,0.95"))


# ---------------------------------------------------------------- recurrent layers


RECURRENT_LOSS = "sum(out * grad_output) + sum(h_n * grad_h_n) + sum(c_n * grad_c_n)"


def recurrent_case(name, kind, input_size, hidden_size, seq_len, batch, num_layers=1, bidirectional=False,
                   batch_first=False, dropout=0.0, nonlinearity="tanh", given_state=False, lengths=None):
    """nn.RNN/LSTM/GRU on a [T, B, in] batch ([B, T, in] when batch_first). With lengths, the batch goes
    in through pack_padded_sequence(enforce_sorted=False) and out through pad_packed_sequence, so out is
    zero after each length. The loss weighs out, h_n and c_n with stored random tensors, so every output
    reaches every gradient."""
    seed(name)
    options = dict(num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first, dropout=dropout)
    if kind == "rnn":
        options["nonlinearity"] = nonlinearity
    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind](input_size, hidden_size, **options)
    lstm = kind == "lstm"
    x = leaf(torch.randn(batch, seq_len, input_size) if batch_first else torch.randn(seq_len, batch, input_size))
    rows = num_layers * (2 if bidirectional else 1)
    h0 = leaf(torch.randn(rows, batch, hidden_size)) if given_state else None
    c0 = leaf(torch.randn(rows, batch, hidden_size)) if given_state and lstm else None
    state = (h0, c0) if lstm and given_state else h0
    if lengths is None:
        out, final = module(x, state)
    else:
        packed = torch.nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first,
                                                         enforce_sorted=False)
        out, final = module(packed, state)
        out, _ = torch.nn.utils.rnn.pad_packed_sequence(out, batch_first=batch_first, total_length=seq_len)
    h_n, c_n = final if lstm else (final, None)
    tensors = {"x": x, "out": out, "h_n": h_n, "grad_output": torch.randn(out.shape),
               "grad_h_n": torch.randn(h_n.shape)}
    loss = (out * tensors["grad_output"]).sum() + (h_n * tensors["grad_h_n"]).sum()
    if lstm:
        tensors.update({"c_n": c_n, "grad_c_n": torch.randn(c_n.shape)})
        loss = loss + (c_n * tensors["grad_c_n"]).sum()
    loss.backward()
    tensors["x.grad"] = x.grad
    for key, t in (("h0", h0), ("c0", c0)):
        if t is not None:
            tensors.update({key: t, key + ".grad": t.grad})
    for key, p in module.named_parameters():
        tensors.update({key: p, key + ".grad": p.grad})
    if lengths is not None:
        tensors["lengths"] = torch.tensor(lengths, dtype=torch.float32)
    meta = {"op": kind, "input_size": input_size, "hidden_size": hidden_size, "num_layers": num_layers,
            "bias": True, "batch_first": batch_first, "dropout": dropout, "bidirectional": bidirectional,
            "packed": lengths is not None, "loss": RECURRENT_LOSS if lstm else RECURRENT_LOSS.rsplit(" + ", 1)[0]}
    if kind == "rnn":
        meta["nonlinearity"] = nonlinearity
    return save(name, tensors, meta)


@case
def recurrent():
    recurrent_case("rnn_tanh_2layers", "rnn", 3, 4, 5, 3, num_layers=2, given_state=True)
    recurrent_case("rnn_relu", "rnn", 3, 4, 5, 2, nonlinearity="relu")
    recurrent_case("lstm_2layers", "lstm", 3, 4, 5, 3, num_layers=2)
    recurrent_case("lstm_2layers_bidirectional", "lstm", 3, 4, 5, 2, num_layers=2, bidirectional=True)
    recurrent_case("lstm_batch_first", "lstm", 3, 5, 4, 3, batch_first=True)
    recurrent_case("lstm_given_state", "lstm", 4, 3, 5, 3, given_state=True)
    recurrent_case("lstm_2layers_dropout0", "lstm", 3, 4, 4, 2, num_layers=2, dropout=0.0)
    recurrent_case("gru_2layers_bidirectional", "gru", 3, 4, 5, 3, num_layers=2, bidirectional=True, given_state=True)
    # unsorted lengths, one of them 1 and one the full T
    recurrent_case("lstm_packed_bidirectional", "lstm", 3, 4, 6, 3, num_layers=2, bidirectional=True,
                   given_state=True, lengths=[3, 6, 1])
    recurrent_case("gru_packed", "gru", 3, 5, 6, 3, num_layers=2, batch_first=True, given_state=True,
                   lengths=[4, 1, 6])


def cell_case(name, kind, input_size, hidden_size, steps, batch):
    """A cell applied for a few steps, each step's h feeding the next: out stacks the h's [steps, B, H],
    h_n (and c_n) is the last state, and the loss is the one of recurrent_case."""
    seed(name)
    cell = {"rnn_cell": torch.nn.RNNCell, "lstm_cell": torch.nn.LSTMCell, "gru_cell": torch.nn.GRUCell}[kind](
        input_size, hidden_size)
    lstm = kind == "lstm_cell"
    x = leaf(torch.randn(steps, batch, input_size))
    h0 = leaf(torch.randn(batch, hidden_size))
    c0 = leaf(torch.randn(batch, hidden_size)) if lstm else None
    h, c, hs = h0, c0, []
    for t in range(steps):
        if lstm:
            h, c = cell(x[t], (h, c))
        else:
            h = cell(x[t], h)
        hs.append(h)
    out = torch.stack(hs)
    tensors = {"x": x, "h0": h0, "out": out, "h_n": h, "grad_output": torch.randn(out.shape),
               "grad_h_n": torch.randn(h.shape)}
    loss = (out * tensors["grad_output"]).sum() + (h * tensors["grad_h_n"]).sum()
    if lstm:
        tensors.update({"c0": c0, "c_n": c, "grad_c_n": torch.randn(c.shape)})
        loss = loss + (c * tensors["grad_c_n"]).sum()
    loss.backward()
    tensors.update({"x.grad": x.grad, "h0.grad": h0.grad})
    if lstm:
        tensors["c0.grad"] = c0.grad
    for key, p in cell.named_parameters():
        tensors.update({key: p, key + ".grad": p.grad})
    return save(name, tensors, {"op": kind, "input_size": input_size, "hidden_size": hidden_size, "bias": True,
                                "steps": steps, "nonlinearity": "tanh",
                                "loss": RECURRENT_LOSS if lstm else RECURRENT_LOSS.rsplit(" + ", 1)[0]})


@case
def recurrent_cells():
    cell_case("rnn_cell", "rnn_cell", 3, 4, 3, 2)
    cell_case("lstm_cell", "lstm_cell", 3, 4, 3, 2)
    cell_case("gru_cell", "gru_cell", 3, 4, 3, 2)


def main():
    torch.set_default_dtype(torch.float32)
    torch.set_num_threads(1)  # one summation order, so reruns are byte-identical
    os.makedirs(OUT, exist_ok=True)
    for fn in CASES:
        fn()
    names = sorted(f for f in os.listdir(OUT) if f.endswith(".safetensors"))
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in names)
    print("wrote %d fixtures (%d bytes) to %s with torch %s" % (len(names), total, os.path.normpath(OUT), torch.__version__))
    return 0


if __name__ == "__main__":
    sys.exit(main())
