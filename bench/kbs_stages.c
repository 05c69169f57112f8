/* SPDX-License-Identifier: Apache-2.0 */
/*
 * In-process cost of each stage of one attestation at the broker, and the
 * raw OpenSSL operations underneath (the "hardware limit" of this machine
 * for the same work): prints one JSON line of microseconds per operation.
 *   kbs_stages [--ms MILLISECONDS_PER_STAGE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/ec.h>
#include <openssl/evp.h>

#include "trustchain/ear.h"
#include "trustchain/kbs.h"
#include "trustchain/sim.h"
#include "trustchain/util.h"

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define STAGE(name, body)                                                                          \
    do {                                                                                           \
        double t0_ = now_s(), el_;                                                                 \
        long n_ = 0;                                                                               \
        do {                                                                                       \
            body;                                                                                  \
            n_++;                                                                                  \
        } while ((el_ = now_s() - t0_) < budget);                                                  \
        printf("%s\"%s\":%.2f", first ? "" : ",", name, el_ / (double)n_ * 1e6);                   \
        first = 0;                                                                                 \
    } while (0)

int main(int argc, char **argv)
{
    double budget = 0.3;
    int first = 1;
    long fails = 0;
    EVP_PKEY *tee = NULL, *simkey = EVP_EC_gen("P-256"), *bk = EVP_EC_gen("P-256"), *peer;
    json_t *pub = NULL, *ev = NULL, *claims = NULL;
    struct tc_sim_report tmpl;
    uint8_t rd[64], sig[64], z[32];
    static const char nonce[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    char *jwt = NULL;

    if (argc == 3 && strcmp(argv[1], "--ms") == 0) {
        budget = atof(argv[2]) / 1e3;
    }
    memset(&tmpl, 0, sizeof(tmpl));
    tmpl.version = 1;
    if (tc_jwk_generate(TC_JWK_EC_P256, &tee, &pub) != TC_ERR_OK ||
        tc_kbs_report_data(pub, nonce, "", rd, NULL) != TC_ERR_OK ||
        tc_sim_evidence(simkey, &tmpl, rd, &ev) != TC_ERR_OK) {
        fprintf(stderr, "setup failed: %s\n", tc_err_detail());
        return 1;
    }
    claims = json_pack("{s:s,s:i}", "x", "y", "iat", 1);
    peer = EVP_EC_gen("P-256");
    printf("{\"unit\":\"us/op\",");
    /* Raw OpenSSL: the floor for the same cryptography. */
    STAGE("openssl_p256_keygen", EVP_PKEY_free(EVP_EC_gen("P-256")));
    STAGE("openssl_ecdsa_p256_sign", {
        EVP_MD_CTX *m = EVP_MD_CTX_new();
        size_t sl = sizeof(sig) + 16;
        uint8_t der[80];

        EVP_DigestSignInit(m, NULL, EVP_sha256(), NULL, simkey);
        EVP_DigestSign(m, der, &sl, rd, 64);
        EVP_MD_CTX_free(m);
    });
    STAGE("openssl_ecdh_p256_derive", {
        EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(tee, NULL);
        size_t zl = sizeof(z);

        EVP_PKEY_derive_init(c);
        EVP_PKEY_derive_set_peer(c, peer);
        EVP_PKEY_derive(c, z, &zl);
        EVP_PKEY_CTX_free(c);
    });
    /* trustchain stages. */
    STAGE("jcs_report_data", fails += tc_kbs_report_data(pub, nonce, "", rd, NULL) != TC_ERR_OK);
    STAGE("tee_pubkey_check", fails += tc_jwk_check_tee_pubkey(pub, NULL, NULL) != TC_ERR_OK);
    STAGE("sim_evidence_make", {
        json_t *e2 = NULL;

        fails += tc_sim_evidence(simkey, &tmpl, rd, &e2) != TC_ERR_OK;
        json_decref(e2);
    });
    STAGE("sim_verify", {
        struct tc_verdict v;
        json_t *c2 = NULL;

        tc_verdict_init(&v);
        fails += tc_sim_verify(ev, rd, NULL, 0, &c2, &v) != TC_ERR_OK;
        json_decref(c2);
        tc_verdict_free(&v);
    });
    STAGE("ear_sign_es256", {
        free(jwt);
        jwt = NULL;
        fails += tc_jws_sign(bk, NULL, claims, &jwt) != TC_ERR_OK;
    });
    STAGE("jwt_verify_es256", {
        json_t *c2 = NULL;

        fails += tc_jwt_verify(jwt, strlen(jwt), &bk, 1, 0, 0, 0, &c2) != TC_ERR_OK;
        json_decref(c2);
    });
    STAGE("jwe_encrypt_p256", {
        char *out = NULL;

        fails += tc_jwe_encrypt(pub, (const uint8_t *)"s3cret", 6, &out) != TC_ERR_OK;
        free(out);
    });
    printf(",\"failures\":%ld}\n", fails);
    free(jwt);
    json_decref(pub);
    json_decref(ev);
    json_decref(claims);
    EVP_PKEY_free(tee);
    EVP_PKEY_free(simkey);
    EVP_PKEY_free(bk);
    EVP_PKEY_free(peer);
    return 0;
}
