#!/usr/bin/env python3
"""gen.py SEED COUNT: writes COUNT request bodies (one JSON line each:
{"ep": create|patch|rotate|verify, "body": "<the raw body>"}) for the
Laravel oracle, drawn with a fixed seed: wrong types, bounds, long lists
with bad and repeated items, Unicode, control characters, nulls, nested
objects, and a few bodies at the complexity limits."""
import datetime
import json
import random
import sys

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


def main():
    seed, count = int(sys.argv[1]), int(sys.argv[2])
    r = random.Random(seed)
    weights = [("create", 4), ("patch", 3), ("rotate", 1.5), ("verify", 1.5)]
    eps = [e for e, _ in weights]
    for _ in range(count):
        ep = r.choices(eps, [w for _, w in weights])[0]
        text = json.dumps(body(r, ep), ensure_ascii=r.random() < 0.5)
        print(json.dumps({"ep": ep, "body": text}))


if __name__ == "__main__":
    main()
