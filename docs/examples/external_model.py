#!/usr/bin/env python3
"""A fusion model written in plain PyTorch that FusionScope evaluates and explains.

It follows FusionScope's model contract (docs/external-models.md):

    forward(text [B,T] int64 (0 = pad), image [B,3,H,W] float,
            audio [B,1,M,F] float, present [B,3] float) -> Dict[str, Tensor]

and returns "logits" plus the optional outputs FusionScope's explanation reads: attention maps
"attn/<query>-><key>/<layer>" shaped [B, heads, Tq, Tk], "modality_weights" [B, 3],
"embedding" [B, D] and "embed/<modality>" [B, D].

The file is saved with a *partial* fusionscope/meta.json: labels and token layout only, no
preprocess block and no tokenizer, so FusionScope reads the dataset as for a new run (and
trains a tokenizer on it) and says which fields it assumed.

Usage:
    python3 external_model.py --manifest DATASET/manifest.jsonl --out model.pt
    python3 external_model.py --labels cat,dog --out model.pt
    fusionscope info model.pt
    fusionscope eval model.pt DATASET
    fusionscope explain model.pt DATASET --out explanations/

The weights here are random (a few seconds to build, nothing to download); train the module
with your own loop before saving to get a useful model: the file format is the same.
"""
import argparse
import json
import math
from typing import Dict

import torch
import torch.nn.functional as F
from torch import Tensor, nn

TEXT_LENGTH = 16      # T: tokens per text (FusionScope pads/truncates to this)
IMAGE_SIZE = 64       # S: images arrive as [B, 3, S, S]
PATCH = 8             # 64 / 8 = an 8 x 8 grid of image tokens
MEL_BINS = 64         # M: FusionScope's default log-mel bins
AUDIO_STRIDE = 4      # one audio token per 4 spectrogram frames (40 ms)
VOCAB = 1024          # upper bound on SentencePiece ids (FusionScope's default vocabulary is 256)


class CrossAttention(nn.Module):
    """Text tokens attend to another modality's tokens; returns the fused text and the map."""

    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(dim, dim)
        self.key = nn.Linear(dim, dim)
        self.value = nn.Linear(dim, dim)

    def forward(self, queries: Tensor, keys: Tensor):
        b, tq, d = queries.shape
        tk = keys.shape[1]
        h = self.heads
        q = self.query(queries).view(b, tq, h, d // h).transpose(1, 2)
        k = self.key(keys).view(b, tk, h, d // h).transpose(1, 2)
        v = self.value(keys).view(b, tk, h, d // h).transpose(1, 2)
        weights = torch.softmax(torch.matmul(q, k.transpose(2, 3)) / math.sqrt(d // h), dim=-1)
        fused = torch.matmul(weights, v).transpose(1, 2).reshape(b, tq, d)
        return fused, weights  # weights: [B, heads, Tq, Tk]


class TinyFusion(nn.Module):
    def __init__(self, classes: int, dim: int = 32, heads: int = 2):
        super().__init__()
        self.vocab = VOCAB  # an attribute: TorchScript does not read Python globals
        self.text_embedding = nn.Embedding(VOCAB, dim, padding_idx=0)
        self.image_patches = nn.Conv2d(3, dim, kernel_size=PATCH, stride=PATCH)
        self.audio_frames = nn.Conv1d(MEL_BINS, dim, kernel_size=AUDIO_STRIDE, stride=AUDIO_STRIDE)
        self.text_to_image = CrossAttention(dim, heads)
        self.text_to_audio = CrossAttention(dim, heads)
        self.gate = nn.Linear(3 * dim, 3)
        self.head = nn.Linear(dim, classes)

    def forward(self, text: Tensor, image: Tensor, audio: Tensor, present: Tensor) -> Dict[str, Tensor]:
        tokens = self.text_embedding(text.clamp(0, self.vocab - 1))                  # [B, T, D]
        not_pad = (text > 0).float().unsqueeze(2)
        patches = self.image_patches(image).flatten(2).transpose(1, 2)          # [B, gh*gw, D]
        frames = self.audio_frames(audio.squeeze(1)).transpose(1, 2)            # [B, F/4, D]

        seen_image, attn_image = self.text_to_image(tokens, patches)
        seen_audio, attn_audio = self.text_to_audio(tokens, frames)
        count = not_pad.sum(1).clamp(min=1.0)
        text_vec = (tokens * not_pad).sum(1) / count * present[:, 0:1]
        image_vec = (seen_image * not_pad).sum(1) / count * present[:, 1:2]
        audio_vec = (seen_audio * not_pad).sum(1) / count * present[:, 2:3]

        # Per-sample modality weights, zero for a missing modality.
        scores = self.gate(torch.cat([text_vec, image_vec, audio_vec], 1))
        scores = scores.masked_fill(present <= 0, -1e4)
        weights = torch.softmax(scores, dim=1) * (present > 0).float()
        fused = weights[:, 0:1] * text_vec + weights[:, 1:2] * image_vec + weights[:, 2:3] * audio_vec

        return {
            "logits": self.head(fused),
            "embedding": fused,
            "embed/text": F.normalize(text_vec, dim=1),
            "embed/image": F.normalize(image_vec, dim=1),
            "embed/audio": F.normalize(audio_vec, dim=1),
            "modality_weights": weights,
            "attn/text->image/0": attn_image,
            "attn/text->audio/0": attn_audio,
        }


def labels_from_manifest(path: str):
    labels = set()
    with open(path, encoding="utf-8") as manifest:
        for line in manifest:
            line = line.strip()
            if line:
                label = json.loads(line).get("label")
                if isinstance(label, str) and label:
                    labels.add(label)
    return sorted(labels)  # FusionScope's order for a dataset's labels


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="model file to write (model.pt)")
    parser.add_argument("--labels", help="comma-separated class names, logit column order")
    parser.add_argument("--manifest", help="take the class names from a manifest.jsonl")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    labels = args.labels.split(",") if args.labels else labels_from_manifest(args.manifest) if args.manifest else []
    if not labels:
        parser.error("give --labels or --manifest (with labelled rows)")

    torch.manual_seed(args.seed)
    model = torch.jit.script(TinyFusion(len(labels)).eval())

    # Partial on purpose: every field but format_version is optional (docs/external-models.md).
    meta = {
        "format_version": 1,
        "labels": labels,
        "token_layout": {
            "text_length": TEXT_LENGTH,
            "image_size": IMAGE_SIZE,
            "image_grid": [IMAGE_SIZE // PATCH, IMAGE_SIZE // PATCH],
        },
    }
    model.save(args.out, _extra_files={"fusionscope/meta.json": json.dumps(meta, indent=2)})

    # Check the round trip as FusionScope will call it.
    loaded = torch.jit.load(args.out)
    out = loaded(torch.randint(1, 200, (2, TEXT_LENGTH)), torch.rand(2, 3, IMAGE_SIZE, IMAGE_SIZE),
                 torch.randn(2, 1, MEL_BINS, 100), torch.ones(2, 3))
    print(f"wrote {args.out}: {len(labels)} classes, outputs {sorted(out.keys())}")


if __name__ == "__main__":
    main()
