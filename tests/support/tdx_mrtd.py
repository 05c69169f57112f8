#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Independent MRTD computation for a TDVF image, written from the specifications
(not from src/measure/tdvf.c), to cross-check `trustchain measure tdx`.

* OVMF footer GUID table (edk2 OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm): ends 32
  bytes before the end of the image with {u16 size, GUID 96b582de-...}; entries are
  {data, u16 size, GUID}, walked backwards.
* TDVF metadata (TDVF Design Guide, 11): the TDX metadata GUID entry holds a u32
  distance from the end of the image to the "TDVF" descriptor.
* MRTD (Intel TDX Module ABI spec, TDH.MEM.PAGE.ADD / TDH.MR.EXTEND): SHA-384 over
  128-byte buffers; PAGE.ADD = "MEM.PAGE.ADD" + GPA at byte 16; MR.EXTEND =
  "MR.EXTEND" + GPA at byte 16, followed by the 256 bytes of the chunk.

usage: tdx_mrtd.py FIRMWARE [per-page|two-pass]   -> prints the MRTD in hex
"""
import hashlib
import struct
import sys
import uuid

FOOTER = uuid.UUID("96b582de-1fb2-45f7-baea-a366c55a082d")
TDX_METADATA = uuid.UUID("e47a6535-984a-4798-865e-4685a7bf8ec2")


def guid_table(fw):
    end = len(fw) - 32
    if uuid.UUID(bytes_le=fw[end - 16:end]) != FOOTER:
        raise SystemExit("no OVMF footer table")
    total = struct.unpack_from("<H", fw, end - 18)[0]
    start = end - total
    pos = end - 18
    out = {}
    while pos > start:
        guid = uuid.UUID(bytes_le=fw[pos - 16:pos])
        size = struct.unpack_from("<H", fw, pos - 18)[0]
        out[guid] = fw[pos - size:pos - 18]
        pos -= size
    return out


def sections(fw):
    back = struct.unpack_from("<I", guid_table(fw)[TDX_METADATA], 0)[0]
    base = len(fw) - back
    sig, length, version, count = struct.unpack_from("<4sIII", fw, base)
    assert sig == b"TDVF" and version == 1 and length == 16 + 32 * count
    for i in range(count):
        yield struct.unpack_from("<IIQQII", fw, base + 16 + 32 * i)


def mrtd(fw, order):
    h = hashlib.sha384()

    def add(gpa):
        h.update(b"MEM.PAGE.ADD".ljust(16, b"\0") + struct.pack("<Q", gpa) + bytes(104))

    def extend(data, gpa, page):
        for c in range(0, 4096, 256):
            h.update(b"MR.EXTEND".ljust(16, b"\0") + struct.pack("<Q", gpa + page + c) + bytes(104))
            h.update(data[page + c:page + c + 256])

    for data_off, raw, gpa, size, kind, attrs in sections(fw):
        if attrs & 2 or kind == 4:  # PAGE.AUG or permanent memory: not added
            continue
        data = fw[data_off:data_off + raw].ljust(size, b"\0")
        pages = range(0, size, 4096)
        if order == "per-page":
            for p in pages:
                add(gpa + p)
                if attrs & 1:
                    extend(data, gpa, p)
        else:
            for p in pages:
                add(gpa + p)
            if attrs & 1:
                for p in pages:
                    extend(data, gpa, p)
    return h.hexdigest()


if __name__ == "__main__":
    with open(sys.argv[1], "rb") as f:
        image = f.read()
    print(mrtd(image, sys.argv[2] if len(sys.argv) > 2 else "per-page"))
