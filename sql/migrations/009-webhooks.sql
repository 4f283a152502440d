-- 009-webhooks.sql: signed webhooks: the merchants' URLs, the events of their keys (written by triggers in the transaction of each change), and the deliveries of each event.
-- The secret of a webhook is stored sealed (AES-256-GCM under a key derived
-- from the pepper): a dump alone cannot sign.  Triggers fire on the node
-- that runs the change; the rows they write replicate with it.  Where
-- binary logging is on (Galera, replication), creating a trigger needs
-- SUPER or log_bin_trust_function_creators=1 (docs/scale.md).

CREATE TABLE IF NOT EXISTS `webhooks` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `user_id` bigint unsigned NOT NULL,
  `url` varchar(2048) NOT NULL,
  `events` text NOT NULL,
  `secret_sealed` varchar(512) NOT NULL,
  `secret_hint` varchar(8) NOT NULL,
  `created_at` timestamp(6) NULL DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `webhooks_user_id_index` (`user_id`, `created_at`, `id`),
  CONSTRAINT `webhooks_user_id_foreign` FOREIGN KEY (`user_id`)
    REFERENCES `users` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per event: the key as it was (its columns as a JSON object, times
-- in epoch seconds) and the audit details of the change.  webhook_id is
-- set for an event meant for one webhook alone (webhook.test).
CREATE TABLE IF NOT EXISTS `webhook_events` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `user_id` bigint unsigned NOT NULL,
  `webhook_id` bigint unsigned NULL DEFAULT NULL,
  `key_id` bigint unsigned NULL DEFAULT NULL,
  `type` varchar(32) NOT NULL,
  `details` text NULL DEFAULT NULL,
  `key_snapshot` text NULL DEFAULT NULL,
  `created_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (`id`),
  KEY `webhook_events_user_id_index` (`user_id`, `created_at`, `id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per event and webhook; state pending, delivered or failed.
