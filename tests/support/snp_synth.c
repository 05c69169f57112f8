/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Synthetic SEV-SNP chains and reports for tests.  The RSA keys below are TEST keys generated
 * for this file (openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048); they protect
 * nothing and are never trusted unless a test passes the synthetic ARK as an extra anchor.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "core/ossl.h"
#include "core/reader.h"
#include "snp_synth.h"

static const char key_ark[] = "-----BEGIN PRIVATE KEY-----\n"
                              "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCrETFK5+OKQo/m\n"
                              "+UW4Aqw7Qe2E6Pqk2ZbgpV0Bt/DHYCycDdRYlQFCiFpQyx8CAxsehmL3BEx+a2b+\n"
                              "8pU9r0aItA/zHQDK/6seyf7zXuAPP7s/iwiiz9dFIq2Or0liXz4VXvco8MG+1jnR\n"
                              "EkNiCrQMcLxzWMImPtRW2zTcFIe04rmouA8oLC92ITPAOQ/FfrzRrbxwzLRY4BeV\n"
                              "g8PuH13yYwuVqMFkij4lYbxjH/WlnEAaq+f4L2Kweg1EHHGHD9sgFSz5eojCQu+U\n"
                              "6otPjhtcNZdNkNwMLVZUpzeRLAxdT9MMumcm8NNxSq3v1VaEQrx3llIaz88EcIhN\n"
                              "ns5ejQnPAgMBAAECggEAFyo81+fkPX9wp9Zu79Fs1plsOz38CFbEF6eiRe6irF0E\n"
                              "WB2HTneJtCNtbNi/WjERexC3q2Y+9YpAaEXGmpPMTra+HNh7QwIG1M8wYcR3PZlj\n"
                              "weG8nvow1yva/3dnzeptKHezqyzvD5NIQQeNbblaqFSb2wLUnQPlEoicn9t9L6v2\n"
                              "BSRTGjbQZ8F6iVEGoL+380n2LJWBTwc3CF3j7IuYF43TWvorrvOy0nMabvCc0HiD\n"
                              "pjq0SJZDIgdVzh40uQEouzAXcGio0cvx2YG2yp6DO6AZdNM3/Z89HbOEf5vKwMbv\n"
                              "eQ4+dDDl8Wkc47uez6yUhBp7h9EYjobN9yD11n1AAQKBgQDed5egzpTMKOfc6UeM\n"
                              "rXvYpmhJsJOVQuWck559x4tTtcO4oLUVd45TyqOlBvztl9bwu8yvGhG2kJW9nnoe\n"
                              "rBgDFm3avMBiPp08Aw8S4B/yKMI9NqB9A044t8QTmC1Yb6sPuXBkp9iJfKMy1rTt\n"
                              "RWad9gpRyJxrHWCh8ZdKe9xw7QKBgQDE2jaAPP9jpo3jc4hvz9QGY9TeGbt9aqfY\n"
                              "GK06KEjUTMJk21S10QB6yuEar4KxQNkJj4jrO/cuMW+fpL/HuWnymsihTLlsNm7T\n"
                              "uF6xT25gcm5vo83ZAqm6n8rE9ZoYpISaGEctgM5N45rCukQHsGCdGgmM3sJ01ihP\n"
                              "CNRfNYYaKwKBgQDUF+5eaDUiQ2lyipElRIxLK7NHdenuJr4jvfUfc2uYnjT/w2+B\n"
                              "DN+LcSj8/6GJnvZTwqfM1KzIgiXQhtNkhKvL3clT/hnoUEu1WDE5zKWISGWO2JK/\n"
                              "PLSJjGGKUM4Cf0v2DNRjkkX2JfatVFdf0oeX12dVO04tLO/g1SRo5ZdvrQKBgQCX\n"
                              "K1wfLriRNh5QRTDJbLhOD+wwg2JP9c/fS1P8DWOgZTIDccujtFTB93rWm2Gp7Tq+\n"
                              "9NMYknxHpP8rgcElB2YtQGBCPkFGsKZ7QGK3l2AUAMx+PzSdKkZdYsi8aD9mHTEX\n"
                              "hP1kHD5R4i++ynvjy7bl7lDXNVnvj2Z1CzrLwraw8QKBgCUNQCioA+tNoX6SksKq\n"
                              "ihXiFLt5BHl/QSiZHpTKIWzF2gEsxKQKaV1S/HI8j0wqDllwi/pLQdaX6NWVT7Ph\n"
                              "TJgWFt1rWiCoXmq4G+sAs++z5a1ltSZaKmT2smU5/ByjCKy8IDqjmbXH30h74VvX\n"
                              "m5Xut0cg0coMpFLQDaqiuvi6\n"
                              "-----END PRIVATE KEY-----\n";

