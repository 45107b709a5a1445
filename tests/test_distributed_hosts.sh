#!/usr/bin/env bash
# Two hosts on one machine: two network namespaces joined by a veth pair, one rank in each,
# started as a user starts a manual multi-host run (--nnodes 2 --node-rank K --master ADDR:PORT,
# GLOO_SOCKET_IFNAME naming each side's interface). The run must equal one process's, as on
# loopback (tests/test_distributed.cpp). Skipped (77) where namespaces are unavailable.
# Usage: test_distributed_hosts.sh FUSIONSCOPE_BINARY PEER_PYTHON
set -euo pipefail
fusionscope=$1
python=$2
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "network namespaces need root"
command -v ip >/dev/null || skip "iproute2 (ip) is not installed"
"$python" -c 'import torch' 2>/dev/null || skip "$python has no torch to compare the models"
a=fsa$$
b=fsb$$
ip netns add "$a" 2>/dev/null || skip "cannot create network namespaces here"
work=$(mktemp -d)
cleanup() {
  ip netns del "$a" 2>/dev/null || true
  ip netns del "$b" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# A container may allow namespaces but not veth pairs or addresses: that is a skip, not a failure.
{
  ip netns add "$b" &&
  ip link add va$$ type veth peer name vb$$ &&
  ip link set va$$ netns "$a" &&
  ip link set vb$$ netns "$b" &&
  ip -n "$a" addr add 10.77.0.1/24 dev va$$ &&
  ip -n "$b" addr add 10.77.0.2/24 dev vb$$ &&
  ip -n "$a" link set lo up && ip -n "$b" link set lo up &&
  ip -n "$a" link set va$$ up &&
  ip -n "$b" link set vb$$ up
} || skip "cannot join two network namespaces with a veth pair here"

export FUSIONSCOPE_NO_PROGRESS=1
"$fusionscope" demo-data --out "$work/data" --samples 216 --image-size 32 --threads 1 >/dev/null
cat > "$work/config.json" <<'JSON'
{"model":{"dim":32,"heads":2,"image_size":32,"norm":"group","dropout":0},
 "train":{"batch_size":48,"precision":"fp32","learning_rate":0.00005,"modality_dropout":0}}
JSON
common=("$work/data" --fusion concat --epochs 10 --config "$work/config.json" --threads 1)
"$fusionscope" train "${common[@]}" --out "$work/one" >/dev/null
"$fusionscope" train "${common[@]}" --out "$work/loopback" --nproc-per-node 2 >/dev/null 2>&1

# Node 1 joins node 0 across the veth pair; rank 0 (node 0) owns the run folder.
ip netns exec "$a" env GLOO_SOCKET_IFNAME=va$$ "$fusionscope" train "${common[@]}" --out "$work/two" \
  --nproc-per-node 1 --nnodes 2 --node-rank 0 --master 10.77.0.1:29561 >"$work/node0.log" 2>&1 &
node0=$!
status=0
ip netns exec "$b" env GLOO_SOCKET_IFNAME=vb$$ "$fusionscope" train "${common[@]}" --out "$work/two" \
  --nproc-per-node 1 --nnodes 2 --node-rank 1 --master 10.77.0.1:29561 >"$work/node1.log" 2>&1 || status=$?
wait "$node0" || status=$?
if [ "$status" != 0 ]; then
  echo "FAIL: the two-host run exited $status"; cat "$work/node0.log" "$work/node1.log"; exit 1
fi
grep -q "distributed: rank 0 of 2 (environment, Gloo at 10.77.0.1:29561)" "$work/node0.log" || {
  echo "FAIL: node 0 did not say it ran as rank 0 of 2 across the veth pair"; cat "$work/node0.log"; exit 1; }
# Equal to one process's run within the loopback bar, and to the same two ranks on loopback exactly:
# the network changes nothing but the wire.
"$python" - "$work/one/model.pt" "$work/loopback/model.pt" "$work/two/model.pt" <<'PY'
import sys, torch
def flat(path):
    return torch.cat([p.detach().flatten() for _, p in torch.jit.load(path).named_parameters()])
one, loopback, hosts = (flat(p) for p in sys.argv[1:4])
distance = ((one - hosts).norm() / one.norm()).item()
wire = (loopback - hosts).abs().max().item()
print(f"two hosts: parameters {distance:.2e} (relative) from one process's, {wire:.1e} from two ranks on loopback")
sys.exit(0 if distance < 1e-5 and wire == 0.0 else 1)
PY
