#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The main job on embedded defaults (README: `make demo`).
set -eu
build=${1:-build}
tc="$build/trustchain"
ovmf=/usr/share/ovmf/OVMF.fd
echo "== measure: expected SEV-SNP launch digest of Debian's OVMF ($ovmf), 1 vCPU EPYC-v4"
digest=$("$tc" measure --mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$ovmf")
echo "$digest"
echo "(the MEASUREMENT an SNP attestation report carries for a QEMU guest booted from this firmware alone: 1 EPYC-v4 vCPU, guest features 0x1, no kernel hashes; as sev-snp-measure computes it)"
