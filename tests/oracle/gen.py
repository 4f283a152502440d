#!/usr/bin/env python3
"""gen.py SEED COUNT: writes COUNT request bodies (one JSON line each:
{"ep": create|patch|rotate|verify, "body": "<the raw body>"}) for the
Laravel oracle, drawn with a fixed seed: wrong types, bounds, long lists
with bad and repeated items, Unicode, control characters, nulls, nested
objects, and a few bodies at the complexity limits.  Then, from a stream
of their own (the bodies above stay as they were for a seed), COUNT/2
inputs of section 9: usage queries ("usage_key", "usage": the raw query
string as "body"), webhook bodies ("webhook") and sign-ins ("login")."""
import datetime
import json
import random
import sys
import urllib.parse

ABSENT = object()


def when(r, days, fmt):
    """An RFC 3339 time `days` from now, written one of several ways."""
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)
    t = t.replace(microsecond=r.choice([0, 500000, 123456]))
    if fmt == 0:
        return t.strftime('%Y-%m-%dT%H:%M:%SZ')
    if fmt == 1:
        return t.strftime('%Y-%m-%dT%H:%M:%S.%fZ')
    if fmt == 2:
        return (t + datetime.timedelta(hours=2)).strftime('%Y-%m-%dT%H:%M:%S+02:00')
    if fmt == 3:
        return (t - datetime.timedelta(hours=5, minutes=30)).strftime('%Y-%m-%dt%H:%M:%S.%f-05:30')
    return t.strftime('%Y-%m-%dT%H:%M:%Sz')


def junk(r):
    """A value of some other type."""
    return r.choice([None, True, False, 0, -1, 7, 5.0, 1.5, 1e3, "", "x", [], {}, ["a"],
                     {"a": 1}, [[None]], {"n": {"m": [1, {"k": "v"}]}}, 9223372036854775807,
                     -9223372036854775808])


def expires(r):
    k = r.randrange(14)
    if k < 4:
        return when(r, r.choice([1, 30, 365, 1000, 1800]), r.randrange(5))
    if k == 4:
        return when(r, r.choice([-1, -400]), r.randrange(5))	# past
    if k == 5:
        return when(r, r.choice([5 * 365 + 5, 3000, 36500]), r.randrange(5))	# too far
    if k == 6:
        return r.choice(["2027-02-30T00:00:00Z", "2027-13-01T00:00:00Z", "2027-06-01T24:00:00Z",
                         "2027-06-01", "2027-06-01T10:00:00", "2027-06-01 10:00:00Z",
                         "tomorrow", "", " 2027-06-01T10:00:00Z", "2027-06-01T10:00:00.Z",
                         "2027-06-01T10:00:00+2:00", "2027-06-01T10:00:00+24:00",
                         "0000-06-01T10:00:00Z", "2028-02-29T10:00:00Z", "2027-02-29T10:00:00Z",
                         "2027-06-01T10:00:60Z", "2027-06-01T10:00:00\u0000Z"])
    if k < 9:
        return junk(r)
    return ABSENT


PERM_GOOD = ["read", "write", "payments:read", "a.b_c-d", "x" * 64, "0", "k:" + "z" * 30]
PERM_BAD = ["BAD", "", "a b", "x" * 65, "\u00e9", "read\u0000", "tab\t", 7, None, [], {}, True,
            "Read", " read", "read\n", "\u0663"]
IP_GOOD = ["10.0.0.1", "203.0.113.7/24", "2001:DB8::/32", "::ffff:10.1.2.3", "::1/128",
           "0.0.0.0/0", "192.168.1.1/32", "fe80::1", "2001:db8::1:0:0:1"]
IP_BAD = ["10.0.0.256", "10.0.0.0/33", "2001:db8::/129", "x", 5, "10.0.0.1/08", " 10.0.0.1",
          "10.0.0.1/", "/24", "fe80::1%eth0", "10.0.0", "1.2.3.4/-1", "", None, [], "::g",
          "10.0.0.1/24/1", "\u0661.2.3.4"]


def a_list(r, good, bad):
    k = r.randrange(12)
    if k == 0:
        return ABSENT
    if k == 1:
        return None
    if k == 2:
        return junk(r)
    if k == 3:
        return {"0": r.choice(good)}
    n = r.choice([0, 1, 2, 3, 5, 8, 31, 32, 32, 33, 33, 34, 40, 50])
    bad_rate = r.choice([0, 0, 0.1, 0.5])
    out = []
    for _ in range(n):
        x = r.random()
        if x < bad_rate:
            out.append(r.choice(bad))
        elif out and x < bad_rate + 0.15:
            out.append(r.choice(out))	# a repeat
        else:
            out.append(r.choice(good) if r.random() < 0.3 else
                       r.choice(["p", "q", "s"]) + str(r.randrange(1000)))
    return out


