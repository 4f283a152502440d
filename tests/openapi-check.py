#!/usr/bin/env python3
"""openapi-check.py BASE_URL: drives every route into every answer it can give and validates each live response against docs/openapi.yaml (TAP)."""
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import jsonschema
import yaml

BASE = sys.argv[1]
DOC = yaml.safe_load(open(os.path.join(os.path.dirname(__file__), "..", "docs", "openapi.yaml")))
ADMIN = os.environ["TEST_ADMIN"]
count = 0
failed = 0


def tap(ok, desc, why=""):
    global count, failed
    count += 1
    if not ok:
        failed += 1
    print(("ok" if ok else "not ok") + f" {count} - openapi: {desc}")
    if why:
        for line in str(why).splitlines()[:12]:
            print("#   " + line)


def schema_for(route, method, status):
    op = DOC["paths"][route].get(method.lower())
    if op is None:      # a method the path does not have: 405, the Error envelope
        return {"$ref": "#/components/schemas/Error"} if status == 405 else None
    resp = op["responses"].get(str(status))
    if resp is None:
        return None
    if "$ref" in resp:
        resp = DOC["components"]["responses"][resp["$ref"].split("/")[-1]]
    return resp["content"]["application/json"]["schema"]


def call(method, path, route, token=None, body=None, expect=None):
    data = None if body is None else body.encode()
    if method == "POST" and data is None:
        data = b""
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            status, headers, raw = r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        status, headers, raw = e.code, e.headers, e.read()
    desc = f"{method} {path} -> {status}"
    if expect is not None and status != expect:
        tap(False, desc, f"expected status {expect}: {raw[:300]!r}")
        return None
    schema = schema_for(route, method, status)
    if schema is None:
        tap(False, desc, "status not documented")
        return None
    try:
        doc = json.loads(raw)
        root = dict(DOC)
        root.update(schema)
        jsonschema.Draft202012Validator(root).validate(doc)
        ok = headers.get("Content-Type") == "application/json" and \
            headers.get("Cache-Control") == "no-store"
        tap(ok, desc + " matches its documented schema", "" if ok else "headers: " + str(dict(headers)))
        return doc
    except (ValueError, jsonschema.ValidationError) as e:
        tap(False, desc + " matches its documented schema", e)
        return None


def admin(*args):
    return subprocess.run([ADMIN, *args], check=True, capture_output=True, text=True).stdout.strip()


uid = admin("user-add", f"openapi-{os.getpid()}@example.com")
tok = admin("token-issue", uid)
K = "/api/api-keys/{id}"
gen = call("POST", "/api/api-keys/generate", "/api/api-keys/generate", tok, expect=200)
call("POST", "/api/api-keys/generate", "/api/api-keys/generate", "nope", expect=401)
call("GET", "/api/api-keys/generate", "/api/api-keys/generate", expect=405)
call("POST", "/api/api-keys/generate", "/api/api-keys/generate", tok, body="x" * 70000, expect=413)
kid = gen["data"]["id"] if gen else 1
call("GET", f"/api/api-keys/{kid}", K, tok, expect=200)
call("GET", "/api/api-keys/999999999", K, tok, expect=404)
call("GET", "/api/api-keys/abc", K, tok, expect=404)
created = call("POST", "/api/api-keys", "/api/api-keys", tok,
               '{"name":"doc","permissions":["a:b"],"expires_at":"2028-01-01T00:00:00+01:00"}', expect=201)
