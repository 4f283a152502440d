-- 006-json-checks.sql: the JSON columns (a key's permissions and address allowlist, an event's details) hold JSON, or NULL where they may.
-- A value already stored that is no JSON (written outside the service) is
-- kept as a JSON string of its text: no array, so a key's permissions hold
-- none and its allowlist lets nobody in, as the service reads them.

UPDATE `api_keys` SET `permissions` = JSON_QUOTE(`permissions`)
  WHERE NOT JSON_VALID(`permissions`);
UPDATE `api_keys` SET `allowed_ips` = JSON_QUOTE(`allowed_ips`)
  WHERE `allowed_ips` IS NOT NULL AND NOT JSON_VALID(`allowed_ips`);
UPDATE `api_key_events` SET `details` = JSON_QUOTE(`details`)
  WHERE `details` IS NOT NULL AND NOT JSON_VALID(`details`);

ALTER TABLE `api_keys`
  ADD CONSTRAINT `api_keys_permissions_json` CHECK (JSON_VALID(`permissions`)),
  ADD CONSTRAINT `api_keys_allowed_ips_json` CHECK (JSON_VALID(`allowed_ips`));
ALTER TABLE `api_key_events`
  ADD CONSTRAINT `api_key_events_details_json` CHECK (JSON_VALID(`details`));
