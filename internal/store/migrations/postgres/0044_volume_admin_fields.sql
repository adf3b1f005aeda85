-- Whether a volume carries Cinder's "readonly" admin metadata: set by
-- os-update_readonly_flag, then shown in the volume's metadata as
-- "True"/"False" (Cinder's visible admin metadata), absent before.
ALTER TABLE volumes ADD COLUMN readonly_meta BOOLEAN NOT NULL DEFAULT FALSE;
-- A snapshot's progress as os-update_snapshot_status set it ('80%');
-- '' = what its status says (100% when available, else 0%).
ALTER TABLE volume_snapshots ADD COLUMN progress TEXT NOT NULL DEFAULT '';
