-- The store revision a token revocation moved the store to, written in the revocation's own
-- transaction. An instance that hears "revoked_token:<revision>:<jti>" (migration V6) checks this
-- row before it believes the announcement: NOTIFY needs no privilege, so anyone who can connect to
-- the database could announce a revocation or a revision that never happened.
--
-- Null for revocations made before this version (and for rows written by hand): an announcement of
-- those is not trusted, and the instance reloads instead.
ALTER TABLE revoked_tokens ADD COLUMN revision BIGINT;
