-- Toolgate store, version 3: end users, their identities on platforms, session tokens, admin API
-- tokens and the keys of opaque customer identifiers.
--
-- Same portable SQL as V1 (TEXT ids and strings, BIGINT epoch milliseconds, INTEGER 0/1 booleans,
-- base64 TEXT for encrypted values). Uses no table of V2.

-- End users who log in (POST /auth/customer_authenticate).
--   username:      stored lower-cased, so 'Alice' and 'alice' are one user;
--   password_hash: Argon2id in PHC string form ($argon2id$v=19$m=…,t=…,p=…$salt$hash), which
--                  carries its own parameters, so hashes made before a tuning change still verify;
--   password_changed_at: last set or reset by an administrator (not moved by a parameter upgrade).
CREATE TABLE users (
  id                  TEXT    NOT NULL PRIMARY KEY,
  username            TEXT    NOT NULL UNIQUE,
  password_hash       TEXT    NOT NULL,
  disabled            INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at          BIGINT  NOT NULL,
  password_changed_at BIGINT  NOT NULL
);

-- A platform's user id (e.g. Sendbird's user_id) mapped to an internal user. One identity per
-- internal user per platform, so "all session tokens of this platform user" is unambiguous.
CREATE TABLE platform_users (
  platform         TEXT   NOT NULL,
  platform_user_id TEXT   NOT NULL,
  user_id          TEXT   NOT NULL REFERENCES users (id),
  created_at       BIGINT NOT NULL,
  PRIMARY KEY (platform, platform_user_id),
  UNIQUE (platform, user_id)
);

-- Session tokens of platform users (tgu_…), known only by the SHA-256 hex digest of their value.
-- They always expire (default 7 days, at most a year).
CREATE TABLE session_tokens (
  id         TEXT   NOT NULL PRIMARY KEY,
  user_id    TEXT   NOT NULL,
  platform   TEXT   NOT NULL,
  digest     TEXT   NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT,
  FOREIGN KEY (platform, user_id) REFERENCES platform_users (platform, user_id)
);
CREATE INDEX session_tokens_user ON session_tokens (platform, user_id);

-- Bearer tokens of the admin API (tga_…), known only by digest. name is a label, not unique.
CREATE TABLE admin_tokens (
  id           TEXT   NOT NULL PRIMARY KEY,
  name         TEXT   NOT NULL,
  digest       TEXT   NOT NULL UNIQUE,
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT,
  revoked_at   BIGINT,
  last_used_at BIGINT
);

-- HMAC keys of opaque customer identifiers (oc<version>_…), sealed like signing_secrets: base64 of
-- nonce || AES-256-GCM ciphertext || tag under the master key, 'opaque_id_key:<version>' as
-- associated data. Exactly one is active (mints new identifiers); older ones are kept.
CREATE TABLE opaque_id_keys (
  version       INTEGER NOT NULL PRIMARY KEY CHECK (version > 0),
  master_key_id TEXT    NOT NULL,
  sealed_key    TEXT    NOT NULL,
  created_at    BIGINT  NOT NULL,
  active        INTEGER NOT NULL CHECK (active IN (0, 1))
);
CREATE UNIQUE INDEX opaque_id_keys_one_active ON opaque_id_keys (active) WHERE active = 1;

-- Every opaque identifier ever handed out, so it resolves back to its user with one indexed
-- lookup (and keeps resolving after a key rotation), and so a (platform, user) pair keeps the
-- identifier it was first given.
CREATE TABLE opaque_ids (
  opaque_id   TEXT    NOT NULL PRIMARY KEY,
  platform    TEXT    NOT NULL,
  user_id     TEXT    NOT NULL REFERENCES users (id),
  key_version INTEGER NOT NULL REFERENCES opaque_id_keys (version),
  created_at  BIGINT  NOT NULL,
  UNIQUE (platform, user_id)
);
