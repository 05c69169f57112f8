/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one HTTP client (AMD KDS, Intel PCS/PCCS, the KBS client), on libcurl.
 *
 * libcurl is loaded with dlopen() on first use, not linked: it pulls in some
 * thirty shared libraries whose loading would cost every trustchain process
 * several milliseconds (measure, verify --offline) that never touch the network.
 */
#ifndef TC_CORE_HTTP_H
#define TC_CORE_HTTP_H

#include <stddef.h>

#include "trustchain/err.h"
#include "trustchain/util.h"

struct tc_http_req {
    const char *method; /* NULL = GET; "POST" sends body */
    const char *url;
    const char *const *headers; /* NULL-terminated "Name: value" list, or NULL */
    const void *body;           /* request body (POST) */
    size_t body_len;
    const char *protocols; /* NULL = "https,http" */
    long timeout_s;        /* 0 = 30 s for the whole transfer */
    long max_redirects;    /* 0 = do not follow redirects */
    size_t max_body;       /* response body cap; 0 = 16 MiB */
    unsigned retries;      /* extra attempts after HTTP 429/503 (0 = none) */
    unsigned backoff_ms;   /* first wait (0 = 1000 ms), doubled per retry */
    unsigned max_delay_ms; /* cap on one wait, also on Retry-After (0 = 60 s) */
    const char *capture;   /* a response header to capture (name, any case), or NULL */
};

struct tc_http_resp {
    long status; /* HTTP status; 0 for file:// */
    struct tc_buf body;
    char *captured; /* value of the captured header (malloc'd), or NULL */
};

/*
 * Perform the request.  TC_ERR_OK means a response arrived (whatever its
 * status: the caller judges it); TC_ERR_NETWORK a transport failure (or
 * libcurl missing); TC_ERR_TOO_LARGE a body over the cap.  resp is always
 * initialised; free it with tc_http_resp_free.
 */
TC_MUST_USE tc_err tc_http_do(const struct tc_http_req *req, struct tc_http_resp *resp);
void tc_http_resp_free(struct tc_http_resp *resp);

/* Percent-decode (RFC 3986 2.1) in place; returns the new length. */
size_t tc_url_decode(char *s);

#endif
