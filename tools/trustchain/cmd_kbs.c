/* SPDX-License-Identifier: Apache-2.0 */
/*
 * trustchain kbs: the guest side of the key broker (attest, fetch a
 * resource) and the admin side (keys, tokens, resources, policies,
 * reference values, audit log).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cli.h"
#include "trustchain/broker.h"
#include "trustchain/ear.h"
#include "trustchain/guest.h"
#include "trustchain/kbs.h"
#include "trustchain/sim.h"

/* "kbs <command>", for messages. */
static char label[64] = "kbs";

static void help(void)
{
    printf("Usage: %s kbs <command> [options]\n"
           "\n"
           "Guest side:\n"
           "  get-resource --url URL --tee snp|tdx|sim REPO/TYPE/TAG [--out FILE]\n"
           "                         attest to the broker and print (or write) the secret\n"
           "  attest --url URL --tee snp|tdx|sim\n"
           "                         attest and print the attestation token (EAR JWT)\n"
           "  evidence --tee snp|tdx|sim --report-data HEX\n"
           "                         print the evidence JSON for 64 bytes of REPORT_DATA\n"
           "Admin side (--token TOKEN, or --admin-key PRIV.pem to mint one, or\n"
           "$TRUSTCHAIN_ADMIN_TOKEN):\n"
           "  keygen --alg ed25519|es256 --out PRIV.pem [--pub PUB.pem]\n"
           "                         make an admin key pair (es256 also makes sim keys)\n"
           "  admin-token --key PRIV.pem [--ttl SEC] [--sub NAME]\n"
           "                         print an admin token (JWT, EdDSA or ES256, default 1 hour,\n"
           "                         audience \"" TC_BROKER_ADMIN_AUDIENCE "\")\n"
           "  set-resource --url URL REPO/TYPE/TAG (--file FILE | --value STRING)\n"
           "  delete-resource --url URL REPO/TYPE/TAG\n"
           "  list-resources --url URL\n"
           "  set-policy --url URL FILE          add or replace a resource policy (JSON)\n"
           "  list-policies --url URL\n"
           "  delete-policy --url URL ID\n"
           "  set-attestation-policy --url URL FILE   the appraisal policy of one TEE (JSON)\n"
           "  set-reference-value --url URL --tee TEE --name NAME VALUE...\n"
           "  audit --url URL [--after N] [--limit N]\n"
           "\n"
           "Guest options:\n"
           "  --key-alg p256|p521|rsa   TEE key for the JWE (default p256)\n"
           "  --tsm-root DIR            configfs-tsm report folder (default %s)\n"
           "  --no-tsm                  use /dev/sev-guest instead of configfs-tsm\n"
           "  --vmpl N                  SNP VMPL to request (default 0)\n"
           "  --sim-key FILE            sim signing key, PEM P-256 (created if absent;\n"
           "                            default: a fresh key each run)\n"
           "  --sim-measurement HEX     sim: the 48-byte measurement to report\n"
           "  --sim-host-data HEX       sim: the 32-byte host data\n"
           "  --sim-svn N               sim: the SVN (default 1)\n"
           "  --sim-debug               sim: set the debug flag\n"
           "  --timeout SEC             per request (default 30)\n"
           "  --json                    machine-readable output\n"
           "\n"
           "The secret is written to --out with mode 0600, or to stdout as is.\n"
           "Exit codes: 0 ok, 1 refused (attestation or policy), 2 usage, 3 malformed,\n"
           "4 I/O or network (4 also for an unknown resource), 70 internal.\n",
           PROG, TC_TSM_ROOT_DEFAULT);
}

enum {
    O_URL = 256,
    O_TEE,
    O_OUT,
    O_JSON,
    O_KEY_ALG,
    O_TSM_ROOT,
    O_NO_TSM,
    O_VMPL,
    O_SIM_KEY,
    O_SIM_MEAS,
    O_SIM_HOST,
    O_SIM_SVN,
    O_SIM_DEBUG,
    O_TIMEOUT,
    O_REPORT_DATA,
    O_ALG,
    O_PUB,
    O_KEY,
    O_TTL,
    O_SUB,
    O_TOKEN,
    O_ADMIN_KEY,
    O_FILE,
    O_VALUE,
    O_NAME,
    O_AFTER,
    O_LIMIT,
    O_HELP,
};