static const char key_ask[] = "-----BEGIN PRIVATE KEY-----\n"
                              "MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQDGWucygAK3/E4r\n"
                              "+SGHmKz5rWWazU9xvfR2hUfOQG8FnZtDmDmtwVZIEe6QpG9D2DOsv2cUQil3bHUY\n"
                              "4gJOfkfuu5bvC8ncZEfqWKeuIlMATAuGqLf1a0MmCcgdFkP9MSiBdNjxaPhgN4YT\n"
                              "lGsFpD21haJJf9+gQFb5Wsm+fdeR6e1QVpRAxx5pgtQDl1eEhA0zCFbRd2L3S0AJ\n"
                              "02M49O1W/kKeR52S9ZDtcIk3piFsMxIvwPMNustAFRJtSsLmWh9rEb/BdA7CIxuF\n"
                              "quS9Fv3EwYuJukGuCpCfTp2tYGbTBGCGtfy6ZZgQXUIyK5uR/46mV1wENGkmhZCg\n"
                              "jE298hSjAgMBAAECggEAILgc/AEOsb++O1WwmLfwDI10PalRSf9eBHDuy9BoH+KE\n"
                              "Go3RMd66909x7U0ah3Px7jRyce6J/YeX9z9MxxrgjbpG5u6oYSDvlfIC0uAZlep1\n"
                              "WkSZd7O2U194sYebNng16MjYAlZg5ioyhSdN0hPqE/fTsdEUl9AVKLO3pKMIfKpx\n"
                              "aJmyCxarnK/Z3cYeQz5RyTZHZ1BH3PKBcRVFA5JY1DCLqAc5sNL3prhvicpItxz3\n"
                              "eoKijhqXyx3WFH6nMHC3euSHeuyI3pt+8aeEn3M8CL8pTALDc6kOap4m6/yS2wfZ\n"
                              "HDW6pgRBSDUj2m1CrGEixlpRIF7JmosOZnx26SiY4QKBgQD8PszHAf0dck2VthOh\n"
                              "IqTHskamzjgqcu2Zvw4OWVMHo9c8pc+b6Atyr2i0QJQEqhHKtYK775Ao20LO/iCd\n"
                              "RAZTlaqSZ4xbYaA6gy9TmNZTM+M/PsVbbC07f/If5bbqOfYnsDvLTNYK3ztB4JvV\n"
                              "CZ3/HCg5F1u98KSED3SWNBJBYQKBgQDJTsAZH4+gSuuJNrLTA/nvbEVxsd0qrqCJ\n"
                              "zVdSFT+vGmc2pPw+/9p3Pd/mb6UoSxIxQ/znBiysXsqiMky9eO+Lw0+PBfTrXdmw\n"
                              "7CofXlg9opzFxUcbmY3Pm1DyMN0ULOmz/OEc1/jgSc9XpsAL1Lhk5CINp86wINK8\n"
                              "RsMewn6ggwKBgQClIhe9ULf7xxCzqfc/zgZCFZvbJ7XtVD/oHwN8sU2B+ui1c3du\n"
                              "gYK9GchZ+MzuIMh1BE8J6dNea+xYxlVjn1zk6143akKgsFDM/YTGHZBx984VYWqi\n"
                              "ZzdVdHV2HFSbEkbrxJvgg/S8OVf50Kkz1o/wquZKOdh9iESrj9KrYntxAQKBgQCo\n"
                              "UvffSfufbWXbGuiV9xoyr1a1xaKIAPJtp0xfbzML6EjrcTMWPnte/1bLaQkxUuxI\n"
                              "U3ARgKE0FCLdUq/GMmwiclKA5dswPw46mI50IkAocWMjH1zg4BmqwVUC3gbNyuwz\n"
                              "OrzEkHYinLUJtn2Ypur0Oambv3fc3+U11vlqK/kTnwKBgQCrIP2ESLwtOVf1vdzL\n"
                              "U/sElPsX7GC2HjI22YiE7ohXlX8UJ73JhX+mSIIXsO76I3qXl4d+boW0VRJmiEhK\n"
                              "ofvxDhfrY/BfKwvZRCxHwjWIF9bpcObt18Xr+BbjbpicRsri2fcnIUGJN8RY0yx4\n"
                              "2cNfgCOcQn65fi3gAlOA1WrdAA==\n"
                              "-----END PRIVATE KEY-----\n";

static const char key_asvk[] = "-----BEGIN PRIVATE KEY-----\n"
                               "MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQC2+IjzFV7gkDm0\n"
                               "7IkP+f0q1rb2unH4TQ08Cxki2U2PCjpl7qDEHFGqkVRNe2mjwuQ4cdsyb4APAnBT\n"
                               "VVeWYKNUn1krtvG9jSsaQlonBi+ai5uTXrEc/RXjW81pY6Ap/nnqb+FpNqbORCsG\n"
                               "L2CmQ/CoCoM+CgRJ/tOkJAN65zW9VEihy/zEgPXi1G8fyXAe0IG6Zr+6o3glZ0EH\n"
                               "JhTCkiWhwMZz9Re1TRKp32apw28yB+0KiXRcyMCkzOxSY0QnF5cGZ7MlhGZwVpEq\n"
                               "3s90O4S5dvFzzZ5Uipo+KhtLsMGjCKKYP4kAW9UC/gjzvRnfH7eA9Cx6CP6X22XT\n"
                               "VC6UIXcJAgMBAAECggEADTHwvGkM4dB83OOXAdgzLgD0imgJOpEh9HPPcQAvU/K2\n"
                               "oe262dG6AP1AkWLmTClMqJZraqB4YXy5SYU0zxMyjDJ+rYSgu9z/oAHrevd6/N/3\n"
                               "DQJt7uuAhdgzwNcusICZ3bKKVLpcfrETUjud8nehVhkF/HYf948hR6vSNW2RplDb\n"
                               "jrYSoEPpn0B5OUXQRKJ97gOpkVRKqFDohvh/6qaUj4GUJbr7vGaPBCFpAoRcKl43\n"
                               "esswAjjYLiB3xhVMze6LSCs2uPKTQZNrPsCL6zzYxc4UL0UFELtXYs3+k2FqkdH0\n"
                               "R5ZLBfORt6M1XnvQEMjvPuhJ3o4gjJsUZv7SkaklJQKBgQDyUAOtIS+X1fT8c7AS\n"
                               "WBY8L7C0NEKcqRroQnya/J8d5VLzuqrFiX/6k3jgJX7RkZ+esQtMr7nGEYPKsH4G\n"
                               "4D7I0Vh2fVaQlDNAOQxplrGySSxbhdUop29txGp90FQlcOuAQ82oEZLP+V/mdCaF\n"
                               "4nnNSGqIIQeEr5i8FbuP1WSKjQKBgQDBTmdSqp1Tv/rKEZAN7O1mg8lWSZJTJR19\n"
                               "DVnKauklqGhDSkjR2HqCeNLEikmWzYwarNFE6rF+jSE+ayuziOIHdlfByYPvHrYk\n"
                               "QyYyQd2dl4dfn44IhNpG6fxsKEknY3GdCiqXPaUxjOtHmt0/eER4K5cZxgcXGL7B\n"
                               "g+XNc0KdbQKBgBMaqd+JgUYYUVNiD5yyozYlkGn0wNe3IW70ZvyVNDpYLT0YF4Sx\n"
                               "fYyU+e+6JRCCybHqRXjLVfs+wERHu/fw0CJnFvFoml2VwaCrnsXoYqQqzrt8hrzI\n"
                               "zqk51ieLOEcnavnW3q0Eja2l/KCfwbXGkFHWBsgqynv0mDckA4Cok1+1AoGAA9KZ\n"
                               "GHlnQxC41OYkAyJ8T1qr0JkD28EQJDjvXaFfmu8JoMsHRZ8STSI2iMxzSBgofR6N\n"
                               "xN8fQ3FnBuT3qEU8swkUEzD4+vGQiIcLalMDHuqwMqPlGyYFawGVjE3/pFfDF2fs\n"
                               "D7GYYrJ2tKPLXEX0lKvIASp5WWuT2h/Rm4578sECgYAWwJA9BTrIF5elM49j0aPD\n"
                               "5w5rwk8KLjpdpqLPuMoKfeZgQtlKRDTPQz1CussDRf3CsiGJrcwj9Xg+4XyI76+m\n"
                               "PTGJyHOX5C1Uvy2Y5DhuZIYf5y/8p2Z35zFrg99rO8pGcEtSW/mkzqPWfig3887K\n"
                               "AsU6AnYEMs3HSo699qOi9A==\n"
                               "-----END PRIVATE KEY-----\n";

