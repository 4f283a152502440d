#!/usr/bin/env python3
"""load-data.py USERS PEPPER OUTDIR: prints SQL for USERS users, each with a Sanctum token, a key and a key with settings (a rate limit and credits that never run out), and writes the credentials for the load scripts."""
import hashlib
import hmac
import os
import secrets
import string
import sys

users, pepper, out = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3]
alphabet = string.ascii_letters + string.digits


def rand(n):
    return "".join(secrets.choice(alphabet) for _ in range(n))


with open(os.path.join(out, "tokens.txt"), "w") as tokens, \
        open(os.path.join(out, "keys.txt"), "w") as keys, \
        open(os.path.join(out, "limited.txt"), "w") as limited:
    print("SET time_zone = '+00:00';")
    for i in range(1, users + 1):
        plain = rand(48)
        key, secret = "MTP_KEY_" + rand(40), "MTP_SEC_" + rand(40)
        th = hashlib.sha256(plain.encode()).hexdigest()
        sh = hmac.new(pepper, secret.encode(), hashlib.sha256).hexdigest()
        print(f"INSERT INTO users (id, name, email, password, created_at, updated_at) "
              f"VALUES ({i}, 'u{i}', 'u{i}@bench.example', '!', NOW(), NOW());")
        print(f"INSERT INTO personal_access_tokens (id, tokenable_type, tokenable_id, name, token, "
              f"abilities, last_used_at, created_at, updated_at) VALUES ({i}, 'App\\\\Models\\\\User', "
              f"{i}, 'bench', '{th}', '[\"*\"]', NOW(), NOW(), NOW());")
        print(f"INSERT INTO api_keys (id, user_id, `key`, secret_hash, secret_hint, permissions, "
              f"expires_at, created_at, updated_at) VALUES ({i}, {i}, '{key}', '{sh}', "
              f"'{secret[-4:]}', '[]', NOW() + INTERVAL 1 YEAR, NOW(), NOW());")
        # The same key with settings: verify then spends from its bucket
        # and credits (one conditional UPDATE), which never run out here.
        lkey, lsecret = "MTP_KEY_" + rand(40), "MTP_SEC_" + rand(40)
        lsh = hmac.new(pepper, lsecret.encode(), hashlib.sha256).hexdigest()
        print(f"INSERT INTO api_keys (id, user_id, `key`, secret_hash, secret_hint, permissions, "
              f"rate_limit, rate_window, remaining_uses, expires_at, created_at, updated_at) "
              f"VALUES ({users + i}, {i}, '{lkey}', '{lsh}', '{lsecret[-4:]}', '[]', 1000000, 1, "
              f"1000000000000, NOW() + INTERVAL 1 YEAR, NOW() - INTERVAL 1 SECOND, NOW());")
        limited.write(f'{{"key":"{lkey}","secret":"{lsecret}"}}\n')
        tokens.write(f"{i}|{plain}\n")
        keys.write(f'{{"key":"{key}","secret":"{secret}"}}\n')
