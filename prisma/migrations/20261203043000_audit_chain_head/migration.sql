-- One round trip to take a chain's append lock and read its head (issue #11).
--
-- appendAudit used to send the advisory lock and then an ORDER BY seq DESC
-- read as two statements: the read had to be its own statement because a
-- statement's snapshot is taken before it waits for a lock, so a read in the
-- same statement could miss the entry the previous holder had just committed
-- (and the chain would fork). A VOLATILE function takes a fresh snapshot for
-- each statement inside it (READ COMMITTED), so here the read after the lock
-- sees every entry committed before the lock was granted.
--
-- The lock key is the one appendAudit has always used ('audit:<org id>' or
-- 'audit:platform'), so processes of the previous release, still appending
-- during a deploy, exclude and are excluded alike.
--
-- SECURITY INVOKER: the caller's row-level security applies to the read, so
-- the app role sees only its own organisation's chain, as before.
CREATE FUNCTION audit_chain_head(chain_organization_id uuid)
  RETURNS TABLE (seq bigint, hash text)
  LANGUAGE plpgsql
  VOLATILE
  SECURITY INVOKER
  SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('audit:' || coalesce(chain_organization_id::text, 'platform'), 0));
  IF chain_organization_id IS NULL THEN
    RETURN QUERY SELECT e.seq, e.hash FROM public.audit_entry e
      WHERE e.organization_id IS NULL ORDER BY e.seq DESC LIMIT 1;
  ELSE
    RETURN QUERY SELECT e.seq, e.hash FROM public.audit_entry e
      WHERE e.organization_id = chain_organization_id ORDER BY e.seq DESC LIMIT 1;
  END IF;
END;
$$;

REVOKE ALL ON FUNCTION audit_chain_head(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_chain_head(uuid) TO harambee_app, harambee_platform;
