-- The decision trace of each audited call (JSON array of {check, passed, detail}), for
-- `toolgate explain` and GET /admin/decisions/{request_id}. Details never contain secret values.
ALTER TABLE audit_events ADD COLUMN trace TEXT;
