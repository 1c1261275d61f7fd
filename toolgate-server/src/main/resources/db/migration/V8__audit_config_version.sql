-- Which version of toolgate.yaml decided each audited call: the first 12 hex digits of the SHA-256
-- of the file's bytes, as the server logs it at start and at each reload (`config reloaded:
-- version ...`). Null for records written before this version, and for a configuration made in code.
ALTER TABLE audit_events ADD COLUMN config_version TEXT;
