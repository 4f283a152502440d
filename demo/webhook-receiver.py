#!/usr/bin/env python3
"""webhook-receiver.py: the demo's webhook receiver, on 127.0.0.1 only.

Prints each POST it gets: whether its Apikeys-Signature holds under the
webhook's secret (read from SECRET-FILE at each request: the demo writes
it once the webhook exists), then the event.  Answers 200 when the
signature holds, else 400.

usage: webhook-receiver.py PORT-FILE SECRET-FILE
       listens on a free port of 127.0.0.1 and writes it to PORT-FILE
"""
import hashlib
import hmac
import http.server
import json
import os
import sys
import time

PORT_FILE, SECRET_FILE = sys.argv[1], sys.argv[2]
TOLERANCE = 300     # seconds a signature's time may be off


def secret():
    try:
        with open(SECRET_FILE) as f:
            return f.read().strip()
    except OSError:
        return ''


def check(header, body, key):
    """'ok', or why the Apikeys-Signature header does not hold."""
    if not key:
        return 'no secret yet'
    parts = dict(p.split('=', 1) for p in (header or '').split(',') if '=' in p)
    if not parts.get('t', '').isdigit() or 'v1' not in parts:
        return 'no signature'
    want = hmac.new(key.encode(), parts['t'].encode() + b'.' + body,
                    hashlib.sha256).hexdigest()
    if not hmac.compare_digest(want, parts['v1']):
        return 'bad signature'
    if abs(time.time() - int(parts['t'])) > TOLERANCE:
        return 'signature too old'
    return 'ok'


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
        verdict = check(self.headers.get('Apikeys-Signature'), body, secret())
        print('--- %s  %s  signature: %s' % (
            time.strftime('%H:%M:%S'), self.headers.get('Apikeys-Event-Id'), verdict))
        try:
            print(json.dumps(json.loads(body), indent=2))
        except ValueError:
            print(body.decode('utf-8', 'replace'))
        sys.stdout.flush()
        self.send_response(200 if verdict == 'ok' else 400)
        self.send_header('Content-Length', '0')
        self.end_headers()


server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
with open(PORT_FILE + '.tmp', 'w') as f:
    f.write(str(server.server_address[1]))
os.rename(PORT_FILE + '.tmp', PORT_FILE)
server.serve_forever()
