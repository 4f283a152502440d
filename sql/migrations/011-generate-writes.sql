-- 011-generate-writes.sql: generate writes less: the index no query reads is gone, and an audit event of a user without a webhook costs one indexed lookup (no key snapshot, no webhook tables).
-- Every generate inserts a key, deletes the user's others and records an
-- audit event for each; every index of those tables is written with them.
-- Kept, with the queries that read them (src/db_sql.h, src/db_*.c):
--   api_keys PRIMARY (id): every key by id; api_keys_key_unique (key):
--   verify's lookup, and no two keys alike; api_keys_user_id_created_at_index
--   (user_id, created_at, id): a user's keys (list, count, generate, rotate,
--   revoke-user) and the foreign key to users; api_keys_secret_hash_index:
--   the admin tool's owner of a leaked secret.
--   api_key_events PRIMARY; api_key_events_key_id_index (key_id, created_at,
--   id): a key's audit trail, the delivery run's last "updated" event;
--   api_key_events_user_id_index (user_id, created_at, id): apikeys-admin
--   events of a user.
--   webhooks_user_id_index: a user's webhooks (the triggers' lookup, the
--   list, the count); webhook_deliveries_state_index: the delivery run's
--   queue; webhook_deliveries_webhook_id_index: a webhook's deliveries.
-- Dropped: api_keys_user_id_index (user_id), which the index on (user_id,
-- created_at, id) serves for every query and for the foreign key; and
-- webhook_events_user_id_index, which no query reads (events are read by
-- id, through their deliveries).

-- A trigger, like a procedure, runs under the sql_mode it was created
-- with: the responder's own (db_driver.c), whichever client loads this.
SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

ALTER TABLE `api_keys` DROP KEY IF EXISTS `api_keys_user_id_index`;
ALTER TABLE `webhook_events` DROP KEY IF EXISTS `webhook_events_user_id_index`;

-- The key as a webhook event carries it (times in epoch seconds), built in
-- one place for both triggers that write events: NULL when there is no
-- such key.  Where binary logging is on, creating a function, like a
-- trigger, needs SUPER or log_bin_trust_function_creators=1 (docs/scale.md).
CREATE OR REPLACE FUNCTION apikeys_key_snapshot(p_id bigint unsigned)
  RETURNS text CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
  READS SQL DATA
BEGIN
  RETURN (SELECT JSON_OBJECT('id', k.`id`, 'user_id', k.`user_id`, 'name', k.`name`, 'key', k.`key`,
      'secret_hint', k.`secret_hint`, 'permissions', k.`permissions`,
      'expires_at', UNIX_TIMESTAMP(k.`expires_at`), 'last_used_at', UNIX_TIMESTAMP(k.`last_used_at`),
      'revoked_at', UNIX_TIMESTAMP(k.`revoked_at`), 'created_at', UNIX_TIMESTAMP(k.`created_at`),
      'updated_at', UNIX_TIMESTAMP(k.`updated_at`), 'enabled', k.`enabled`,
      'rate_limit', k.`rate_limit`, 'rate_window', k.`rate_window`,
      'remaining_uses', k.`remaining_uses`, 'allowed_ips', k.`allowed_ips`,
      'rotated_to', k.`rotated_to`)
    FROM `api_keys` k WHERE k.`id` = p_id);
END;

-- Each audit event of a key whose user has a webhook for its type makes a
-- webhook event, in the same transaction (every path: API, admin tool).
-- Whether the user has a webhook at all is looked up first, on its index:
-- without one, the event costs that lookup alone (no snapshot, no webhook
-- tables written).
DROP TRIGGER IF EXISTS `api_key_events_webhooks`;
CREATE TRIGGER `api_key_events_webhooks` AFTER INSERT ON `api_key_events` FOR EACH ROW
BEGIN
  IF EXISTS (SELECT 1 FROM `webhooks` w WHERE w.`user_id` = NEW.`user_id`) THEN
    INSERT INTO `webhook_events` (`user_id`, `key_id`, `type`, `details`, `key_snapshot`, `created_at`)
      SELECT NEW.`user_id`, NEW.`key_id`, m.`type`, NEW.`details`, apikeys_key_snapshot(k.`id`),
        NEW.`created_at`
      FROM (SELECT CASE NEW.`action` WHEN 'created' THEN 'key.created' WHEN 'generated' THEN 'key.created'
          WHEN 'updated' THEN 'key.updated' WHEN 'rotated' THEN 'key.rotated'
          WHEN 'revoked' THEN 'key.revoked' WHEN 'deleted' THEN 'key.deleted' END AS `type`) m
      JOIN `api_keys` k ON k.`id` = NEW.`key_id`
      WHERE m.`type` IS NOT NULL AND EXISTS (SELECT 1 FROM `webhooks` w WHERE w.`user_id` = NEW.`user_id`
        AND (JSON_CONTAINS(w.`events`, '"*"') OR JSON_CONTAINS(w.`events`, JSON_QUOTE(m.`type`))));
  END IF;
END;

-- A notice the delivery run found makes its event (the key as it is now).
DROP TRIGGER IF EXISTS `webhook_notices_events`;
CREATE TRIGGER `webhook_notices_events` AFTER INSERT ON `webhook_notices` FOR EACH ROW
BEGIN
  INSERT INTO `webhook_events` (`user_id`, `key_id`, `type`, `details`, `key_snapshot`, `created_at`)
    SELECT k.`user_id`, k.`id`, NEW.`type`, NEW.`details`, apikeys_key_snapshot(k.`id`),
      NEW.`created_at`
    FROM `api_keys` k WHERE k.`id` = NEW.`key_id`;
END;
