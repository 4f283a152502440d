-- 012-webhook-claims.sql: a delivery run claims a delivery for a while (a lease) instead of holding its row lock across the POST, so a webhook's DELETE never waits on a send; and prune finds the deliveries of an event by its id.
-- claimed_until: while it is ahead, another run leaves the delivery alone;
-- a run killed mid-send gives it back when it passes.  claim: the claiming
-- run's random number, so only that run records the attempt.
ALTER TABLE `webhook_deliveries`
  ADD COLUMN `claimed_until` timestamp(6) NULL DEFAULT NULL AFTER `next_attempt_at`,
  ADD COLUMN `claim` bigint unsigned NULL DEFAULT NULL AFTER `claimed_until`,
  ADD KEY `webhook_deliveries_event_id_index` (`event_id`);
