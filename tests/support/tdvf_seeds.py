#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write small synthetic TDVF images (OVMF footer GUID table + "TDVF" metadata) as fuzz seeds:
fuzz/corpus/tdvf/.  usage: tdvf_seeds.py DIR"""
import os
import struct
import sys
import uuid

FOOTER = uuid.UUID("96b582de-1fb2-45f7-baea-a366c55a082d")
TDX_METADATA = uuid.UUID("e47a6535-984a-4798-865e-4685a7bf8ec2")


def image(size, meta_at, sections):
    img = bytearray(size)
    for i in range(0x1000, min(size, 0x4000)):
        img[i] = (i * 7 + (i >> 8)) & 0xFF
    desc = b"TDVF" + struct.pack("<III", 16 + 32 * len(sections), 1, len(sections))
    for s in sections:
        desc += struct.pack("<IIQQII", *s)
    img[meta_at:meta_at + len(desc)] = desc
    end = size - 32
    # footer: [u16 total][footer GUID] ending 32 bytes before the end, preceded by one entry
    # [u32 distance from the end to the descriptor][u16 22][TDX metadata GUID]
    struct.pack_into("<H", img, end - 18, 18 + 22)
    img[end - 16:end] = FOOTER.bytes_le
    struct.pack_into("<IH", img, end - 40, size - meta_at, 22)
    img[end - 34:end - 18] = TDX_METADATA.bytes_le
    return bytes(img)


SEEDS = {
    # BFV extended, CFV, TD_HOB, TempMem (the shape of OVMF's metadata)
    "ovmf_like": image(0x5000, 0x100, [
        (0x1000, 0x2000, 0xFFFFD000, 0x2000, 0, 1),
        (0x3000, 0x1000, 0xFFFFC000, 0x1000, 1, 0),
        (0, 0, 0x809000, 0x2000, 2, 0),
        (0, 0, 0x800000, 0x6000, 3, 0),
    ]),
    # td-shim-like: payload with half a page of data, PAGE.AUG permanent memory
    "payload_aug": image(0x4000, 0x200, [
        (0x1000, 0x1800, 0x1100000, 0x2000, 5, 1),
        (0x2000, 0x100, 0x1200000, 0x1000, 6, 0),
        (0, 0, 0x10000000, 0x100000, 4, 2),
        (0, 0, 0x820000, 0x1000, 7, 0),
    ]),
}

if __name__ == "__main__":
    os.makedirs(sys.argv[1], exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(sys.argv[1], name), "wb") as f:
            f.write(data)
