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



class StrictLoader(yaml.SafeLoader):
    """safe_load that refuses a mapping with a key twice, as strict parsers do
    (PyYAML alone keeps the last one silently)."""


def _strict_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _strict_mapping)

BASE = sys.argv[1]
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


def load_doc():
    path = os.path.join(os.path.dirname(__file__), "..", "docs", "openapi.yaml")
    try:
        with open(path) as f:
            doc = yaml.load(f, Loader=StrictLoader)
    except yaml.YAMLError as e:
        tap(False, "docs/openapi.yaml loads strictly (no key twice)", e)
        print(f"1..{count}")
        sys.exit(1)
    tap(True, "docs/openapi.yaml loads strictly (no key twice)")
    return doc


def answers_everywhere(doc, *statuses):
    """Answers the router gives on every route before any handler: each
    operation lists them."""
    for route, item in doc["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "patch", "delete", "put"):
                continue
            missing = [s for s in statuses if s not in op["responses"]]
            tap(not missing, f"{method.upper()} {route} lists {', '.join(statuses)}",
                f"missing: {missing}" if missing else "")


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


DOC = load_doc()
answers_everywhere(DOC, "405", "413")
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
U, UU = "/api/api-keys/{id}/usage", "/api/usage"
call("GET", f"/api/api-keys/{kid}/usage", U, tok, expect=200)
call("GET", f"/api/api-keys/{kid}/usage?granularity=day&from=2026-01-01T00:00:00%2B01:00&to=2026-02-01T00:00:00Z", U, tok, expect=200)
call("GET", f"/api/api-keys/{kid}/usage?from=x&granularity=week", U, tok, expect=422)
call("GET", "/api/api-keys/999999999/usage", U, tok, expect=404)
call("GET", f"/api/api-keys/{kid}/usage", U, None, expect=401)
call("POST", f"/api/api-keys/{kid}/usage", U, tok, expect=405)
call("GET", "/api/usage", UU, tok, expect=200)
call("GET", "/api/usage?to=2026-01-01T00:00:00Z&from=2026-03-01T00:00:00Z", UU, tok, expect=422)
call("GET", "/api/usage", UU, None, expect=401)
call("DELETE", "/api/usage", UU, tok, expect=405)
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
