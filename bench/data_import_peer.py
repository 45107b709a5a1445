#!/usr/bin/python3
"""Python peer of bench_data_import: the same decode + preprocess work with the usual
Python stack (OpenCV for images, soundfile for audio, Debian's torch for the log-mel), a
process pool over all cores. Prints one JSON object."""
import json, math, multiprocessing as mp, os, sys, time

import cv2
import numpy as np
import soundfile
import torch

SIZE, RATE, WIN, HOP, NFFT, MELS = 64, 16000, 400, 160, 512, 64


def mel_filterbank():
    def hz_to_mel(hz): return 2595.0 * math.log10(1.0 + hz / 700.0)
    def mel_to_hz(m): return 700.0 * (10 ** (m / 2595.0) - 1.0)
    edges = [mel_to_hz(hz_to_mel(0) + (hz_to_mel(8000) - hz_to_mel(0)) * i / (MELS + 1)) for i in range(MELS + 2)]
    freqs = np.arange(NFFT // 2 + 1) * RATE / NFFT
    bank = np.zeros((MELS, NFFT // 2 + 1), dtype=np.float32)
    for m in range(MELS):
        lo, mid, hi = edges[m], edges[m + 1], edges[m + 2]
        up = (freqs - lo) / (mid - lo)
        down = (hi - freqs) / (hi - mid)
        bank[m] = np.maximum(0, np.minimum(up, down))
    return torch.from_numpy(bank)


BANK = None
WINDOW = None


def init():
    global BANK, WINDOW
    torch.set_num_threads(1)
    cv2.setNumThreads(1)
    BANK = mel_filterbank()
    WINDOW = torch.hann_window(WIN, periodic=True)


def work(item):
    root, sample = item
    if sample.get("image"):
        img = cv2.imread(os.path.join(root, sample["image"]), cv2.IMREAD_COLOR)
        img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
        img = cv2.resize(img, (SIZE, SIZE), interpolation=cv2.INTER_AREA)
        torch.from_numpy(img).permute(2, 0, 1).contiguous()
    if sample.get("audio"):
        data, rate = soundfile.read(os.path.join(root, sample["audio"]), dtype="float32", always_2d=True)
        mono = data.mean(axis=1)
        if rate != RATE:
            n = int(len(mono) * RATE / rate)
            mono = np.interp(np.linspace(0, len(mono) - 1, n), np.arange(len(mono)), mono).astype(np.float32)
        spec = torch.stft(torch.from_numpy(mono), NFFT, HOP, WIN, WINDOW, center=False, return_complex=True)
        torch.log(torch.clamp(BANK @ spec.abs().pow(2), min=1e-10))
    return 1


def main():
    root = sys.argv[1]
    with open(os.path.join(root, "manifest.jsonl"), encoding="utf-8") as f:
        samples = [json.loads(line) for line in f if line.strip()]
    start = time.perf_counter()
    with mp.Pool(os.cpu_count(), initializer=init) as pool:
        done = sum(pool.imap_unordered(work, [(root, s) for s in samples], chunksize=32))
    seconds = time.perf_counter() - start
    print(json.dumps({"samples": done, "seconds": seconds, "samples_per_second": done / seconds,
                      "processes": os.cpu_count()}))


if __name__ == "__main__":
    main()
