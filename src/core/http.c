/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Calls go through function pointers, so curl's type-checking macros must be off. */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

#include "core/http.h"
#include "core/lazy.h"

#define HTTP_MAX_BODY ((size_t)16 << 20)
#define HTTP_MAX_HEADER ((size_t)64 << 10)

static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} cu;

static const char *const cu_names[] = {
    "curl_global_init",   "curl_easy_init",    "curl_easy_setopt",
    "curl_easy_perform",  "curl_easy_getinfo", "curl_easy_cleanup",
    "curl_easy_strerror", "curl_slist_append", "curl_slist_free_all",
};
static void **const cu_slots[] = {
    (void **)&cu.global_init,   (void **)&cu.easy_init,    (void **)&cu.easy_setopt,
    (void **)&cu.easy_perform,  (void **)&cu.easy_getinfo, (void **)&cu.easy_cleanup,
    (void **)&cu.easy_strerror, (void **)&cu.slist_append, (void **)&cu.slist_free_all,
};
static struct tc_lazy curl_lib =
    TC_LAZY_INIT("libcurl.so.4", cu_names, cu_slots, sizeof(cu_names) / sizeof(cu_names[0]));
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static CURLcode init_rc = CURLE_FAILED_INIT;

static void global_init(void)
{
    init_rc = cu.global_init(CURL_GLOBAL_DEFAULT);
}

/* Load libcurl and initialise it, once. */
static tc_err load(void)
{
    tc_err e = tc_lazy_load(&curl_lib);

    if (e != TC_ERR_OK) {
        return e;
    }
    pthread_once(&init_once, global_init);
    if (init_rc != CURLE_OK) {
        return tc_fail(TC_ERR_INTERNAL, "libcurl initialisation failed");
    }
    return TC_ERR_OK;
}

struct sink {
    struct tc_http_resp *resp;
    const char *capture;
    size_t capture_len;
    long retry_after_s; /* -1 if absent */
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct sink *s = ud;

    if (tc_buf_append(&s->resp->body, p, size * n) != TC_ERR_OK) {
        return 0; /* over the cap: curl aborts with CURLE_WRITE_ERROR */
    }
    return size * n;
}

/* The value of "Name: value\r\n" if the line's name is name (any case), else NULL. */
static const char *header_value(const char *p, size_t len, const char *name, size_t nlen,
                                size_t *vlen)
{
    size_t i;

    if (len <= nlen || strncasecmp(p, name, nlen) != 0 || p[nlen] != ':') {
        return NULL;
    }
    i = nlen + 1;
    while (i < len && (p[i] == ' ' || p[i] == '\t')) {
        i++;
    }
    *vlen = len - i;
    while (*vlen > 0 &&
           (p[i + *vlen - 1] == '\r' || p[i + *vlen - 1] == '\n' || p[i + *vlen - 1] == ' ')) {
        (*vlen)--;
    }
    return p + i;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct sink *s = ud;
    size_t len = size * n, vlen;
    const char *v;

    /* Each response (also after a redirect) starts with a status line: forget older headers. */
    if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
        free(s->resp->captured);
        s->resp->captured = NULL;
        s->retry_after_s = -1;
        return len;
    }
    if (s->capture != NULL && s->resp->captured == NULL &&
        (v = header_value(p, len, s->capture, s->capture_len, &vlen)) != NULL &&
        vlen < HTTP_MAX_HEADER) {
        s->resp->captured = strndup(v, vlen);
    }
    if ((v = header_value(p, len, "Retry-After", 11, &vlen)) != NULL && vlen > 0 && vlen < 7) {
        char num[8];
        size_t i;

        memcpy(num, v, vlen);
        num[vlen] = '\0';
        for (i = 0; i < vlen && num[i] >= '0' && num[i] <= '9'; i++) {
        }
        if (i == vlen) {
            s->retry_after_s = strtol(num, NULL, 10);
        }
    }
    return len;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

void tc_http_resp_free(struct tc_http_resp *resp)
{
    tc_buf_free(&resp->body);
    free(resp->captured);
    resp->captured = NULL;
}

