#!/usr/bin/env python3
"""Recompute an exchange listing's priority lot (L-18) from the log, independently of the server.

Usage: verify-lot.py BASE_URL LISTING_ID [TOKEN]

The lot's seed is SHA-256 of
    "rights-exchange/priority-lot/v1\n<listing>\n<tree size>\n<root hash, base64>\n"
and each claimant's place is SHA-256(seed || intent ID), lowest first. This script
  1. reads the listing and its logged lot (tree size, root hash, order),
  2. checks that the root hash is the log's root at that size: an RFC 9162 consistency proof from
     that size to the latest checkpoint, verified here against the checkpoint's root,
  3. recomputes the seed and the order and compares them with what the exchange logged.
Exit 0 and print the order when everything agrees; exit 1 naming what does not.
"""
import base64
import hashlib
import json
import sys
import urllib.request


def get(base, path, token):
    request = urllib.request.Request(base + path)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request) as response:
        return response.read()


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def consistent(first, second, first_hash, second_hash, proof):
    """RFC 9162 §2.1.4.2."""
    if first == second:
        return not proof and first_hash == second_hash
    if not proof:
        return False
    if first & (first - 1) == 0:
        proof = [first_hash] + proof
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node(c, fr)
            sr = node(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_hash and sr == second_hash


def main():
    base, listing_id = sys.argv[1].rstrip("/"), sys.argv[2]
    token = sys.argv[3] if len(sys.argv) > 3 else None
    listing = json.loads(get(base, "/v1/listings/" + listing_id, token))
    lot = listing.get("lot")
    if not lot:
        sys.exit("no lot on " + listing_id)
    size, root_b64 = lot["tree_size"], lot["root_hash"]
    note = get(base, "/v1/log/checkpoint", token).decode()
    lines = note.split("\n")
    latest_size, latest_root = int(lines[1]), base64.b64decode(lines[2])
    proof = json.loads(get(base, f"/v1/log/proofs/consistency?from={size}&to={latest_size}", token))
    hashes = [base64.b64decode(h) for h in proof["hashes"]]
    if not consistent(size, latest_size, base64.b64decode(root_b64), latest_root, hashes):
        sys.exit(f"the lot's root at size {size} is not the log's (no consistency with checkpoint {latest_size})")
    statement = f"rights-exchange/priority-lot/v1\n{listing_id}\n{size}\n{root_b64}\n".encode()
    seed = hashlib.sha256(statement).digest()
    if seed.hex() != lot["seed"]:
        sys.exit("seed differs: " + seed.hex())
    order = sorted(lot["order"], key=lambda i: (hashlib.sha256(seed + i.encode()).hexdigest(), i))
    if order != lot["order"]:
        sys.exit(f"order differs: recomputed {order}, logged {lot['order']}")
    print(json.dumps({"listing": listing_id, "tree_size": size, "seed": seed.hex(), "order": order}))


if __name__ == "__main__":
    main()
