/* SPDX-License-Identifier: Apache-2.0 */
/* trustchain serve: the key broker (Confidential Containers KBS protocol 0.4.0). */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "trustchain/broker.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void help(void)
{
    printf(
        "Usage: %s serve --db FILE [--listen ADDR:PORT] [--config FILE] [--allow-sim] [options]\n"
        "\n"
        "Run the key broker: the Confidential Containers KBS protocol (0.4.0) over HTTP.\n"
        "Guests attest (POST /kbs/v0/auth, /kbs/v0/attest) and fetch secrets\n"
        "(GET /kbs/v0/resource/<repo>/<type>/<tag>) encrypted to their TEE key; the\n"
        "resource policies decide from the attestation result (an EAR token).\n"
        "Resources, policies, reference values, sessions and the audit log live in the\n"
        "store, so a restart loses nothing.  Admins use 'trustchain kbs' subcommands.\n"
        "\n"
        "Options:\n"
        "  --db FILE              SQLite store (WAL), created if absent\n"
        "  --listen ADDR:PORT     address to listen on (default 127.0.0.1:8080; port 0 = any)\n"
        "  --port-file FILE       write the bound port to FILE once listening\n"
        "  --config FILE          JSON configuration (keys in the README); flags override it\n"
        "  --allow-sim            accept the simulated TEE (development only; every result\n"
        "                         and log line is then marked as simulated); without it,\n"
        "                         simulated sessions and tokens from earlier runs are refused\n"
        "  --admin-key FILE       admin public key, PEM, Ed25519 or P-256 (repeatable);\n"
        "                         without one the admin API is disabled\n"
        "  --sim-key FILE         accept sim evidence only from this key (PEM public key,\n"
        "                         repeatable); default: any locally generated key\n"
        "  --broker-key FILE      EAR signing key (PEM, P-256); default: made once, kept in\n"
        "                         the store\n"
        "  --collateral-dir DIR   cache of AMD KDS certificates and CRLs (SNP)\n"
        "  --offline              never fetch collateral from the network (only the evidence\n"
        "                         and the cache)\n"
        "  --snp-policy FILE      SNP appraisal: TCB floors, debug, SMT, ... ('trustchain verify\n"
        "                         snp' policy keys); a failure rates the hardware 'unsafe'\n"
        "  --snp-anchor FILE      trust this SNP root (ARK) certificate besides AMD's pinned\n"
        "                         roots (private or test chains only; repeatable)\n"
        "  --verify-at TIME       verify evidence as of TIME (RFC 3339 or @unix) instead of\n"
        "                         each request's time: replays and tests with fixed collateral\n"
        "  --tdx-policy FILE      TDX appraisal: accepted TCB statuses, debug, ... ('trustchain\n"
        "                         verify tdx' policy keys)\n"
        "  --tdx-root FILE        trust this TDX root CA certificate besides Intel's pinned\n"
        "                         root (private or test chains only; repeatable)\n"
        "  --session-ttl SEC      session lifetime (default 300); an attested session ends\n"
        "                         with its token if that comes first\n"
        "  --token-ttl SEC        attestation token (EAR) lifetime (default 300)\n"
        "  --threads N            HTTP worker threads (default: CPUs)\n"
        "  --max-sessions N       live sessions cap (default 100000)\n"
        "  --max-connections N    concurrent connections cap (default 1024)\n"
        "  --max-per-ip N         concurrent connections per client address (default no cap)\n"
        "  --max-body BYTES       request body cap (default 262144)\n"
        "  --max-header BYTES     request headers cap (default 32768)\n"
        "  --timeout SEC          idle connection timeout (default 30)\n"
        "  --sync normal|full     store durability: fsync per commit with 'full'\n"
        "  --log FILE             log file (default stderr)\n"
        "  --log-requests         a log line for every request, not only refusals\n"
        "  --json                 print the listening address as JSON on stdout\n"
        "\n"
        "Stops cleanly on SIGINT/SIGTERM.  Exit codes: 0 stopped, 2 usage, 3 bad configuration,\n"
        "4 I/O (store, address in use), 70 internal.\n",
        PROG);
}

static int parse_num(const char *s, unsigned long max, unsigned long *out)
{
    char *end = NULL;
    unsigned long v;

    if (s == NULL || *s == '\0' || *s == '-') {
        return 0;
    }
    v = strtoul(s, &end, 10);
    if (*end != '\0' || v > max) {
        return 0;
    }
    *out = v;
    return 1;
}

