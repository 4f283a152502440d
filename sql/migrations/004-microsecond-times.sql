-- 004-microsecond-times.sql: api_keys' times keep microseconds, the precision of the contract's format ("2028-06-16T06:34:56.500000Z").
-- Existing values keep their whole seconds (.000000).  Every column stays
-- NULL DEFAULT NULL, so none gets an implicit DEFAULT or ON UPDATE
-- CURRENT_TIMESTAMP.

ALTER TABLE `api_keys`
  MODIFY COLUMN `expires_at` timestamp(6) NULL DEFAULT NULL,
  MODIFY COLUMN `last_used_at` timestamp(6) NULL DEFAULT NULL,
  MODIFY COLUMN `revoked_at` timestamp(6) NULL DEFAULT NULL,
  MODIFY COLUMN `created_at` timestamp(6) NULL DEFAULT NULL,
  MODIFY COLUMN `updated_at` timestamp(6) NULL DEFAULT NULL;
