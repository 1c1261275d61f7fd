-- Toolgate store, version 9: the authorization code flow (MCP clients acting for a signed-in user).
--
-- Same portable SQL as V1 (TEXT ids and strings, BIGINT epoch milliseconds). Codes and refresh
-- tokens are known only by the SHA-256 hex digest of their value, like every other secret.

-- Clients of the code flow registered here (by an administrator or by dynamic registration):
--   redirect_uris:    space-separated absolute URIs, matched exactly (loopback: any port, RFC 8252 §7.3);
--   application_type: 'web' or 'native' (RFC 7591), which redirect URIs are acceptable;
--   registration:     'admin' (CLI or admin API) or 'dynamic' (POST /oauth/register).
-- A public client (no secret) has the token endpoint auth method 'none' in clients.auth_methods.
ALTER TABLE clients ADD COLUMN redirect_uris TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN application_type TEXT NOT NULL DEFAULT 'web' CHECK (application_type IN ('web', 'native'));
ALTER TABLE clients ADD COLUMN registration TEXT NOT NULL DEFAULT 'admin' CHECK (registration IN ('admin', 'dynamic'));

-- Authorization codes: single use (used_at set by the one exchange that wins), short-lived.
--   code_challenge: the PKCE S256 challenge (base64url of SHA-256 of the verifier);
--   family_id:      the refresh-token family its exchange started, revoked if the code is replayed.
CREATE TABLE authorization_codes (
  digest         TEXT   NOT NULL PRIMARY KEY,
  client_id      TEXT   NOT NULL,
  user_id        TEXT   NOT NULL,
  redirect_uri   TEXT   NOT NULL,
  code_challenge TEXT   NOT NULL,
  resource       TEXT   NOT NULL,
  scope          TEXT   NOT NULL,
  created_at     BIGINT NOT NULL,
  expires_at     BIGINT NOT NULL,
  used_at        BIGINT,
  family_id      TEXT
);
CREATE INDEX authorization_codes_expiry ON authorization_codes (expires_at);

-- What a user allowed a client: scopes and resources, each space-separated. A later request within
-- them is not asked again.
CREATE TABLE consents (
  user_id    TEXT   NOT NULL,
  client_id  TEXT   NOT NULL,
  scope      TEXT   NOT NULL,
  resources  TEXT   NOT NULL,
  granted_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, client_id)
);

-- A chain of refresh tokens started by one code exchange. generation is the newest generation a
-- token of which has been used, generation_used_at when that happened: a repeat of that generation
-- within the grace window is a concurrent refresh; anything older is reuse and revokes the family.
CREATE TABLE refresh_families (
  id                 TEXT    NOT NULL PRIMARY KEY,
  client_id          TEXT    NOT NULL,
  user_id            TEXT    NOT NULL,
  resource           TEXT    NOT NULL,
  scope              TEXT    NOT NULL,
  created_at         BIGINT  NOT NULL,
  expires_at         BIGINT  NOT NULL,
  generation         INTEGER NOT NULL,
  generation_used_at BIGINT,
  revoked_at         BIGINT,
  revoked_reason     TEXT
);
CREATE INDEX refresh_families_expiry ON refresh_families (expires_at);

-- Each refresh token, and the access token issued with it (revoked with the family).
CREATE TABLE refresh_tokens (
  digest            TEXT    NOT NULL PRIMARY KEY,
  family_id         TEXT    NOT NULL REFERENCES refresh_families (id) ON DELETE CASCADE,
  generation        INTEGER NOT NULL,
  scope             TEXT    NOT NULL,
  created_at        BIGINT  NOT NULL,
  used_at           BIGINT,
  access_jti        TEXT    NOT NULL,
  access_expires_at BIGINT  NOT NULL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