static const char key_other[] = "-----BEGIN PRIVATE KEY-----\n"
                                "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC30b0uiTpwe35V\n"
                                "07iGRck6z4Llp4C6KZ6b6EcYQ7tQQ9la5yseIEru62ND0FpZMx+FQkCBkuj1/ka7\n"
                                "QEd2h0EDzQz/WDJ27TwMZrLY55B1xLFBSRaB6u9AZt8MV9Z+UPVFD8iA0U+r/wdi\n"
                                "5R1lI/xJrkilXn2HujG0IappoNJ5Lj4gPA4jNUhP5iPb0BOjdo1M1iccKZP0rNuK\n"
                                "OiYIw8Sp8LSgq42sYPUsEzbKYoIcGu/GlpIZ8AVR6v0xGuifqtv33JQJQPvco4Rm\n"
                                "pZ5CehhsOEZ+kZtowPAk4ttLn9ed15AmhwVcjX4sv7ZF+/kH8TpvUEnjMcUMtcsr\n"
                                "e7fr2+19AgMBAAECggEAIyRqu9cZ8E+3wS5TMH5ugHsUHhY2JsEWtN1FHEc0rB1w\n"
                                "lC+uP1nyoXcoeNpAL531uHsITI1a0s6sVJevIeKtRA4DXlzM9w4XRRKsPgoVROKX\n"
                                "9bCEqE1TNLeGDHzNgcQ2A+BG15PMnMgKsDY3trKYxLhYZJ8qNhTbdEHca8nGe0qQ\n"
                                "GNhLBsKV4NzemKiJh8nMOeCxxETOLu4hyMK1lET00KTp8bUzd2b8g6u0Ky9iPhFE\n"
                                "ZGL4J0ELlvzI9cLpjksjnQUjVGxtfp/nV1pH6m+UHAN75AIQ6BzC0IOygLDG0zTH\n"
                                "ErAKNUnPACMmGlLTLiPcqBTlAAT8X85v1A9EHEvEmQKBgQDmEeLuLFnpOVNH2y3d\n"
                                "iTDa3FVs3i91P+0/Aqxb/zZMvDLcf1TWIj5pHU3P/7Qb8oNZjR/yqA3efapFVx75\n"
                                "fO2aduYpxLTwj+DLJNsvVa8cyFMOGooWBYFxIrZL8ZOwXYoIOju6B+L2cNhZWM3d\n"
                                "bsubLfCRQiZk951KsrNXx4SbpQKBgQDMiWc7FkD5B8vPUZFi/ZgVnRzwWOe6EpzU\n"
                                "2678DPbMvulTxzrVa2fpNb8Dv7vPJi9TyTtwr7O5BAFhJDY14MEw456N/f/pYZ+9\n"
                                "RZQUBIpTCsjtwyhNFpffN9GLX/eT6j7YP24t4ueLh8c334700ERcgnmU4n0wnMos\n"
                                "G3zHMMBC+QKBgFLqUVGq9EBkY4o7CJ2VquDFlZflv07PWi5iRUHmiWhAT0g+L5H4\n"
                                "x2tUn01+BygnT4U/oiruvAjaWzogOs6JYoxPm4WkGd20zLwJrWCyzahe3efwUqG7\n"
                                "HDps2ywlhSeDnpJ2gj36R6avZplUsuTB4GkttkxzfajXwH1CR/YztqvtAoGBAJaG\n"
                                "nJFQjFp5kVWu+uc2KIHnkY+Ubl1zKzY/wqS+Sbde3MqKOdMs61km87+nkGkf+f6Y\n"
                                "fwUsWYDU4MsD4l1+Xc9EBMEM6BRygyPBG/wrZz08F6lbUcKB2R0usCj5ZHPYFY4C\n"
                                "CGz+q1b1gvisr0GeMGFAqIeYs3dePC9/vzG8wBHJAoGAZfNFet6dEUpr5AjSmO/C\n"
                                "yD//5GzhPAiHOD8UCXT7L0uwqBnjNPQz7lj4MvxjsqgQ4mf62iOke7KsRkbzjwD7\n"
                                "eaoMDqQu1TOihs/on3Q4sO6TFPFkPwQZMGgk88NLb3lebE7yT9MZJ0JmfQewfTUk\n"
                                "eDn91jP7wHBoX4czDRT3mbE=\n"
                                "-----END PRIVATE KEY-----\n";

