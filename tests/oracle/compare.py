#!/usr/bin/env python3
"""compare.py BASE_URL TOKEN KEY_ID BODIES EXPECTED: sends each body of the
generator to the service (create, PATCH and rotate of KEY_ID, verify) on
one kept-alive connection and compares its answer with the Laravel
oracle's: a 400's message, a 422's errors (keys, messages, order), or any
other status where the oracle found nothing wrong.  Prints TAP: one line
per route, the differences as diagnostics, and how many bodies were
compared."""
import http.client
import json
import sys
import urllib.parse

ROUTES = {
    "create": ("POST", "/api/api-keys"),
    "patch": ("PATCH", "/api/api-keys/{id}"),
    "rotate": ("POST", "/api/api-keys/{id}/rotate"),
    "verify": ("POST", "/api/api-keys/verify"),
}


def service_answer(status, text):
    """The service's answer in the oracle's form."""
    if status not in (400, 422):
        return {"status": "pass"}
    try:
        doc = json.loads(text, object_pairs_hook=lambda pairs: pairs)
    except ValueError:
        return {"status": str(status), "unparsable": text[:200]}
    top = dict(doc)
    if status == 400:
        return {"status": "400", "message": top.get("message")}
    errors = []
    for key, messages in top.get("errors", []):
        for m in messages:
            errors.append([key, m])
    return {"status": "422", "errors": errors}


def main():
    base, token, key_id, bodies, expected = sys.argv[1:6]
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    counts, diffs, kinds = {}, {}, {}
    with open(bodies, encoding="utf-8") as fb, open(expected, encoding="utf-8") as fe:
        for n, (line, want_line) in enumerate(zip(fb, fe)):
            item, want = json.loads(line), json.loads(want_line)
            ep = item["ep"]
            method, path = ROUTES[ep]
            headers = {"Content-Type": "application/json", "Connection": "keep-alive"}
            if ep != "verify":
                headers["Authorization"] = "Bearer " + token
            payload = item["body"].encode("utf-8")
            for attempt in (0, 1):
                try:
                    conn.request(method, url.path.rstrip("/") + path.format(id=key_id),
                                 body=payload, headers=headers)
                    resp = conn.getresponse()
                    text = resp.read().decode("utf-8", "replace")
                    break
                except (http.client.HTTPException, OSError):
                    conn.close()	# the server closed it: once more, afresh
                    if attempt:
                        raise
            got = service_answer(resp.status, text)
            if got["status"] == "pass":
                got["http"] = resp.status
            counts[ep] = counts.get(ep, 0) + 1
            kinds[want["status"]] = kinds.get(want["status"], 0) + 1
            if {k: v for k, v in got.items() if k != "http"} != want:
                diffs.setdefault(ep, []).append((n, item["body"], want, got))
    total = sum(counts.values())
    for ep in ROUTES:
        bad = diffs.get(ep, [])
        print("%s - %s: %d bodies, the service answers as Laravel's Validator with the "
              "contract's rules%s" % ("not ok" if bad else "ok", ep, counts.get(ep, 0),
                                      " (%d differences)" % len(bad) if bad else ""))
        for n, body, want, got in bad[:8]:
            print("#   body %d: %s" % (n, body[:400]))
            print("#     laravel: %s" % json.dumps(want)[:600])
            print("#     service: %s" % json.dumps(got)[:600])
    print("# %d bodies compared (%s), %d differences" % (
        total, ", ".join("%s %d" % (e, counts.get(e, 0)) for e in ROUTES),
        sum(len(d) for d in diffs.values())))
    print("# Laravel's answers: %d 422, %d 400, %d passed validation" % (
        kinds.get("422", 0), kinds.get("400", 0), kinds.get("pass", 0)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