CREATE TABLE IF NOT EXISTS `webhook_deliveries` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `webhook_id` bigint unsigned NOT NULL,
  `event_id` bigint unsigned NOT NULL,
  `state` varchar(16) NOT NULL DEFAULT 'pending',
  `attempts` int unsigned NOT NULL DEFAULT 0,
  `last_status` int NULL DEFAULT NULL,
  `last_error` varchar(255) NULL DEFAULT NULL,
  `next_attempt_at` timestamp(6) NULL DEFAULT NULL,
  `delivered_at` timestamp(6) NULL DEFAULT NULL,
  `created_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (`id`),
  KEY `webhook_deliveries_state_index` (`state`, `id`),
  KEY `webhook_deliveries_webhook_id_index` (`webhook_id`, `created_at`, `id`),
  CONSTRAINT `webhook_deliveries_webhook_id_foreign` FOREIGN KEY (`webhook_id`)
    REFERENCES `webhooks` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What the delivery run found already: key.expiring once per key and
-- expires_at, key.usage_exhausted once per key and last PATCH of its
-- remaining uses (the marker).  A row inserted here makes the event.
CREATE TABLE IF NOT EXISTS `webhook_notices` (
  `key_id` bigint unsigned NOT NULL,
  `type` varchar(32) NOT NULL,
  `marker` varchar(64) NOT NULL,
  `details` text NULL DEFAULT NULL,
  `created_at` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (`key_id`, `type`, `marker`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Each audit event of a key whose user has a webhook for its type makes a
-- webhook event, in the same transaction (every path: API, admin tool).
DROP TRIGGER IF EXISTS `api_key_events_webhooks`;
CREATE TRIGGER `api_key_events_webhooks` AFTER INSERT ON `api_key_events` FOR EACH ROW
  INSERT INTO `webhook_events` (`user_id`, `key_id`, `type`, `details`, `key_snapshot`, `created_at`)
  SELECT NEW.`user_id`, NEW.`key_id`, m.`type`, NEW.`details`,
    JSON_OBJECT('id', k.`id`, 'user_id', k.`user_id`, 'name', k.`name`, 'key', k.`key`,
      'secret_hint', k.`secret_hint`, 'permissions', k.`permissions`,
      'expires_at', UNIX_TIMESTAMP(k.`expires_at`), 'last_used_at', UNIX_TIMESTAMP(k.`last_used_at`),
      'revoked_at', UNIX_TIMESTAMP(k.`revoked_at`), 'created_at', UNIX_TIMESTAMP(k.`created_at`),
      'updated_at', UNIX_TIMESTAMP(k.`updated_at`), 'enabled', k.`enabled`,
      'rate_limit', k.`rate_limit`, 'rate_window', k.`rate_window`,
      'remaining_uses', k.`remaining_uses`, 'allowed_ips', k.`allowed_ips`,
      'rotated_to', k.`rotated_to`),
    NEW.`created_at`
  FROM (SELECT CASE NEW.`action` WHEN 'created' THEN 'key.created' WHEN 'generated' THEN 'key.created'
      WHEN 'updated' THEN 'key.updated' WHEN 'rotated' THEN 'key.rotated'
      WHEN 'revoked' THEN 'key.revoked' WHEN 'deleted' THEN 'key.deleted' END AS `type`) m
  JOIN `api_keys` k ON k.`id` = NEW.`key_id`
  WHERE m.`type` IS NOT NULL AND EXISTS (SELECT 1 FROM `webhooks` w WHERE w.`user_id` = NEW.`user_id`
    AND (JSON_CONTAINS(w.`events`, '"*"') OR JSON_CONTAINS(w.`events`, JSON_QUOTE(m.`type`))));

-- A notice the delivery run found makes its event (the key as it is now).
DROP TRIGGER IF EXISTS `webhook_notices_events`;
CREATE TRIGGER `webhook_notices_events` AFTER INSERT ON `webhook_notices` FOR EACH ROW
  INSERT INTO `webhook_events` (`user_id`, `key_id`, `type`, `details`, `key_snapshot`, `created_at`)
  SELECT k.`user_id`, k.`id`, NEW.`type`, NEW.`details`,
    JSON_OBJECT('id', k.`id`, 'user_id', k.`user_id`, 'name', k.`name`, 'key', k.`key`,
      'secret_hint', k.`secret_hint`, 'permissions', k.`permissions`,
      'expires_at', UNIX_TIMESTAMP(k.`expires_at`), 'last_used_at', UNIX_TIMESTAMP(k.`last_used_at`),
      'revoked_at', UNIX_TIMESTAMP(k.`revoked_at`), 'created_at', UNIX_TIMESTAMP(k.`created_at`),
      'updated_at', UNIX_TIMESTAMP(k.`updated_at`), 'enabled', k.`enabled`,
      'rate_limit', k.`rate_limit`, 'rate_window', k.`rate_window`,
      'remaining_uses', k.`remaining_uses`, 'allowed_ips', k.`allowed_ips`,
      'rotated_to', k.`rotated_to`),
    NEW.`created_at`
  FROM `api_keys` k WHERE k.`id` = NEW.`key_id`;

-- Each event goes to every webhook of its user subscribed to its type (or
-- to its one webhook), first attempt due at once.
DROP TRIGGER IF EXISTS `webhook_events_deliveries`;
CREATE TRIGGER `webhook_events_deliveries` AFTER INSERT ON `webhook_events` FOR EACH ROW
  INSERT INTO `webhook_deliveries` (`webhook_id`, `event_id`, `state`, `attempts`, `next_attempt_at`, `created_at`)
  SELECT w.`id`, NEW.`id`, 'pending', 0, NEW.`created_at`, NEW.`created_at`
  FROM `webhooks` w WHERE w.`user_id` = NEW.`user_id` AND IF(NEW.`webhook_id` IS NULL,
    JSON_CONTAINS(w.`events`, '"*"') OR JSON_CONTAINS(w.`events`, JSON_QUOTE(NEW.`type`)),
    w.`id` = NEW.`webhook_id`);