struct args {
    const char *url, *tee, *out, *key_alg, *tsm_root, *sim_key, *sim_meas, *sim_host;
    const char *report_data, *alg, *pub, *key, *sub, *token, *admin_key, *file, *value, *name;
    const char *after, *limit;
    long timeout, ttl;
    unsigned vmpl, sim_svn;
    int json, no_tsm, sim_debug, sim_svn_set;
    char **pos;
    int npos;
};

static int parse(const char *cmd, int argc, char **argv, struct args *a)
{
    static const struct option opts[] = {
        {"url", required_argument, NULL, O_URL},
        {"tee", required_argument, NULL, O_TEE},
        {"out", required_argument, NULL, O_OUT},
        {"json", no_argument, NULL, O_JSON},
        {"key-alg", required_argument, NULL, O_KEY_ALG},
        {"tsm-root", required_argument, NULL, O_TSM_ROOT},
        {"no-tsm", no_argument, NULL, O_NO_TSM},
        {"vmpl", required_argument, NULL, O_VMPL},
        {"sim-key", required_argument, NULL, O_SIM_KEY},
        {"sim-measurement", required_argument, NULL, O_SIM_MEAS},
        {"sim-host-data", required_argument, NULL, O_SIM_HOST},
        {"sim-svn", required_argument, NULL, O_SIM_SVN},
        {"sim-debug", no_argument, NULL, O_SIM_DEBUG},
        {"timeout", required_argument, NULL, O_TIMEOUT},
        {"report-data", required_argument, NULL, O_REPORT_DATA},
        {"alg", required_argument, NULL, O_ALG},
        {"pub", required_argument, NULL, O_PUB},
        {"key", required_argument, NULL, O_KEY},
        {"ttl", required_argument, NULL, O_TTL},
        {"sub", required_argument, NULL, O_SUB},
        {"token", required_argument, NULL, O_TOKEN},
        {"admin-key", required_argument, NULL, O_ADMIN_KEY},
        {"file", required_argument, NULL, O_FILE},
        {"value", required_argument, NULL, O_VALUE},
        {"name", required_argument, NULL, O_NAME},
        {"after", required_argument, NULL, O_AFTER},
        {"limit", required_argument, NULL, O_LIMIT},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    int c;
    char *end;

    memset(a, 0, sizeof(*a));
    a->timeout = 30;
    a->ttl = 3600;
    a->sim_svn = 1;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case O_URL:
            a->url = optarg;
            break;
        case O_TEE:
            a->tee = optarg;
            break;
        case O_OUT:
        case 'o':
            a->out = optarg;
            break;
        case O_JSON:
            a->json = 1;
            break;
        case O_KEY_ALG:
            a->key_alg = optarg;
            break;
        case O_TSM_ROOT:
            a->tsm_root = optarg;
            break;
        case O_NO_TSM:
            a->no_tsm = 1;
            break;
        case O_VMPL:
            a->vmpl = (unsigned)strtoul(optarg, &end, 10);
            if (*end != '\0' || a->vmpl > 3) {
                return cli_usage(label, "--vmpl takes 0..3");
            }
            break;
        case O_SIM_KEY:
            a->sim_key = optarg;
            break;
        case O_SIM_MEAS:
            a->sim_meas = optarg;
            break;
        case O_SIM_HOST:
            a->sim_host = optarg;
            break;
        case O_SIM_SVN:
            a->sim_svn = (unsigned)strtoul(optarg, &end, 10);
            if (*end != '\0') {
                return cli_usage(label, "--sim-svn takes a number");
            }
            break;
        case O_SIM_DEBUG:
            a->sim_debug = 1;
            break;
        case O_TIMEOUT:
        case O_TTL: {
            long v = strtol(optarg, &end, 10);

            if (*end != '\0' || v <= 0 || v > 86400L * 366) {
                return cli_usage(label, "%s takes a positive number of seconds",
                                 c == O_TTL ? "--ttl" : "--timeout");
            }
            if (c == O_TTL) {
                a->ttl = v;
            } else {
                a->timeout = v;
            }
            break;
        }
        case O_REPORT_DATA:
            a->report_data = optarg;
            break;
        case O_ALG:
            a->alg = optarg;
            break;
        case O_PUB:
            a->pub = optarg;
            break;
        case O_KEY:
            a->key = optarg;
            break;
        case O_SUB:
            a->sub = optarg;
            break;
        case O_TOKEN:
            a->token = optarg;
            break;
        case O_ADMIN_KEY:
            a->admin_key = optarg;
            break;
        case O_FILE:
            a->file = optarg;
            break;
        case O_VALUE:
            a->value = optarg;
            break;
        case O_NAME:
            a->name = optarg;
            break;
        case O_AFTER:
            a->after = optarg;
            break;
        case O_LIMIT:
            a->limit = optarg;
            break;
        case O_HELP:
        case 'h':
            help();
            return -1;
        default:
            return cli_usage(label, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    a->pos = argv + optind;
    a->npos = argc - optind;
    return 0;
}

static int need_url(const char *cmd, const struct args *a)
{
    if (a->url == NULL) {
        return cli_usage(label, "--url URL is required (e.g. http://127.0.0.1:8080)");
    }
    if (strncmp(a->url, "http://", 7) != 0 && strncmp(a->url, "https://", 8) != 0) {
        return cli_usage(label, "--url must start with http:// or https://");
    }
    return 0;
}

static int hex_arg(const char *cmd, const char *opt, const char *s, uint8_t *out, size_t n)
{
    size_t got = 0;

    if (s == NULL) {
        return 0;
    }
    if (tc_hex_decode(s, strlen(s), out, n, &got) != TC_ERR_OK || got != n) {
        return cli_usage(label, "%s takes %zu bytes of hex (%zu digits)", opt, n, 2 * n);
    }
    return 0;
}

/* Guest options -> client options.  Returns an exit code (0 = ok). */
static int guest_opts(const char *cmd, const struct args *a, struct tc_kbs_client_opts *o)
{
    tc_err e;
    int rc;

    memset(o, 0, sizeof(*o));
    if (a->tee == NULL) {
        return cli_usage(label, "--tee snp|tdx|sim is required");
    }
    if (tc_tee_kind_parse(a->tee, &o->guest.tee) != TC_ERR_OK) {
        return cli_usage(label, "--tee takes snp, tdx or sim, not '%s'", a->tee);
    }
    o->url = a->url;
    o->timeout = a->timeout;
    o->key_kind = TC_JWK_EC_P256;
    if (a->key_alg != NULL) {
        if (strcmp(a->key_alg, "p256") == 0) {
            o->key_kind = TC_JWK_EC_P256;
        } else if (strcmp(a->key_alg, "p521") == 0) {
            o->key_kind = TC_JWK_EC_P521;
        } else if (strcmp(a->key_alg, "rsa") == 0) {
            o->key_kind = TC_JWK_RSA;
        } else {
            return cli_usage(label, "--key-alg takes p256, p521 or rsa");
        }
    }
    o->guest.tsm_root = a->tsm_root;
    o->guest.no_tsm = a->no_tsm;
    o->guest.vmpl = a->vmpl;
    o->guest.sim.version = TC_SIM_VERSION;
    o->guest.sim.svn = a->sim_svn;
    o->guest.sim.flags = a->sim_debug ? TC_SIM_FLAG_DEBUG : 0;
    if ((rc = hex_arg(cmd, "--sim-measurement", a->sim_meas, o->guest.sim.measurement, 48)) != 0 ||
        (rc = hex_arg(cmd, "--sim-host-data", a->sim_host, o->guest.sim.host_data, 32)) != 0) {
        return rc;
    }
    if (a->sim_key != NULL && o->guest.tee == TC_TEE_SIM &&
        (e = tc_sim_key_load(a->sim_key, 1, &o->guest.sim_key)) != TC_ERR_OK) {
        return cli_fail_ctx(e, "sim key");
    }
    return 0;
}

/* Print a JSON object on one line (takes the reference; a NULL prints {}). */
static void print_json(json_t *j)
{
    char *s = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;

    printf("%s\n", s != NULL ? s : "{}");
    free(s);
    json_decref(j);
}

/* The same for an object holding a secret: its text and its string values are wiped. */
static void print_json_secret(json_t *j)
{
    char *s = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
    const char *k;
    json_t *v;

    printf("%s\n", s != NULL ? s : "{}");
    fflush(stdout);
    if (s != NULL) {
        tc_free_secret(s, strlen(s));
    }
    json_object_foreach(j, k, v)
    {
        if (json_is_string(v)) {
            tc_wipe((void *)json_string_value(v), json_string_length(v));
        }
    }
    json_decref(j);
}

static int do_get(const char *cmd, const struct args *a, int want_resource)
{
    struct tc_kbs_client_opts o;
    struct tc_kbs_client_result r;
    const char *path = NULL;
    int rc;
    tc_err e;

    if ((rc = need_url(cmd, a)) != 0) {
        return rc;
    }
    if (want_resource) {
        if (a->npos != 1) {
            return cli_usage(label, "give exactly one resource path REPO/TYPE/TAG");
        }
        path = a->pos[0];
        if (path[0] == '/') {
            path++;
        }
    } else if (a->npos != 0) {
        return cli_usage(label, "unexpected argument '%s'", a->pos[0]);
    }
    if ((rc = guest_opts(cmd, a, &o)) != 0) {
        return rc;
    }
    e = tc_kbs_client_run(&o, path, &r);
    EVP_PKEY_free(o.guest.sim_key);
    if (e != TC_ERR_OK) {
        if (a->json) {
            print_json(json_pack("{s:b,s:s,s:i,s:s}", "ok", 0, "error", tc_err_name(e),
                                 "http_status", r.http_status, "detail", tc_err_detail()));
        }
        rc = cli_fail(e);
        tc_kbs_client_result_free(&r);
        return rc;
    }
    if (!want_resource) {
        if (a->json) {
            print_json(json_pack("{s:b,s:s?}", "ok", 1, "token", r.token));
        } else {
            printf("%s\n", r.token);
        }
        tc_kbs_client_result_free(&r);
        return EXIT_OK;
    }
    if (a->out != NULL) {
        if ((e = tc_file_write(a->out, r.secret, r.secret_len, 0600)) != TC_ERR_OK) {
            tc_kbs_client_result_free(&r);
            return cli_fail(e);
        }
    }
    if (a->json) {
        char *b64 = NULL;

        if (a->out == NULL && (e = tc_b64_encode(r.secret, r.secret_len, 0, &b64)) != TC_ERR_OK) {
            tc_kbs_client_result_free(&r);
            return cli_fail(e);
        }
        /* The secret (base64) is in this JSON text and in jansson's copy: both are wiped. */
        print_json_secret(json_pack("{s:b,s:s,s:I,s:s?,s:s?}", "ok", 1, "resource", path, "bytes",
                                    (json_int_t)r.secret_len, "secret_b64", b64, "token", r.token));
        if (b64 != NULL) {
            tc_free_secret(b64, strlen(b64));
        }
    } else if (a->out == NULL) {
        fwrite(r.secret, 1, r.secret_len, stdout);
        fflush(stdout);
    } else {
        fprintf(stderr, "%s kbs: %zu bytes written to %s\n", PROG, r.secret_len, a->out);
    }
    tc_kbs_client_result_free(&r);
    return EXIT_OK;
}

static int do_evidence(const char *cmd, const struct args *a)
{
    struct tc_kbs_client_opts o;
    uint8_t rd[64];
    json_t *ev = NULL;
    char *s;
    int rc;
    tc_err e;

    if (a->report_data == NULL) {
        return cli_usage(label, "--report-data HEX (64 bytes) is required");
    }
    if ((rc = hex_arg(cmd, "--report-data", a->report_data, rd, 64)) != 0 ||
        (rc = guest_opts(cmd, a, &o)) != 0) {
        return rc;
    }
    e = tc_guest_evidence(&o.guest, rd, &ev);
    EVP_PKEY_free(o.guest.sim_key);
    if (e != TC_ERR_OK) {
        return cli_fail(e);
    }
    s = json_dumps(ev, JSON_COMPACT);
    printf("%s\n", s != NULL ? s : "{}");
    free(s);
    json_decref(ev);
    return EXIT_OK;
}

static int write_pem(const char *path, EVP_PKEY *k, int priv)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *p = NULL;
    long n;
    tc_err e;

    if (bio == NULL || (priv ? PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL)
                             : PEM_write_bio_PUBKEY(bio, k)) != 1) {
        BIO_free(bio);
        return cli_fail(tc_fail_ssl(TC_ERR_CRYPTO, "PEM"));
    }
    n = BIO_get_mem_data(bio, &p);
    e = tc_file_write(path, p, (size_t)n, priv ? 0600 : 0644);
    BIO_free(bio);
    return e == TC_ERR_OK ? 0 : cli_fail(e);
}

