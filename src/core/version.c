/* SPDX-License-Identifier: Apache-2.0 */
#include "trustchain/trustchain.h"

const char *tc_version(void)
{
    return TC_VERSION;
}
