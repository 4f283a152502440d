-- 002-key-lifecycle.sql: named keys, secret hints, last use and revocation (docs/openapi.yaml).
-- Keys made before this migration keep working: their new columns are NULL.

ALTER TABLE `api_keys`
  ADD COLUMN `name` varchar(50) NULL DEFAULT NULL AFTER `user_id`,
  ADD COLUMN `secret_hint` varchar(8) NULL DEFAULT NULL AFTER `secret_hash`,
  ADD COLUMN `last_used_at` timestamp NULL DEFAULT NULL AFTER `expires_at`,
  ADD COLUMN `revoked_at` timestamp NULL DEFAULT NULL AFTER `last_used_at`,
  ADD KEY `api_keys_user_id_created_at_index` (`user_id`, `created_at`, `id`);
