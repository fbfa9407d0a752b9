-- Monitors reach public addresses only, unless an administrator allowed this monitor's own
-- target to be private (loopback, link-local, the private ranges; docs/MONITORING.md). Every
-- monitor starts without the allowance, those made before this migration included: a monitor an
-- agent pointed inside the desk's network stops probing it until an administrator agrees.
ALTER TABLE monitors ADD COLUMN allow_private_targets SMALLINT NOT NULL DEFAULT 0
    CHECK (allow_private_targets IN (0, 1));
