-- The master key check value: proof of which master key this store's encrypted values belong to,
-- so that every command and the server refuse any other key before they read or write anything.
--
--   master_key_id: id of the master key (first 16 hex chars of SHA-256 of it), for messages.
--   check_value:   a fixed label sealed like signing_secrets (base64 of nonce || AES-256-GCM
--                  ciphertext || tag, 'master_key_check' as associated data). Only the right key
--                  decrypts it to the label.
--
-- One row at most. A store made before this version gets its row on the first open whose master
-- key decrypts every encrypted value already stored (see MasterKeyCheck).
CREATE TABLE master_key_check (
  id            INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  master_key_id TEXT    NOT NULL,
  check_value   TEXT    NOT NULL,
  created_at    BIGINT  NOT NULL
);
