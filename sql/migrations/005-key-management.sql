-- 005-key-management.sql: a key's settings (enabled, rate limit with its bucket, credits, address allowlist), rotation, the audit trail, and the lookup of a secret by its keyed hash.
-- Keys made before this migration keep working exactly as before: enabled,
-- no limit, no credits, no allowlist.

ALTER TABLE `api_keys`
  ADD COLUMN `enabled` tinyint(1) NOT NULL DEFAULT 1 AFTER `permissions`,
  ADD COLUMN `rate_limit` int unsigned NULL DEFAULT NULL AFTER `enabled`,
  ADD COLUMN `rate_window` int unsigned NULL DEFAULT NULL AFTER `rate_limit`,
  ADD COLUMN `bucket_tokens` double NULL DEFAULT NULL AFTER `rate_window`,
  ADD COLUMN `bucket_at` timestamp(6) NULL DEFAULT NULL AFTER `bucket_tokens`,
  ADD COLUMN `remaining_uses` bigint unsigned NULL DEFAULT NULL AFTER `bucket_at`,
  ADD COLUMN `allowed_ips` text NULL DEFAULT NULL AFTER `remaining_uses`,
  ADD COLUMN `rotated_to` bigint unsigned NULL DEFAULT NULL AFTER `allowed_ips`,
  ADD KEY `api_keys_secret_hash_index` (`secret_hash`);

-- Kept after the key is deleted (no foreign key to api_keys): who changed
-- what, from where, and when.  Written in the transaction of the change.
CREATE TABLE IF NOT EXISTS `api_key_events` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `key_id` bigint unsigned NOT NULL,
  `user_id` bigint unsigned NOT NULL,
  `action` varchar(16) NOT NULL,
  `actor` varchar(64) NOT NULL,
  `ip` varchar(45) NULL DEFAULT NULL,
  `details` text NULL DEFAULT NULL,
  `created_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (`id`),
  KEY `api_key_events_key_id_index` (`key_id`, `created_at`, `id`),
  KEY `api_key_events_user_id_index` (`user_id`, `created_at`, `id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
