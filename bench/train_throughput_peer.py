#!/usr/bin/python3
"""Python peer of bench_train_throughput: trains the very same TorchScript file (an untrained
FusionScope export, loaded with torch.jit.load) the way a notebook would.

  steady MODEL BATCHES      plain loop over the C++ side's batches (in memory), AdamW with
                            decay on matrices only, cross-entropy, grad clipping, cosine LR;
                            samples/s after warm-up steps. Also: training FLOPs per sample
                            (3x the forward's, counted by torch.profiler) and the sgemm peak.
  first-epoch MODEL DATASET from raw files: a torch DataLoader with one worker process per
                            core decoding PNG (OpenCV), Ogg (soundfile), log-mel (torch.stft)
                            and text, feeding the same training loop; wall time to the end
                            of the first epoch.
Prints one JSON object."""
import json, math, os, re, sys, time, warnings

import cv2
import numpy as np
import soundfile
import torch
import torch.nn.functional as F

THREADS = int(os.environ.get("THREADS") or os.cpu_count())
# PRECISION=bf16: the forward under torch.autocast("cpu", torch.bfloat16), as a tuned notebook runs.
BF16 = os.environ.get("PRECISION", "fp32") == "bf16"
# OBJECTIVE=contrastive: CLIP's symmetric InfoNCE between the model's embed/* outputs, as
# FusionScope's `--task contrastive` (core/train/contrastiveloss.cpp) computes it.
CONTRASTIVE = os.environ.get("OBJECTIVE", "supervised") == "contrastive"
WARMUP_STEPS = 5
warnings.filterwarnings("ignore", message="Failed to save extra arguments")


def optimizer_for(model):
    decay = [p for p in model.parameters() if p.requires_grad and p.dim() >= 2]
    plain = [p for p in model.parameters() if p.requires_grad and p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": 0.01},
                              {"params": plain, "weight_decay": 0.0}], lr=1e-3)


def contrastive_loss(model, out, batch):
    """Every pair of modalities over the rows that have both; rows sharing a file are not negatives."""
    scale = model.embedding_heads.logit_scale.float().exp().clamp(max=100.0)
    present, sources = batch["present"] > 0.5, batch["sources"]
    embeds = [out["embed/text"].float(), out["embed/image"].float(), out["embed/audio"].float()]
    total, used = scale * 0.0, 0
    for a in range(3):
        for b in range(a + 1, 3):
            rows = (present[:, a] & present[:, b]).nonzero().squeeze(1)
            if rows.numel() < 2:
                continue
            logits = scale * embeds[a][rows] @ embeds[b][rows].t()
            sa, sb = sources[rows, a], sources[rows, b]
            shared = (sa[:, None] == sa[None, :]) | (sb[:, None] == sb[None, :])
            eye = torch.eye(rows.numel(), dtype=torch.bool)
            logits = logits.masked_fill(shared & ~eye, float("-inf"))
            targets = torch.arange(rows.numel())
            total = total + 0.5 * (F.cross_entropy(logits, targets) + F.cross_entropy(logits.t(), targets))
            used += 1
    return total / used if used else total


def train_step(model, opt, batch, params, step, total):
    lr = 1e-4 + (1e-3 - 1e-4) * 0.5 * (1 + math.cos(math.pi * min(1.0, step / max(1, total))))
    for group in opt.param_groups:
        group["lr"] = lr
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=BF16):
        out = model(batch["text"], batch["image"], batch["audio"], batch["present"])
    loss = contrastive_loss(model, out, batch) if CONTRASTIVE else F.cross_entropy(out["logits"].float(), batch["labels"])
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    return loss.item()


def forward_flops(model, batch):
    from torch.profiler import profile, ProfilerActivity
    with torch.no_grad(), profile(activities=[ProfilerActivity.CPU], with_flops=True) as prof:
        model(batch["text"], batch["image"], batch["audio"], batch["present"])
    return sum(event.flops for event in prof.key_averages() if event.flops)


def sgemm_gflops():
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    for _ in range(3):
        a @ b
    start, n = time.perf_counter(), 20
    for _ in range(n):
        a @ b
    return 2 * 1024 ** 3 * n / (time.perf_counter() - start) / 1e9


def steady(model_path, batches_path):
    model = torch.jit.load(model_path)
    model.train()
    batches = torch.load(batches_path)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = optimizer_for(model)
    rounds = 2  # twice over the batches: enough steps after warm-up on a noisy machine
    total = rounds * len(batches)
    step = 0
    for _ in range(rounds):
        for batch in batches:
            if step == WARMUP_STEPS:
                start, samples = time.perf_counter(), 0
            train_step(model, opt, batch, params, step, total)
            if step >= WARMUP_STEPS:
                samples += batch["labels"].numel()
            step += 1
    seconds = time.perf_counter() - start
    batch_size = batches[0]["labels"].numel()
    flops_per_sample = 3 * forward_flops(model, batches[0]) / batch_size
    return {"samples_per_second": samples / seconds, "steps_timed": step - WARMUP_STEPS,
            "train_flops_per_sample": flops_per_sample, "sgemm_peak_gflops": sgemm_gflops()}