def ips(r):
    v = a_list(r, IP_GOOD, IP_BAD)
    if isinstance(v, list):
        # Generated good items are permission-like: make them addresses.
        v = [("10.%d.%d.%d" % (r.randrange(256), r.randrange(256), r.randrange(256))
              if isinstance(x, str) and x[:1] in "pqs" and x[1:].isdigit() else x) for x in v]
    return v


def name(r):
    k = r.randrange(16)
    if k < 5:
        return r.choice(["key", "My key", "cl\u00e9 \U0001F511", "a" * 50, "\u00e9" * 50,
                         "\U0001F511" * 50, " padded ", "\u3000\u00a0x\u2028", "x" * 49])
    if k == 5:
        return r.choice(["a" * 51, "\u00e9" * 51, "\U0001F511" * 51, " " + "b" * 50 + " "])
    if k == 6:
        return r.choice(["", "   ", "\u200b\ufeff", "\t\n", "\u0085"])
    if k == 7:
        return r.choice(["a\u0001b", "del\u007f", "c1\u0085x", "tab\tinside", "nul\u0000x",
                         "line\nbreak"])
    if k < 11:
        return junk(r)
    return ABSENT


def integer(r, lo, hi):
    k = r.randrange(10)
    if k < 3:
        return r.choice([lo, hi, (lo + hi) // 2])
    if k < 5:
        return r.choice([lo - 1, hi + 1, -1, float(hi), str(hi), True])
    if k < 7:
        return junk(r)
    return ABSENT


def rate_limit(r):
    k = r.randrange(8)
    if k < 3:
        return ABSENT
    if k == 3:
        return junk(r)
    obj = {}
    for member, hi in (("limit", 1000000), ("window_seconds", 86400)):
        v = integer(r, 1, hi)
        if v is not ABSENT:
            obj[member] = v
    if r.random() < 0.2:
        obj["extra"] = junk(r)
    return obj


def extras(r, obj):
    """Unknown members, ignored by every route (some nested, some odd)."""
    for _ in range(r.choice([0, 0, 1, 3])):
        obj[r.choice(["x", "meta", "\u00fcber", "name2", "0", "a b"])] = junk(r)


def complex_body(r, ep):
    """A body at or over the limits (64 members, 32 levels)."""
    base = {"name": "k"} if ep == "create" else {}
    k = r.randrange(4)
    if k < 2:
        n = 62 + r.randrange(4)	# 62..65 members in a nested object
        base["x"] = {"m%d" % i: i for i in range(n)}
        return base
    depth = 30 + r.randrange(5)	# levels, the root included
    v = 1
    for _ in range(depth - 2):
        v = [v] if r.random() < 0.5 else {"d": v}
    base["x"] = v
    return base


def body(r, ep):
    if r.random() < 0.03:
        return complex_body(r, ep)
    fields = []
    if ep == "create":
        fields = [("name", name(r)), ("expires_at", expires(r)),
                  ("permissions", a_list(r, PERM_GOOD, PERM_BAD)), ("rate_limit", rate_limit(r)),
                  ("remaining_uses", integer(r, 0, 1000000000000)), ("allowed_ips", ips(r))]
    elif ep == "patch":
        fields = [("name", name(r) if r.random() < 0.5 else ABSENT),
                  ("expires_at", expires(r)),
                  ("permissions", a_list(r, PERM_GOOD, PERM_BAD)),
                  ("enabled", r.choice([True, False, None, 0, 1, "true", [], ABSENT, ABSENT])),
                  ("rate_limit", rate_limit(r)),
                  ("remaining_uses", integer(r, 0, 1000000000000)), ("allowed_ips", ips(r))]
    elif ep == "rotate":
        fields = [("grace_seconds", integer(r, 0, 604800)), ("expires_at", expires(r))]
    else:
        perms = a_list(r, PERM_GOOD + ["Any Text", "x" * 64], ["x" * 65, "a\u0000", 7, None])
        fields = [("key", r.choice(["MTP_KEY_" + "a" * 40, "", 5, None, ABSENT])),
                  ("secret", r.choice(["MTP_SEC_" + "b" * 40, [], ABSENT])),
                  ("permissions", perms),
                  ("client_ip", r.choice(IP_GOOD[:1] + ["::1", "2001:db8::1", "::ffff:1.2.3.4",
                                         "10.0.0.0/8", "x", "", 5, None, [], ABSENT, ABSENT,
                                         "fe80::1%1", "01.2.3.4"])),
                  ("cost", integer(r, 0, 1000))]
    obj = {k: v for k, v in fields if v is not ABSENT}
    extras(r, obj)
    if r.random() < 0.3:	# the body's order must not matter
        items = list(obj.items())
        r.shuffle(items)
        obj = dict(items)
    return obj


# ------------------------------------------------------------ section 9

BASE = datetime.datetime(2026, 3, 1, 0, 30, tzinfo=datetime.timezone.utc)


def rfc(t, r):
    """t written as RFC 3339, one of several ways (offsets, fractions, case)."""
    k = r.randrange(6)
    if k == 0:
        return t.strftime('%Y-%m-%dT%H:%M:%SZ')
    if k == 1:
        return t.strftime('%Y-%m-%dT%H:%M:%S.%fZ')
    if k == 2:
        return (t + datetime.timedelta(hours=1)).strftime('%Y-%m-%dT%H:%M:%S+01:00')
    if k == 3:
        return (t - datetime.timedelta(hours=5, minutes=30)).strftime('%Y-%m-%dt%H:%M:%S-05:30z')[:-1]
    if k == 4:
        return t.strftime('%Y-%m-%dT%H:%M:%S.%f') + r.choice(['123', '000', '999999999']) + 'z'
    return t.strftime('%Y-%m-%dT%H:%M:%S-00:00')


# Dates other than RFC 3339 (many are Laravel "date"s: strtotime reads
# them), RFC 3339 at its edges, and broken ones.
ODD_DATES = [
    "2026-03-01", "2026-03-01 10:00:00", "2026-03-01T10:00:00", "2026-03-01 10:00:00Z",
    "tomorrow", "now", "yesterday", "last monday", "+1 day", "1 March 2026", "@1772323200",
    "1772323200", "2026-03-01T10:00:00+0100", "2026-03-01T10:00:00+01", "2026-03-01T10:00Z",
    "Sun, 01 Mar 2026 10:00:00 GMT", "03/01/2026", "2026-W09", "20260301T100000Z",
    "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-03-01T24:00:00Z",
    "2026-03-01T10:00:60Z", "2026-03-01T10:60:00Z", "0000-03-01T10:00:00Z",
    "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "1969-12-31T23:59:59Z",
    "1970-01-01T00:00:00Z", "2028-02-29T00:00:00Z", "2027-02-29T00:00:00Z",
    "2026-03-01T10:00:00+23:59", "2026-03-01T10:00:00+24:00", "2026-03-01T10:00:00+01:60",
    "2026-03-01T10:00:00.Z", "2026-03-01T10:00:00,5Z", " 2026-03-01T10:00:00Z",
    "2026-03-01T10:00:00Z ", "2026-03-01T10:00:00 01:00", "2026-3-1T10:00:00Z",
    "\u0662\u0660\u0662\u0666-03-01T10:00:00Z", "\uff12\uff10\uff12\uff16-03-01T10:00:00Z",
    "2026-03-01T10:00:00\u0000Z", "2026-03-01T10:00:00Z\u0000", "\u0000",
    "2026-03-01T10:00:00." + "1" * 150 + "Z", "2026-03-01T10:00:00.5" + "0" * 40 + "Z",
    "x" * 300, "2026-03-01T10:00:00Zjunk", "   ", "T", "Z", "-", "2026", "26-03-01T10:00:00Z",
    "+2026-03-01T10:00:00Z", "2026-03-01T10:00:00+01:00:00", "2026-03-01t10:00:00z",
]
GRANULARITIES = ["hour", "day", "hour", "day", "Hour", "DAY", "hour ", " day", "hours", "minute",
                 "week", "h", "d", "\uff48\uff4f\uff55\uff52", "hour\u0000", "x" * 200, "1", "0",
                 "hour,day", "day\n", " ", "\t", "\u0000"]


def encode(r, text):
    """A query value as a client might write it."""
    k = r.randrange(6)
    if k == 0:
        return urllib.parse.quote(text, safe='')
    if k == 1:
        return urllib.parse.quote_plus(text)
    if k == 2:	# "+" left as it is: a space once decoded
        return urllib.parse.quote(text, safe='+:')
    if k == 3:	# every byte escaped, lower-case hex
        return ''.join('%%%02x' % b for b in text.encode('utf-8'))
    if k == 4:
        return urllib.parse.quote(text, safe=':')
    return urllib.parse.quote(text, safe='+:').replace('%20', '+')


def a_time(r):
    k = r.randrange(10)
    if k < 6:
        return rfc(BASE + datetime.timedelta(hours=r.randrange(-2000, 2000),
                                             microseconds=r.choice([0, 1, 500000])), r)
    return r.choice(ODD_DATES)


def range_pair(r, day):
    """from and to a chosen span apart, about the bucket limit."""
    f = BASE + datetime.timedelta(minutes=r.choice([0, 0, 30, -30]), microseconds=r.choice([0, 0, 1]))
    unit = datetime.timedelta(days=1) if day else datetime.timedelta(hours=1)
    lim = 400 if day else 744
    span = r.choice([unit * lim, unit * lim - datetime.timedelta(microseconds=1),
                     unit * lim + datetime.timedelta(microseconds=1), unit * (lim - 1),
                     unit * (lim + 1), unit * (lim - 1) + unit / 2, unit * 1,
                     datetime.timedelta(0), datetime.timedelta(microseconds=1),
                     -datetime.timedelta(microseconds=1), -unit,
                     datetime.timedelta(hours=744 * 24), datetime.timedelta(days=5000)])
    return f, f + span


def usage_query(r):
    now = datetime.datetime.now(datetime.timezone.utc)
    p = {}
    k = r.randrange(10)
    if k < 3:	# fields drawn alone
        for name, draw in (("from", a_time), ("to", a_time),
                           ("granularity", lambda r: r.choice(GRANULARITIES))):
            if r.random() < 0.6:
                p[name] = draw(r)
    elif k < 6:	# a span about the limit
        day = r.random() < 0.5
        f, t = range_pair(r, day)
        p = {"from": rfc(f, r), "to": rfc(t, r)}
        if day or r.random() < 0.5:
            p["granularity"] = "day" if day else "hour"
    elif k < 8:	# to left out (now): spans 2 hours or 2 days from any edge
        day = r.random() < 0.5
        unit = datetime.timedelta(days=1) if day else datetime.timedelta(hours=1)
        back = r.choice([1, 20, 100, 398 if day else 742, 402 if day else 746, 2000, -2, -100])
        p = {"from": rfc(now - unit * back - datetime.timedelta(minutes=r.randrange(0, 2)), r)}
        if day or r.random() < 0.5:
            p["granularity"] = "day" if day else "hour"
    else:	# from left out (24 hours before to)
        p = {"to": rfc(BASE + datetime.timedelta(hours=r.randrange(-50, 50)), r)}
        if r.random() < 0.5:
            p["granularity"] = r.choice(GRANULARITIES)
    pairs = [(n, encode(r, v)) for n, v in p.items()]
    for _ in range(r.choice([0, 0, 0, 1, 2])):	# odd names, repeats, empty values
        extra = r.choice([("from", ""), ("to", ""), ("granularity", ""), ("x", "1"),
                          ("from", encode(r, a_time(r))), ("%66rom", encode(r, a_time(r))),
                          ("FROM", "x"), ("from[]", "x"), ("from%00", "x"), ("+from", "x"),
                          ("from.x", "x"), ("granularity", "week"), ("to", None), ("from", None),
                          ("granularity", None), ("", "x"), ("%zz", "1")])
        pairs.insert(r.randrange(len(pairs) + 1), extra)
    r.shuffle(pairs) if r.random() < 0.3 else None
    return "&".join(n if v is None else n + "=" + v for n, v in pairs)


URL_GOOD = ["https://example.com/hook", "https://hooks.example.com:8443/a/b?c=d&e=f",
            "https://[2001:db8::1]/x", "https://192.0.2.1/", "https://EXAMPLE.COM/",
            "HTTPS://example.com/", "https://a-b.example/p/", "https://example.com",
            "https://example.com/a%20b", "https://example.com/?q=%C3%A9",
            "https://xn--bcher-kva.example/", "https://example.com:1/", "https://example.com:65535/x",
            "https://example.com/" + "a" * 2028]
URL_BAD = ["http://example.com/hook", "ftp://example.com/", "example.com", "https://", "https:///x",
           "https://user:pw@example.com/", "https://user@example.com/", "https://example.com/#frag",
           "https://example.com#", "https://exa mple.com/", "https://b\u00fccher.example/",
           "https://example.com/\u00fc", "https://under_score.example.com/", "https://localhost/",
           "https://localhost:0/", "https://example.com:99999/", "https://example.com:/",
           "https://-a.example/", "https://a..example/", "https://example.com./", "https://.example.com/",
           "https://1.2.3.999/", "https://[::1]/", "https://[fe80::1%25eth0]/", "https://[::g]/",
           "javascript:alert(1)", "mailto:a@example.com", "https://example.com/path with space",
           "https://example.com/%zz", "https://example.com?x=1", "https://example.com/\u0000",
           "https://example.com/\t", "https://example.com/" + "a" * 2029, "  ", "", " https://example.com/",
           "https://example.com/ ", "https:example.com", "//example.com/", "https://exa%6Dple.com/",
           "https://example.com/a|b", "https://example.com/a\\b", "https://example.com/[x]",
           "https://example.com/?[x]", "https://example.com/a^b", "wss://example.com/", "https://*.example.com/",
           "https://example.com/\u2028", "hxxps://example.com/", "https://example.com:8443:1/"]
EVENT_TYPES = ["key.created", "key.updated", "key.rotated", "key.revoked", "key.deleted",
               "key.expiring", "key.leaked", "key.usage_exhausted", "webhook.test"]
EVENT_BAD = ["*", "Key.created", "key.*", "key", "", "  ", "key.created ", 5, True, None, [], {},
             ["key.created"], "key.cr\u00e9ated", "key.created\u0000", "webhook.test2"]


def events(r):
    k = r.randrange(12)
    if k == 0:
        return ABSENT
    if k == 1:
        return r.choice([["*"], ["*", "key.created"], ["*", "*"], [], {}, "key.created", "", "  ",
                         {"0": "key.created"}, None, 5, True, [["*"]], ["key.created", True],
                         [True, "key.created"], ["1", 1], EVENT_TYPES * 2, EVENT_TYPES + ["*"]])
    if k == 2:
        return junk(r)
    n = r.choice([1, 1, 2, 3, 5, 9, 15, 16, 16, 17, 20, 33])
    out = []
    bad_rate = r.choice([0, 0, 0.1, 0.4])
    for _ in range(n):
        x = r.random()
        if x < bad_rate:
            out.append(r.choice(EVENT_BAD))
        elif out and x < bad_rate + 0.2:
            out.append(r.choice(out))
        else:
            out.append(r.choice(EVENT_TYPES))
    return out


def webhook_body(r):
    if r.random() < 0.04:
        return complex_body(r, "webhook")
    k = r.randrange(10)
    url = (r.choice(URL_GOOD) if k < 5 else r.choice(URL_BAD) if k < 8 else
           junk(r) if k < 9 else ABSENT)
    obj = {n: v for n, v in (("url", url), ("events", events(r))) if v is not ABSENT}
    extras(r, obj)
    if r.random() < 0.3:
        items = list(obj.items())
        r.shuffle(items)
        obj = dict(items)
    return obj


def login_body(r):
    if r.random() < 0.04:
        return complex_body(r, "login")
    def member(good):
        k = r.randrange(10)
        if k < 5:
            return r.choice(good)
        if k < 7:
            return r.choice(["", " ", "  \t", "\n", "\u00a0", "\u3000", "a\u0000b", "\u0000",
                             "x" * 3000])
        if k < 9:
            return junk(r)
        return ABSENT
    obj = {n: v for n, v in (
        ("email", member(["oracle-%d@example.com" % r.randrange(10**6), "not-an-email",
                          "\u00e9@\u4f8b\u3048.jp", "A@EXAMPLE.COM", " a@example.com "])),
        ("password", member(["secret", "correct horse", "p\u00e4ss", "x" * 100])))
        if v is not ABSENT}
    extras(r, obj)
    return obj


def section9(seed, count):
    r = random.Random(seed * 7919 + 9)
    weights = [("usage_key", 1), ("usage", 1), ("webhook", 1.5), ("login", 0.5)]
    eps = [e for e, _ in weights]
    for _ in range(count):
        ep = r.choices(eps, [w for _, w in weights])[0]
        if ep in ("usage_key", "usage"):
            text = usage_query(r)
        else:
            k = r.random()
            if k < 0.03:
                text = r.choice(["", "[]", "null", "5", "\"x\"", "{", "{\"url\":}", "[{}]"])
            else:
                text = json.dumps(webhook_body(r) if ep == "webhook" else login_body(r),
                                  ensure_ascii=r.random() < 0.5)
        print(json.dumps({"ep": ep, "body": text}))


def main():
    seed, count = int(sys.argv[1]), int(sys.argv[2])
    r = random.Random(seed)
    weights = [("create", 4), ("patch", 3), ("rotate", 1.5), ("verify", 1.5)]
    eps = [e for e, _ in weights]
    for _ in range(count):
        ep = r.choices(eps, [w for _, w in weights])[0]
        text = json.dumps(body(r, ep), ensure_ascii=r.random() < 0.5)
        print(json.dumps({"ep": ep, "body": text}))
    section9(seed, count // 2)


if __name__ == "__main__":
    main()
