/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP side of the broker, on GNU libmicrohttpd: epoll with a thread
 * pool; connection, per-address, memory and idle-time limits from MHD; the
 * header and body caps checked here so a refusal is a JSON body and an audit
 * line like every other refusal.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "broker/broker_int.h"
#include "broker/mhd_lazy.h"
#include "trustchain/kbs.h"
#include "trustchain/util.h"

struct reqctx {
    struct tc_buf body;
    int too_large;
    int headers_too_large;
    size_t header_bytes;
};

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    struct reqctx *c = cls;

    (void)kind;
    c->header_bytes += strlen(key) + (value != NULL ? strlen(value) : 0) + 4;
    return MHD_YES;
}

static void client_addr(struct MHD_Connection *conn, char *buf, size_t len)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;

    snprintf(buf, len, "?");
    if (sa == NULL) {
        return;
    }
    if (sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
                  (socklen_t)len);
    } else if (sa->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf,
                  (socklen_t)len);
    }
}

static enum MHD_Result send_resp(struct MHD_Connection *conn, struct tc_http_resp *r)
{
    struct MHD_Response *mr;
    enum MHD_Result ret;

    mr = MHD_create_response_from_buffer(r->body_len, r->body != NULL ? r->body : (void *)"",
                                         r->body != NULL ? MHD_RESPMEM_MUST_FREE
                                                         : MHD_RESPMEM_PERSISTENT);
    if (mr == NULL) {
        free(r->body);
        return MHD_NO;
    }
    r->body = NULL;
    if (r->content_type != NULL) {
        MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
    }
    if (r->set_cookie[0] != '\0') {
        MHD_add_response_header(mr, MHD_HTTP_HEADER_SET_COOKIE, r->set_cookie);
    }
    ret = MHD_queue_response(conn, (unsigned)r->status, mr);
    MHD_destroy_response(mr);
    return ret;
}

static void fill_req(struct MHD_Connection *conn, const char *url, const char *method,
                     struct tc_http_req *req, char *client, size_t clen)
{
    memset(req, 0, sizeof(*req));
    client_addr(conn, client, clen);
    req->method = method;
    req->path = url;
    req->client = client;
    req->now = time(NULL);
    req->session = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, TC_KBS_SESSION_COOKIE);
    req->authorization =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    req->arg_after = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "after");
    req->arg_limit = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "limit");
    /* An over-long cookie is not one of ours; do not look at it. */
    if (req->session != NULL && strlen(req->session) > 128) {
        req->session = NULL;
    }
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct tc_broker *b = cls;
    struct reqctx *c = *con_cls;
    struct tc_http_req req;
    struct tc_http_resp resp;
    char client[64];

    (void)version;
    if (c == NULL) {
        const char *cl;

        c = calloc(1, sizeof(*c));
        if (c == NULL) {
            return MHD_NO;
        }
        tc_buf_init(&c->body, b->cfg.max_body);
        *con_cls = c;
        MHD_get_connection_values(conn, MHD_HEADER_KIND, count_header, c);
        c->headers_too_large = c->header_bytes > b->cfg.max_header;
        cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl != NULL && strtoull(cl, NULL, 10) > b->cfg.max_body) {
            c->too_large = 1;
        }
        if (!c->headers_too_large && !c->too_large) {
            return MHD_YES;
        }
        /* Refuse before reading the body (MHD then closes the connection). */
    } else if (*upload_data_size > 0) {
        if (!c->too_large && tc_buf_append(&c->body, upload_data, *upload_data_size) != TC_ERR_OK) {
            c->too_large = 1;
            tc_buf_free(&c->body);
            tc_buf_init(&c->body, b->cfg.max_body);
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    fill_req(conn, url, method, &req, client, sizeof(client));
    memset(&resp, 0, sizeof(resp));
    if (c->headers_too_large) {
        req.session = NULL;
        req.authorization = NULL;
        tc_broker_refuse(b, &req, "http", 431, "HeaderTooLarge", &resp,
                         "request headers of %zu bytes exceed the %zu-byte cap", c->header_bytes,
                         b->cfg.max_header);
    } else if (c->too_large) {
        tc_broker_refuse(b, &req, "http", 413, "PayloadTooLarge", &resp,
                         "request body exceeds the %zu-byte cap", b->cfg.max_body);
    } else {
        req.body = c->body.data;
        req.body_len = c->body.len;
        tc_broker_handle(b, &req, &resp);
    }
    return send_resp(conn, &resp);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct reqctx *c = *con_cls;

    (void)cls;
    (void)conn;
    (void)toe;
    if (c != NULL) {
        tc_buf_free(&c->body); /* wiped: admin uploads carry secrets */
        free(c);
        *con_cls = NULL;
    }
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    struct tc_broker *b = cls;
    char msg[400];
    size_t n;

    vsnprintf(msg, sizeof(msg), fmt, ap);
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) {
        msg[--n] = '\0';
    }
    tc_broker_log(b, NULL, 500, "http", 0, "libmicrohttpd: %s", msg);
}