static EVP_PKEY *keys[4]; /* ark, ask, asvk, other */
static pthread_once_t keys_once = PTHREAD_ONCE_INIT;

static void load_keys(void)
{
    const char *pems[4] = {key_ark, key_ask, key_asvk, key_other};
    size_t i;

    for (i = 0; i < 4; i++) {
        BIO *b = BIO_new_mem_buf(pems[i], -1);

        keys[i] = b != NULL ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
        BIO_free(b);
    }
}

struct snp_synth_chain {
    struct snp_synth_opts o;
    enum tc_snp_product product;
    EVP_PKEY *vek_key;
    X509 *vek, *ask, *ark;
    uint8_t *der[3];
    size_t der_len[3];
    long ask_serial;
};

static const char *pname(enum tc_snp_product p)
{
    return tc_snp_product_name(p);
}

uint64_t snp_synth_tcb_raw(enum tc_snp_product p, const struct snp_synth_tcb *t)
{
    if (p == TC_SNP_PRODUCT_TURIN) {
        return (uint64_t)t->fmc | (uint64_t)t->bootloader << 8 | (uint64_t)t->tee << 16 |
               (uint64_t)t->snp << 24 | (uint64_t)t->microcode << 56;
    }
    return (uint64_t)t->bootloader | (uint64_t)t->tee << 8 | (uint64_t)t->snp << 48 |
           (uint64_t)t->microcode << 56;
}

static X509_NAME *amd_name(const char *cn)
{
    X509_NAME *n = X509_NAME_new();
    static const char *const f[][2] = {{"OU", "Engineering"},
                                       {"C", "US"},
                                       {"L", "Santa Clara"},
                                       {"ST", "CA"},
                                       {"O", "Advanced Micro Devices"}};
    size_t i;

    for (i = 0; n != NULL && i < sizeof(f) / sizeof(f[0]); i++) {
        if (X509_NAME_add_entry_by_txt(n, f[i][0], MBSTRING_ASC, (const unsigned char *)f[i][1], -1,
                                       -1, 0) != 1) {
            X509_NAME_free(n);
            return NULL;
        }
    }
    if (n != NULL && X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn,
                                                -1, -1, 0) != 1) {
        X509_NAME_free(n);
        return NULL;
    }
    return n;
}

static int add_raw_ext(X509 *x, const char *oid, const uint8_t *v, size_t n, int critical)
{
    ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
    ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
    X509_EXTENSION *ext = NULL;
    int ok = 0;

    if (obj != NULL && os != NULL && ASN1_OCTET_STRING_set(os, v, (int)n) == 1) {
        ext = X509_EXTENSION_create_by_OBJ(NULL, obj, critical, os);
        ok = ext != NULL && X509_add_ext(x, ext, -1) == 1;
    }
    X509_EXTENSION_free(ext);
    ASN1_OCTET_STRING_free(os);
    ASN1_OBJECT_free(obj);
    return ok;
}

static int add_int_ext(X509 *x, const char *oid, unsigned v)
{
    uint8_t d[4] = {0x02, 0x01, (uint8_t)v, 0};

    if (v >= 0x80) {
        d[1] = 2;
        d[2] = 0;
        d[3] = (uint8_t)v;
        return add_raw_ext(x, oid, d, 4, 0);
    }
    return add_raw_ext(x, oid, d, 3, 0);
}

static int add_ia5_ext(X509 *x, const char *oid, const char *s)
{
    uint8_t d[130];
    size_t n = strlen(s);

    if (n > 127) {
        return 0;
    }
    d[0] = 0x16;
    d[1] = (uint8_t)n;
    memcpy(d + 2, s, n);
    return add_raw_ext(x, oid, d, n + 2, 0);
}

static int add_v3(X509 *x, int nid, const char *value)
{
    X509_EXTENSION *e = X509V3_EXT_nconf_nid(NULL, NULL, nid, value);
    int ok = e != NULL && X509_add_ext(x, e, -1) == 1;

    X509_EXTENSION_free(e);
    return ok;
}

/* RSASSA-PSS with AMD's parameters (SHA-384, MGF1-SHA-384, salt 48) unless a mutation asks for
 * PKCS#1 v1.5, another hash (md, for the hash and MGF1) or another salt length. */
static int sign_cert(X509 *x, EVP_PKEY *key, int pkcs1, const EVP_MD *md, int salt)
{
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    EVP_PKEY_CTX *p = NULL;
    int ok = m != NULL &&
             EVP_DigestSignInit(m, &p, md != NULL ? md : EVP_sha384(), NULL, key) == 1 &&
             (pkcs1 || (EVP_PKEY_CTX_set_rsa_padding(p, RSA_PKCS1_PSS_PADDING) == 1 &&
                        EVP_PKEY_CTX_set_rsa_pss_saltlen(p, salt != 0 ? salt : 48) == 1 &&
                        EVP_PKEY_CTX_set_rsa_mgf1_md(p, md != NULL ? md : EVP_sha384()) == 1)) &&
             X509_sign_ctx(x, m) > 0;

    EVP_MD_CTX_free(m);
    return ok;
}

