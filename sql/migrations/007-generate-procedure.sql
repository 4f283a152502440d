-- 007-generate-procedure.sql: generate's transaction as one stored procedure, so that the responder sends it as one prepared CALL (one round trip, parsed once per connection).
-- apikeys_generate(user, key, secret_hash, secret_hint, actor, ip), in one
-- transaction, the statements generate ran before as text: lock the user's
-- row (concurrent generates of one user wait for each other instead of
-- deadlocking), insert the new key (permissions [], expiry one year on),
-- record a "deleted" event for every other key of the user and the
-- "generated" one (the highest id: the newest) in one statement, delete
-- the other keys, commit.  Answers one row with the new key's id, or no row
-- (and changes nothing) if the user is gone.  Any error rolls back and
-- reaches the caller, which retries a deadlock.  SQL SECURITY INVOKER: it
-- runs with the caller's privileges (the responder's user needs EXECUTE,
-- which the user that created it has).

-- A procedure runs under the sql_mode it was created with, not its
-- caller's: the responder's own (db_driver.c), whichever client loads this.
SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

CREATE OR REPLACE PROCEDURE `apikeys_generate`(
  IN `p_user` bigint unsigned, IN `p_key` varchar(64), IN `p_hash` char(64),
  IN `p_hint` varchar(8), IN `p_actor` varchar(64), IN `p_ip` varchar(45))
  MODIFIES SQL DATA SQL SECURITY INVOKER
BEGIN
  DECLARE `v_users` int DEFAULT 0;
  DECLARE `v_id` bigint unsigned DEFAULT NULL;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;
  START TRANSACTION;
  SELECT COUNT(*) INTO `v_users` FROM `users` WHERE `id` = `p_user` FOR UPDATE;
  IF `v_users` = 0 THEN
    ROLLBACK;
  ELSE
    INSERT INTO `api_keys` (`user_id`, `key`, `secret_hash`, `secret_hint`, `permissions`,
      `expires_at`, `created_at`, `updated_at`)
      VALUES (`p_user`, `p_key`, `p_hash`, `p_hint`, '[]', NOW() + INTERVAL 1 YEAR, NOW(), NOW());
    SET `v_id` = LAST_INSERT_ID();
    INSERT INTO `api_key_events` (`key_id`, `user_id`, `action`, `actor`, `ip`, `details`, `created_at`)
      SELECT `id`, `user_id`, IF(`id` = `v_id`, 'generated', 'deleted'), `p_actor`, `p_ip`, NULL, NOW(6)
      FROM `api_keys` WHERE `user_id` = `p_user` ORDER BY `id` = `v_id`, `id`;
    DELETE FROM `api_keys` WHERE `user_id` = `p_user` AND `id` <> `v_id`;
    COMMIT;
  END IF;
  SELECT `v_id` AS `id` FROM DUAL WHERE `v_id` IS NOT NULL;
END;