static int do_keygen(const char *cmd, const struct args *a)
{
    EVP_PKEY *k = NULL;
    int rc;

    if (a->out == NULL || a->alg == NULL) {
        return cli_usage(label, "--alg ed25519|es256 and --out PRIV.pem are required");
    }
    if (strcmp(a->alg, "ed25519") == 0) {
        k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    } else if (strcmp(a->alg, "es256") == 0) {
        k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    } else {
        return cli_usage(label, "--alg takes ed25519 or es256");
    }
    if (k == NULL) {
        return cli_fail(tc_fail_ssl(TC_ERR_CRYPTO, "key generation"));
    }
    rc = write_pem(a->out, k, 1);
    if (rc == 0 && a->pub != NULL) {
        rc = write_pem(a->pub, k, 0);
    }
    if (rc == 0 && a->json) {
        print_json(
            json_pack("{s:s,s:s?,s:s}", "private", a->out, "public", a->pub, "alg", tc_jws_alg(k)));
    }
    EVP_PKEY_free(k);
    return rc;
}

static tc_err load_private(const char *path, EVP_PKEY **out)
{
    uint8_t *pem = NULL;
    size_t n = 0;
    BIO *bio;
    EVP_PKEY *k;
    tc_err e;

    if ((e = tc_file_read(path, 64 * 1024, &pem, &n)) != TC_ERR_OK) {
        return e;
    }
    bio = BIO_new_mem_buf(pem, (int)n);
    k = bio != NULL ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    tc_free_secret(pem, n);
    if (k == NULL) {
        ERR_clear_error();
        return tc_fail(TC_ERR_MALFORMED, "%s: not a PEM private key", path);
    }
    if (tc_jws_alg(k) == NULL) {
        EVP_PKEY_free(k);
        return tc_fail(TC_ERR_UNSUPPORTED, "%s: admin keys are Ed25519 or P-256", path);
    }
    *out = k;
    return TC_ERR_OK;
}