tc_err tc_http_do(const struct tc_http_req *req, struct tc_http_resp *resp)
{
    unsigned attempt, delay = req->backoff_ms != 0 ? req->backoff_ms : 1000;
    unsigned max_delay = req->max_delay_ms != 0 ? req->max_delay_ms : 60000;
    struct curl_slist *hdrs = NULL;
    const char *const *h;
    CURL *c = NULL;
    tc_err e = TC_ERR_OK;

    memset(resp, 0, sizeof(*resp));
    tc_buf_init(&resp->body, req->max_body != 0 ? req->max_body : HTTP_MAX_BODY);
    if ((e = load()) != TC_ERR_OK) {
        return tc_fail_ctx(TC_ERR_NETWORK, "%s %s", req->method ? req->method : "GET", req->url);
    }
    for (h = req->headers; h != NULL && *h != NULL; h++) {
        struct curl_slist *n = cu.slist_append(hdrs, *h);

        if (n == NULL) {
            e = tc_fail(TC_ERR_NOMEM, "HTTP headers");
            goto out;
        }
        hdrs = n;
    }
    c = cu.easy_init();
    if (c == NULL) {
        e = tc_fail(TC_ERR_NOMEM, "libcurl handle");
        goto out;
    }
    for (attempt = 0;; attempt++) {
        struct sink s = {resp, req->capture, req->capture ? strlen(req->capture) : 0, -1};
        int post = req->method != NULL && strcmp(req->method, "POST") == 0;
        CURLcode rc;

        resp->status = 0;
        resp->body.len = 0;
        free(resp->captured);
        resp->captured = NULL;
        if (cu.easy_setopt(c, CURLOPT_URL, req->url) != CURLE_OK ||
            cu.easy_setopt(c, CURLOPT_PROTOCOLS_STR,
                           req->protocols ? req->protocols : "https,http") != CURLE_OK ||
            cu.easy_setopt(c, CURLOPT_FOLLOWLOCATION, req->max_redirects > 0 ? 1L : 0L) !=
                CURLE_OK ||
            cu.easy_setopt(c, CURLOPT_MAXREDIRS, req->max_redirects) != CURLE_OK ||
            cu.easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
            cu.easy_setopt(c, CURLOPT_TIMEOUT, req->timeout_s > 0 ? req->timeout_s : 30L) !=
                CURLE_OK ||
            cu.easy_setopt(c, CURLOPT_USERAGENT, "trustchain") != CURLE_OK ||
            cu.easy_setopt(c, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK ||
            cu.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK ||
            cu.easy_setopt(c, CURLOPT_WRITEDATA, &s) != CURLE_OK ||
            cu.easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK ||
            cu.easy_setopt(c, CURLOPT_HEADERDATA, &s) != CURLE_OK ||
            (post && (cu.easy_setopt(c, CURLOPT_POST, 1L) != CURLE_OK ||
                      cu.easy_setopt(c, CURLOPT_POSTFIELDS, req->body) != CURLE_OK ||
                      cu.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len) !=
                          CURLE_OK)) ||
            (req->method != NULL && !post &&
             cu.easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method) != CURLE_OK)) {
            e = tc_fail(TC_ERR_INTERNAL, "libcurl: cannot set options");
            goto out;
        }
        rc = cu.easy_perform(c);
        if (rc != CURLE_OK) {
            int big = rc == CURLE_WRITE_ERROR;

            e = tc_fail(big ? TC_ERR_TOO_LARGE : TC_ERR_NETWORK, "%s %s: %s",
                        req->method ? req->method : "GET", req->url,
                        big ? "response body over its size cap" : cu.easy_strerror(rc));
            goto out;
        }
        (void)cu.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
        if ((resp->status != 429 && resp->status != 503) || attempt >= req->retries) {
            break;
        }
        /* Rate limited: wait at least what Retry-After asks (within the cap), then again. */
        {
            unsigned wait = delay;

            if (s.retry_after_s >= 0 && (unsigned long)s.retry_after_s * 1000 > wait) {
                wait = (unsigned)((unsigned long)s.retry_after_s * 1000);
            }
            sleep_ms(wait < max_delay ? wait : max_delay);
            delay = delay < max_delay / 2 ? delay * 2 : max_delay;
        }
    }
out:
    if (c != NULL) {
        cu.easy_cleanup(c);
    }
    if (hdrs != NULL) {
        cu.slist_free_all(hdrs);
    }
    return e;
}

size_t tc_url_decode(char *s)
{
    size_t i = 0, j = 0;

    while (s[i] != '\0') {
        uint8_t b;
        size_t got;

        if (s[i] == '%' && s[i + 1] != '\0' && s[i + 2] != '\0' &&
            tc_hex_decode(s + i + 1, 2, &b, 1, &got) == TC_ERR_OK) {
            s[j++] = (char)b;
            i += 3;
        } else {
            s[j++] = s[i++];
        }
    }
    s[j] = '\0';
    return j;
}
