-- 013-events-write-webhooks.sql: an audit event's webhook event is written by the routine that records the event, not by a trigger on the audit trail: a user without a webhook no longer pays for the trigger's tables on every event.
-- A trigger's tables (and those of the triggers and functions it reaches)
-- are opened and locked for every statement that may fire it, whether or
-- not its body writes anything: the AFTER INSERT trigger on api_key_events
-- cost each generate about a sixth of MariaDB's CPU, for users without a
-- webhook too.  In a routine, each statement opens its own tables when it
-- runs, so the webhook tables are opened only when the user has a webhook.
-- The three writers of the audit trail write both, in the same
-- transaction, with one time for the event and its webhook event:
--   apikeys_key_event (below), which the responder calls for each event
--   of create, update, rotate and revoke (src/db_sql.h, SQL_EVENT_INSERT);
--   apikeys_generate (below), generate's transaction;
--   apikeys-admin keys-revoke-user (src/db_admin.c), in its own statement.
-- The webhook event is the one the trigger wrote: the key as it is once
-- the event is recorded, for a user with a webhook subscribed to the
-- event's type ("*" or the type); webhook_events_deliveries still queues
-- its deliveries.

SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

DROP TRIGGER IF EXISTS `api_key_events_webhooks`;

-- One audit event of a key (the action of api_key_events: created,
-- updated, rotated, revoked, deleted, generated; any other records no
-- webhook event) and its webhook event.
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
  IF v_type IS NOT NULL AND EXISTS (SELECT 1 FROM `webhooks` w WHERE w.`user_id` = p_user
      AND (JSON_CONTAINS(w.`events`, '"*"') OR JSON_CONTAINS(w.`events`, JSON_QUOTE(v_type)))) THEN
    INSERT INTO `webhook_events` (`user_id`, `key_id`, `type`, `details`, `key_snapshot`, `created_at`)
      SELECT p_user, p_key, v_type, p_details, apikeys_key_snapshot(k.`id`), v_at
      FROM `api_keys` k WHERE k.`id` = p_key;
  END IF;
END;

-- Generate's transaction (migration 007), now with its webhook events, and
-- its audit events written without holding the events table's AUTO-INC
-- lock across a read of api_keys.  An INSERT ... SELECT holds that lock to
-- its end and reads its rows under shared locks: eight generates of
-- different users at once, each waiting on a neighbour's key row while
-- holding it, deadlocked (error 1467) on nearly every call.  The user's
-- row and other keys are now read first, in one statement, under the
-- exclusive locks the DELETE takes anyway (no shared lock to upgrade; a
-- user who is gone reads as NULL), and the events of the usual
-- cases, no other key or one, are one INSERT ... VALUES (a "simple" insert:
-- its ids come without the table lock); a user with more keys (only
-- create and rotate make them) still takes the INSERT ... SELECT.  A
-- "deleted" event for each other key in id order, then the "generated"
-- one (the newest).
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
          AND EXISTS (SELECT 1 FROM webhooks w WHERE w.user_id = p_user
            AND (JSON_CONTAINS(w.events, '"*"')
              OR JSON_CONTAINS(w.events, JSON_QUOTE(IF(k.id = p_id, 'key.created', 'key.deleted')))))
        ORDER BY k.id;
    END IF;
    DELETE FROM api_keys WHERE user_id = p_user AND id <> p_id;
  END IF;
END;
