#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the synthetic firmware images of fuzz/corpus/ovmf/ (the fuzz seeds, also measured by the
reference tool in tests/data/measure-grid.tsv).

Each image is 4 KiB (or a few pages): a body, then, at its end, the OVMF footer GUID table
(entries {data, u16 size, GUID} walked backwards from the footer entry that ends 32 bytes before
the end of the image) and the SEV metadata ("ASEV" header + {gpa, size, type} sections) that the
table's SEV-metadata entry locates by its distance from the end of the image.
Layouts as in edk2 OvmfPkg/ResetVector (Ia16/ResetVectorVtf0.asm, X64/OvmfSevMetadata.asm).

usage: tests/tools/gen-ovmf-corpus.py [OUTDIR]   (default fuzz/corpus/ovmf)
"""
import os
import struct
import sys
import uuid

FOOTER = "96b582de-1fb2-45f7-baea-a366c55a082d"
HASHES = "7255371f-3a3b-4b04-927b-1da6efa8d454"
RESET = "00f771de-1a7e-4fcb-890e-68c77e2fb44e"
META = "dc886566-984a-4798-a75e-5585a7bf67cc"
SVSM_INFO = "a789a612-0597-4c4b-a49f-cbb1fe9d1ddd"
OTHER = "4c2eb361-7d9b-4cc3-8081-127c90d3d294"

SEC_MEM, SECRETS, CPUID, CAA, KHASHES = 1, 2, 3, 4, 0x10


def guid(s):
    return uuid.UUID(s).bytes_le


def image(entries, meta=None, size=4096, meta_at=0x800, body=b"\xcc", footer_delta=0,
          meta_sig=b"ASEV", meta_version=1, meta_size_delta=0, meta_count=None, meta_from_end=None):
    """entries: [(guid, data)], first = farthest from the footer.  meta: [(gpa, size, type)]."""
    img = bytearray((body * size)[:size])
    if meta is not None:
        count = len(meta) if meta_count is None else meta_count
        hdr = meta_sig + struct.pack("<III", 16 + 12 * len(meta) + meta_size_delta, meta_version,
                                     count)
        blob = hdr + b"".join(struct.pack("<III", *s) for s in meta)
        img[meta_at:meta_at + len(blob)] = blob
        from_end = size - meta_at if meta_from_end is None else meta_from_end
        entries = entries + [(META, struct.pack("<I", from_end))]
    table = b"".join(data + struct.pack("<H", len(data) + 18) + guid(g) for g, data in entries)
    table += struct.pack("<H", len(table) + 18 + footer_delta) + guid(FOOTER)
    end = size - 32
    img[end - len(table):end] = table
    return bytes(img)


def ovmf_entries(hashes=(0x810C00, 0x400), reset=0x80B004):
    e = [(OTHER, struct.pack("<II", 0, 0))]
    if hashes is not None:
        e.append((HASHES, struct.pack("<II", *hashes)))
    if reset is not None:
        e.append((RESET, struct.pack("<I", reset)))
    return e


AMDSEV_META = [(0x800000, 0x9000, SEC_MEM), (0x80A000, 0x3000, SEC_MEM), (0x80D000, 0x1000, SECRETS),
               (0x80E000, 0x1000, CPUID), (0x80F000, 0x1000, CAA), (0x810000, 0x1000, KHASHES),
               (0x811000, 0xF000, SEC_MEM)]
PLAIN_META = [(0x800000, 0x9000, SEC_MEM), (0x80A000, 0x3000, SEC_MEM), (0x80D000, 0x1000, SECRETS),
              (0x80E000, 0x1000, CPUID), (0x80F000, 0x11000, SEC_MEM)]


def seeds():
    # Valid: measurable by the reference and by trustchain alike.
    yield "kernel_hashes.bin", image(ovmf_entries(), AMDSEV_META)
    yield "no_kernel_hashes.bin", image(ovmf_entries(hashes=(0, 0)), PLAIN_META)
    yield "no_hashes_entry.bin", image(ovmf_entries(hashes=None), PLAIN_META)
    yield "three_pages.bin", image(ovmf_entries(), AMDSEV_META, size=3 * 4096, meta_at=0x2400,
                                   body=bytes(range(256)))
    yield "cpuid_first.bin", image(ovmf_entries(reset=0x80B104),
                                   [(0x80E000, 0x1000, CPUID), (0x800000, 0x1000, SEC_MEM),
                                    (0x801000, 0x1000, SECRETS)])
    yield "reset_zero.bin", image(ovmf_entries(reset=0), PLAIN_META)  # one vCPU only
    yield "svsm_like.bin", image([(OTHER, b"\xef\xbe\xad\xde\0\0\0\0"), (SVSM_INFO, b"\0\x10\0\0"),
                                  (RESET, struct.pack("<I", 0xFFFFFFF0))],
                                 [(0x0, 0x9E000, SEC_MEM), (0x9E000, 0x1000, SECRETS),
                                  (0x9F000, 0x1000, CPUID)], size=2 * 4096, meta_at=0x1f00)
    # Refused by trustchain (the reference may still print a digest for some: see the grid).
    yield "no_table.bin", bytes(4096)
    yield "no_metadata.bin", image(ovmf_entries())
    yield "no_reset_block.bin", image(ovmf_entries(reset=None), PLAIN_META)
    yield "bad_signature.bin", image(ovmf_entries(), PLAIN_META, meta_sig=b"ASEW")
    yield "bad_version.bin", image(ovmf_entries(), PLAIN_META, meta_version=2)
    yield "size_mismatch.bin", image(ovmf_entries(), PLAIN_META, meta_size_delta=12)
    yield "count_too_big.bin", image(ovmf_entries(), PLAIN_META, meta_count=1000)
    yield "unknown_type.bin", image(ovmf_entries(), PLAIN_META + [(0x900000, 0x1000, 7)])
    yield "overlap.bin", image(ovmf_entries(), PLAIN_META + [(0x808000, 0x2000, SEC_MEM)])
    yield "unaligned.bin", image(ovmf_entries(), [(0x800800, 0x1000, SEC_MEM)] + PLAIN_META[2:])
    yield "beyond_4g.bin", image(ovmf_entries(), PLAIN_META + [(0xFFFFF000, 0x2000, SEC_MEM)])
    yield "over_firmware.bin", image(ovmf_entries(), PLAIN_META + [(0xFFFFF000, 0x1000, SEC_MEM)])
    yield "two_cpuid.bin", image(ovmf_entries(), PLAIN_META + [(0x900000, 0x1000, CPUID)])
    yield "secrets_two_pages.bin", image(ovmf_entries(), [(0x80D000, 0x2000, SECRETS)])
    yield "hashes_outside_section.bin", image(ovmf_entries(hashes=(0x820C00, 0x400)), AMDSEV_META)
    yield "meta_offset_outside.bin", image(ovmf_entries(), PLAIN_META, meta_from_end=0x2000)
    yield "meta_offset_tiny.bin", image(ovmf_entries(), PLAIN_META, meta_from_end=8)
    yield "footer_too_big.bin", image(ovmf_entries(), PLAIN_META, footer_delta=1)
    yield "footer_too_small.bin", image(ovmf_entries(), PLAIN_META, footer_delta=-1)
    yield "duplicate_guid.bin", image(ovmf_entries() + [(RESET, struct.pack("<I", 1))], PLAIN_META)
    yield "reset_entry_5_bytes.bin", image(ovmf_entries(reset=None) + [(RESET, b"\x04\xb0\x80\0\0")],
                                           PLAIN_META)
    yield "odd_size.bin", image(ovmf_entries(), PLAIN_META, size=4000)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "fuzz/corpus/ovmf"
    os.makedirs(out, exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
