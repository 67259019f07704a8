"""What every fixture script shares: a hand-written safetensors writer (so no `safetensors` package is
needed, only Debian's python3-torch), metadata as text, per-case seeding and fresh leaves.

The layout is Hugging Face's: tensors by descending dtype alignment, then by name; compact JSON with
__metadata__ first; the header padded with spaces to a multiple of 8 bytes; little-endian row-major data.
jgrad's FixtureFilesTest checks that its own writer reproduces every committed fixture byte for byte.
"""

import json
import os
import struct
import zlib

import torch

# dtype -> (safetensors name, struct format, alignment in bytes)
DTYPES = {torch.float32: ("F32", "<%df", 4), torch.int64: ("I64", "<%dq", 8)}


def dtype_of(t, keep_integers):
    """Integer tensors as I64 when asked (num_batches_tracked, class targets), everything else as F32."""
    return torch.int64 if keep_integers and not t.is_floating_point() else torch.float32


def write_safetensors(path, tensors, metadata=None, keep_integers=False):
    """Writes `tensors` (name -> tensor) and `metadata` (name -> str, or None for no __metadata__) to
    `path` atomically (a temporary file renamed over it). Returns the file's size in bytes."""
    header = {}
    if metadata is not None:
        header["__metadata__"] = {k: metadata[k] for k in sorted(metadata)}
    blobs = []
    offset = 0
    for key in sorted(tensors, key=lambda k: (-DTYPES[dtype_of(tensors[k], keep_integers)][2], k)):
        t = tensors[key].detach().contiguous()
        name, fmt, _ = DTYPES[dtype_of(t, keep_integers)]
        values = t.to(torch.int64 if name == "I64" else torch.float32).flatten().tolist()
        blob = struct.pack(fmt % len(values), *values)
        header[key] = {"dtype": name, "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    os.replace(tmp, path)
    return os.path.getsize(path)


def as_text(value):
    """Metadata values as jgrad reads them: booleans as true/false, everything else by str()."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def seed(name):
    """Each case seeds torch from its own name, so adding a case never changes another's numbers."""
    torch.manual_seed(zlib.crc32(name.encode("utf-8")))


def leaf(t):
    return t.detach().clone().requires_grad_(True)
