-- 014-webhook-subscriptions.sql: which webhooks want an event is written once, in two functions that every writer of webhook events and the delivery queue call.
-- A webhook's events hold "*" (every type) or the types it wants.  Whether
-- a user has a webhook for a type decides whether a webhook event is
-- written at all; which of the user's webhooks want it decides its
-- deliveries.  Both were written out where they were needed: in the
-- routines of 013, in the admin tool's keys-revoke-user, in the delivery
-- run's and the leak scan's notices (src/db_admin.c, src/db_deliver.c,
-- src/db_webhooks.c) and in the deliveries' trigger of 009.  Now:
--   apikeys_webhook_wants(events, type): the webhook with these events
--   wants an event of this type;
--   apikeys_subscribed(user, type): the user has a webhook that wants it.

SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

CREATE OR REPLACE FUNCTION apikeys_webhook_wants(p_events longtext, p_type varchar(32))
  RETURNS boolean DETERMINISTIC NO SQL SQL SECURITY INVOKER
BEGIN
  RETURN JSON_CONTAINS(p_events, '"*"') OR JSON_CONTAINS(p_events, JSON_QUOTE(p_type));
END;

CREATE OR REPLACE FUNCTION apikeys_subscribed(p_user bigint unsigned, p_type varchar(32))
  RETURNS boolean READS SQL DATA SQL SECURITY INVOKER
BEGIN
  RETURN EXISTS (SELECT 1 FROM `webhooks` w WHERE w.`user_id` = p_user
    AND apikeys_webhook_wants(w.`events`, p_type));
END;

-- Each event goes to every webhook of its user that wants its type (or to
-- its one webhook), first attempt due at once (as 009's).
CREATE OR REPLACE TRIGGER `webhook_events_deliveries` AFTER INSERT ON `webhook_events` FOR EACH ROW
BEGIN
  INSERT INTO `webhook_deliveries` (`webhook_id`, `event_id`, `state`, `attempts`, `next_attempt_at`, `created_at`)
    SELECT w.`id`, NEW.`id`, 'pending', 0, NEW.`created_at`, NEW.`created_at`
    FROM `webhooks` w WHERE w.`user_id` = NEW.`user_id` AND IF(NEW.`webhook_id` IS NULL,
      apikeys_webhook_wants(w.`events`, NEW.`type`), w.`id` = NEW.`webhook_id`);
END;

-- One audit event of a key and its webhook event (as 013's).
CREATE OR REPLACE PROCEDURE apikeys_key_event(
  IN p_key bigint unsigned, IN p_user bigint unsigned, IN p_action varchar(16),
  IN p_actor varchar(64), IN p_ip varchar(45), IN p_details text)
  MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
  DECLARE v_at datetime(6) DEFAULT NOW(6);
  DECLARE v_type varchar(32) DEFAULT CASE p_action WHEN 'created' THEN 'key.created'
    WHEN 'generated' THEN 'key.created' WHEN 'updated' THEN 'key.updated'
    WHEN 'rotated' THEN 'key.rotated' WHEN 'revoked' THEN 'key.revoked'
    WHEN 'deleted' THEN 'key.deleted' END;
  INSERT INTO `api_key_events` (`key_id`, `user_id`, `action`, `actor`, `ip`, `details`, `created_at`)
    VALUES (p_key, p_user, p_action, p_actor, p_ip, p_details, v_at);
  IF v_type IS NOT NULL AND apikeys_subscribed(p_user, v_type) THEN
    INSERT INTO `webhook_events` (`user_id`, `key_id`, `type`, `details`, `key_snapshot`, `created_at`)
      SELECT p_user, p_key, v_type, p_details, apikeys_key_snapshot(k.`id`), v_at
      FROM `api_keys` k WHERE k.`id` = p_key;
  END IF;
END;

-- Generate's transaction (as 013's).
CREATE OR REPLACE PROCEDURE apikeys_generate(
  IN p_user bigint unsigned, IN p_key varchar(64), IN p_hash char(64),
  IN p_hint varchar(8), IN p_actor varchar(64), IN p_ip varchar(45),
  OUT p_id bigint unsigned)
  MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
  DECLARE v_user bigint unsigned DEFAULT NULL;
  DECLARE v_old bigint unsigned;
  DECLARE v_others int unsigned;
  DECLARE v_at datetime(6);
  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
  SET p_id = NULL;
  START TRANSACTION;
  SELECT u.id, COUNT(k.id), MIN(k.id) INTO v_user, v_others, v_old
    FROM users u LEFT JOIN api_keys k ON k.user_id = u.id WHERE u.id = p_user FOR UPDATE;
  IF v_user IS NULL THEN
    ROLLBACK;
  ELSE
    SET v_at = NOW(6);
    INSERT INTO api_keys (user_id, `key`, secret_hash, secret_hint, permissions,
      expires_at, created_at, updated_at)
      VALUES (p_user, p_key, p_hash, p_hint, '[]', NOW() + INTERVAL 1 YEAR, NOW(), NOW());
    SET p_id = LAST_INSERT_ID();
    IF v_others = 0 THEN
      INSERT INTO api_key_events (key_id, user_id, action, actor, ip, details, created_at)
        VALUES (p_id, p_user, 'generated', p_actor, p_ip, NULL, v_at);
    ELSEIF v_others = 1 THEN
      INSERT INTO api_key_events (key_id, user_id, action, actor, ip, details, created_at)
        VALUES (v_old, p_user, 'deleted', p_actor, p_ip, NULL, v_at),
          (p_id, p_user, 'generated', p_actor, p_ip, NULL, v_at);
    ELSE
      INSERT INTO api_key_events (key_id, user_id, action, actor, ip, details, created_at)
        SELECT id, user_id, IF(id = p_id, 'generated', 'deleted'), p_actor, p_ip, NULL, v_at
        FROM api_keys WHERE user_id = p_user ORDER BY id;
    END IF;
    IF EXISTS (SELECT 1 FROM webhooks w WHERE w.user_id = p_user) THEN
      INSERT INTO webhook_events (user_id, key_id, type, details, key_snapshot, created_at)
        SELECT k.user_id, k.id, IF(k.id = p_id, 'key.created', 'key.deleted'), NULL,
          apikeys_key_snapshot(k.id), v_at
        FROM api_keys k WHERE k.user_id = p_user
          AND apikeys_subscribed(p_user, IF(k.id = p_id, 'key.created', 'key.deleted'))
        ORDER BY k.id;
    END IF;
    DELETE FROM api_keys WHERE user_id = p_user AND id <> p_id;
  END IF;
END;
