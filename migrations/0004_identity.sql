-- empact schema 4: what sign-in needs. A TOTP secret being enrolled waits in totp_pending
-- until the person proves they hold it; totp_last_step is the time step of the last code
-- accepted, so that a code cannot be used twice. Sessions and API tokens are stored only as the
-- SHA-256 of what the client holds. Times that expire are unix seconds, for cheap comparison.

ALTER TABLE users ADD COLUMN totp_pending TEXT;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_changed_at TEXT;

CREATE TABLE sessions (
	id INTEGER PRIMARY KEY,
	token_hash BLOB NOT NULL UNIQUE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	csrf TEXT NOT NULL,
	-- 'full': signed in; 'enrol': password accepted, TOTP enrolment still owed
	state TEXT NOT NULL CHECK (state IN ('full', 'enrol')),
	created_at INTEGER NOT NULL,
	seen_at INTEGER NOT NULL,
	address TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	token_hash BLOB NOT NULL UNIQUE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	revoked_at INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE INDEX audit_at ON audit(at);
