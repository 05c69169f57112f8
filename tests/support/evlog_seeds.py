#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write synthetic event logs (and a CCEL table) as fuzz seeds: fuzz/corpus/eventlog/.
usage: evlog_seeds.py DIR"""
import hashlib
import os
import struct
import sys

ALGS = {4: ("sha1", 20), 11: ("sha256", 32), 12: ("sha384", 48)}


def header(index, algs):
    spec = b"Spec ID Event03\0" + struct.pack("<IBBBBI", 0, 0, 2, 0, 2, len(algs))
    for a in algs:
        spec += struct.pack("<HH", a, ALGS[a][1])
    spec += b"\0"
    return struct.pack("<II", index, 3) + bytes(20) + struct.pack("<I", len(spec)) + spec


def event(index, etype, algs, data):
    out = struct.pack("<III", index, etype, len(algs))
    for a in algs:
        out += struct.pack("<H", a) + hashlib.new(ALGS[a][0], data).digest()
    return out + struct.pack("<I", len(data)) + data


def uefi_var(name, data):
    guid = bytes.fromhex("61dfe48bca93d211aa0d00e098032b8c")
    n = name.encode("utf-16-le")
    return guid + struct.pack("<QQ", len(name), len(data)) + n + data


def main(d):
    os.makedirs(d, exist_ok=True)
    cc = [12]
    log = header(1, cc)
    log += event(1, 0x8000000B, cc, b"\x08TdxTable" + bytes(24))
    log += event(1, 0x8000000A, cc, b"\x05Fv(x)" + struct.pack("<QQ", 0xFFE00000, 0x20000))
    log += event(1, 0x80000001, cc, uefi_var("SecureBoot", b"\x01"))
    log += event(1, 4, cc, bytes(4))
    log += event(2, 0x80000007, cc, b"Calling EFI Application from Boot Option")
    log += event(2, 0x80000003, cc, struct.pack("<QQQQ", 0xBCB5C018, 924688, 0, 0))
    log += event(2, 0x80000006, cc, bytes(92) + struct.pack("<Q", 2) + bytes(8))
    log += event(3, 0xD, cc, b"grub_cmd: linux /vmlinuz console=ttyS0")
    log += event(4, 0xD, cc, b"runtime")
    with open(os.path.join(d, "cc_log"), "wb") as f:
        f.write(log + b"\xff" * 64)
    tpm = [4, 11]
    log = header(0, tpm)
    log += struct.pack("<III", 0, 3, 0) + struct.pack("<I", 17) + b"StartupLocality\0\x03"
    log += event(0, 8, tpm, "1.0".encode("utf-16-le"))
    log += event(7, 0x800000E0, tpm, uefi_var("db", b"cert"))
    log += event(4, 0x80000009, tpm, struct.pack("<Q", 1) + bytes(24))
    log += event(0, 0x80000008, tpm, struct.pack("<QQ", 0x820000, 0xE0000))
    with open(os.path.join(d, "tpm_log"), "wb") as f:
        f.write(log)
    sha1 = b""
    for i, data in enumerate([b"bios", b"\0\0\0\0", b"grub"]):
        sha1 += struct.pack("<II", i, 4 if i != 1 else 4) + hashlib.sha1(data).digest()
        sha1 += struct.pack("<I", len(data)) + data
    with open(os.path.join(d, "sha1_log"), "wb") as f:
        f.write(sha1)
    t = bytearray(56)
    t[0:4] = b"CCEL"
    t[4] = 56
    t[8] = 1
    t[10:16] = b"TESTID"
    t[36] = 2
    struct.pack_into("<QQ", t, 40, 0x40000, 0xBEDBF000)
    t[9] = (256 - sum(t) % 256) % 256
    with open(os.path.join(d, "ccel_table"), "wb") as f:
        f.write(bytes(t))


main(sys.argv[1])
