#!/usr/bin/python3
"""Writes the PyTorch conformance fixtures for attention and the Transformer layers in
src/test/resources/fixtures/ (read by AttentionConformanceTest).

Run with Debian's torch (no other package needed):  /usr/bin/python3 scripts/make_fixtures_attention.py

Same conventions as make_fixtures.py: one small hand-written safetensors file per case, torch seeded from
the case's name, one thread, so reruns are byte-identical. Like make_fixtures_vision.py it carries its own
copy of the writer, so that the scripts can be edited independently. Each file holds the
inputs, the module's state_dict (under PyTorch's names), the masks, the outputs and the gradients of
every input and parameter for the loss sum(out * grad_output) (+ sum(weights * grad_weights) when
nn.MultiheadAttention returns weights).

Masks: a bool mask (True = not allowed) is stored as 0/1 floats and an additive one as floats with
-inf; the metadata "<mask>_kind" says which ("bool" or "float"). No case masks every key of a query:
PyTorch gives NaN there, jgrad zeros (tested on the Java side).

Dropout is 0 and grad is enabled, so torch 1.13's inference fast paths (eval mode without grad) are
never taken: the fixtures come from the plain composite implementation.
"""
import os
import sys

import torch

from fixture_io import as_text, leaf, seed, write_safetensors

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "fixtures")


def save(name, tensors, metadata):
    path = os.path.join(OUT, name + ".safetensors")
    size = write_safetensors(path, tensors, {k: as_text(v) for k, v in metadata.items()})
    return size


ATTENTION_LOSS = "sum(out * grad_output) + sum(weights * grad_weights) when weights are returned"
LAYER_LOSS = "sum(out * grad_output)"


