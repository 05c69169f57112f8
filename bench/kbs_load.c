/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Load generator for the key broker: full attestations (POST auth, POST
 * attest with fresh sim evidence, GET resource) from a separate process,
 * over keep-alive HTTP/1.1 connections, one thread per connection.
 *
 *   kbs_load --url http://127.0.0.1:PORT --path default/key/disk
 *            [--connections N] [--seconds S | --count N] [--sim-measurement HEX]
 *            [--verify-every K] [--sessions N] [--hold N --hold-seconds S]
 *
 * --count N: stop after N attempted full attestations (each that succeeds leaves
 * a live session in the broker's store; failures are counted under "errors").  --sessions N: only
 * POST auth N times.  --hold N: open N connections, each with a challenge, and keep them open
 * --hold-seconds S (memory under that many concurrent connections).
 * Each thread reuses one TEE key (the broker still does the full work per
 * attestation: evidence signature, binding, appraisal, EAR signing, policy,
 * a fresh ECDH-ES key per JWE); every K-th resource JWE is decrypted and
 * checked.  Prints one JSON line.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ec.h>

#include "trustchain/guest.h"
#include "trustchain/kbs.h"
#include "trustchain/sim.h"
#include "trustchain/util.h"

struct cfg {
    char host[64];
    int port;
    const char *path;
    int conns;
    double seconds;
    long count;
    long hold;
    double hold_seconds;
    long sessions;
    int verify_every;
    uint8_t meas[48];
};

struct worker {
    const struct cfg *c;
    pthread_t th;
    int fd;
    char buf[1 << 16];
    size_t have;
    long done, errors, verified;
    double *lat;
    size_t nlat, caplat;
    char err[256];
    long sessions_target;
};

static volatile int stop_all;
static long total_done;

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int connect_to(const struct cfg *c)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

    if (fd < 0) {
        return -1;
    }
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)c->port);
    inet_pton(AF_INET, c->host, &a.sin_addr);
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        close(fd);
        return -1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/*
 * One request/response on the keep-alive connection.  Returns the status;
 * *body points into w->buf (NUL-terminated), cookie (optional) receives the
 * kbs-session-id value.
 */
static int http(struct worker *w, const char *method, const char *path, const char *cookie,
                const char *body, size_t blen, char **rbody, size_t *rlen, char *setcookie)
{
    char head[512];
    int n, status = -1;
    size_t clen = 0, hlen;
    char *end, *p;

    if (w->fd < 0 && (w->fd = connect_to(w->c)) < 0) {
        snprintf(w->err, sizeof(w->err), "connect: %s", strerror(errno));
        return -1;
    }
    n = snprintf(head, sizeof(head),
                 "%s %s HTTP/1.1\r\nHost: %s\r\n%s%s%sContent-Type: application/json\r\n"
                 "Content-Length: %zu\r\n\r\n",
                 method, path, w->c->host, cookie ? "Cookie: kbs-session-id=" : "",
                 cookie ? cookie : "", cookie ? "\r\n" : "", blen);
    if (send_all(w->fd, head, (size_t)n) != 0 || (blen > 0 && send_all(w->fd, body, blen) != 0)) {
        goto reconnect;
    }
    w->have = 0;
    for (;;) {
        ssize_t r;

        w->buf[w->have] = '\0';
        end = strstr(w->buf, "\r\n\r\n");
        if (end != NULL) {
            hlen = (size_t)(end + 4 - w->buf);
            p = strcasestr(w->buf, "\r\nContent-Length:");
            clen = p != NULL && p < end ? strtoul(p + 17, NULL, 10) : 0;
            if (w->have >= hlen + clen) {
                break;
            }
        }
        if (w->have + 1 >= sizeof(w->buf)) {
            snprintf(w->err, sizeof(w->err), "response too large");
            goto reconnect;
        }
        r = recv(w->fd, w->buf + w->have, sizeof(w->buf) - 1 - w->have, 0);
        if (r <= 0) {
            if (r < 0 && errno == EINTR) {
                continue;
            }
            snprintf(w->err, sizeof(w->err), "connection closed");
            goto reconnect;
        }
        w->have += (size_t)r;
    }
    status = atoi(w->buf + 9);
    if (setcookie != NULL) {
        p = strcasestr(w->buf, "\r\nSet-Cookie: kbs-session-id=");
        setcookie[0] = '\0';
        if (p != NULL && p < end) {
            p += 29;
            n = (int)strcspn(p, ";\r");
            if (n < 159) {
                memcpy(setcookie, p, (size_t)n);
                setcookie[n] = '\0';
            }
        }
    }
    *rbody = w->buf + hlen;
    (*rbody)[clen] = '\0';
    *rlen = clen;
    return status;
reconnect:
    close(w->fd);
    w->fd = -1;
    return -1;
}

