#!/usr/bin/env python3
"""webhook-receiver.py: a webhook receiver for tests/webhooks.test, on 127.0.0.1 only.

Checks each POST's Apikeys-Signature with Python's own hmac against the
secret registered for its path, and records one JSON line per request
(path, the three headers, the body, whether the signature held).  What it
answers is read from DIR/mode.PATHNAME (else DIR/mode) at each request:
"ok" (200), "500", "slow" (waits 12 s, then 200), "pause" (waits 1 s,
then 200), "redirect" (302 to /ok).

usage: webhook-receiver.py DIR [--cert CERT --key KEY]
       writes its port to DIR/port (DIR/port.tls with --cert)
       secrets: DIR/secrets, lines "PATH SECRET"
"""
import hashlib
import hmac
import http.server
import json
import os
import ssl
import sys
import threading
import time

DIR = sys.argv[1]
TLS = '--cert' in sys.argv
LOCK = threading.Lock()


def secrets():
    out = {}
    try:
        with open(os.path.join(DIR, 'secrets')) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2:
                    out[parts[0]] = parts[1]
    except OSError:
        pass
    return out


def mode(path):
    name = path.strip('/').replace('/', '_') or 'root'
    for f in ('mode.' + name, 'mode'):
        try:
            with open(os.path.join(DIR, f)) as fh:
                return fh.read().strip()
        except OSError:
            continue
    return 'ok'


def signature_ok(header, body, secret):
    if not header or not secret:
        return False
    parts = dict(p.split('=', 1) for p in header.split(',') if '=' in p)
    if set(parts) != {'t', 'v1'} or not parts['t'].isdigit():
        return False
    want = hmac.new(secret.encode(), parts['t'].encode() + b'.' + body,
                    hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, parts['v1'])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def do_POST(self):
        n = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(n)
        path = self.path.split('?', 1)[0]
        sig = self.headers.get('Apikeys-Signature')
        rec = {
            'path': path,
            'tls': TLS,
            'content_type': self.headers.get('Content-Type'),
            'event_id': self.headers.get('Apikeys-Event-Id'),
            'signature': sig,
            'signature_ok': signature_ok(sig, body, secrets().get(path)),
            'body': body.decode('utf-8', 'replace'),
            'at': time.time(),
        }
        with LOCK, open(os.path.join(DIR, 'got'), 'a') as f:
            f.write(json.dumps(rec) + '\n')
        m = mode(path)
        if m == 'slow':
            time.sleep(12)
        elif m == 'pause':
            time.sleep(1)
        if m == '500':
            self.answer(500, b'{"error":"boom"}')
        elif m == 'redirect':
            self.send_response(302)
            self.send_header('Location', '/ok')
            self.send_header('Content-Length', '0')
            self.end_headers()
        else:
            self.answer(200, b'{"ok":true}')

    def answer(self, status, body):
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)


server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
server.daemon_threads = True
if TLS:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[sys.argv.index('--cert') + 1],
                        sys.argv[sys.argv.index('--key') + 1])
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
port_file = os.path.join(DIR, 'port.tls' if TLS else 'port')
with open(port_file + '.tmp', 'w') as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + '.tmp', port_file)
server.serve_forever()
