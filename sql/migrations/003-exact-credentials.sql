-- 003-exact-credentials.sql: credentials and their hashes match only byte for byte.
-- Under utf8mb4_unicode_ci a key in another letter case, or with trailing
-- blanks (PAD SPACE), found the stored key; utf8mb4_bin still pads, so the
-- columns take utf8mb4_nopad_bin: no case folding, no padding.  The type,
-- length and unique indexes stay as they were (Sanctum's layout included);
-- existing rows keep their values, and no two can collide under a stricter
-- collation.

ALTER TABLE `api_keys`
  MODIFY `key` varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
  MODIFY `secret_hash` char(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL;

ALTER TABLE `personal_access_tokens`
  MODIFY `token` varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL;
