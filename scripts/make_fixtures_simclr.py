#!/usr/bin/python3
"""Writes the PyTorch conformance fixtures of SimCLR's pieces in src/test/resources/fixtures/.

Run with Debian's torch (no other package needed):  /usr/bin/python3 scripts/make_fixtures_simclr.py

Same conventions as make_fixtures.py (whose helpers are copied here, so that the scripts can be edited
independently): one small safetensors file per case (F32 only, written by hand with the same layout rules
as Hugging Face's implementation, which FixtureFilesTest checks byte for byte) holding the inputs,
parameters, outputs and gradients, with the options as string metadata. Gradients are those of
out.backward(grad_output) for a fixed random grad_output. Every case seeds torch from its own name.

Cases:
- ntxent_*: the NT-Xent loss of SimCLR (Chen et al. 2020) as the usual PyTorch implementation writes it
  (nt_xent below: F.normalize, one similarity matmul, the diagonal masked with -inf, cross-entropy with
  the partner N rows away as target), for embeddings z [2N, d] and a temperature; the loss and dL/dz are
  computed in float64 from the stored float32 z, so the fixture holds the exact answer to float32 precision.
- simclr_head: the projection head Linear -> BatchNorm1d -> ReLU -> Linear (training mode) followed by
  NT-Xent, with the gradients of the head's input and of every parameter and the updated running statistics.

The cases are few and tiny because FixtureFilesTest caps the whole fixtures directory at 256 KiB.
"""
import os
import sys

import torch
import torch.nn.functional as F

from fixture_io import as_text, leaf, seed, write_safetensors

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "fixtures")
WRITTEN = []


def save(name, tensors, metadata):
    path = os.path.join(OUT, name + ".safetensors")
    size = write_safetensors(path, tensors, {k: as_text(v) for k, v in metadata.items()})
    WRITTEN.append(path)
    return size


CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def nt_xent(z, temperature):
    """SimCLR's NT-Xent for z [2N, d] whose rows i and i + N are two views of one example."""
    n2 = z.shape[0]
    n = n2 // 2
    u = F.normalize(z, dim=1)
    sim = u @ u.t() / temperature
    sim = sim.masked_fill(torch.eye(n2, dtype=torch.bool), float("-inf"))
    targets = torch.cat([torch.arange(n, n2), torch.arange(0, n)])
    return F.cross_entropy(sim, targets)


# ---------------------------------------------------------------- NT-Xent


def ntxent_case(name, n, d, temperature, scale=1.0):
    seed(name)
    z = (torch.randn(2 * n, d) * scale).to(torch.float32)
    z64 = z.double().requires_grad_(True)
    loss = nt_xent(z64, temperature)
    g = torch.randn(())
    loss.backward(g.double())
    return save(name, {"z": z, "out": loss, "grad_output": g, "z.grad": z64.grad},
                {"op": "nt_xent", "temperature": temperature, "n": n})


@case
def ntxent():
    ntxent_case("ntxent_basic", 4, 8, 0.5)
    ntxent_case("ntxent_low_temperature", 4, 6, 0.07)
    ntxent_case("ntxent_large_norms", 5, 3, 0.2, scale=100.0)


# ---------------------------------------------------------------- projection head + loss


@case
def simclr_head():
    name = "simclr_head"
    seed(name)
    n, features, hidden, out_dim, temperature = 3, 4, 5, 3, 0.5
    head = torch.nn.Sequential(torch.nn.Linear(features, hidden), torch.nn.BatchNorm1d(hidden), torch.nn.ReLU(),
                               torch.nn.Linear(hidden, out_dim))
    with torch.no_grad():
        head[1].weight.copy_(torch.rand(hidden) + 0.5)
        head[1].bias.copy_(torch.randn(hidden) * 0.1)
    initial = {k: v.clone() for k, v in head.state_dict().items()}
    h = leaf(torch.randn(2 * n, features))
    loss = nt_xent(head(h), temperature)
    g = torch.randn(())
    loss.backward(g)
    tensors = {"h": h, "out": loss, "grad_output": g, "h.grad": h.grad}
    for key, p in initial.items():
        tensors[key] = p
    tensors["1.running_mean.updated"] = head[1].running_mean
    tensors["1.running_var.updated"] = head[1].running_var
    for key, p in head.named_parameters():
        tensors[key + ".grad"] = p.grad
    return save(name, tensors, {"op": "simclr_head", "features": features, "hidden": hidden, "out": out_dim,
                                "temperature": temperature})


def main():
    torch.set_default_dtype(torch.float32)
    torch.set_num_threads(1)  # one summation order, so reruns are byte-identical
    os.makedirs(OUT, exist_ok=True)
    for fn in CASES:
        fn()
    total = sum(os.path.getsize(p) for p in WRITTEN)
    print("wrote %d SimCLR fixtures (%d bytes) to %s with torch %s" % (len(WRITTEN), total, os.path.normpath(OUT), torch.__version__))
    return 0


if __name__ == "__main__":
    sys.exit(main())
