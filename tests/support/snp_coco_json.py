#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""SEV-SNP evidence in the JSON shape the Confidential Containers guest sends, written from a
raw 1184-byte report the way Rust's serde_json writes it, independently of the broker's
converter (src/broker/evidence_coco_snp.c), for the tests.

What it imitates (read in github.com/virtee/sev, tags v6.3.0 and v7.1.0, and
github.com/confidential-containers/guest-components attestation-agent/attester/src/snp/mod.rs):
  SnpEvidence { attestation_report: AttestationReport, cert_chain: Option<Vec<CertTableEntry>> }
  AttestationReport::from_bytes (src/firmware/guest/types/snp.rs): the generation from CPUID
    (Generation::identify_cpu, src/lib.rs) for version 3 and later, from CHIP_ID in version 2
    (bytes 8.. zero: Turin; all zero: an error); TcbVersion::from_legacy_bytes /
    from_turin_bytes (src/firmware/host/types/snp.rs); reserved bytes skipped; CPUID fields
    None in version 2; mitigation vectors None below version 5.
  serde: structs as objects in declaration order, [u8; N] / Array<u8, N> as arrays of numbers,
    the GuestPolicy/PlatformInfo/KeyInfo newtypes as plain numbers, Option as null,
    CertType (externally tagged enum) as "VCEK" ... or {"OTHER": "<uuid>"}, Vec<u8> as numbers.

usage: snp_coco_json.py [--sev 6.2|6.3] [--sort-keys] [--cert TYPE=FILE ...] [--no-chain]
                        REPORT.bin
  --sev 6.2     the shape of sev 6.0 to 6.2 (no launch_mit_vector/current_mit_vector keys)
  --sort-keys   key order of a serde_json::Value without preserve_order (BTreeMap)
  --cert        a cert_chain entry: TYPE is ARK, ASK, VCEK, VLEK, CRL, Empty or a UUID
                (written {"OTHER": uuid}); FILE is DER, or PEM (its first block, as DER)
  --no-chain    "cert_chain": null (the default when no --cert is given)
Prints the JSON on stdout; fails (non-zero exit) where the sev crate itself would fail to parse.
"""
import base64
import json
import re
import struct
import sys


def generation(rep):
    version = struct.unpack_from("<I", rep, 0)[0]
    if version in (0, 1):
        sys.exit("report version %d: sev refuses it" % version)
    if version == 2:
        chip = rep[0x1A0:0x1E0]
        if chip == bytes(64):
            sys.exit("version 2 with a masked CHIP_ID: sev cannot tell the generation")
        return "Turin" if chip[8:] == bytes(56) else "Genoa"
    family, model = rep[0x188], rep[0x189]
    if family == 0x19 and model <= 0x0F:
        return "Milan"
    if family == 0x19 and (0x10 <= model <= 0x1F or 0xA0 <= model <= 0xAF):
        return "Genoa"
    if family == 0x1A and model <= 0x11:
        return "Turin"
    sys.exit("CPUID family 0x%x model 0x%x: sev does not know it" % (family, model))


def tcb(b, gen):
    if gen == "Turin":
        return {"fmc": b[0], "bootloader": b[1], "tee": b[2], "snp": b[3], "microcode": b[7]}
    return {"fmc": None, "bootloader": b[0], "tee": b[1], "snp": b[6], "microcode": b[7]}


def version3(b):
    return {"major": b[2], "minor": b[1], "build": b[0]}


def report_json(rep, sev):
    if len(rep) != 1184:
        sys.exit("a report is 1184 bytes, not %d" % len(rep))
    gen = generation(rep)
    version = struct.unpack_from("<I", rep, 0)[0]
    u32 = lambda off: struct.unpack_from("<I", rep, off)[0]
    u64 = lambda off: struct.unpack_from("<Q", rep, off)[0]
    arr = lambda off, n: list(rep[off:off + n])
    r = {}
    r["version"] = version
    r["guest_svn"] = u32(0x04)
    r["policy"] = u64(0x08)
    r["family_id"] = arr(0x10, 16)
    r["image_id"] = arr(0x20, 16)
    r["vmpl"] = u32(0x30)
    r["sig_algo"] = u32(0x34)
    r["current_tcb"] = tcb(rep[0x38:0x40], gen)
    r["plat_info"] = u64(0x40)
    r["key_info"] = u32(0x48)
    r["report_data"] = arr(0x50, 64)
    r["measurement"] = arr(0x90, 48)
    r["host_data"] = arr(0xC0, 32)
    r["id_key_digest"] = arr(0xE0, 48)
    r["author_key_digest"] = arr(0x110, 48)
    r["report_id"] = arr(0x140, 32)
    r["report_id_ma"] = arr(0x160, 32)
    r["reported_tcb"] = tcb(rep[0x180:0x188], gen)
    v3 = version >= 3
    r["cpuid_fam_id"] = rep[0x188] if v3 else None
    r["cpuid_mod_id"] = rep[0x189] if v3 else None
    r["cpuid_step"] = rep[0x18A] if v3 else None
    r["chip_id"] = arr(0x1A0, 64)
    r["committed_tcb"] = tcb(rep[0x1E0:0x1E8], gen)
    r["current"] = version3(rep[0x1E8:0x1EB])
    r["committed"] = version3(rep[0x1EC:0x1EF])
    r["launch_tcb"] = tcb(rep[0x1F0:0x1F8], gen)
    if sev != "6.2":
        v5 = version >= 5
        r["launch_mit_vector"] = u64(0x1F8) if v5 else None
        r["current_mit_vector"] = u64(0x200) if v5 else None
    r["signature"] = {"r": arr(0x2A0, 72), "s": arr(0x2E8, 72)}
    return r


def cert_bytes(path):
    data = open(path, "rb").read()
    m = re.search(rb"-----BEGIN [A-Z ]+-----(.*?)-----END", data, re.S)
    return base64.b64decode(b"".join(m.group(1).split())) if m else data


UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def main(argv):
    sev, sort, certs, path = "6.3", False, [], None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--sev":
            i += 1
            sev = argv[i]
        elif a == "--sort-keys":
            sort = True
        elif a == "--no-chain":
            certs = None
        elif a == "--cert":
            i += 1
            kind, f = argv[i].split("=", 1)
            if UUID.match(kind):
                ct = {"OTHER": kind.lower()}
            elif kind in ("ARK", "ASK", "VCEK", "VLEK", "CRL", "Empty"):
                ct = kind
            else:
                sys.exit("unknown cert type " + kind)
            certs.append({"cert_type": ct, "data": list(cert_bytes(f))})
        else:
            path = a
        i += 1
    if path is None:
        sys.exit(__doc__)
    ev = {"attestation_report": report_json(open(path, "rb").read(), sev),
          "cert_chain": certs if certs else None}
    sys.stdout.write(json.dumps(ev, separators=(",", ":"), sort_keys=sort))


if __name__ == "__main__":
    main(sys.argv[1:])