static tc_err mint(const char *keypath, long ttl, const char *sub, char **jwt)
{
    EVP_PKEY *k = NULL;
    json_t *claims;
    time_t now = time(NULL);
    tc_err e;

    if ((e = load_private(keypath, &k)) != TC_ERR_OK) {
        return e;
    }
    claims = json_pack("{s:I,s:I,s:s,s:s}", "iat", (json_int_t)now, "exp", (json_int_t)(now + ttl),
                       "sub", sub != NULL ? sub : "admin", "aud", TC_BROKER_ADMIN_AUDIENCE);
    e = claims != NULL ? tc_jws_sign(k, NULL, claims, jwt) : tc_fail(TC_ERR_NOMEM, "token");
    json_decref(claims);
    EVP_PKEY_free(k);
    return e;
}

static int do_admin_token(const char *cmd, const struct args *a)
{
    char *jwt = NULL;
    tc_err e;

    if (a->key == NULL) {
        return cli_usage(label, "--key PRIV.pem is required");
    }
    if ((e = mint(a->key, a->ttl, a->sub, &jwt)) != TC_ERR_OK) {
        return cli_fail(e);
    }
    if (a->json) {
        print_json_secret(json_pack("{s:s}", "token", jwt));
    } else {
        printf("%s\n", jwt);
    }
    tc_free_secret(jwt, strlen(jwt));
    return EXIT_OK;
}

