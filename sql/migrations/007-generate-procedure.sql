-- 007-generate-procedure.sql: generate's statements as one stored procedure, so that the responder sends them as one prepared CALL (parsed once per connection), then COMMIT.
-- apikeys_generate(user, key, secret_hash, secret_hint, actor, ip, OUT id)
-- begins a transaction and, in it: locks the user's row (concurrent
-- generates of one user wait for each other instead of deadlocking; no row,
-- the user is gone: roll back, id NULL); inserts the new key (permissions
-- [], expiry one year on) as a plain INSERT ... VALUES, whose id InnoDB
-- hands out without the table's AUTO-INC lock that an INSERT ... SELECT
-- holds to the end of its statement (generates of different users queued
-- on it, and a deadlock on it surfaced as error 1467); records a "deleted" event for every other key
-- of the user and the "generated" one in one statement, in id order (the
-- new key's id is the table's highest, so its event comes last: the
-- newest); deletes the other keys.  id is the new key's.  The caller
-- commits: nothing is kept unless it is still there to send COMMIT after
-- the answer.  Any error rolls back and reaches the caller, which retries a
-- deadlock.  SQL SECURITY INVOKER: it runs with the caller's privileges
-- (the responder's user needs EXECUTE, which the user that created it has).

-- A procedure runs under the sql_mode it was created with, not its
-- caller's: the responder's own (db_driver.c), whichever client loads this.
SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

CREATE OR REPLACE PROCEDURE apikeys_generate(
  IN p_user bigint unsigned, IN p_key varchar(64), IN p_hash char(64),
  IN p_hint varchar(8), IN p_actor varchar(64), IN p_ip varchar(45),
  OUT p_id bigint unsigned)
  MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
  DECLARE v_user bigint unsigned DEFAULT NULL;
  DECLARE CONTINUE HANDLER FOR NOT FOUND SET v_user = NULL;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
  SET p_id = NULL;
  START TRANSACTION;
  SELECT id INTO v_user FROM users WHERE id = p_user FOR UPDATE;
  IF v_user IS NULL THEN
    ROLLBACK;
  ELSE
    INSERT INTO api_keys (user_id, `key`, secret_hash, secret_hint, permissions,
      expires_at, created_at, updated_at)
      VALUES (p_user, p_key, p_hash, p_hint, '[]', NOW() + INTERVAL 1 YEAR, NOW(), NOW());
    SET p_id = LAST_INSERT_ID();
    INSERT INTO api_key_events (key_id, user_id, action, actor, ip, details, created_at)
      SELECT id, user_id, IF(id = p_id, 'generated', 'deleted'), p_actor, p_ip, NULL, NOW(6)
      FROM api_keys WHERE user_id = p_user ORDER BY id;
    DELETE FROM api_keys WHERE user_id = p_user AND id <> p_id;
  END IF;
END;
