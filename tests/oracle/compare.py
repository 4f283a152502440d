#!/usr/bin/env python3
"""compare.py BASE_URL TOKEN KEY_ID BODIES EXPECTED: sends each body of the
generator to the service (create, PATCH and rotate of KEY_ID, verify; of
section 9 the usage of KEY_ID and of the user, a webhook, a sign-in) on
one kept-alive connection and compares its answer with the Laravel
oracle's: a 400's message, a 422's errors (keys, messages, order), or any
other status where the oracle found nothing wrong (for a sign-in: the
credentials' 422 or the throttle's 429, which come after the body's
rules).  Prints TAP: one line per route, the differences as diagnostics,
and how many bodies were compared; for the usage query, also the inputs
where Laravel's own rules (strtotime's "date", PHP's parse_str) would
answer otherwise than the contract's, as notes (9.1 decides those).  A
ROUTES environment variable (comma-separated) limits the routes sent."""
import http.client
import json
import os
import sys
import urllib.parse

ROUTES = {
    "create": ("POST", "/api/api-keys"),
    "patch": ("PATCH", "/api/api-keys/{id}"),
    "rotate": ("POST", "/api/api-keys/{id}/rotate"),
    "verify": ("POST", "/api/api-keys/verify"),
    "usage_key": ("GET", "/api/api-keys/{id}/usage?"),
    "usage": ("GET", "/api/usage?"),
    "webhook": ("POST", "/api/webhooks"),
    "login": ("POST", "/api/login"),
}
# Differences of the webhook url where Laravel's "url" pattern is looser
# about the host than 9.2's "an absolute https:// URL" allows: the service
# refuses what is not an absolute URI or what a delivery could not use, on
# these grounds (a deliberate difference, reported, not failing):
#  - RFC 3986 URIs are ASCII; a non-ASCII URL is an IRI (RFC 3987), whose
#    host would need IDNA conversion before any lookup;
#  - a TCP port is 1..65535 (port 0 cannot be connected to);
#  - a DNS label is 1..63 octets (RFC 1035, 2.3.4), so no name with an
#    empty or longer label resolves.
def url_refused_on_purpose(u):
    if not isinstance(u, str):
        return None
    if any(ord(c) > 127 for c in u):
        return "a non-ASCII URL (an IRI, not an RFC 3986 URI)"
    rest = u.split("://", 1)[1] if "://" in u else ""
    auth = rest.split("/", 1)[0].split("?", 1)[0]
    host, _, port = auth.rpartition(":") if not auth.startswith("[") and ":" in auth else (auth, "", "")
    if port and (int(port) == 0 or int(port) > 65535 or len(port) > 5):
        return "a port of 0, over 65535 or of more than 5 digits (no TCP port)"
    if host and not host.startswith("[") and ("" in host.rstrip(".").split(".") or
                                             any(len(x) > 63 for x in host.split("."))):
        return "an empty host label or one of more than 63 characters (RFC 1035)"
    return None


def deliberate_difference(ep, body, want, got):
    """The reason a difference is one the service makes on purpose, or None."""
    if ep != "webhook" or want.get("status") != got.get("status") and not (
            want.get("status") == "pass" and got.get("status") == "422"):
        return None
    try:
        url = json.loads(body).get("url")
    except (ValueError, AttributeError):
        return None
    reason = url_refused_on_purpose(url)
    strip = [e for e in got.get("errors", []) if e != ["url", "The url field must be a valid URL."]]
    if reason and [e for e in want.get("errors", []) if e[0] != "url"] == strip and \
            not [e for e in want.get("errors", []) if e[0] == "url"]:
        return reason
    return None


NO_MATCH = {"status": "422", "errors": [["email", "These credentials do not match our records."]]}


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
    counts, diffs, kinds, native, deliberate = {}, {}, {}, {}, {}
    show = int(os.environ.get("ORACLE_SHOW", "8"))
    only = set(filter(None, os.environ.get("ROUTES", "").split(",")))
    with open(bodies, encoding="utf-8") as fb, open(expected, encoding="utf-8") as fe:
        for n, (line, want_line) in enumerate(zip(fb, fe)):
            item, want = json.loads(line), json.loads(want_line)
            ep = item["ep"]
            if only and ep not in only:
                continue
            method, path = ROUTES[ep]
            headers = {"Content-Type": "application/json", "Connection": "keep-alive"}
            if ep not in ("verify", "login"):
                headers["Authorization"] = "Bearer " + token
            payload = item["body"].encode("utf-8")
            target = url.path.rstrip("/") + path.format(id=key_id)
            if method == "GET":
                target, payload = target + item["body"], None
            for attempt in (0, 1):
                try:
                    conn.request(method, target, body=payload, headers=headers)
                    resp = conn.getresponse()
                    text = resp.read().decode("utf-8", "replace")
                    break
                except (http.client.HTTPException, OSError):
                    conn.close()	# the server closed it: once more, afresh
                    if attempt:
                        raise
            got = service_answer(resp.status, text)
            if ep == "login" and (got == NO_MATCH or resp.status == 429):
                got = {"status": "pass"}
            if ep.startswith("usage") and got["status"] == "pass" and resp.status != 200:
                got["status"] = str(resp.status)	# a usage query that passes is a 200
            if "native" in want:
                if want["native"] != {k: v for k, v in want.items() if k != "native"}:
                    native.setdefault(ep, []).append((n, item["body"], want["native"]))
                want = {k: v for k, v in want.items() if k != "native"}
            if got["status"] == "pass":
                got["http"] = resp.status
            counts[ep] = counts.get(ep, 0) + 1
            kinds[want["status"]] = kinds.get(want["status"], 0) + 1
            if {k: v for k, v in got.items() if k != "http"} != want:
                why = deliberate_difference(ep, item["body"], want, got)
                if why:
                    deliberate.setdefault(why, []).append((n, item["body"]))
                else:
                    diffs.setdefault(ep, []).append((n, item["body"], want, got))
    total = sum(counts.values())
    for ep in ROUTES:
        if only and ep not in only:
            continue
        bad = diffs.get(ep, [])
        print("%s - %s: %d bodies, the service answers as Laravel's Validator with the "
              "contract's rules%s" % ("not ok" if bad else "ok", ep, counts.get(ep, 0),
                                      " (%d differences)" % len(bad) if bad else ""))
        for n, body, want, got in bad[:show]:
            print("#   body %d: %s" % (n, body[:400]))
            print("#     laravel: %s" % json.dumps(want)[:600])
            print("#     service: %s" % json.dumps(got)[:600])
    for why, items in deliberate.items():
        print("ok - webhook: %d bodies that Laravel's url accepts are refused on purpose: %s" %
              (len(items), why))
        for n, body in items[:4]:
            print("#   body %d: %s" % (n, body[:200]))
    for ep, notes in native.items():
        print("# note: %s: %d of %d queries Laravel's own rules would answer otherwise "
              "(9.1 decides: RFC 3339, its decoding); the first:" % (ep, len(notes), counts[ep]))
        for n, body, nat in notes[:12]:
            print("#   query %d: %s -> laravel's own: %s" % (n, body[:200], json.dumps(nat)[:300]))
    print("# %d bodies compared (%s), %d differences" % (
        total, ", ".join("%s %d" % (e, counts.get(e, 0)) for e in ROUTES),
        sum(len(d) for d in diffs.values())))
    print("# Laravel's answers: %d 422, %d 400, %d passed validation" % (
        kinds.get("422", 0), kinds.get("400", 0), kinds.get("pass", 0)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