/* An admin call: returns an exit code; prints the response (JSON) on success. */
static int admin_call(const char *cmd, const struct args *a, const char *method, const char *rel,
                      const void *body, size_t len)
{
    char url[2048], *resp = NULL, *jwt = NULL;
    const char *token = a->token;
    long status = 0;
    json_error_t jerr;
    json_t *j;
    int rc;
    tc_err e;

    if ((rc = need_url(cmd, a)) != 0) {
        return rc;
    }
    if (token == NULL && a->admin_key != NULL) {
        if ((e = mint(a->admin_key, 300, "admin", &jwt)) != TC_ERR_OK) {
            return cli_fail(e);
        }
        token = jwt;
    }
    if (token == NULL) {
        token = getenv("TRUSTCHAIN_ADMIN_TOKEN");
    }
    if (token == NULL) {
        free(jwt);
        return cli_usage(label, "needs --token, --admin-key or $TRUSTCHAIN_ADMIN_TOKEN");
    }
    snprintf(url, sizeof(url), "%s/kbs/v0/%s", a->url, rel);
    e = tc_kbs_http(url, token, method, body, len, a->timeout, &status, &resp, NULL);
    if (jwt != NULL) {
        tc_free_secret(jwt, strlen(jwt));
    }
    if (e != TC_ERR_OK) {
        if (a->json) {
            print_json(json_pack("{s:b,s:s,s:s}", "ok", 0, "error", tc_err_name(e), "detail",
                                 tc_err_detail()));
        }
        return cli_fail(e);
    }
    if (status != 200) {
        j = json_loads(resp, 0, &jerr);
        e = tc_fail(status == 401   ? TC_ERR_AUTH
                    : status == 404 ? TC_ERR_NOT_FOUND
                    : status >= 500 ? TC_ERR_IO
                                    : TC_ERR_MALFORMED,
                    "%s: HTTP %ld: %s", cmd, status,
                    json_string_value(json_object_get(j, "detail")) != NULL
                        ? json_string_value(json_object_get(j, "detail"))
                        : resp);
        if (a->json) {
            print_json(json_pack("{s:b,s:s,s:i,s:s}", "ok", 0, "error", tc_err_name(e),
                                 "http_status", (int)status, "detail", tc_err_detail()));
        }
        rc = cli_fail(e);
        json_decref(j);
        free(resp);
        return rc;
    }
    printf("%s\n", resp);
    free(resp);
    return EXIT_OK;
}

