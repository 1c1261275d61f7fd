-- Toolgate store, version 2: the authorization server's state.
--
-- Same portable SQL as V1 (TEXT ids and strings, BIGINT epoch milliseconds, base64 TEXT for
-- encrypted values). ALTER TABLE ... ADD COLUMN with a constant DEFAULT is accepted the same way
-- by SQLite and PostgreSQL and gives existing rows the default.

-- Toolgate's own JWT signing keys.
--   private_jwk:  the private JWK (JSON), sealed like signing_secrets.ciphertext: base64 of
--                 nonce || AES-256-GCM ciphertext || tag, with the kid as associated data.
--   public_jwk:   the public half in clear, for listing and inspection only. The key ring is
--                 always derived from the sealed private JWK, never from this column, so editing
--                 it cannot slip a foreign key into the JWKS.
--   activated_at: when it started signing (null: created but not yet used);
--   retired_at:   when a newer key replaced it. It stays published until every token it signed
--                 has expired, then can be deleted.
CREATE TABLE signing_keys (
  kid           TEXT   NOT NULL PRIMARY KEY,
  algorithm     TEXT   NOT NULL CHECK (algorithm IN ('RS256', 'ES256', 'EdDSA')),
  master_key_id TEXT   NOT NULL,
  private_jwk   TEXT   NOT NULL,
  public_jwk    TEXT   NOT NULL,
  created_at    BIGINT NOT NULL,
  activated_at  BIGINT,
  retired_at    BIGINT,
  CHECK (retired_at IS NULL OR activated_at IS NOT NULL)
);
-- At most one active key (activated, not retired): every row it covers has the same indexed
-- value, so a second one is a unique violation. A safety net; writers already serialise on the
-- store revision.
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys ((retired_at IS NULL))
  WHERE activated_at IS NOT NULL AND retired_at IS NULL;

-- OAuth settings of each client. Existing clients get the defaults: no scopes, one-hour tokens,
-- client secret authentication (HTTP Basic or form), no registered public keys.
--   allowed_scopes: space-separated RFC 6749 scope tokens ('' = none);
--   auth_methods:   space-separated token endpoint authentication methods
--                   (client_secret_basic, client_secret_post, private_key_jwt);
--   jwks:           the client's public JWK set (JSON) for private_key_jwt, or null.
ALTER TABLE clients ADD COLUMN allowed_scopes TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN token_ttl_seconds BIGINT NOT NULL DEFAULT 3600 CHECK (token_ttl_seconds > 0);
ALTER TABLE clients ADD COLUMN auth_methods TEXT NOT NULL DEFAULT 'client_secret_basic client_secret_post';
ALTER TABLE clients ADD COLUMN jwks TEXT;

-- OAuth client secrets (client_secret_basic / client_secret_post), known only by the SHA-256 hex
-- digest of their value (tgc_ + 32 random bytes). Not the signing secrets of V1.
CREATE TABLE client_secrets (
  id           TEXT   NOT NULL PRIMARY KEY,
  client_id    TEXT   NOT NULL REFERENCES clients (id),
  digest       TEXT   NOT NULL UNIQUE,
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT,
  revoked_at   BIGINT,
  last_used_at BIGINT
);
CREATE INDEX client_secrets_client ON client_secrets (client_id);

-- JWTs (access and user tokens) revoked before they expire, by jti. A row is useful only until
-- expires_at (the token's exp): after that the token fails on its own and the row can be purged.
-- No foreign key: a revocation must never fail, and user tokens have no client.
CREATE TABLE revoked_tokens (
  jti        TEXT   NOT NULL PRIMARY KEY,
  client_id  TEXT,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT NOT NULL
);
CREATE INDEX revoked_tokens_expiry ON revoked_tokens (expires_at);
