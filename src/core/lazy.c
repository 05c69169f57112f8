/* SPDX-License-Identifier: Apache-2.0 */
#include <dlfcn.h>
#include <stdio.h>

#include "core/lazy.h"

tc_err tc_lazy_load(struct tc_lazy *l)
{
    int state;

    pthread_mutex_lock(&l->mu);
    if (l->state == 0) {
        void *h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
        size_t i;

        l->state = -1;
        if (h == NULL) {
            snprintf(l->why, sizeof(l->why), "%s is not installed (%s)", l->soname, dlerror());
        } else {
            for (i = 0; i < l->n; i++) {
                *l->slots[i] = dlsym(h, l->names[i]);
                if (*l->slots[i] == NULL) {
                    snprintf(l->why, sizeof(l->why), "%s lacks %s", l->soname, l->names[i]);
                    break;
                }
            }
            if (i == l->n) {
                l->state = 1;
            }
            /* The handle stays open for the life of the process (the pointers live on). */
        }
    }
    state = l->state;
    pthread_mutex_unlock(&l->mu);
    if (state != 1) {
        return tc_fail(TC_ERR_IO, "%s", l->why);
    }
    return TC_ERR_OK;
}
