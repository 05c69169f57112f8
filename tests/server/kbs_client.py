#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""An independent KBS client for the loopback tests: Python's standard library
for HTTP and canonical JSON, python3-jwcrypto for the JOSE parts (JWE
decryption, JWT verification with the broker's JWKS).  The TEE evidence comes
from `trustchain kbs evidence` (the simulated TEE), everything else is done
here, so the broker is checked against a second implementation.

usage: kbs_client.py flow URL RESOURCE EXPECTED_SECRET KEYALG MEASUREMENT_HEX
       kbs_client.py vectors VECTORS_JSON
Prints one "ok - ..." / "FAIL - ..." line per check (the harness format).
"""
import base64
import hashlib
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request

from jwcrypto import jwe, jwk, jwt

failed = 0


def check(cond, what):
    global failed
    print(("ok - " if cond else "FAIL - ") + what)
    if not cond:
        failed += 1
    return cond


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jcs(obj):
    # RFC 8785 for ASCII keys and strings (all that KBS runtime data holds).
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def report_data(nonce, pubkey):
    digest = hashlib.sha384(jcs({"additional-evidence": "", "nonce": nonce,
                                 "tee-pubkey": pubkey})).digest()
    return digest + bytes(16)


def make_key(alg):
    if alg == "rsa":
        key = jwk.JWK.generate(kty="RSA", size=3072)
        pub = json.loads(key.export_public())
        return key, {"kty": "RSA", "alg": "RSA-OAEP-256", "n": pub["n"], "e": pub["e"]}
    crv = {"p256": "P-256", "p521": "P-521"}[alg]
    key = jwk.JWK.generate(kty="EC", crv=crv)
    pub = json.loads(key.export_public())
    return key, {"kty": "EC", "crv": crv, "alg": "ECDH-ES+A256KW", "x": pub["x"], "y": pub["y"]}


class Client:
    def __init__(self, url):
        self.url = url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def call(self, method, path, body=None, headers=None, cookies=True):
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers=dict({"Content-Type": "application/json"},
                                                  **(headers or {})))
        opener = self.opener if cookies else urllib.request.build_opener()
        try:
            with opener.open(req, timeout=30) as r:
                return r.status, r.read(), r.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read(), e.headers


def flow(url, resource, expected, alg, measurement):
    tc = os.environ["TC"]
    c = Client(url)
    st, body, hdrs = c.call("POST", "/kbs/v0/auth",
                            {"version": "0.4.0", "tee": "sim",
                             "extra-params": {"supported-hash-algorithms": ["sha384"]}})
    check(st == 200, "py[%s]: auth 200" % alg)
    challenge = json.loads(body)
    nonce = challenge["nonce"]
    check(len(base64.b64decode(nonce)) == 32, "py[%s]: challenge nonce is 32 bytes" % alg)
    check(challenge.get("extra-params") == "", "py[%s]: extra-params as Trustee sends it" % alg)
    check(any(ck.name == "kbs-session-id" for ck in c.jar),
          "py[%s]: Set-Cookie kbs-session-id" % alg)
    key, pub = make_key(alg)
    rd = report_data(nonce, pub)
    ev = subprocess.run([tc, "kbs", "evidence", "--tee", "sim", "--report-data", rd.hex(),
                         "--sim-measurement", measurement], capture_output=True, check=True)
    evidence = json.loads(ev.stdout)
    st, body, _ = c.call("POST", "/kbs/v0/attest",
                         {"init-data": None,
                          "runtime-data": {"nonce": nonce, "tee-pubkey": pub},
                          "tee-evidence": {"primary_evidence": evidence,
                                           "additional_evidence": ""}})
    if not check(st == 200, "py[%s]: attest 200" % alg):
        print("#   %s" % body[:300])
        return
    token = json.loads(body)["token"]
    # The EAR token, verified with the broker's published key (jwcrypto).
    st, body, _ = c.call("GET", "/kbs/v0/jwks")
    keys = jwk.JWKSet.from_json(body)
    t = jwt.JWT(jwt=token, key=keys, algs=["ES256"])
    claims = json.loads(t.claims)
    hdr = json.loads(t.token.objects["protected"])
    check(hdr.get("alg") == "ES256", "py[%s]: EAR signed ES256 and verified with /jwks" % alg)
    check(claims.get("eat_profile") and "iat" in claims and "exp" in claims and
          "ear.verifier-id" in claims, "py[%s]: EAR eat_profile, iat, exp, ear.verifier-id" % alg)
    sub = claims.get("submods", {}).get("cpu0", {})
    check(sub.get("ear.status") in ("affirming", "warning", "contraindicated"),
          "py[%s]: submods.cpu0.ear.status = %s" % (alg, sub.get("ear.status")))
    check(isinstance(sub.get("ear.trustworthiness-vector"), dict),
          "py[%s]: ear.trustworthiness-vector" % alg)
    ae = sub.get("ear.veraison.annotated-evidence", {})
    check(ae.get("runtime_data_claims", {}).get("tee-pubkey") == pub,
          "py[%s]: the token binds our tee-pubkey" % alg)
    check(claims.get("trustchain.simulated") is True, "py[%s]: token marked simulated" % alg)

    # The resource with the cookie, then with the token as bearer (no cookie).
    for how in ("cookie", "bearer"):
        if how == "cookie":
            st, body, _ = c.call("GET", "/kbs/v0/resource/" + resource)
        else:
            st, body, _ = c.call("GET", "/kbs/v0/resource/" + resource,
                                 headers={"Authorization": "Bearer " + token}, cookies=False)
        if not check(st == 200, "py[%s]: resource by %s: 200" % (alg, how)):
            print("#   %s" % body[:300])
            continue
        resp = json.loads(body)
        check(set(resp) == {"protected", "encrypted_key", "iv", "ciphertext", "tag"},
              "py[%s]: flattened JWE members" % alg)
        prot = base64.urlsafe_b64decode(resp["protected"] + "==").decode()
        if alg == "rsa":
            ok = prot == '{"alg":"RSA-OAEP-256","enc":"A256GCM"}'
        else:
            ok = re.fullmatch(r'\{"alg":"ECDH-ES\+A256KW","enc":"A256GCM","epk":\{"crv":"P-(256|521)",'
                              r'"kty":"EC","x":"[A-Za-z0-9_-]+","y":"[A-Za-z0-9_-]+"\}\}', prot)
        check(bool(ok), "py[%s]: protected header compact, keys alg,enc,epk{crv,kty,x,y}" % alg)
        token_jwe = jwe.JWE()
        token_jwe.deserialize(body.decode(), key=key)
        check(token_jwe.payload == expected.encode(),
              "py[%s]: jwcrypto decrypts the JWE (%s) to the secret" % (alg, how))


def evidence_for(rd, measurement):
    ev = subprocess.run([os.environ["TC"], "kbs", "evidence", "--tee", "sim", "--report-data",
                         rd.hex(), "--sim-measurement", measurement],
                        capture_output=True, check=True)
    return json.loads(ev.stdout)


def is_error(st, body, status, typ, detail_re, what):
    """A refusal: the status, Trustee's ErrorInformation JSON, and a reason that says why."""
    try:
        j = json.loads(body)
    except ValueError:
        j = {}
    ok = (st == status and j.get("type", "").endswith("/" + typ)
          and j.get("type", "").startswith("https://github.com/confidential-containers/kbs/errors/")
          and re.search(detail_re, j.get("detail", ""), re.I) is not None)
    if not check(ok, "%s: %d %s" % (what, status, typ)):
        print("#   got %s %s" % (st, body[:300]))
    return ok


def session(url):
    c = Client(url)
    st, body, _ = c.call("POST", "/kbs/v0/auth", {"version": "0.4.0", "tee": "sim",
                                                  "extra-params": {}})
    return c, json.loads(body)["nonce"]


def attestation(nonce, pub, ev, additional=""):
    return {"runtime-data": {"nonce": nonce, "tee-pubkey": pub},
            "tee-evidence": {"primary_evidence": ev, "additional_evidence": additional}}


def bad(url, measurement, secret):
    """Every bad input: a clear 4xx with a JSON reason, and never the secret."""
    refusals = 0
    c = Client(url)
    key, pub = make_key("p256")
    _, pub2 = make_key("p256")
    cases = [
        (c.call("POST", "/kbs/v0/auth", b"{not json"), 401, "AttestationError", "JSON|Request",
         "malformed Request JSON"),
        (c.call("POST", "/kbs/v0/auth", {"version": "0.4.0", "tee": "tpm"}), 401,
         "AttestationError", "unknown or unsupported TEE", "unknown TEE"),
        (c.call("POST", "/kbs/v0/auth", {"version": "0.1.1", "tee": "sim"}), 401,
         "AttestationError", "Version Mismatch", "wrong protocol version"),
        (c.call("POST", "/kbs/v0/auth", {"version": 4, "tee": "sim"}), 401,
         "AttestationError", "version", "version not a string"),
        (c.call("POST", "/kbs/v0/auth", b'{"version":"0.4.0","tee":"sim","tee":"snp"}'), 401,
         "AttestationError", "duplicate", "duplicate JSON keys"),
        (Client(url).call("POST", "/kbs/v0/attest", attestation("x", pub, {})), 401,
         "AttestationError", "cookie", "attest without a session cookie"),
        (Client(url).call("POST", "/kbs/v0/attest", attestation("x", pub, {}),
                          headers={"Cookie": "kbs-session-id=AAAA.BBBB"}), 401,
         "AttestationError", "not a session", "forged session cookie"),
        (c.call("GET", "/kbs/v0/nothing"), 404, "InvalidRequestPath", "invalid",
         "unknown path"),
        (c.call("GET", "/kbs/v0/auth"), 405, "MethodNotAllowed", "POST", "GET on /auth"),
        (c.call("GET", "/kbs/v0/resource/default/key"), 404, "InvalidRequestPath", "invalid",
         "resource path with two segments"),
        (c.call("GET", "/kbs/v0/resource/default/key/a%2Fb"), 404, "InvalidRequestPath",
         "invalid", "resource path with an encoded slash"),
        (Client(url).call("GET", "/kbs/v0/resource/default/key/disk"), 401, "TokenNotFound",
         "no attested session", "resource without cookie or token"),
        (Client(url).call("GET", "/kbs/v0/resource/default/key/disk",
                          headers={"Authorization": "Bearer a.b.c"}), 401,
         "TokenVerifierError", "rejected", "resource with a garbage bearer token"),
        (c.call("POST", "/kbs/v0/auth", b"x" * (300 * 1024)), 413, "PayloadTooLarge",
         "exceeds", "body over the cap"),
        (Client(url).call("GET", "/kbs/v0/jwks", headers={"X-Big": "y" * (48 * 1024)}), 431,
         "HeaderTooLarge", "exceed", "headers over the cap"),
        (c.call("POST", "/kbs/v0/resource/default/key/disk", b"x"), 401, "AdminAuth",
         "Authorization", "admin call without a token"),
        (c.call("POST", "/kbs/v0/resource-policy", b"{}",
                headers={"Authorization": "Bearer eyJhbGciOiJFUzI1NiJ9.e30.AAAA"}), 401,
         "AdminAuth", "rejected", "admin call with a forged token"),
    ]
    for (st, body, _), status, typ, detail, what in cases:
        refusals += is_error(st, body, status, typ, detail, what)

    # Attestation refusals, each on a fresh session.
    def attest(mutate, status, typ, detail, what, pubkey=pub):
        nonlocal refusals
        cl, nonce = session(url)
        rd = report_data(nonce, pubkey)
        body = attestation(nonce, pubkey, evidence_for(rd, measurement))
        body = mutate(body, nonce)
        st, resp, _ = cl.call("POST", "/kbs/v0/attest", body)
        refusals += is_error(st, resp, status, typ, detail, what)
        return cl

    def other_nonce(body, nonce):
        rd = report_data(base64.b64encode(os.urandom(32)).decode(), pub)
        body["tee-evidence"]["primary_evidence"] = evidence_for(rd, measurement)
        return body

    def nonce_field(body, nonce):
        body["runtime-data"]["nonce"] = base64.b64encode(os.urandom(32)).decode()
        return body

    def other_key(body, nonce):
        body["runtime-data"]["tee-pubkey"] = pub2
        return body

    def tamper(body, nonce):
        ev = body["tee-evidence"]["primary_evidence"]
        raw = bytearray(base64.b64decode(ev["report"]))
        raw[0x20] ^= 1
        ev["report"] = base64.b64encode(bytes(raw)).decode()
        return body

    def truncate(body, nonce):
        ev = body["tee-evidence"]["primary_evidence"]
        ev["report"] = base64.b64encode(base64.b64decode(ev["report"])[:100]).decode()
        return body

    def additional(body, nonce):
        body["tee-evidence"]["additional_evidence"] = "{}"
        return body

    def weak_key(body, nonce):
        body["runtime-data"]["tee-pubkey"] = dict(pub, alg="ECDH-ES")
        return body

    def not_json(body, nonce):
        return b'{"runtime-data": '

    def no_evidence(body, nonce):
        del body["tee-evidence"]
        return body

    attest(other_nonce, 401, "AttestationError", "REPORT_DATA",
           "evidence for a different nonce")
    attest(nonce_field, 401, "AttestationError", "nonce", "runtime-data nonce not the challenge")
    attest(other_key, 401, "AttestationError", "REPORT_DATA", "evidence for a different key")
    attest(tamper, 401, "AttestationError", "signature", "tampered evidence")
    attest(truncate, 401, "AttestationError", "truncated|bytes", "truncated evidence")
    attest(additional, 401, "AttestationError", "REPORT_DATA",
           "additional evidence not covered by REPORT_DATA")
    attest(weak_key, 401, "AttestationError", "ECDH-ES\+A256KW", "tee-pubkey with alg ECDH-ES")
    attest(not_json, 401, "AttestationError", "JSON", "malformed Attestation JSON")
    attest(no_evidence, 401, "AttestationError", "tee-evidence", "Attestation without evidence")

    # Replay: a successful attestation, then the same request again.
    cl, nonce = session(url)
    body = attestation(nonce, pub, evidence_for(report_data(nonce, pub), measurement))
    st, resp, _ = cl.call("POST", "/kbs/v0/attest", body)
    check(st == 200, "a valid attestation is accepted")
    st, resp, _ = cl.call("POST", "/kbs/v0/attest", body)
    refusals += is_error(st, resp, 401, "AttestationError", "replay", "replayed nonce (same session)")
    cl2, _ = session(url)
    st, resp, _ = cl2.call("POST", "/kbs/v0/attest", body)
    refusals += is_error(st, resp, 401, "AttestationError", "nonce",
                         "replayed evidence on another session")
    st, resp, _ = cl.call("GET", "/kbs/v0/resource/default/key/missing")
    refusals += is_error(st, resp, 404, "ResourceNotFound", "not found", "unknown resource")
    st, resp, _ = cl.call("GET", "/kbs/v0/resource/other/key/disk")
    refusals += is_error(st, resp, 401, "PolicyDeny", "no resource policy covers",
                         "resource no policy covers")
    st, resp, _ = cl.call("GET", "/kbs/v0/resource/default/key/disk")
    check(st == 200 and secret.encode() not in resp,
          "the session still works for an allowed resource (and the secret is only in the JWE)")
    print("# refusals checked: %d" % refusals)


def vectors(path):
    v = json.load(open(path))
    body = v["attestation_body"]
    rd = body["runtime-data"]
    obj = {"additional-evidence": body["tee-evidence"]["additional_evidence"],
           "nonce": rd["nonce"], "tee-pubkey": rd["tee-pubkey"]}
    canon = jcs(obj)
    check(canon.decode() == v["runtime_data_jcs"], "vectors: canonical runtime data (Python)")
    h = hashlib.sha384(canon).hexdigest()
    check(h == v["runtime_data_sha384_hex"], "vectors: SHA-384 (Python)")
    check((h + "00" * 16) == v["report_data_64_hex_for_snp_tdx"], "vectors: REPORT_DATA")
    key = jwk.JWK.from_pem(v["tee_private_key_pkcs8_pem"].encode())
    j = jwe.JWE()
    j.deserialize(json.dumps(v["jwe_ec_response"]), key=key)
    check(j.payload == b"shhhhhhh", "vectors: jwcrypto decrypts the vector JWE")


if __name__ == "__main__":
    if sys.argv[1] == "flow":
        flow(*sys.argv[2:7])
    elif sys.argv[1] == "bad":
        bad(*sys.argv[2:5])
    elif sys.argv[1] == "vectors":
        vectors(sys.argv[2])
    sys.exit(1 if failed else 0)