class RawFiles(torch.utils.data.Dataset):
    """Decodes one sample from the dataset folder as a typical PyTorch project would."""

    def __init__(self, root, rows, meta):
        self.root, self.rows = root, rows
        pre = meta["preprocess"]
        self.size, self.text_length = pre["image_size"], pre["text_length"]
        self.vocab = pre["vocab_size"]
        self.mean = np.array(pre["image_mean"], np.float32).reshape(3, 1, 1)
        self.std = np.array(pre["image_std"], np.float32).reshape(3, 1, 1)
        self.mel_mean, self.mel_std = pre["mel_mean"], pre["mel_std"]
        self.frames, self.hop, self.win, self.nfft = pre["audio_frames"], pre["hop_length"], pre["window_length"], pre["fft_size"]
        self.rate, self.mels = pre["sample_rate"], pre["mel_bins"]
        self.labels = {name: i for i, name in enumerate(meta["labels"])}
        self.bank = None

    def mel_bank(self):
        def hz_to_mel(hz): return 2595.0 * math.log10(1.0 + hz / 700.0)
        def mel_to_hz(m): return 700.0 * (10 ** (m / 2595.0) - 1.0)
        top = hz_to_mel(self.rate / 2)
        edges = [mel_to_hz(top * i / (self.mels + 1)) for i in range(self.mels + 2)]
        freqs = np.arange(self.nfft // 2 + 1) * self.rate / self.nfft
        bank = np.zeros((self.mels, self.nfft // 2 + 1), dtype=np.float32)
        for m in range(self.mels):
            lo, mid, hi = edges[m], edges[m + 1], edges[m + 2]
            bank[m] = np.maximum(0, np.minimum((freqs - lo) / (mid - lo), (hi - freqs) / (hi - mid)))
        return torch.from_numpy(bank), torch.hann_window(self.win, periodic=True)

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        if self.bank is None:
            torch.set_num_threads(1)
            cv2.setNumThreads(1)
            self.bank = self.mel_bank()
        row = self.rows[i]
        words = re.findall(r"\w+", row["text"].lower())
        ids = [2 + hash(w) % (self.vocab - 2) for w in words][: self.text_length]
        text = torch.tensor(ids + [0] * (self.text_length - len(ids)), dtype=torch.int64)
        img = cv2.cvtColor(cv2.imread(os.path.join(self.root, row["image"]), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
        img = cv2.resize(img, (self.size, self.size), interpolation=cv2.INTER_AREA)
        image = torch.from_numpy((img.transpose(2, 0, 1).astype(np.float32) / 255.0 - self.mean) / self.std)
        data, rate = soundfile.read(os.path.join(self.root, row["audio"]), dtype="float32", always_2d=True)
        mono = torch.from_numpy(data.mean(axis=1))
        bank, window = self.bank
        spec = torch.stft(mono, self.nfft, self.hop, self.win, window, center=False, return_complex=True)
        mel = torch.log(torch.clamp(bank @ spec.abs().pow(2), min=1e-10))
        mel = F.pad(mel, (0, max(0, self.frames - mel.shape[1])))[:, : self.frames]
        audio = ((mel - self.mel_mean) / self.mel_std).unsqueeze(0)
        return {"text": text, "image": image, "audio": audio, "present": torch.ones(3),
                "labels": torch.tensor(self.labels[row["label"]])}


def first_epoch(model_path, root):
    start = time.perf_counter()
    extra = {"fusionscope/meta.json": ""}
    model = torch.jit.load(model_path, _extra_files=extra)
    meta = json.loads(extra["fusionscope/meta.json"])
    with open(os.path.join(root, "manifest.jsonl"), encoding="utf-8") as f:
        rows = [r for r in map(json.loads, filter(str.strip, f)) if r.get("split") == "train"]
    loader = torch.utils.data.DataLoader(RawFiles(root, rows, meta), batch_size=64, shuffle=True, drop_last=True,
                                         num_workers=os.cpu_count(), persistent_workers=False)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    opt = optimizer_for(model)
    steps = 0
    for step, batch in enumerate(loader):
        train_step(model, opt, batch, params, step, len(loader))
        steps += 1
    return {"first_epoch_seconds": time.perf_counter() - start, "steps": steps,
            "workers": os.cpu_count()}


def main():
    torch.set_num_threads(THREADS)
    mode, model_path, data = sys.argv[1:4]
    result = steady(model_path, data) if mode == "steady" else first_epoch(model_path, data)
    result["threads"] = torch.get_num_threads()
    result["precision"] = "bf16" if BF16 else "fp32"
    result["objective"] = "contrastive" if CONTRASTIVE else "supervised"
    result["openblas_threads"] = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
