/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resource policies: several JSON documents, each covering some resource
 * paths, each deciding from the attestation token's claims.
 *
 *   {"id": "prod-keys",
 *    "resources": ["prod/x/y", "default/key/disk"],  (fnmatch globs, * within a segment)
 *    "match": "all" | "any",                        (default "all")
 *    "rules": [ {"claim": "/submods/cpu0/ear.status", "in": ["affirming"]}, ... ]}
 *
 * Decision for a path: the policies whose "resources" match it apply; with
 * none, the request is denied (default deny); otherwise every applicable
 * policy must allow.  A policy allows when all (or any) of its rules hold.
 */
#ifndef TC_BROKER_POLICY_H
#define TC_BROKER_POLICY_H

#include <stddef.h>

#include <jansson.h>

#include "trustchain/err.h"

#define TC_POLICY_ID_MAX 64

TC_MUST_USE tc_err tc_resource_policy_check(const json_t *doc);

/*
 * Decide for path ("repo/type/tag") from claims.  docs: array of policy
 * documents (invalid ones deny).  why receives the reason (the policy and
 * rule that decided).
 */
TC_MUST_USE tc_err tc_resource_policy_decide(const json_t *docs, const char *path,
                                             const json_t *claims, int *allow, char *why,
                                             size_t whylen);

/* 1 if s is a valid resource path segment: [A-Za-z0-9._-]{1,128}, not "." or "..". */
int tc_resource_segment_ok(const char *s, size_t n);

#endif
