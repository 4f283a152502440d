-- 010-login.sql: failed sign-ins of the keys page, counted per e-mail and client address so that every process and node sees the same throttle.
-- One row per (e-mail, address) pair: the failures of the current window
-- and when that window began.  A success deletes the row.

CREATE TABLE IF NOT EXISTS `apikeys_login_failures` (
  `email_hash` char(64) NOT NULL,
  `ip` varchar(45) NOT NULL,
  `failures` int unsigned NOT NULL DEFAULT 0,
  `window_start` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (`email_hash`, `ip`),
  KEY `apikeys_login_failures_window_index` (`window_start`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
