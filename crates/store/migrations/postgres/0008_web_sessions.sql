-- The web app's sessions, kept in the database so that restarting the server does not log everyone out.
-- Only a SHA-256 of the cookie's token is stored: a copy of the database opens no one's session. csrf_token
-- is the session's secret that signs its one-time form tokens (so a page rendered before a restart still
-- posts); each form token used is recorded in web_form_use, so it cannot be posted twice, even across a
-- restart. Times are Unix seconds (UTC); a session idle longer than the web app's limit is deleted when it is
-- next presented or when anyone logs in, with the form tokens it used.

CREATE TABLE web_session (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES account (id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen BIGINT NOT NULL
);
CREATE INDEX web_session_last_seen ON web_session (last_seen);
CREATE INDEX web_session_account ON web_session (account_id);

CREATE TABLE web_form_use (
    token_hash TEXT NOT NULL REFERENCES web_session (token_hash) ON DELETE CASCADE,
    nonce TEXT NOT NULL,
    used_at BIGINT NOT NULL,
    PRIMARY KEY (token_hash, nonce)
);
CREATE INDEX web_form_use_used_at ON web_form_use (used_at);
