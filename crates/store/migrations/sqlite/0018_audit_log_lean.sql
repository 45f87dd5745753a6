-- Every read of personal data (a search, a household page) appends to the audit log, so each index on the log
-- is paid on the hottest write of the web app. The three indexes of migration 0015 (by actor, by action, by
-- time) took the household page's 99th percentile at 2 connections from 13-21 ms to about 40 ms on 1 million
-- households (bench/web.sh): more pages written per entry, the log's write-ahead file checkpointed more often.
-- The audit viewer is read by few and rarely: its filters walk the log newest first by sequence number (the
-- primary key) and stop at a page, which stays fast for the filters an auditor uses.
DROP INDEX audit_log_actor;
DROP INDEX audit_log_action;
DROP INDEX audit_log_at;
