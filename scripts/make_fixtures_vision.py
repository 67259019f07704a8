#!/usr/bin/python3
"""Writes the PyTorch conformance fixtures of the vision layers in src/test/resources/fixtures/.

Run with Debian's torch (no other package needed):  /usr/bin/python3 scripts/make_fixtures_vision.py

Same conventions as make_fixtures.py (whose helpers are copied here, so that the two scripts can be
edited independently): one small safetensors file per case (F32 only, written by hand with the same
layout rules as Hugging Face's implementation, which FixtureFilesTest checks byte for byte) holding the
inputs, parameters, outputs and gradients, with the options as string metadata. Gradients are those of
(out * grad_output).sum() for a fixed random grad_output, i.e. out.backward(grad_output). Every case
seeds torch from its own name, so adding or reordering cases changes no other file.

Cases: Conv2d (stride, padding, dilation, groups, no bias, 1x1, rectangular, and a larger one), BatchNorm2d (train: output, gradients and updated running statistics; eval;
cumulative average; no affine), MaxPool2d, AvgPool2d and AdaptiveAvgPool2d.
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


def pair(v):
    return ",".join(map(str, v if isinstance(v, tuple) else (v, v)))


CASES = []


def case(fn):
    CASES.append(fn)
    return fn


# ---------------------------------------------------------------- Conv2d


def conv_case(name, x_shape, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True):
    seed(name)
    in_channels = x_shape[1]
    conv = torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding,
                           dilation=dilation, groups=groups, bias=bias)
    x = leaf(torch.randn(*x_shape))
    out = conv(x)
    g = torch.randn(out.shape)
    out.backward(g)
    tensors = {"x": x, "out": out, "grad_output": g, "x.grad": x.grad,
               "weight": conv.weight, "weight.grad": conv.weight.grad}
    if bias:
        tensors.update({"bias": conv.bias, "bias.grad": conv.bias.grad})
    return save(name, tensors, {"op": "conv2d", "in_channels": in_channels, "out_channels": out_channels,
                                "kernel_size": pair(kernel_size), "stride": pair(stride), "padding": pair(padding),
                                "dilation": pair(dilation), "groups": groups, "bias": bias})


@case
def conv2d():
    conv_case("conv2d", (2, 3, 6, 6), 4, 3)
    conv_case("conv2d_stride2_pad1", (2, 3, 7, 7), 4, 3, stride=2, padding=1)
    conv_case("conv2d_dilation2", (2, 2, 7, 7), 3, 3, padding=2, dilation=2)
    conv_case("conv2d_groups2", (2, 4, 6, 6), 6, 3, padding=1, groups=2)
    conv_case("conv2d_no_bias", (2, 3, 5, 5), 4, 3, padding=1, bias=False)
    conv_case("conv2d_1x1", (2, 4, 5, 5), 6, 1)
    conv_case("conv2d_1x1_stride2_no_bias", (2, 4, 6, 6), 6, 1, stride=2, bias=False)
    conv_case("conv2d_rect", (2, 3, 7, 6), 4, (3, 2), stride=(2, 1), padding=(1, 0))
    # K = 16 * 9 = 144 terms per output. (Maps of 16x16 and more, which take the one-image-per-GEMM path,
    # are checked against a direct loop in Conv2dTest instead: their fixtures would be large.)
    conv_case("conv2d_large", (1, 16, 4, 4), 6, 3, padding=1)


# ---------------------------------------------------------------- BatchNorm2d


def batch_norm_case(name, x_shape, training, momentum=0.1, affine=True, num_batches_tracked=0):
    seed(name)
    c = x_shape[1]
    bn = torch.nn.BatchNorm2d(c, eps=1e-5, momentum=momentum, affine=affine)
    with torch.no_grad():
        if affine:
            bn.weight.copy_(torch.randn(c))
            bn.bias.copy_(torch.randn(c))
        bn.running_mean.copy_(torch.randn(c) * 0.5)
        bn.running_var.copy_(torch.rand(c) + 0.5)
        bn.num_batches_tracked.fill_(num_batches_tracked)
    x = leaf(torch.randn(*x_shape) * 2 + 0.5)
    tensors = {"x": x, "running_mean": bn.running_mean.clone(), "running_var": bn.running_var.clone(),
               "num_batches_tracked": bn.num_batches_tracked.clone()}
    bn.train(training)
    out = bn(x)
    g = torch.randn(out.shape)
    out.backward(g)
    tensors.update({"out": out, "grad_output": g, "x.grad": x.grad,
                    "running_mean.updated": bn.running_mean, "running_var.updated": bn.running_var,
                    "num_batches_tracked.updated": bn.num_batches_tracked})
    if affine:
        tensors.update({"weight": bn.weight, "bias": bn.bias, "weight.grad": bn.weight.grad, "bias.grad": bn.bias.grad})
    return save(name, tensors, {"op": "batch_norm2d", "num_features": c, "eps": 1e-5,
                                "momentum": "None" if momentum is None else momentum,
                                "affine": affine, "training": training})


@case
def batch_norm():
    batch_norm_case("batch_norm2d_train", (3, 3, 4, 4), True)
    batch_norm_case("batch_norm2d_eval", (3, 3, 4, 4), False)
    batch_norm_case("batch_norm2d_train_cumulative", (3, 2, 4, 4), True, momentum=None, num_batches_tracked=3)
    batch_norm_case("batch_norm2d_train_no_affine", (2, 3, 3, 3), True, affine=False)


# ---------------------------------------------------------------- pooling


def pool_case(name, x_shape, fn, metadata):
    seed(name)
    x = leaf(torch.randn(*x_shape))
    out = fn(x)
    g = torch.randn(out.shape)
    out.backward(g)
    return save(name, {"x": x, "out": out, "grad_output": g, "x.grad": x.grad}, metadata)


def max_pool_case(name, x_shape, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    return pool_case(name, x_shape,
                     lambda x: F.max_pool2d(x, kernel_size, stride, padding, dilation, ceil_mode=ceil_mode),
                     {"op": "max_pool2d", "kernel_size": pair(kernel_size),
                      "stride": pair(kernel_size if stride is None else stride), "padding": pair(padding),
                      "dilation": pair(dilation), "ceil_mode": ceil_mode})


def avg_pool_case(name, x_shape, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    return pool_case(name, x_shape,
                     lambda x: F.avg_pool2d(x, kernel_size, stride, padding, ceil_mode=ceil_mode,
                                            count_include_pad=count_include_pad),
                     {"op": "avg_pool2d", "kernel_size": pair(kernel_size),
                      "stride": pair(kernel_size if stride is None else stride), "padding": pair(padding),
                      "ceil_mode": ceil_mode, "count_include_pad": count_include_pad})


def adaptive_avg_pool_case(name, x_shape, output_size):
    return pool_case(name, x_shape, lambda x: F.adaptive_avg_pool2d(x, output_size),
                     {"op": "adaptive_avg_pool2d", "output_size": pair(output_size)})


@case
def pooling():
    max_pool_case("max_pool2d", (2, 3, 7, 7), 3, 2, 1)
    max_pool_case("max_pool2d_default_stride", (2, 3, 6, 6), 2)
    max_pool_case("max_pool2d_dilation2_ceil", (2, 2, 8, 8), 3, 2, 1, dilation=2, ceil_mode=True)
    avg_pool_case("avg_pool2d", (2, 3, 7, 7), 3, 2, 1)
    avg_pool_case("avg_pool2d_ceil_exclude_pad", (2, 2, 8, 8), 3, 2, 1, ceil_mode=True, count_include_pad=False)
    avg_pool_case("avg_pool2d_ceil_include_pad", (2, 2, 8, 8), 3, 2, 1, ceil_mode=True, count_include_pad=True)
    adaptive_avg_pool_case("adaptive_avg_pool2d_7to1", (2, 3, 7, 7), 1)
    adaptive_avg_pool_case("adaptive_avg_pool2d_5to3", (2, 3, 5, 5), 3)
    adaptive_avg_pool_case("adaptive_avg_pool2d_7x5to3x2", (2, 2, 7, 5), (3, 2))


def main():
    torch.set_default_dtype(torch.float32)
    torch.set_num_threads(1)  # one summation order, so reruns are byte-identical
    os.makedirs(OUT, exist_ok=True)
    for fn in CASES:
        fn()
    total = sum(os.path.getsize(p) for p in WRITTEN)
    print("wrote %d vision fixtures (%d bytes) to %s with torch %s" % (len(WRITTEN), total, os.path.normpath(OUT), torch.__version__))
    return 0


if __name__ == "__main__":
    sys.exit(main())