static X509 *new_cert(const char *subject_cn, const char *issuer_cn, long serial, time_t nb,
                      time_t na, EVP_PKEY *pub)
{
    X509 *x = X509_new();
    X509_NAME *s = amd_name(subject_cn), *i = amd_name(issuer_cn);
    int ok = x != NULL && s != NULL && i != NULL && X509_set_version(x, 2) == 1 &&
             ASN1_INTEGER_set(X509_get_serialNumber(x), serial) == 1 &&
             X509_set_subject_name(x, s) == 1 && X509_set_issuer_name(x, i) == 1 &&
             ASN1_TIME_set(X509_getm_notBefore(x), nb) != NULL &&
             ASN1_TIME_set(X509_getm_notAfter(x), na) != NULL && X509_set_pubkey(x, pub) == 1;

    X509_NAME_free(s);
    X509_NAME_free(i);
    if (!ok) {
        X509_free(x);
        return NULL;
    }
    return x;
}

static int export_der(X509 *x, uint8_t **der, size_t *len)
{
    unsigned char *p = NULL;
    int n = i2d_X509(x, &p);

    if (n <= 0) {
        return 0;
    }
    *der = malloc((size_t)n);
    if (*der == NULL) {
        OPENSSL_free(p);
        return 0;
    }
    memcpy(*der, p, (size_t)n);
    *len = (size_t)n;
    OPENSSL_free(p);
    return 1;
}

static void default_tcb(enum tc_snp_product p, struct snp_synth_tcb *t)
{
    if (p == TC_SNP_PRODUCT_TURIN) {
        *t = (struct snp_synth_tcb){.fmc = 1, .bootloader = 3, .tee = 2, .snp = 5, .microcode = 97};
    } else if (p == TC_SNP_PRODUCT_GENOA) {
        *t = (struct snp_synth_tcb){.bootloader = 10, .tee = 0, .snp = 23, .microcode = 84};
    } else {
        *t = (struct snp_synth_tcb){.bootloader = 3, .tee = 0, .snp = 8, .microcode = 115};
    }
}

static int all_zero(const uint8_t *p, size_t n)
{
    while (n > 0) {
        if (p[--n] != 0) {
            return 0;
        }
    }
    return 1;
}

#define T2020 ((time_t)1577836800)
#define T2024 ((time_t)1704067200)
#define T2031 ((time_t)1924992000)
#define T2045 ((time_t)2366841600)

