#!/usr/bin/python3
"""ResNet fixtures from torchvision itself, and an exporter of torchvision ResNets to safetensors.

Run with Debian's torch and torchvision (python3-torch, python3-torchvision; nothing else is needed,
the safetensors files are written by hand):

    /usr/bin/python3 scripts/make_fixtures_resnet.py
        writes src/test/resources/resnet/: for each case <case>.safetensors, the model's state_dict exactly
        as a torchvision export holds it (F32 tensors, I64 num_batches_tracked), and <case>_io.safetensors
        with an input batch and torchvision's answers; plus torchvision_keys.txt, the state_dict keys and
        shapes of the full-size resnet18/34/50/101/152 and of the benchmark peer's ResNet18Cifar.

    /usr/bin/python3 scripts/make_fixtures_resnet.py export --arch resnet18 [--weights FILE.pth] --out resnet18.safetensors
        converts a torchvision ResNet (the weights of a .pth state_dict, or seeded random ones) into a
        safetensors file that jgrad loads with ResNet.fromStateDict(SafeTensors.load(path)).

The full-size networks are too big to commit (resnet18 is 45 MB in F32), so the logits fixtures use
networks built by torchvision's own ResNet, BasicBlock, Bottleneck, _make_layer and forward with every
stage's width scaled down (64 -> 4): the parameter names and the code path are torchvision's. Cases:
resnet18 layout ([2,2,2,2] BasicBlocks) with the ImageNet stem, a bottleneck network ([2,1,1,1], the
resnet50 block), and the small-input variant (3x3 stride-1 stem, no max-pool, 1 channel, 28x28).
Batch-norm statistics are moved away from their initial values by a few training-mode passes, and the
affine parameters randomised, so that eval mode is tested with real running statistics. The _io file
holds x, eval-mode logits, and for one training-mode pass (batch statistics) the logits, the
cross-entropy loss for fixed targets, the gradients of a few parameters and the updated running stats.

Same conventions as make_fixtures.py: each case seeds torch from its own name, one thread, so reruns are
byte-identical. These fixtures live in their own directory because they hold I64 tensors (as a real
export does) and are larger than the conformance fixtures.
"""
import argparse
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision.models.resnet import BasicBlock, Bottleneck, ResNet

from fixture_io import DTYPES, dtype_of, seed, write_safetensors

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "src", "test", "resources", "resnet")
PEERS = os.path.join(HERE, "..", "..", "shared", "peers")
WRITTEN = []


def save(path, tensors, metadata=None):
    """A safetensors file; integer tensors (num_batches_tracked, targets) stay I64."""
    size = write_safetensors(path, tensors, {k: str(metadata[k]) for k in metadata} if metadata else None, keep_integers=True)
    WRITTEN.append(path)
    return size


class ScaledResNet(ResNet):
    """torchvision's ResNet with every width scaled (width instead of 64 at the stem and layer1) and,
    optionally, the small-input stem. Only __init__ differs; _make_layer, the blocks, the initialisation
    and forward are torchvision's, so the state_dict has torchvision's names and layout."""

    def __init__(self, block, layers, num_classes, width, in_channels=3, small_input=False):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes = width
        self.dilation = 1
        self.groups = 1
        self.base_width = 64
        if small_input:
            self.conv1 = nn.Conv2d(in_channels, width, kernel_size=3, stride=1, padding=1, bias=False)
        else:
            self.conv1 = nn.Conv2d(in_channels, width, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.Identity() if small_input else nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, width, layers[0])
        self.layer2 = self._make_layer(block, width * 2, layers[1], stride=2)
        self.layer3 = self._make_layer(block, width * 4, layers[2], stride=2)
        self.layer4 = self._make_layer(block, width * 8, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(width * 8 * block.expansion, num_classes)
        for m in self.modules():  # as torchvision's ResNet.__init__
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)


