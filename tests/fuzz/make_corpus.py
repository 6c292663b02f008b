#!/usr/bin/env python3
"""Writes the fuzz_decoder seed corpus from the golden vectors (tests/vectors/*.txt).

Each seed is the setup byte fuzz_decoder expects (bit 0: 5.0) followed by one record's bytes,
plus one seed per version with all valid records of that version back to back.
Run from anywhere: python3 tests/fuzz/make_corpus.py
"""
import pathlib
import re

HERE = pathlib.Path(__file__).resolve().parent
VECTORS = HERE.parent / "vectors"
OUT = HERE / "corpus" / "decoder"


def records(path):
    out = []
    current = None
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.match(r"^([a-z_]+):\s*(.*)$", line)
        if m:
            key, value = m.groups()
            if key == "name":
                current = {"name": value, "bytes": bytearray(), "version": "4"}
                out.append(current)
            else:
                current[key] = value
        else:
            current["bytes"].extend(int(tok, 16) for tok in line.split())
    return out


def main():
    # Only the named seeds are (re)written: units merged in by fuzzing campaigns stay.
    OUT.mkdir(parents=True, exist_ok=True)
    streams = {"4": bytearray(), "5": bytearray()}
    for path in sorted(VECTORS.glob("*.txt")):
        for rec in records(path):
            setup = 1 if rec["version"] == "5" else 0
            if "max_packet_size" in rec:
                setup |= 2
            (OUT / rec["name"]).write_bytes(bytes([setup]) + rec["bytes"])
            if rec.get("expect", "ok") == "ok":
                streams[rec["version"]].extend(rec["bytes"])
    for version, stream in streams.items():
        setup = 1 if version == "5" else 0
        (OUT / f"stream_v{version}").write_bytes(bytes([setup | 0x40]) + stream)


if __name__ == "__main__":
    main()