enum {
    O_DB = 256,
    O_LISTEN,
    O_PORT_FILE,
    O_CONFIG,
    O_ALLOW_SIM,
    O_ADMIN_KEY,
    O_SIM_KEY,
    O_BROKER_KEY,
    O_SESSION_TTL,
    O_TOKEN_TTL,
    O_THREADS,
    O_MAX_SESSIONS,
    O_MAX_CONN,
    O_MAX_PER_IP,
    O_MAX_BODY,
    O_MAX_HEADER,
    O_TIMEOUT,
    O_SYNC,
    O_LOG,
    O_LOG_REQUESTS,
    O_JSON,
    O_COLLATERAL,
    O_OFFLINE,
    O_SNP_POLICY,
    O_SNP_ANCHOR,
    O_TDX_POLICY,
    O_TDX_ROOT,
    O_VERIFY_AT,
    O_HELP,
};

int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, O_DB},
        {"listen", required_argument, NULL, O_LISTEN},
        {"port-file", required_argument, NULL, O_PORT_FILE},
        {"config", required_argument, NULL, O_CONFIG},
        {"allow-sim", no_argument, NULL, O_ALLOW_SIM},
        {"admin-key", required_argument, NULL, O_ADMIN_KEY},
        {"sim-key", required_argument, NULL, O_SIM_KEY},
        {"broker-key", required_argument, NULL, O_BROKER_KEY},
        {"session-ttl", required_argument, NULL, O_SESSION_TTL},
        {"token-ttl", required_argument, NULL, O_TOKEN_TTL},
        {"threads", required_argument, NULL, O_THREADS},
        {"max-sessions", required_argument, NULL, O_MAX_SESSIONS},
        {"max-connections", required_argument, NULL, O_MAX_CONN},
        {"max-per-ip", required_argument, NULL, O_MAX_PER_IP},
        {"max-body", required_argument, NULL, O_MAX_BODY},
        {"max-header", required_argument, NULL, O_MAX_HEADER},
        {"timeout", required_argument, NULL, O_TIMEOUT},
        {"sync", required_argument, NULL, O_SYNC},
        {"log", required_argument, NULL, O_LOG},
        {"log-requests", no_argument, NULL, O_LOG_REQUESTS},
        {"json", no_argument, NULL, O_JSON},
        {"collateral-dir", required_argument, NULL, O_COLLATERAL},
        {"offline", no_argument, NULL, O_OFFLINE},
        {"snp-policy", required_argument, NULL, O_SNP_POLICY},
        {"snp-anchor", required_argument, NULL, O_SNP_ANCHOR},
        {"tdx-policy", required_argument, NULL, O_TDX_POLICY},
        {"tdx-root", required_argument, NULL, O_TDX_ROOT},
        {"verify-at", required_argument, NULL, O_VERIFY_AT},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    struct tc_broker_config cfg;
    struct tc_broker *b = NULL;
    const char *config = NULL, *logpath = NULL;
    int c, json = 0, rc = EXIT_OK, i;
    uint16_t port = 0;
    unsigned long v;
    struct sigaction sa;
    tc_err e;

    tc_broker_config_defaults(&cfg);
    /* The configuration file first, so flags override it. */
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config = argv[i + 1];
        } else if (strncmp(argv[i], "--config=", 9) == 0) {
            config = argv[i] + 9; /* getopt_long's other spelling */
        } else if (strcmp(argv[i], "--") == 0) {
            break;
        }
    }
    if (config != NULL && (e = tc_broker_config_load(config, &cfg)) != TC_ERR_OK) {
        rc = cli_fail(e);
        goto out;
    }
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_DB:
            cfg.db_path = optarg;
            break;
        case O_LISTEN:
            cfg.listen = optarg;
            break;
        case O_PORT_FILE:
            cfg.port_file = optarg;
            break;
        case O_CONFIG:
            break;
        case O_ALLOW_SIM:
            cfg.allow_sim = 1;
            break;
        case O_ADMIN_KEY:
            if ((e = tc_broker_config_add_admin_key(&cfg, optarg)) != TC_ERR_OK) {
                rc = cli_fail(e);
                goto out;
            }
            break;
        case O_SIM_KEY:
            if ((e = tc_broker_config_add_sim_key(&cfg, optarg)) != TC_ERR_OK) {
                rc = cli_fail(e);
                goto out;
            }
            break;
        case O_BROKER_KEY:
            cfg.broker_key = optarg;
            break;
        case O_SESSION_TTL:
        case O_TOKEN_TTL:
        case O_THREADS:
        case O_MAX_SESSIONS:
        case O_MAX_CONN:
        case O_MAX_PER_IP:
        case O_MAX_BODY:
        case O_MAX_HEADER:
        case O_TIMEOUT:
            if (!parse_num(optarg, 1UL << 30, &v) || (v == 0 && c != O_MAX_PER_IP)) {
                rc = cli_usage("serve", "%s needs a positive number, not '%s'", argv[optind - 2],
                               optarg);
                goto out;
            }
            if (c == O_SESSION_TTL) {
                cfg.session_ttl = (unsigned)v;
            } else if (c == O_TOKEN_TTL) {
                cfg.token_ttl = (unsigned)v;
            } else if (c == O_THREADS) {
                cfg.threads = (unsigned)v;
            } else if (c == O_MAX_SESSIONS) {
                cfg.max_sessions = v;
            } else if (c == O_MAX_CONN) {
                cfg.max_connections = (unsigned)v;
            } else if (c == O_MAX_PER_IP) {
                cfg.max_per_ip = (unsigned)v;
            } else if (c == O_MAX_BODY) {
                cfg.max_body = v;
            } else if (c == O_MAX_HEADER) {
                cfg.max_header = v;
            } else {
                cfg.timeout = (unsigned)v;
            }
            break;
        case O_SYNC:
            if (strcmp(optarg, "full") != 0 && strcmp(optarg, "normal") != 0) {
                rc = cli_usage("serve", "--sync takes 'normal' or 'full'");
                goto out;
            }
            cfg.sync_full = strcmp(optarg, "full") == 0;
            break;
        case O_LOG:
            logpath = optarg;
            break;
        case O_LOG_REQUESTS:
            cfg.log_requests = 1;
            break;
        case O_JSON:
            json = 1;
            break;
        case O_COLLATERAL:
            cfg.collateral_dir = optarg;
            break;
        case O_OFFLINE:
            cfg.offline = 1;
            break;
        case O_SNP_POLICY:
            if ((e = tc_broker_config_set_snp_policy(&cfg, optarg)) != TC_ERR_OK) {
                rc = cli_fail(e);
                goto out;
            }
            break;
        case O_VERIFY_AT:
            if ((e = tc_time_parse(optarg, &cfg.verify_at)) != TC_ERR_OK) {
                rc = cli_usage("serve", "--verify-at: %s", tc_err_detail());
                goto out;
            }
            break;
        case O_TDX_POLICY:
            if ((e = tc_broker_config_set_tdx_policy(&cfg, optarg)) != TC_ERR_OK) {
                rc = cli_fail(e);
                goto out;
            }
            break;
        case O_TDX_ROOT:
            if ((e = tc_broker_config_add_tdx_root(&cfg, optarg)) != TC_ERR_OK) {
                rc = cli_fail(e);
                goto out;
            }
            break;
        case O_SNP_ANCHOR:
            if ((e = tc_broker_config_add_snp_anchor(&cfg, optarg)) != TC_ERR_OK) {
                rc = cli_fail(e);
                goto out;
            }
            break;
        case O_HELP:
        case 'h':
            help();
            rc = EXIT_OK;
            goto out;
        default:
            rc = cli_usage("serve", "unknown or incomplete option '%s'", argv[optind - 1]);
            goto out;
        }
    }
    if (optind < argc) {
        rc = cli_usage("serve", "unexpected argument '%s'", argv[optind]);
        goto out;
    }
    if (cfg.db_path == NULL) {
        rc = cli_usage("serve", "--db FILE is required (the SQLite store)");
        goto out;
    }
    if (logpath != NULL) {
        cfg.log = fopen(logpath, "a");
        if (cfg.log == NULL) {
            rc = cli_fail(tc_fail(TC_ERR_IO, "%s: cannot open the log", logpath));
            goto out;
        }
    }
    if ((e = tc_broker_new(&cfg, &b)) != TC_ERR_OK) {
        rc = cli_fail_ctx(e, "serve");
        goto out;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    if ((e = tc_broker_start(b, &port)) != TC_ERR_OK) {
        rc = cli_fail_ctx(e, "serve");
        goto out;
    }
    if (cfg.allow_sim) {
        fprintf(stderr,
                "%s serve: WARNING: --allow-sim: simulated TEE evidence is accepted; "
                "results from it are marked simulated\n",
                PROG);
    }
    if (json) {
        json_t *j = json_pack("{s:s,s:i,s:s,s:b}", "listen", cfg.listen, "port", (int)port, "db",
                              cfg.db_path, "allow_sim", cfg.allow_sim);
        char *txt = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;

        printf("%s\n", txt != NULL ? txt : "{}");
        free(txt);
        json_decref(j);
    } else {
        printf("%s serve: listening on port %u (%s), store %s\n", PROG, (unsigned)port, cfg.listen,
               cfg.db_path);
    }
    fflush(stdout);
    while (!stop) {
        struct timespec ts = {0, 200 * 1000 * 1000};

        nanosleep(&ts, NULL);
        tc_broker_tick(b, time(NULL));
    }
out:
    tc_broker_free(b);
    if (cfg.log != NULL) {
        fclose(cfg.log);
    }
    tc_broker_config_free(&cfg);
    return rc;
}
