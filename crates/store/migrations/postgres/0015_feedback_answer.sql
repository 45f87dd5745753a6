-- The feedback inbox and the audit viewer. A feedback moves from new to being handled (đang xử lý) to answered
-- (đã trả lời); the answer keeps its text, who wrote it and when (UTC). The inbox lists by status, newest first.
ALTER TABLE feedback ADD COLUMN answer TEXT;
ALTER TABLE feedback ADD COLUMN answered_by TEXT;
ALTER TABLE feedback ADD COLUMN answered_at TEXT;
CREATE INDEX feedback_status ON feedback (status, id);

-- The audit viewer filters by who and by what, newest first, and pages by sequence number; and by time (`at`
-- is UTC text in ISO order, so a range of Vietnam days is a range of it).
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_at ON audit_log (at);