def resnet_case(name, block, layers, width, x_shape, num_classes=10, small_input=False):
    seed(name)
    model = ScaledResNet(block, layers, num_classes, width, in_channels=x_shape[1], small_input=small_input)
    model.train()
    with torch.no_grad():
        for _ in range(3):  # real running statistics and num_batches_tracked = 3
            model(torch.randn(*x_shape) * 1.5 + 0.2)
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(torch.rand(m.num_features) + 0.5)
                m.bias.copy_(torch.randn(m.num_features) * 0.1)
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    x = torch.randn(*x_shape)
    model.eval()
    with torch.no_grad():
        logits = model(x)
    targets = torch.randint(0, num_classes, (x_shape[0],))
    model.train()
    logits_train = model(x)
    loss = F.cross_entropy(logits_train, targets)
    loss.backward()
    io = {"x": x, "logits": logits, "targets": targets, "train.logits": logits_train, "train.loss": loss}
    for key in ("conv1.weight", "bn1.weight", "layer1.0.conv1.weight", "layer4.0.downsample.0.weight", "fc.weight", "fc.bias"):
        io["train.grad." + key] = model.get_parameter(key).grad
    for key in ("bn1.running_mean", "bn1.running_var", "layer4.0.bn2.running_var"):
        io["train.updated." + key] = model.get_buffer(key)
    metadata = {"block": block.__name__, "layers": ",".join(map(str, layers)), "width": width, "in_channels": x_shape[1],
                "small_input": str(small_input).lower(), "num_classes": num_classes, "torchvision": torchvision.__version__}
    save(os.path.join(OUT, name + ".safetensors"), state)
    save(os.path.join(OUT, name + "_io.safetensors"), io, metadata)


def key_listing():
    """torchvision's state_dict keys and shapes, which jgrad's ResNet must reproduce exactly."""
    lines = ["# state_dict keys of torchvision %s models (weights=None) and of the peer's ResNet18Cifar:" % torchvision.__version__,
             "# model key dtype [shape]"]
    for arch in ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152"):
        model = getattr(torchvision.models, arch)(weights=None)
        for k, v in model.state_dict().items():
            lines.append("%s %s %s [%s]" % (arch, k, DTYPES[dtype_of(v, True)][0], ",".join(map(str, v.shape))))
    if os.path.exists(os.path.join(PEERS, "torch_bench.py")):
        sys.path.insert(0, PEERS)
        import torch_bench
        for k, v in torch_bench.ResNet18Cifar(10).state_dict().items():
            lines.append("resnet18_cifar %s %s [%s]" % (k, DTYPES[dtype_of(v, True)][0], ",".join(map(str, v.shape))))
    path = os.path.join(OUT, "torchvision_keys.txt")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    WRITTEN.append(path)


def export(argv):
    p = argparse.ArgumentParser(prog="make_fixtures_resnet.py export",
                                description="Write a torchvision ResNet's state_dict as safetensors for jgrad.")
    p.add_argument("--arch", default="resnet18", help="resnet18, resnet34, resnet50, resnet101 or resnet152")
    p.add_argument("--weights", help="a .pth state_dict (e.g. resnet18-f37072fd.pth); default: seeded random weights")
    p.add_argument("--num-classes", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    torch.manual_seed(a.seed)
    model = getattr(torchvision.models, a.arch)(weights=None, num_classes=a.num_classes)
    if a.weights:
        model.load_state_dict(torch.load(a.weights, map_location="cpu"))
    size = save(a.out, model.state_dict(), {"format": "pt", "arch": a.arch})
    print("wrote %s (%s, %d tensors, %d bytes)" % (a.out, a.arch, len(model.state_dict()), size))
    return 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "export":
        return export(sys.argv[2:])
    torch.set_default_dtype(torch.float32)
    torch.set_num_threads(1)  # one summation order, so reruns are byte-identical
    os.makedirs(OUT, exist_ok=True)
    resnet_case("resnet18_w4", BasicBlock, [2, 2, 2, 2], 4, (2, 3, 40, 40))
    resnet_case("resnet_bottleneck_w4", Bottleneck, [2, 1, 1, 1], 4, (2, 3, 36, 36))
    resnet_case("resnet_small_input_w4", BasicBlock, [1, 1, 1, 1], 4, (3, 1, 28, 28), small_input=True)
    key_listing()
    total = sum(os.path.getsize(p) for p in WRITTEN)
    print("wrote %d files (%d bytes) to %s with torch %s, torchvision %s" % (
        len(WRITTEN), total, os.path.normpath(OUT), torch.__version__, torchvision.__version__))
    return 0


if __name__ == "__main__":
    sys.exit(main())
