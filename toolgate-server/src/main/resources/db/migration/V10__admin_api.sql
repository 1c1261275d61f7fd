-- Toolgate store, version 10: the complete admin API.

-- What an admin token may do (AdminRole): 'admin' everything; 'operator' everything but admin
-- tokens and pruning the audit log; 'read_only' reads; 'token_minter' mints customer tokens only.
-- Fixed at creation (a token's powers never change under it): existing tokens keep full rights.
ALTER TABLE admin_tokens ADD COLUMN role TEXT NOT NULL DEFAULT 'admin'
  CHECK (role IN ('admin', 'operator', 'read_only', 'token_minter'));

-- Idempotency-Key of admin creations, per admin token, kept 24 hours:
--   request_digest: SHA-256 hex of method, path and body, so a key reused for another request is refused;
--   status, response: the answer to replay, NULL while the first request is still running. The
--   response never holds a secret (secrets are shown once: a replay omits them).
CREATE TABLE idempotency_keys (
  token_id       TEXT    NOT NULL,
  idem_key       TEXT    NOT NULL,
  request_digest TEXT    NOT NULL,
  created_at     BIGINT  NOT NULL,
  status         INTEGER,
  location       TEXT,
  response       TEXT,
  PRIMARY KEY (token_id, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