def randomize(module, std=0.5):
    """PyTorch initialises biases and LayerNorm to constants; random values make every term count
    (LayerNorm scales stay around 1)."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            if p.dim() == 1:
                centre = 1.0 if "norm" in name and name.endswith("weight") else 0.0
                p.copy_(torch.randn(p.shape) * std + centre)


def padding_mask(lengths, total):
    """[B, total] bool, True after each length."""
    return torch.arange(total)[None, :] >= torch.tensor(lengths)[:, None]


def random_bool_mask(shape, keep_below=None, p=0.3):
    """True (masked) with probability p, but never a whole row: each row keeps one False at a key below
    keep_below (the shortest padded length, so that padding cannot mask the rest)."""
    m = torch.rand(shape) < p
    keep = torch.randint(0, keep_below or shape[-1], shape[:-1])
    m.scatter_(-1, keep.unsqueeze(-1), False)
    return m


def random_float_mask(shape, keep_below=None):
    """Small random biases with -inf where random_bool_mask masks."""
    return torch.randn(shape) * 0.5 + torch.zeros(shape).masked_fill(random_bool_mask(shape, keep_below), float("-inf"))


def stored(mask):
    return mask.float()


def kind(mask):
    return "bool" if mask.dtype == torch.bool else "float"


def add_grads(tensors, module, inputs):
    for key, t in inputs.items():
        if t.grad is not None:
            tensors[key + ".grad"] = t.grad
    for key, p in module.named_parameters():
        tensors[key] = p
        tensors[key + ".grad"] = p.grad


# ---------------------------------------------------------------- nn.MultiheadAttention


def mha_case(name, embed_dim=4, num_heads=2, L=4, S=4, B=2, batch_first=False, inputs="self", bias=True,
             key_padding_lengths=None, attn_mask=None, need_weights=True, average_attn_weights=True, unbatched=False):
    """inputs: "self" (query is key is value), "kv" (key is value, another length), "separate" (three tensors).
    attn_mask: None, "bool", "float", "bool3d" or "float3d" ([B * num_heads, L, S])."""
    seed(name)
    mha = torch.nn.MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=bias, batch_first=batch_first)
    randomize(mha)
    if inputs == "self":
        S = L

    def shape(T):
        if unbatched:
            return (T, embed_dim)
        return (B, T, embed_dim) if batch_first else (T, B, embed_dim)

    query = leaf(torch.randn(*shape(L)))
    key = query if inputs == "self" else leaf(torch.randn(*shape(S)))
    value = key if inputs in ("self", "kv") else leaf(torch.randn(*shape(S)))
    kpm = None
    if key_padding_lengths is not None:
        kpm = padding_mask(key_padding_lengths, S)
        if unbatched:
            kpm = kpm[0]
    mask = None
    if attn_mask is not None:
        mshape = (B * num_heads, L, S) if attn_mask.endswith("3d") else (L, S)
        keep = min(key_padding_lengths) if key_padding_lengths else None
        mask = random_bool_mask(mshape, keep) if attn_mask.startswith("bool") else random_float_mask(mshape, keep)
    out, weights = mha(query, key, value, key_padding_mask=kpm, need_weights=need_weights, attn_mask=mask,
                       average_attn_weights=average_attn_weights)
    tensors = {"query": query, "out": out, "grad_output": torch.randn(out.shape)}
    loss = (out * tensors["grad_output"]).sum()
    if need_weights:
        tensors.update({"weights": weights, "grad_weights": torch.randn(weights.shape)})
        loss = loss + (weights * tensors["grad_weights"]).sum()
    loss.backward()
    named_inputs = {"query": query}
    if inputs != "self":
        tensors["key"] = key
        named_inputs["key"] = key
    if inputs == "separate":
        tensors["value"] = value
        named_inputs["value"] = value
    add_grads(tensors, mha, named_inputs)
    meta = {"op": "multihead_attention", "embed_dim": embed_dim, "num_heads": num_heads, "batch_first": batch_first,
            "bias": bias, "inputs": inputs, "need_weights": need_weights, "average_attn_weights": average_attn_weights,
            "unbatched": unbatched, "loss": ATTENTION_LOSS}
    if kpm is not None:
        tensors["key_padding_mask"] = stored(kpm)
        meta["key_padding_mask_kind"] = kind(kpm)
    if mask is not None:
        tensors["attn_mask"] = stored(mask)
        meta["attn_mask_kind"] = kind(mask)
    return save(name, tensors, meta)


def multihead_attention():
    return sum([
        mha_case("mha_self_padding_causal", B=3, key_padding_lengths=[4, 2, 3], attn_mask="bool"),
        mha_case("mha_cross_batch_first_float_mask", L=3, S=5, batch_first=True, inputs="kv",
                 key_padding_lengths=[5, 3], attn_mask="float", average_attn_weights=False),
        mha_case("mha_3d_bool_mask", embed_dim=6, num_heads=3, L=3, S=5, inputs="kv", attn_mask="bool3d",
                 key_padding_lengths=[5, 2]),
        mha_case("mha_separate_no_bias_3d_float_mask_no_weights", L=3, batch_first=True, inputs="separate", bias=False,
                 attn_mask="float3d", need_weights=False),
        mha_case("mha_unbatched", L=4, inputs="self", key_padding_lengths=[3], unbatched=True),
    ])


# ---------------------------------------------------------------- Transformer layers


def layer_meta(op, d_model, nhead, dim_ff, activation, batch_first, norm_first):
    return {"op": op, "d_model": d_model, "nhead": nhead, "dim_feedforward": dim_ff, "dropout": 0.0,
            "activation": activation, "layer_norm_eps": 1e-5, "batch_first": batch_first, "norm_first": norm_first,
            "loss": LAYER_LOSS}


def seq(T, B, d, batch_first):
    return leaf(torch.randn(B, T, d) if batch_first else torch.randn(T, B, d))


def add_masks(tensors, meta, masks):
    for key, m in masks.items():
        if m is not None:
            tensors[key] = stored(m)
            meta[key + "_kind"] = kind(m)


def encoder_layer_case(name, activation, batch_first, norm_first, src_mask, lengths, d_model=4, nhead=2, dim_ff=6, S=4, B=2):
    seed(name)
    layer = torch.nn.TransformerEncoderLayer(d_model, nhead, dim_ff, dropout=0.0, activation=activation,
                                             batch_first=batch_first, norm_first=norm_first)
    randomize(layer)
    src = seq(S, B, d_model, batch_first)
    keep = min(lengths) if lengths else None
    mask = {"bool": random_bool_mask((S, S), keep), "float": random_float_mask((S, S), keep),
            "causal": torch.nn.Transformer.generate_square_subsequent_mask(S), None: None}[src_mask]
    kpm = padding_mask(lengths, S) if lengths else None
    out = layer(src, src_mask=mask, src_key_padding_mask=kpm)
    tensors = {"src": src, "out": out, "grad_output": torch.randn(out.shape)}
    (out * tensors["grad_output"]).sum().backward()
    add_grads(tensors, layer, {"src": src})
    meta = layer_meta("transformer_encoder_layer", d_model, nhead, dim_ff, activation, batch_first, norm_first)
    add_masks(tensors, meta, {"src_mask": mask, "src_key_padding_mask": kpm})
    return save(name, tensors, meta)


def decoder_layer_case(name, activation, batch_first, norm_first, tgt_mask, memory_mask, tgt_lengths, memory_lengths,
                       d_model=4, nhead=2, dim_ff=6, T=3, S=4, B=2):
    seed(name)
    layer = torch.nn.TransformerDecoderLayer(d_model, nhead, dim_ff, dropout=0.0, activation=activation,
                                             batch_first=batch_first, norm_first=norm_first)
    randomize(layer)
    tgt = seq(T, B, d_model, batch_first)
    memory = seq(S, B, d_model, batch_first)
    tmask = {"causal": torch.nn.Transformer.generate_square_subsequent_mask(T),
             "bool_causal": torch.triu(torch.ones(T, T, dtype=torch.bool), 1), None: None}[tgt_mask]
    keep = min(memory_lengths) if memory_lengths else None
    mmask = {"bool": random_bool_mask((T, S), keep), "float": random_float_mask((T, S), keep), None: None}[memory_mask]
    tkpm = padding_mask(tgt_lengths, T) if tgt_lengths else None
    mkpm = padding_mask(memory_lengths, S) if memory_lengths else None
    out = layer(tgt, memory, tgt_mask=tmask, memory_mask=mmask, tgt_key_padding_mask=tkpm, memory_key_padding_mask=mkpm)
    tensors = {"tgt": tgt, "memory": memory, "out": out, "grad_output": torch.randn(out.shape)}
    (out * tensors["grad_output"]).sum().backward()
    add_grads(tensors, layer, {"tgt": tgt, "memory": memory})
    meta = layer_meta("transformer_decoder_layer", d_model, nhead, dim_ff, activation, batch_first, norm_first)
    add_masks(tensors, meta, {"tgt_mask": tmask, "memory_mask": mmask, "tgt_key_padding_mask": tkpm,
                              "memory_key_padding_mask": mkpm})
    return save(name, tensors, meta)


def transformer_case(name, batch_first, norm_first, activation, d_model=4, nhead=2, dim_ff=6, layers=1, S=4, T=3, B=2):
    """The whole nn.Transformer (encoder and decoder stacks with their final norms) with every kind of mask."""
    seed(name)
    model = torch.nn.Transformer(d_model, nhead, layers, layers, dim_ff, dropout=0.0, activation=activation,
                                 batch_first=batch_first, norm_first=norm_first)
    randomize(model)
    src = seq(S, B, d_model, batch_first)
    tgt = seq(T, B, d_model, batch_first)
    tmask = torch.nn.Transformer.generate_square_subsequent_mask(T)
    skpm = padding_mask([4, 2], S)
    tkpm = padding_mask([3, 2], T)
    out = model(src, tgt, tgt_mask=tmask, src_key_padding_mask=skpm, tgt_key_padding_mask=tkpm,
                memory_key_padding_mask=skpm)
    tensors = {"src": src, "tgt": tgt, "out": out, "grad_output": torch.randn(out.shape)}
    (out * tensors["grad_output"]).sum().backward()
    add_grads(tensors, model, {"src": src, "tgt": tgt})
    meta = layer_meta("transformer", d_model, nhead, dim_ff, activation, batch_first, norm_first)
    meta.update({"num_encoder_layers": layers, "num_decoder_layers": layers})
    add_masks(tensors, meta, {"tgt_mask": tmask, "src_key_padding_mask": skpm, "tgt_key_padding_mask": tkpm,
                              "memory_key_padding_mask": skpm})
    return save(name, tensors, meta)


def transformer_layers():
    return sum([
        encoder_layer_case("transformer_encoder_layer_relu", "relu", False, False, "float", [4, 2, 3], B=3),
        encoder_layer_case("transformer_encoder_layer_gelu_norm_first_batch_first", "gelu", True, True, "bool", [3, 4]),
        decoder_layer_case("transformer_decoder_layer_relu", "relu", False, False, "causal", "bool", [3, 2], [4, 2]),
        decoder_layer_case("transformer_decoder_layer_gelu_norm_first_batch_first", "gelu", True, True, "bool_causal",
                           "float", None, [2, 4]),
        transformer_case("transformer_norm_first_batch_first", True, True, "gelu"),
    ])


def main():
    torch.set_default_dtype(torch.float32)
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)  # one summation order, so reruns are byte-identical
    total = multihead_attention() + transformer_layers()
    print("wrote the attention fixtures (%d bytes) with torch %s" % (total, torch.__version__))
    return 0


if __name__ == "__main__":
    sys.exit(main())