tc_err snp_synth_chain_new(const struct snp_synth_opts *o, struct snp_synth_chain **out)
{
    static const struct snp_synth_opts zero;
    struct snp_synth_chain *c = calloc(1, sizeof(*c));
    const struct snp_synth_tcb *t;
    EVP_PKEY *ark_key, *ask_key, *other;
    char ark_cn[32], ask_cn[32], wrong_cn[32];
    const char *vek_issuer;
    size_t i, hl;
    long base;
    int ok = 1;

    *out = NULL;
    if (c == NULL) {
        return tc_fail(TC_ERR_NOMEM, "synth chain");
    }
    pthread_once(&keys_once, load_keys);
    if (keys[0] == NULL || keys[1] == NULL || keys[2] == NULL || keys[3] == NULL) {
        free(c);
        return tc_fail_ssl(TC_ERR_CRYPTO, "synth: test keys");
    }
    c->o = o != NULL ? *o : zero;
    c->product = c->o.product != TC_SNP_PRODUCT_UNKNOWN ? c->o.product : TC_SNP_PRODUCT_MILAN;
    if (c->o.tcb.fmc == 0 && c->o.tcb.bootloader == 0 && c->o.tcb.tee == 0 && c->o.tcb.snp == 0 &&
        c->o.tcb.microcode == 0) {
        default_tcb(c->product, &c->o.tcb);
    }
    if (all_zero(c->o.chip_id, 64)) {
        size_t n = c->product == TC_SNP_PRODUCT_TURIN ? 8 : 64;

        for (i = 0; i < n; i++) {
            c->o.chip_id[i] = (uint8_t)(0x11 + 7 * i);
        }
    }
    if (c->o.vek_not_before == 0) {
        c->o.vek_not_before = T2024;
    }
    if (c->o.vek_not_after == 0) {
        c->o.vek_not_after = T2031;
    }
    if (c->o.ca_not_before == 0) {
        c->o.ca_not_before = T2020;
    }
    if (c->o.ca_not_after == 0) {
        c->o.ca_not_after = T2045;
    }
    t = &c->o.tcb;
    ark_key = keys[0];
    ask_key = c->o.vlek ? keys[2] : keys[1];
    other = keys[3];
    base = (long)c->product << 16;
    c->ask_serial = c->o.ask_serial != 0 ? c->o.ask_serial : base + (c->o.vlek ? 0x101 : 0x1);
    snprintf(ark_cn, sizeof(ark_cn), "ARK-%s", pname(c->product));
    snprintf(ask_cn, sizeof(ask_cn), c->o.vlek ? "SEV-VLEK-%s" : "SEV-%s", pname(c->product));
    snprintf(wrong_cn, sizeof(wrong_cn), c->o.vlek ? "SEV-%s" : "SEV-VLEK-%s", pname(c->product));
    vek_issuer = c->o.vek_issued_by_wrong_role ? wrong_cn : ask_cn;

    c->vek_key = EVP_EC_gen(c->o.vek_p256 ? "P-256" : "P-384");
    /* ARK: self-signed root.  ASK/ASVK: CA under it.  VEK: leaf with the AMD extensions. */
    c->ark = new_cert(ark_cn, ark_cn, base, c->o.ca_not_before, c->o.ca_not_after, ark_key);
    c->ask =
        new_cert(ask_cn, ark_cn, c->ask_serial, c->o.ca_not_before, c->o.ca_not_after, ask_key);
    c->vek = c->vek_key == NULL ? NULL
                                : new_cert(c->o.vlek ? "SEV-VLEK" : "SEV-VCEK", vek_issuer, 0,
                                           c->o.vek_not_before, c->o.vek_not_after, c->vek_key);
    if (c->ark == NULL || c->ask == NULL || c->vek == NULL) {
        snp_synth_chain_free(c);
        return tc_fail_ssl(TC_ERR_CRYPTO, "synth: certificates");
    }
    ok = ok && add_v3(c->ark, NID_key_usage, "critical,keyCertSign,cRLSign") &&
         add_v3(c->ark, NID_basic_constraints, "critical,CA:TRUE");
    if (!c->o.ask_not_ca) {
        ok = ok && add_v3(c->ask, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") &&
             add_v3(c->ask, NID_key_usage, "critical,keyCertSign");
    }
    ok = ok && add_int_ext(c->vek, "1.3.6.1.4.1.3704.1.1", c->product == TC_SNP_PRODUCT_TURIN);
    if (c->o.product_name == NULL) {
        char pn[32];

        snprintf(pn, sizeof(pn), c->o.vlek || c->product == TC_SNP_PRODUCT_TURIN ? "%s" : "%s-B0",
                 pname(c->product));
        ok = ok && add_ia5_ext(c->vek, "1.3.6.1.4.1.3704.1.2", pn);
    } else if (c->o.product_name[0] != '\0') {
        ok = ok && add_ia5_ext(c->vek, "1.3.6.1.4.1.3704.1.2", c->o.product_name);
    }
    {
        /* SPL k: 1 bl, 2 tee, 3 snp, 4-7 reserved (5-7 on Turin), 8 ucode, 9 fmc (Turin). */
        static const char *oids[10] = {NULL,
                                       "1.3.6.1.4.1.3704.1.3.1",
                                       "1.3.6.1.4.1.3704.1.3.2",
                                       "1.3.6.1.4.1.3704.1.3.3",
                                       "1.3.6.1.4.1.3704.1.3.4",
                                       "1.3.6.1.4.1.3704.1.3.5",
                                       "1.3.6.1.4.1.3704.1.3.6",
                                       "1.3.6.1.4.1.3704.1.3.7",
                                       "1.3.6.1.4.1.3704.1.3.8",
                                       "1.3.6.1.4.1.3704.1.3.9"};
        unsigned vals[10] = {0, t->bootloader, t->tee, t->snp, 0, 0, 0, 0, t->microcode, t->fmc};
        int k;

        for (k = 1; k <= 9; k++) {
            if (k == c->o.omit_spl || (k == 9 && c->product != TC_SNP_PRODUCT_TURIN) ||
                (k == 4 && c->product == TC_SNP_PRODUCT_TURIN)) {
                continue;
            }
            ok = ok && add_int_ext(c->vek, oids[k], vals[k]);
        }
    }
    if (c->o.vlek) {
        ok = ok && add_ia5_ext(c->vek, "1.3.6.1.4.1.3704.1.5", "CN=synthetic.example");
    } else if (!c->o.omit_hwid) {
        uint8_t w[66];

        hl = c->o.hwid_len != 0                   ? (size_t)c->o.hwid_len
             : c->product == TC_SNP_PRODUCT_TURIN ? 8
                                                  : 64;
        if (c->o.hwid_wrapped) {
            w[0] = 0x04;
            w[1] = (uint8_t)hl;
            memcpy(w + 2, c->o.chip_id, hl);
            ok = ok && add_raw_ext(c->vek, "1.3.6.1.4.1.3704.1.4", w, hl + 2, 0);
        } else {
            ok = ok && add_raw_ext(c->vek, "1.3.6.1.4.1.3704.1.4", c->o.chip_id, hl, 0);
        }
    }
    if (c->o.vek_critical_ext) {
        static const uint8_t v[] = {0x05, 0x00};

        ok = ok && add_raw_ext(c->vek, "1.3.6.1.4.1.3704.99", v, sizeof(v), 1);
    }
    ok = ok && sign_cert(c->ark, c->o.ark_signed_by_other ? other : ark_key, 0, NULL, 0) &&
         sign_cert(c->ask, c->o.ask_signed_by_other ? other : ark_key, 0,
                   c->o.ask_pss_sha256 ? EVP_sha256() : NULL, 0) &&
         sign_cert(c->vek, c->o.vek_signed_by_other ? other : ask_key, c->o.vek_pkcs1, NULL,
                   c->o.vek_pss_salt) &&
         export_der(c->vek, &c->der[0], &c->der_len[0]) &&
         export_der(c->ask, &c->der[1], &c->der_len[1]) &&
         export_der(c->ark, &c->der[2], &c->der_len[2]);
    if (!ok) {
        snp_synth_chain_free(c);
        return tc_fail_ssl(TC_ERR_CRYPTO, "synth: build certificates");
    }
    *out = c;
    return TC_ERR_OK;
}

void snp_synth_chain_free(struct snp_synth_chain *c)
{
    size_t i;

    if (c == NULL) {
        return;
    }
    for (i = 0; i < 3; i++) {
        free(c->der[i]);
    }
    X509_free(c->vek);
    X509_free(c->ask);
    X509_free(c->ark);
    EVP_PKEY_free(c->vek_key);
    free(c);
}

enum tc_snp_product snp_synth_product(const struct snp_synth_chain *c)
{
    return c->product;
}

int snp_synth_is_vlek(const struct snp_synth_chain *c)
{
    return c->o.vlek;
}

const struct snp_synth_tcb *snp_synth_chain_tcb(const struct snp_synth_chain *c)
{
    return &c->o.tcb;
}

const uint8_t *snp_synth_chain_chip_id(const struct snp_synth_chain *c)
{
    return c->o.chip_id;
}

EVP_PKEY *snp_synth_vek_key(const struct snp_synth_chain *c)
{
    return c->vek_key;
}

long snp_synth_ask_serial(const struct snp_synth_chain *c)
{
    return c->ask_serial;
}

void snp_synth_der(const struct snp_synth_chain *c, enum snp_synth_cert which, const uint8_t **der,
                   size_t *len)
{
    size_t i = which == SNP_SYNTH_VEK ? 0 : which == SNP_SYNTH_ASK ? 1 : 2;

    *der = c->der[i];
    *len = c->der_len[i];
}

tc_err snp_synth_pem(const struct snp_synth_chain *c, unsigned mask, char **pem, size_t *len)
{
    BIO *b = BIO_new(BIO_s_mem());
    X509 *xs[3] = {c->vek, c->ask, c->ark};
    char *p;
    long n;
    size_t i;
    int ok = b != NULL;

    for (i = 0; ok && i < 3; i++) {
        if (mask & (1u << i)) {
            ok = PEM_write_bio_X509(b, xs[i]) == 1;
        }
    }
    n = ok ? BIO_get_mem_data(b, &p) : 0;
    if (!ok || n <= 0 || (*pem = malloc((size_t)n + 1)) == NULL) {
        BIO_free(b);
        return tc_fail_ssl(TC_ERR_CRYPTO, "synth: PEM");
    }
    memcpy(*pem, p, (size_t)n);
    (*pem)[n] = '\0';
    *len = (size_t)n;
    BIO_free(b);
    return TC_ERR_OK;
}

tc_err snp_synth_chain_pem(const struct snp_synth_chain *c, char **pem, size_t *len)
{
    return snp_synth_pem(c, SNP_SYNTH_VEK | SNP_SYNTH_ASK | SNP_SYNTH_ARK, pem, len);
}

/* GUIDs in RFC 4122 byte order (GHCB spec; go-sev-guest and virtee write them so). */
static const uint8_t guid_vcek[16] = {0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64, 0x45, 0x64,
                                      0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd};
static const uint8_t guid_vlek[16] = {0xa8, 0x07, 0x4b, 0xc2, 0xa2, 0x5a, 0x48, 0x3e,
                                      0xaa, 0xe6, 0x39, 0xc0, 0x45, 0xa0, 0xb8, 0xa1};
static const uint8_t guid_ask[16] = {0x4a, 0xb7, 0xb3, 0x79, 0xbb, 0xac, 0x4f, 0xe4,
                                     0xa0, 0x2f, 0x05, 0xae, 0xf3, 0x27, 0xc7, 0x82};
static const uint8_t guid_ark[16] = {0xc0, 0xb4, 0x06, 0xa4, 0xa8, 0x03, 0x49, 0x52,
                                     0x97, 0x43, 0x3f, 0xb6, 0x01, 0x4c, 0xd0, 0xae};

tc_err snp_synth_certtable(const struct snp_synth_chain *c, size_t pad, uint8_t **out, size_t *len)
{
    const uint8_t *guids[3] = {c->o.vlek ? guid_vlek : guid_vcek, guid_ask, guid_ark};
    size_t hdr = 4 * 24, total = hdr, off, i;
    uint8_t *t;

    for (i = 0; i < 3; i++) {
        total += c->der_len[i];
    }
    if (pad > total) {
        total = pad;
    }
    t = calloc(1, total);
    if (t == NULL) {
        return tc_fail(TC_ERR_NOMEM, "synth: table");
    }
    off = hdr;
    for (i = 0; i < 3; i++) {
        memcpy(t + 24 * i, guids[i], 16);
        tc_put_le32(t + 24 * i + 16, (uint32_t)off);
        tc_put_le32(t + 24 * i + 20, (uint32_t)c->der_len[i]);
        memcpy(t + off, c->der[i], c->der_len[i]);
        off += c->der_len[i];
    }
    *out = t;
    *len = total;
    return TC_ERR_OK;
}

void snp_synth_anchor(const struct snp_synth_chain *c, struct tc_snp_anchor *a)
{
    unsigned char *spki = NULL;
    int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(c->ark), &spki);

    memset(a, 0, sizeof(*a));
    a->product = c->product;
    if (n > 0 && tc_digest(EVP_sha256(), spki, (size_t)n, a->spki_sha256) != TC_ERR_OK) {
        tc_err_clear();
    }
    OPENSSL_free(spki);
}

