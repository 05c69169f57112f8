#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A loopback stand-in for Intel's PCS (API v4) serving a --collateral-dir folder, for
the CLI tests of `verify tdx --pcs-url` (tests never use the network).

usage: pcs_server.py DIR PORTFILE   (binds 127.0.0.1 on a free port, writes it to PORTFILE)
Every request is logged to DIR/requests.log.
"""
import http.server
import os
import sys
import urllib.parse

DIR = sys.argv[1]


def read(name):
    with open(os.path.join(DIR, name), "rb") as f:
        return f.read()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        with open(os.path.join(DIR, "requests.log"), "a") as f:
            f.write(self.path + "\n")

    def reply(self, body, header=None, chain=None):
        self.send_response(200)
        if header:
            self.send_header(header, urllib.parse.quote(read(chain).decode()))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(url.query)
        if url.path == "/tdx/certification/v4/tcb" and "fmspc" in q:
            self.reply(read("tcb_info.json"), "TCB-Info-Issuer-Chain", "tcb_signing_chain.pem")
        elif url.path == "/tdx/certification/v4/qe/identity":
            self.reply(read("qe_identity.json"), "SGX-Enclave-Identity-Issuer-Chain",
                       "qe_identity_chain.pem")
        elif url.path == "/sgx/certification/v4/pckcrl" and q.get("ca") == ["platform"]:
            self.reply(read("pck_crl.der"), "SGX-PCK-CRL-Issuer-Chain", "pck_crl_chain.pem")
        elif url.path == "/sgx/certification/v4/rootcacrl":
            self.reply(read("root_crl.der"))
        else:
            self.send_response(404)
            self.end_headers()


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