static int do_admin(const char *cmd, const struct args *a)
{
    uint8_t *data = NULL;
    size_t n = 0;
    char rel[600];
    int rc;
    tc_err e;

    if (strcmp(cmd, "set-resource") == 0 || strcmp(cmd, "delete-resource") == 0) {
        const char *path;

        if (a->npos != 1) {
            return cli_usage(label, "give exactly one resource path REPO/TYPE/TAG");
        }
        path = a->pos[0][0] == '/' ? a->pos[0] + 1 : a->pos[0];
        snprintf(rel, sizeof(rel), "resource/%s", path);
        if (strcmp(cmd, "delete-resource") == 0) {
            return admin_call(cmd, a, "DELETE", rel, NULL, 0);
        }
        if ((a->file == NULL) == (a->value == NULL)) {
            return cli_usage(label, "give the secret with --file FILE or --value STRING");
        }
        if (a->file != NULL) {
            if ((e = tc_file_read(a->file, 16 << 20, &data, &n)) != TC_ERR_OK) {
                return cli_fail(e);
            }
            rc = admin_call(cmd, a, "POST", rel, data, n);
            tc_free_secret(data, n);
            return rc;
        }
        return admin_call(cmd, a, "POST", rel, a->value, strlen(a->value));
    }
    if (strcmp(cmd, "list-resources") == 0) {
        return admin_call(cmd, a, "GET", "resources", NULL, 0);
    }
    if (strcmp(cmd, "list-policies") == 0) {
        return admin_call(cmd, a, "GET", "resource-policy", NULL, 0);
    }
    if (strcmp(cmd, "delete-policy") == 0) {
        if (a->npos != 1) {
            return cli_usage(label, "give the policy id");
        }
        snprintf(rel, sizeof(rel), "resource-policy/%s", a->pos[0]);
        return admin_call(cmd, a, "DELETE", rel, NULL, 0);
    }
    if (strcmp(cmd, "set-policy") == 0 || strcmp(cmd, "set-attestation-policy") == 0) {
        if (a->npos != 1) {
            return cli_usage(label, "give the policy file (JSON)");
        }
        if ((e = tc_file_read(a->pos[0], 1 << 20, &data, &n)) != TC_ERR_OK) {
            return cli_fail(e);
        }
        rc = admin_call(cmd, a, "POST",
                        strcmp(cmd, "set-policy") == 0 ? "resource-policy" : "attestation-policy",
                        data, n);
        free(data);
        return rc;
    }
    if (strcmp(cmd, "set-reference-value") == 0) {
        json_t *j, *vals;
        char *s;
        int i;

        if (a->tee == NULL || a->name == NULL || a->npos < 1) {
            return cli_usage(label, "--tee TEE --name NAME and at least one VALUE are required");
        }
        vals = json_array();
        for (i = 0; i < a->npos; i++) {
            json_array_append_new(vals, json_string(a->pos[i]));
        }
        j = json_pack("{s:s,s:s,s:o}", "tee", a->tee, "name", a->name, "values", vals);
        s = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);
        if (s == NULL) {
            return cli_fail(tc_fail(TC_ERR_NOMEM, "reference value"));
        }
        rc = admin_call(cmd, a, "POST", "reference-value", s, strlen(s));
        free(s);
        return rc;
    }
    if (strcmp(cmd, "audit") == 0) {
        snprintf(rel, sizeof(rel), "audit?after=%s&limit=%s", a->after ? a->after : "0",
                 a->limit ? a->limit : "1000");
        return admin_call(cmd, a, "GET", rel, NULL, 0);
    }
    return cli_usage("kbs", "unknown command '%s'", cmd);
}

int cmd_kbs(int argc, char **argv)
{
    struct args a;
    const char *cmd;
    int rc;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        help();
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    cmd = argv[1];
    snprintf(label, sizeof(label), "kbs %.50s", cmd);
    rc = parse(cmd, argc - 1, argv + 1, &a);
    if (rc != 0) {
        return rc < 0 ? EXIT_OK : rc;
    }
    if (strcmp(cmd, "get-resource") == 0) {
        return do_get(cmd, &a, 1);
    }
    if (strcmp(cmd, "attest") == 0) {
        return do_get(cmd, &a, 0);
    }
    if (strcmp(cmd, "evidence") == 0) {
        return do_evidence(cmd, &a);
    }
    if (strcmp(cmd, "keygen") == 0) {
        return do_keygen(cmd, &a);
    }
    if (strcmp(cmd, "admin-token") == 0) {
        return do_admin_token(cmd, &a);
    }
    return do_admin(cmd, &a);
}