tc_err snp_synth_crl(const struct snp_synth_chain *c, int by_ask, const long *serials, size_t n,
                     time_t this_update, time_t next_update, uint8_t **der, size_t *len)
{
    X509_CRL *crl = X509_CRL_new();
    X509 *issuer = by_ask ? c->ask : c->ark;
    EVP_PKEY *key = by_ask ? (c->o.vlek ? keys[2] : keys[1]) : keys[0];
    ASN1_TIME *tu = ASN1_TIME_set(NULL, this_update), *nu = ASN1_TIME_set(NULL, next_update);
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    EVP_PKEY_CTX *p = NULL;
    unsigned char *d = NULL;
    size_t i;
    int ok, dl = 0;

    ok = crl != NULL && tu != NULL && nu != NULL && m != NULL &&
         X509_CRL_set_version(crl, 1) == 1 &&
         X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer)) == 1 &&
         X509_CRL_set1_lastUpdate(crl, tu) == 1 && X509_CRL_set1_nextUpdate(crl, nu) == 1;
    for (i = 0; ok && i < n; i++) {
        X509_REVOKED *r = X509_REVOKED_new();
        ASN1_INTEGER *s = ASN1_INTEGER_new();

        ok = r != NULL && s != NULL && ASN1_INTEGER_set(s, serials[i]) == 1 &&
             X509_REVOKED_set_serialNumber(r, s) == 1 &&
             X509_REVOKED_set_revocationDate(r, tu) == 1 && X509_CRL_add0_revoked(crl, r) == 1;
        if (ok) {
            r = NULL;
        }
        X509_REVOKED_free(r);
        ASN1_INTEGER_free(s);
    }
    ok =
        ok && X509_CRL_sort(crl) == 1 && EVP_DigestSignInit(m, &p, EVP_sha384(), NULL, key) == 1 &&
        EVP_PKEY_CTX_set_rsa_padding(p, RSA_PKCS1_PSS_PADDING) == 1 &&
        EVP_PKEY_CTX_set_rsa_pss_saltlen(p, c->o.crl_pss_salt != 0 ? c->o.crl_pss_salt : 48) == 1 &&
        EVP_PKEY_CTX_set_rsa_mgf1_md(p, EVP_sha384()) == 1 && X509_CRL_sign_ctx(crl, m) > 0 &&
        (dl = i2d_X509_CRL(crl, &d)) > 0 && (*der = malloc((size_t)dl)) != NULL;
    if (ok) {
        memcpy(*der, d, (size_t)dl);
        *len = (size_t)dl;
    }
    OPENSSL_free(d);
    EVP_MD_CTX_free(m);
    ASN1_TIME_free(tu);
    ASN1_TIME_free(nu);
    X509_CRL_free(crl);
    return ok ? TC_ERR_OK : tc_fail_ssl(TC_ERR_CRYPTO, "synth: CRL");
}