call("POST", "/api/api-keys", "/api/api-keys", tok, "[]", expect=400)
call("POST", "/api/api-keys", "/api/api-keys", tok, '{"name":5,"permissions":["X"]}', expect=422)
call("GET", "/api/api-keys", "/api/api-keys", tok, expect=200)
call("GET", "/api/api-keys", "/api/api-keys", None, expect=401)
if created:
    d = created["data"]
    call("POST", "/api/api-keys/verify", "/api/api-keys/verify", None,
         json.dumps({"key": d["key"], "secret": d["secret"]}), expect=200)
    call("POST", "/api/api-keys/verify", "/api/api-keys/verify", None,
         json.dumps({"key": d["key"], "secret": "x"}), expect=401)
    call("PATCH", f"/api/api-keys/{d['id']}", K, tok,
         '{"rate_limit":{"limit":1,"window_seconds":3600},"remaining_uses":5,'
         '"allowed_ips":["127.0.0.0/8"],"enabled":true}', expect=200)
    call("PATCH", f"/api/api-keys/{d['id']}", K, tok, '{"enabled":1,"allowed_ips":["x"]}', expect=422)
    call("PATCH", f"/api/api-keys/{d['id']}", K, tok, "[]", expect=400)
    cred = {"key": d["key"], "secret": d["secret"]}
    call("POST", "/api/api-keys/verify", "/api/api-keys/verify", None,
         json.dumps({**cred, "client_ip": "127.0.0.1", "cost": 2}), expect=200)
    call("POST", "/api/api-keys/verify", "/api/api-keys/verify", None,
         json.dumps({**cred, "client_ip": "127.0.0.1"}), expect=429)
    call("POST", "/api/api-keys/verify", "/api/api-keys/verify", None,
         json.dumps({**cred, "client_ip": "10.0.0.1"}), expect=403)
    call("POST", "/api/api-keys/verify", "/api/api-keys/verify", None,
         json.dumps({**cred, "client_ip": "127.0.0.1", "permissions": ["zz"]}), expect=403)
    call("POST", "/api/api-keys/verify", "/api/api-keys/verify", None,
         json.dumps({**cred, "cost": "2"}), expect=422)
    call("DELETE", f"/api/api-keys/{d['id']}", K, tok, expect=200)
    call("PATCH", f"/api/api-keys/{d['id']}", K, tok, '{"name":"x"}', expect=409)
call("DELETE", "/api/api-keys/999999999", K, tok, expect=404)
call("PATCH", "/api/api-keys/999999999", K, tok, "{}", expect=404)
R, E = "/api/api-keys/{id}/rotate", "/api/api-keys/{id}/events"
rot = call("POST", f"/api/api-keys/{kid}/rotate", R, tok, '{"grace_seconds":60}', expect=201)
call("POST", f"/api/api-keys/{kid}/rotate", R, tok, expect=409)
call("POST", f"/api/api-keys/{kid}/rotate", R, tok, "[]", expect=400)
call("POST", f"/api/api-keys/{kid}/rotate", R, tok, '{"grace_seconds":-1}', expect=422)
call("POST", "/api/api-keys/999999999/rotate", R, tok, expect=404)
call("GET", f"/api/api-keys/{kid}/rotate", R, tok, expect=405)
if rot:
    call("POST", f"/api/api-keys/{rot['data']['id']}/rotate", R, tok, expect=201)
call("GET", f"/api/api-keys/{kid}/events", E, tok, expect=200)
call("GET", "/api/api-keys/999999999/events", E, tok, expect=404)
call("GET", f"/api/api-keys/{kid}/events", E, None, expect=401)
call("DELETE", f"/api/api-keys/{kid}/events", E, tok, expect=405)
WH, WI = "/api/webhooks", "/api/webhooks/{id}"
WD, WT = "/api/webhooks/{id}/deliveries", "/api/webhooks/{id}/test"
hook = call("POST", WH, WH, tok, '{"url":"https://example.com/hook","events":["key.created","key.revoked"]}',
            expect=201)
call("POST", WH, WH, tok, '{"url":"http://example.com","events":["nope"]}', expect=422)
call("POST", WH, WH, tok, "[]", expect=400)
call("POST", WH, WH, None, "{}", expect=401)
call("PUT", WH, WH, tok, expect=405)
call("GET", WH, WH, tok, expect=200)
hid = hook["data"]["id"] if hook else 1
call("POST", f"/api/webhooks/{hid}/test", WT, tok, expect=202)
call("GET", f"/api/webhooks/{hid}/deliveries", WD, tok, expect=200)
call("GET", "/api/webhooks/999999999/deliveries", WD, tok, expect=404)
call("POST", "/api/webhooks/999999999/test", WT, tok, expect=404)
for i in range(9):
    call("POST", WH, WH, tok, f'{{"url":"https://example.com/{i}","events":["*"]}}')
call("POST", WH, WH, tok, '{"url":"https://example.com/11","events":["*"]}', expect=409)
call("DELETE", f"/api/webhooks/{hid}", WI, tok, expect=200)
call("DELETE", f"/api/webhooks/{hid}", WI, tok, expect=404)
print(f"1..{count}")
sys.exit(1 if failed else 0)
