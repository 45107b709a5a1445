#!/usr/bin/python3
"""Python peer of bench/distributed.sh: torch.nn.parallel.DistributedDataParallel over Gloo,
2 processes of 1 thread on this machine, training the very same TorchScript export on the very
same global batches (each rank takes every 2nd row, as FusionScope's ranks do), AdamW, clipping.

  distributed_peer.py MODEL BATCHES [WORLD]
Prints one JSON object: global samples/s after warm-up steps."""
import json, os, sys, time, warnings

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F

WARMUP_STEPS = 5
warnings.filterwarnings("ignore")


def worker(rank, world, model_path, batches_path, port, results):
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
    model = torch.jit.load(model_path)
    model.train()
    # The export's embedding heads (the contrastive objective's) take no gradient from a
    # classification loss: DDP must be told, as a user of this model would have to.
    ddp = torch.nn.parallel.DistributedDataParallel(model, find_unused_parameters=True)
    batches = torch.load(batches_path)
    decay = [p for p in model.parameters() if p.requires_grad and p.dim() >= 2]
    plain = [p for p in model.parameters() if p.requires_grad and p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": plain, "weight_decay": 0.0}], lr=1e-3)
    params = decay + plain
    step, samples = 0, 0
    for _ in range(2):  # twice over the batches: enough steps after warm-up
        for batch in batches:
            if step == WARMUP_STEPS:
                dist.barrier()
                start, samples = time.perf_counter(), 0
            rows = slice(rank, None, world)
            out = ddp(batch["text"][rows], batch["image"][rows], batch["audio"][rows], batch["present"][rows])
            loss = F.cross_entropy(out["logits"].float(), batch["labels"][rows])
            opt.zero_grad()
            loss.backward()  # DDP averages the gradients, bucketed and overlapped with the backward
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            if step >= WARMUP_STEPS:
                samples += batch["labels"].numel()
            step += 1
    dist.barrier()
    if rank == 0:
        results.put({"samples_per_second": samples / (time.perf_counter() - start), "steps_timed": step - WARMUP_STEPS,
                     "world": world, "threads_per_process": 1})
    dist.destroy_process_group()


def main():
    model_path, batches_path = sys.argv[1], sys.argv[2]
    world = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    context = mp.get_context("spawn")
    results = context.Queue()
    mp.spawn(worker, args=(world, model_path, batches_path, port, results), nprocs=world, join=True)
    print(json.dumps(results.get()))


if __name__ == "__main__":
    main()