void snp_synth_report_init(const struct snp_synth_chain *c, struct snp_synth_report *r)
{
    uint64_t tcb = snp_synth_tcb_raw(c->product, &c->o.tcb);
    size_t i;

    memset(r, 0, sizeof(*r));
    r->version = c->product == TC_SNP_PRODUCT_TURIN ? 5 : 3;
    r->guest_svn = 1;
    r->policy = 0x30000;
    r->sig_algo = 1;
    r->current_tcb = r->reported_tcb = r->committed_tcb = r->launch_tcb = tcb;
    r->platform_info = 0x1;
    r->signer_info = c->o.vlek ? 1u << 2 : 0;
    for (i = 0; i < 48; i++) {
        r->measurement[i] = (uint8_t)(0xa0 + i);
    }
    for (i = 0; i < 32; i++) {
        r->report_id[i] = (uint8_t)(0x30 + i);
    }
    memset(r->report_id_ma, 0xff, sizeof(r->report_id_ma));
    if (c->product == TC_SNP_PRODUCT_TURIN) {
        r->cpuid_family = 0x1a;
        r->cpuid_model = 0x02;
    } else if (c->product == TC_SNP_PRODUCT_GENOA) {
        r->cpuid_family = 0x19;
        r->cpuid_model = 0x11;
    } else {
        r->cpuid_family = 0x19;
        r->cpuid_model = 0x01;
    }
    r->cpuid_stepping = 1;
    if (!c->o.vlek) {
        memcpy(r->chip_id, c->o.chip_id, 64);
    }
    r->current_major = r->committed_major = 1;
    r->current_minor = r->committed_minor = 55;
    r->current_build = r->committed_build = 21;
}

tc_err snp_synth_resign(const struct snp_synth_chain *c, uint8_t raw[TC_SNP_REPORT_SIZE])
{
    return tc_ecdsa_sign_rs(c->vek_key, EVP_sha384(), raw, TC_SNP_SIGNED_SIZE, raw + 0x2a0,
                            raw + 0x2e8, 72, 1);
}

tc_err snp_synth_report_sign(const struct snp_synth_chain *c, const struct snp_synth_report *r,
                             uint8_t out[TC_SNP_REPORT_SIZE])
{
    memset(out, 0, TC_SNP_REPORT_SIZE);
    /* ABI "ATTESTATION_REPORT Structure", field by field. */
    tc_put_le32(out + 0x00, r->version);
    tc_put_le32(out + 0x04, r->guest_svn);
    tc_put_le64(out + 0x08, r->policy);
    memcpy(out + 0x10, r->family_id, 16);
    memcpy(out + 0x20, r->image_id, 16);
    tc_put_le32(out + 0x30, r->vmpl);
    tc_put_le32(out + 0x34, r->sig_algo);
    tc_put_le64(out + 0x38, r->current_tcb);
    tc_put_le64(out + 0x40, r->platform_info);
    tc_put_le32(out + 0x48, r->signer_info);
    memcpy(out + 0x50, r->report_data, 64);
    memcpy(out + 0x90, r->measurement, 48);
    memcpy(out + 0xc0, r->host_data, 32);
    memcpy(out + 0xe0, r->id_key_digest, 48);
    memcpy(out + 0x110, r->author_key_digest, 48);
    memcpy(out + 0x140, r->report_id, 32);
    memcpy(out + 0x160, r->report_id_ma, 32);
    tc_put_le64(out + 0x180, r->reported_tcb);
    if (r->version >= 3) {
        out[0x188] = r->cpuid_family;
        out[0x189] = r->cpuid_model;
        out[0x18a] = r->cpuid_stepping;
    }
    memcpy(out + 0x1a0, r->chip_id, 64);
    tc_put_le64(out + 0x1e0, r->committed_tcb);
    out[0x1e8] = r->current_build;
    out[0x1e9] = r->current_minor;
    out[0x1ea] = r->current_major;
    out[0x1ec] = r->committed_build;
    out[0x1ed] = r->committed_minor;
    out[0x1ee] = r->committed_major;
    tc_put_le64(out + 0x1f0, r->launch_tcb);
    if (r->version >= 5) {
        tc_put_le64(out + 0x1f8, r->launch_mit_vector);
        tc_put_le64(out + 0x200, r->current_mit_vector);
    }
    return snp_synth_resign(c, out);
}
