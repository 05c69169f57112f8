/* SPDX-License-Identifier: Apache-2.0 */
/* libtrustchain: the chain of trust for confidential VMs (AMD SEV-SNP, Intel TDX). */
#ifndef TRUSTCHAIN_H
#define TRUSTCHAIN_H

#include "trustchain/err.h"
#include "trustchain/util.h"

#define TC_VERSION "0.1.0"

/* The library's version string (may differ from TC_VERSION if linked dynamically). */
const char *tc_version(void);

#endif
