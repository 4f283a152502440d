-- 008-usage.sql: how each key is used: verify's outcomes counted per key and UTC hour.
-- One row per key, hour, outcome and shard.  Responders add to their own
-- shard (ON DUPLICATE KEY UPDATE count = count + ...), so that two Galera
-- nodes rarely write the same row; a read sums the shards.  No foreign key
-- to api_keys: the counts of a key that generate deleted stay (user_id says
-- whose they were), and key_id 0 holds the verifies of unknown keys.
-- hour is whole hours since 1970-01-01T00:00:00Z; outcome is the position
-- in the contract's table (0 valid ... 8 usage_exceeded, 9 unknown_key).
CREATE TABLE IF NOT EXISTS `api_key_usage` (
  `key_id` bigint unsigned NOT NULL,
  `hour` int unsigned NOT NULL,
  `outcome` tinyint unsigned NOT NULL,
  `shard` tinyint unsigned NOT NULL DEFAULT 0,
  `user_id` bigint unsigned NOT NULL DEFAULT 0,
  `count` bigint unsigned NOT NULL DEFAULT 0,
  PRIMARY KEY (`key_id`, `hour`, `outcome`, `shard`),
  KEY `api_key_usage_user_index` (`user_id`, `hour`),
  KEY `api_key_usage_hour_index` (`hour`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