static tc_err parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[128];
    const char *colon = strrchr(s, ':');
    long port;
    char *end;

    memset(ss, 0, sizeof(*ss));
    if (colon == NULL || (size_t)(colon - s) >= sizeof(host)) {
        return tc_fail(TC_ERR_USAGE, "listen address %s: need ADDR:PORT", s);
    }
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    port = strtol(colon + 1, &end, 10);
    if (*end != '\0' || port < 0 || port > 65535 || colon[1] == '\0') {
        return tc_fail(TC_ERR_USAGE, "listen address %s: bad port", s);
    }
    if (host[0] == '[' && host[strlen(host) - 1] == ']') {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

        host[strlen(host) - 1] = '\0';
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1) {
            return tc_fail(TC_ERR_USAGE, "listen address %s: bad IPv6 address", s);
        }
        *len = sizeof(*a6);
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        if (strcmp(host, "localhost") == 0) {
            snprintf(host, sizeof(host), "127.0.0.1");
        }
        if (inet_pton(AF_INET, host[0] != '\0' ? host : "0.0.0.0", &a4->sin_addr) != 1) {
            return tc_fail(TC_ERR_USAGE, "listen address %s: bad IPv4 address", s);
        }
        *len = sizeof(*a4);
    }
    return TC_ERR_OK;
}

tc_err tc_broker_start(struct tc_broker *b, uint16_t *port)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    const union MHD_DaemonInfo *di;
    /* MHD's per-connection pool holds the request headers and the read buffer (bodies stream
     * through on_request into our own capped buffer).  Twice the header cap, so headers over
     * the cap still reach on_request and get our JSON 431 and an audit line; beyond twice the
     * cap MHD itself answers 431 (without an audit line). */
    size_t mem = b->cfg.max_header * 2 + 16 * 1024;
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_TURBO;
    tc_err e;

    if ((e = tc_mhd_load()) != TC_ERR_OK ||
        (e = parse_listen(b->cfg.listen, &ss, &sl)) != TC_ERR_OK) {
        return e;
    }
    if (ss.ss_family == AF_INET6) {
        flags |= MHD_USE_IPv6;
    }
    b->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, b, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, b,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)(b->cfg.threads > 1 ? b->cfg.threads : 1), MHD_OPTION_CONNECTION_LIMIT,
        b->cfg.max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, b->cfg.max_per_ip,
        MHD_OPTION_CONNECTION_TIMEOUT, b->cfg.timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT, mem,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, MHD_OPTION_NOTIFY_COMPLETED, on_completed, b,
        MHD_OPTION_END);
    if (b->daemon == NULL) {
        return tc_fail(TC_ERR_IO, "cannot listen on %s (address in use? permission?)",
                       b->cfg.listen);
    }
    di = MHD_get_daemon_info(b->daemon, MHD_DAEMON_INFO_BIND_PORT);
    *port = di != NULL ? di->port : 0;
    if (b->cfg.port_file != NULL) {
        char txt[16];

        snprintf(txt, sizeof(txt), "%u\n", (unsigned)*port);
        if ((e = tc_file_write(b->cfg.port_file, txt, strlen(txt), 0644)) != TC_ERR_OK) {
            return e;
        }
    }
    return TC_ERR_OK;
}

void tc_broker_free(struct tc_broker *b)
{
    if (b == NULL) {
        return;
    }
    if (b->daemon != NULL) {
        MHD_stop_daemon(b->daemon);
    }
    tc_store_close(b->store);
    EVP_PKEY_free(b->key);
    json_decref(b->jwk);
    json_decref(b->cache_resource);
    json_decref(b->cache_appraisal);
    json_decref(b->cache_refvals);
    pthread_mutex_destroy(&b->lock);
    tc_wipe(b->mac_key, sizeof(b->mac_key));
    EVP_MAC_CTX_free(b->mac_ctx);
    tc_snp_cache_free(b->snp_cache);
    free(b);
}
