#!/usr/bin/env python3
"""Check a registry's log as an independent tlog-tiles client would (PyPI tlog-scales).

Usage: verify-tiles.py PREFIX_URL VKEY [ADMIN_TOKEN [OLD_SIZE OLD_ROOT_B64]]

PREFIX_URL is the log's tlog-tiles prefix (http://host:port/v1/log). The script reads the
checkpoint and verifies its Ed25519 signature against VKEY (C2SP vkey); checks that the
checkpoint has no extension lines; recomputes the root from the hash tiles; with an
administrator's token reads entries tiles and checks inclusion proofs built from the tiles for
the first, a middle and the last leaf; with an older tree head, checks a consistency proof built
from the tiles and the older root recomputed from partial tiles at that size.
Prints a JSON summary; exits non-zero on any failure.
"""
import base64
import json
import sys

from tlog_scales import backend, tiles
from tlog_scales.reader import TilesReader
from tlog_scales.signing import Vkey, VkeySet


def main():
    prefix, vkey_text = sys.argv[1], sys.argv[2]
    token = sys.argv[3] if len(sys.argv) > 3 else None
    http = backend.HttpBackend(prefix)
    if token:
        http.session.headers["Authorization"] = "Bearer " + token
    reader = TilesReader(http)
    note = http.get("checkpoint").decode()
    if note.split("\n")[3] != "":
        sys.exit("the checkpoint has extension lines")
    checkpoint = reader.get_checkpoint()
    vkey = Vkey.from_string(vkey_text.strip())
    if not VkeySet(vkey).verify(checkpoint.signatures, checkpoint):
        sys.exit("no valid signature by " + vkey.name)
    if reader.calculate_root_hash() != checkpoint.root_hash:
        sys.exit("the hash tiles do not give the checkpoint's root")
    summary = {"size": checkpoint.size, "root": base64.b64encode(checkpoint.root_hash).decode(), "inclusion": []}
    if token:
        for index in sorted({0, checkpoint.size // 2, checkpoint.size - 1}):
            leaf = reader.get_entry(index)
            reader.get_inclusion_proof(index, checkpoint.size).check(tiles.leaf_hash(leaf), checkpoint.root_hash)
            summary["inclusion"].append(index)
    if len(sys.argv) > 5:
        old_size, old_root = int(sys.argv[4]), base64.b64decode(sys.argv[5])
        older = TilesReader(http)
        older.set_size(old_size)
        if older.calculate_root_hash() != old_root:
            sys.exit(f"the tiles at size {old_size} do not give the older root")
        reader.get_consistency_proof(old_size, checkpoint.size).check(old_root, checkpoint.root_hash)
        summary["consistent_with"] = old_size
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