static const char *json_str(const char *body, const char *key, char *out, size_t len)
{
    char pat[64];
    const char *p, *q;

    snprintf(pat, sizeof(pat), "\"%s\":\"", key);
    p = strstr(body, pat);
    if (p == NULL) {
        return NULL;
    }
    p += strlen(pat);
    q = strchr(p, '"');
    if (q == NULL || (size_t)(q - p) >= len) {
        return NULL;
    }
    memcpy(out, p, (size_t)(q - p));
    out[q - p] = '\0';
    return out;
}

static void add_lat(struct worker *w, double v)
{
    if (w->nlat == w->caplat) {
        size_t nc = w->caplat ? w->caplat * 2 : 4096;
        double *nl = realloc(w->lat, nc * sizeof(*nl));

        if (nl == NULL) {
            return;
        }
        w->lat = nl;
        w->caplat = nc;
    }
    w->lat[w->nlat++] = v;
}

static void *run(void *arg)
{
    struct worker *w = arg;
    const struct cfg *c = w->c;
    static const char auth_body[] = "{\"version\":\"0.4.0\",\"tee\":\"sim\",\"extra-params\":{}}";
    EVP_PKEY *tee = NULL, *simkey = EVP_EC_gen("P-256");
    json_t *pub = NULL;
    char *pubtxt = NULL, cookie[160], nonce[128], rpath[512];
    struct tc_sim_report tmpl;
    long i = 0;

    memset(&tmpl, 0, sizeof(tmpl));
    tmpl.version = TC_SIM_VERSION;
    tmpl.svn = 1;
    memcpy(tmpl.measurement, c->meas, 48);
    if (simkey == NULL || tc_jwk_generate(TC_JWK_EC_P256, &tee, &pub) != TC_ERR_OK) {
        w->errors++;
        return NULL;
    }
    pubtxt = json_dumps(pub, JSON_COMPACT);
    snprintf(rpath, sizeof(rpath), "/kbs/v0/resource/%s", c->path);
    w->fd = -1;
    while (!stop_all) {
        double t0 = now_s();
        char *body = NULL, *att = NULL, *evs = NULL;
        size_t blen = 0;
        uint8_t rd[64];
        json_t *ev = NULL;
        int st;

        if (w->sessions_target > 0 && i >= w->sessions_target) {
            break;
        }
        st = http(w, "POST", "/kbs/v0/auth", NULL, auth_body, sizeof(auth_body) - 1, &body, &blen,
                  cookie);
        if (st != 200 || json_str(body, "nonce", nonce, sizeof(nonce)) == NULL) {
            snprintf(w->err, sizeof(w->err), "auth: HTTP %d", st);
            w->errors++;
            goto next;
        }
        if (w->sessions_target > 0) {
            /* The session stays live in the broker's store until it expires. */
            i++;
            w->done++;
            continue;
        }
        if (tc_kbs_report_data(pub, nonce, "", rd, NULL) != TC_ERR_OK ||
            tc_sim_evidence(simkey, &tmpl, rd, &ev) != TC_ERR_OK ||
            (evs = json_dumps(ev, JSON_COMPACT)) == NULL) {
            w->errors++;
            goto next;
        }
        if (asprintf(&att,
                     "{\"runtime-data\":{\"nonce\":\"%s\",\"tee-pubkey\":%s},\"tee-evidence\":"
                     "{\"primary_evidence\":%s,\"additional_evidence\":\"\"}}",
                     nonce, pubtxt, evs) < 0) {
            w->errors++;
            goto next;
        }
        st = http(w, "POST", "/kbs/v0/attest", cookie, att, strlen(att), &body, &blen, NULL);
        if (st != 200) {
            snprintf(w->err, sizeof(w->err), "attest: HTTP %d %.150s", st, st > 0 ? body : "");
            w->errors++;
            goto next;
        }
        st = http(w, "GET", rpath, cookie, NULL, 0, &body, &blen, NULL);
        if (st != 200) {
            snprintf(w->err, sizeof(w->err), "resource: HTTP %d %.150s", st, st > 0 ? body : "");
            w->errors++;
            goto next;
        }
        if (c->verify_every > 0 && i % c->verify_every == 0) {
            uint8_t *pt = NULL;
            size_t ptl = 0;

            if (tc_jwe_decrypt(body, blen, tee, &pt, &ptl) != TC_ERR_OK) {
                snprintf(w->err, sizeof(w->err), "JWE does not decrypt: %s", tc_err_detail());
                w->errors++;
                goto next;
            }
            tc_free_secret(pt, ptl);
            w->verified++;
        }
        w->done++;
        add_lat(w, now_s() - t0);
    next:
        /* --count: a failed attempt counts too, so a broker that refuses (e.g. 503 at its
         * session cap) ends the run instead of spinning on it. */
        if (c->count > 0 && __atomic_add_fetch(&total_done, 1, __ATOMIC_RELAXED) >= c->count) {
            stop_all = 1;
        }
        i++;
        free(att);
        free(evs);
        json_decref(ev);
    }
    if (w->fd >= 0 && w->sessions_target == 0) {
        close(w->fd);
    }
    free(pubtxt);
    json_decref(pub);
    EVP_PKEY_free(tee);
    EVP_PKEY_free(simkey);
    return NULL;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    struct cfg c;
    struct worker *w;
    const char *url = NULL;
    double t0, el;
    long done = 0, errors = 0, verified = 0;
    size_t nl = 0, k;
    double *all;
    int i;

    memset(&c, 0, sizeof(c));
    c.conns = 4;
    c.seconds = 5;
    c.path = "default/key/disk";
    c.verify_every = 100;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(a, "--url") == 0 && v) {
            url = v;
        } else if (strcmp(a, "--path") == 0 && v) {
            c.path = v;
        } else if (strcmp(a, "--connections") == 0 && v) {
            c.conns = atoi(v);
        } else if (strcmp(a, "--seconds") == 0 && v) {
            c.seconds = atof(v);
        } else if (strcmp(a, "--count") == 0 && v) {
            c.count = atol(v);
        } else if (strcmp(a, "--hold") == 0 && v) {
            c.hold = atol(v);
        } else if (strcmp(a, "--hold-seconds") == 0 && v) {
            c.hold_seconds = atof(v);
        } else if (strcmp(a, "--sessions") == 0 && v) {
            c.sessions = atol(v);
        } else if (strcmp(a, "--verify-every") == 0 && v) {
            c.verify_every = atoi(v);
        } else if (strcmp(a, "--sim-measurement") == 0 && v) {
            size_t n = 0;

            if (tc_hex_decode(v, strlen(v), c.meas, 48, &n) != TC_ERR_OK || n != 48) {
                fprintf(stderr, "kbs_load: --sim-measurement needs 96 hex digits\n");
                return 2;
            }
        } else {
            fprintf(stderr, "usage: kbs_load --url http://HOST:PORT [--path P] [--connections N] "
                            "[--seconds S | --count N] [--sessions N] [--hold N --hold-seconds S] "
                            "[--verify-every K] [--sim-measurement HEX]\n");
            return 2;
        }
        i++;
    }
    if (url == NULL || sscanf(url, "http://%63[^:]:%d", c.host, &c.port) != 2 || c.conns < 1) {
        fprintf(stderr, "kbs_load: --url http://HOST:PORT needed\n");
        return 2;
    }
    if (c.hold > 0) {
        /* Concurrent connections, each with a challenge, held open. */
        struct worker hw;
        static const char auth[] = "{\"version\":\"0.4.0\",\"tee\":\"sim\",\"extra-params\":{}}";
        int *fds = calloc((size_t)c.hold, sizeof(int));
        long opened = 0, k2;
        char *b = NULL, ck[160];
        size_t bl = 0;

        memset(&hw, 0, sizeof(hw));
        hw.c = &c;
        for (k2 = 0; fds != NULL && k2 < c.hold; k2++) {
            hw.fd = -1;
            if (http(&hw, "POST", "/kbs/v0/auth", NULL, auth, sizeof(auth) - 1, &b, &bl, ck) ==
                200) {
                fds[opened++] = hw.fd;
            }
        }
        printf("{\"mode\":\"hold\",\"connections_open\":%ld}\n", opened);
        fflush(stdout);
        usleep((useconds_t)(c.hold_seconds * 1e6));
        for (k2 = 0; k2 < opened; k2++) {
            close(fds[k2]);
        }
        free(fds);
        return opened == c.hold ? 0 : 1;
    }
    w = calloc((size_t)c.conns, sizeof(*w));
    if (w == NULL) {
        return 70;
    }
    t0 = now_s();
    for (i = 0; i < c.conns; i++) {
        w[i].c = &c;
        w[i].fd = -1;
        w[i].sessions_target = c.sessions > 0 ? (c.sessions + c.conns - 1) / c.conns : 0;
        pthread_create(&w[i].th, NULL, run, &w[i]);
    }
    if (c.sessions == 0) {
        while (!stop_all && (c.count > 0 || now_s() - t0 < c.seconds)) {
            usleep(20000);
        }
        stop_all = 1;
    }
    for (i = 0; i < c.conns; i++) {
        pthread_join(w[i].th, NULL);
    }
    el = now_s() - t0;
    for (i = 0; i < c.conns; i++) {
        done += w[i].done;
        errors += w[i].errors;
        verified += w[i].verified;
        nl += w[i].nlat;
    }
    all = malloc((nl ? nl : 1) * sizeof(*all));
    for (i = 0, k = 0; i < c.conns && all != NULL; i++) {
        memcpy(all + k, w[i].lat, w[i].nlat * sizeof(double));
        k += w[i].nlat;
    }
    if (all != NULL && nl > 0) {
        qsort(all, nl, sizeof(*all), cmp_d);
    }
    printf("{\"mode\":\"%s\",\"connections\":%d,\"seconds\":%.3f,\"completed\":%ld,"
           "\"errors\":%ld,\"per_second\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
           "\"jwe_verified\":%ld}\n",
           c.sessions > 0 ? "sessions" : "full", c.conns, el, done, errors, (double)done / el,
           nl ? all[nl / 2] * 1e3 : 0.0, nl ? all[(nl * 99) / 100] * 1e3 : 0.0, verified);
    for (i = 0; i < c.conns; i++) {
        if (w[i].err[0] != '\0') {
            fprintf(stderr, "kbs_load: thread %d: last error: %s\n", i, w[i].err);
            break;
        }
    }
    if (c.sessions > 0) {
        /* Keep the connections (and so the sessions) open until told to stop. */
        fflush(stdout);
        if (getenv("KBS_LOAD_HOLD") != NULL) {
            sleep((unsigned)atoi(getenv("KBS_LOAD_HOLD")));
        }
    }
    free(all);
    for (i = 0; i < c.conns; i++) {
        free(w[i].lat);
    }
    free(w);
    return errors > 0 && done == 0 ? 1 : 0;
}
