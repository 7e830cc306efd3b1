-- Contacts, enrollments, touches and events check their references a
-- statement at a time.
--
-- The foreign keys enrollments → contacts, enrollments → tracks, touches →
-- enrollments, events → contacts, contacts → companies and contacts → reps
-- (the owner) each ran a trigger per inserted row that
-- looked the referenced row up and locked it (FOR KEY SHARE): about 20 µs of
-- the server's CPU per row and key, three quarters of a bulk enrollment. The
-- triggers below do the same work once per statement, over the statement's
-- rows at once, and keep what the keys guaranteed:
--
-- * every enrollment names an existing contact and track version, every
--   touch an existing enrollment, every event an existing contact, every
--   contact's company and owner exist, whoever writes them;
-- * deleting a contact deletes its enrollments and events, deleting an
--   enrollment its touches (ON DELETE CASCADE); deleting a company or rep
--   leaves its contacts without one (ON DELETE SET NULL); changing a referenced key or deleting a
--   referenced track version is refused (NO ACTION), as is a TRUNCATE that
--   would leave rows pointing nowhere;
-- * a reference written while its target is deleted concurrently cannot
--   outlive it. The keys locked each referenced row; here every check of
--   written references first takes one advisory lock, shared, held until its
--   transaction ends, and every removal of referenced rows takes it
--   exclusively after removing them and before it cascades or checks. So a
--   removal waits for the writers that checked and then sees (and cascades
--   to) what they committed, and a writer that waited for a removal checks
--   against its result. The checks read with a fresh snapshot: in READ COMMITTED, which Dripline
--   uses, that is enough; under REPEATABLE READ or SERIALIZABLE they also
--   lock the referenced rows, as the keys did, so that a row deleted after
--   the snapshot fails the transaction instead of being believed.
--
-- Dripline itself never deletes contacts, enrollments, track versions,
-- companies or reps; the cascades serve whoever does it by hand. Mind what
-- such a delete costs: it holds the lock exclusively until its transaction
-- ends, and every write of references (imports, enrollments, the workers'
-- next touches) waits meanwhile, where a foreign key held up only the rows
-- that referred to the deleted one. Delete in short READ COMMITTED
-- transactions (others are refused, see refs_fresh_for_delete), never in an
-- open psql session. TRUNCATE of a referenced table is refused while its
-- dependants have rows, even in the same TRUNCATE: truncate the dependants
-- first. The other
-- foreign keys to contacts, companies and reps (opportunities, sales,
-- activities, letters) stay: nothing writes those rows in bulk.
ALTER TABLE enrollments DROP CONSTRAINT enrollments_contact_id_fkey;
ALTER TABLE enrollments DROP CONSTRAINT enrollments_track_id_track_version_fkey;
ALTER TABLE touches DROP CONSTRAINT touches_enrollment_id_fkey;
ALTER TABLE events DROP CONSTRAINT events_contact_id_fkey;
ALTER TABLE contacts DROP CONSTRAINT contacts_company_id_fkey;
ALTER TABLE contacts DROP CONSTRAINT contacts_owner_id_fkey;

-- The lock's key: the ASCII bytes of "drip-ref".
CREATE FUNCTION refs_lock(exclusive boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF exclusive THEN
        PERFORM pg_advisory_xact_lock(7237125012117398886);
    ELSE
        PERFORM pg_advisory_xact_lock_shared(7237125012117398886);
    END IF;
END $$;

-- missing_reference fails the statement the way a foreign key does.
CREATE FUNCTION missing_reference(what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE foreign_key_violation USING MESSAGE = format('%s does not exist', what);
END $$;

-- Whether the transaction reads committed data afresh in each statement;
-- if not, the checks lock what they find, as foreign keys do.
CREATE FUNCTION refs_read_fresh() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT current_setting('transaction_isolation') = 'read committed'
$$;

-- The rows a statement inserted (new_rows) name what they refer to: the
-- touches existing enrollments, the enrollments and events existing
-- contacts, the enrollments existing track versions.
CREATE FUNCTION refs_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refs_lock(false);
    IF TG_TABLE_NAME = 'contacts' THEN
        IF NOT refs_read_fresh() THEN
            PERFORM 1 FROM companies c WHERE c.id IN (SELECT company_id FROM new_rows) FOR KEY SHARE OF c;
            PERFORM 1 FROM reps r WHERE r.id IN (SELECT owner_id FROM new_rows) FOR KEY SHARE OF r;
        END IF;
        PERFORM missing_reference(format('contact''s company %s', n.company_id))
        FROM (SELECT DISTINCT company_id FROM new_rows WHERE company_id IS NOT NULL) n
        WHERE NOT EXISTS (SELECT 1 FROM companies c WHERE c.id = n.company_id) LIMIT 1;
        PERFORM missing_reference(format('contact''s owner %s', n.owner_id))
        FROM (SELECT DISTINCT owner_id FROM new_rows WHERE owner_id IS NOT NULL) n
        WHERE NOT EXISTS (SELECT 1 FROM reps r WHERE r.id = n.owner_id) LIMIT 1;
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'touches' THEN
        IF NOT refs_read_fresh() THEN
            PERFORM 1 FROM enrollments e WHERE e.id IN (SELECT enrollment_id FROM new_rows) FOR KEY SHARE OF e;
        END IF;
        PERFORM missing_reference(format('touch''s enrollment %s', n.enrollment_id))
        FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.id = n.enrollment_id) LIMIT 1;
        RETURN NULL;
    END IF;
    IF NOT refs_read_fresh() THEN
        PERFORM 1 FROM contacts c WHERE c.id IN (SELECT contact_id FROM new_rows) FOR KEY SHARE OF c;
    END IF;
    PERFORM missing_reference(format('%s''s contact %s', TG_TABLE_NAME, n.contact_id))
    FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = n.contact_id) LIMIT 1;
    IF TG_TABLE_NAME = 'enrollments' THEN
        PERFORM missing_reference(format('enrollment''s track %s version %s', n.track_id, n.track_version))
        FROM (SELECT DISTINCT track_id, track_version FROM new_rows) n
        WHERE NOT EXISTS (SELECT 1 FROM tracks t WHERE t.id = n.track_id AND t.version = n.track_version) LIMIT 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER enrollments_refs_inserted AFTER INSERT ON enrollments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION refs_check();
CREATE TRIGGER touches_refs_inserted AFTER INSERT ON touches
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION refs_check();
CREATE TRIGGER contacts_refs_inserted AFTER INSERT ON contacts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION refs_check();
CREATE TRIGGER events_refs_inserted AFTER INSERT ON events
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION refs_check();

-- An update changing a reference checks it, row by row: it is rare (moving
-- enrollments to a new track version), and a statement-level trigger with
-- the rows would run on every update of these busy tables. TG_ARGV: the
-- referencing column and the table it refers to (by id).
CREATE FUNCTION ref_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    target bigint;
BEGIN
    PERFORM refs_lock(false);
    EXECUTE format('SELECT id FROM %I WHERE id = ($1).%I FOR KEY SHARE', TG_ARGV[1], TG_ARGV[0])
        INTO target USING NEW;
    IF target IS NULL THEN
        PERFORM missing_reference(format('%s''s %s', TG_TABLE_NAME, TG_ARGV[0]));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER enrollments_contact_changed AFTER UPDATE OF contact_id ON enrollments
    FOR EACH ROW WHEN (OLD.contact_id IS DISTINCT FROM NEW.contact_id)
    EXECUTE FUNCTION ref_changed('contact_id', 'contacts');
CREATE TRIGGER events_contact_changed AFTER UPDATE OF contact_id ON events
    FOR EACH ROW WHEN (OLD.contact_id IS DISTINCT FROM NEW.contact_id)
    EXECUTE FUNCTION ref_changed('contact_id', 'contacts');

CREATE TRIGGER contacts_company_changed AFTER UPDATE OF company_id ON contacts
    FOR EACH ROW WHEN (NEW.company_id IS NOT NULL AND OLD.company_id IS DISTINCT FROM NEW.company_id)
    EXECUTE FUNCTION ref_changed('company_id', 'companies');
CREATE TRIGGER contacts_owner_changed AFTER UPDATE OF owner_id ON contacts
    FOR EACH ROW WHEN (NEW.owner_id IS NOT NULL AND OLD.owner_id IS DISTINCT FROM NEW.owner_id)
    EXECUTE FUNCTION ref_changed('owner_id', 'reps');

CREATE FUNCTION enrollment_track_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refs_lock(false);
    PERFORM 1 FROM tracks WHERE id = NEW.track_id AND version = NEW.track_version FOR KEY SHARE;
    IF NOT FOUND THEN
        PERFORM missing_reference(format('enrollment''s track %s version %s', NEW.track_id, NEW.track_version));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER enrollments_track_changed AFTER UPDATE OF track_id, track_version ON enrollments
    FOR EACH ROW WHEN ((OLD.track_id, OLD.track_version) IS DISTINCT FROM (NEW.track_id, NEW.track_version))
    EXECUTE FUNCTION enrollment_track_changed();
CREATE TRIGGER touches_enrollment_changed AFTER UPDATE OF enrollment_id ON touches
    FOR EACH ROW WHEN (OLD.enrollment_id IS DISTINCT FROM NEW.enrollment_id)
    EXECUTE FUNCTION ref_changed('enrollment_id', 'enrollments');

-- A delete or key change of referenced rows must see the references
-- committed up to the moment it holds the lock: a REPEATABLE READ or
-- SERIALIZABLE snapshot may predate some, which its cascade would miss and
-- leave pointing nowhere. Such a transaction is refused (40001, as a
-- foreign key refuses one that meets a concurrent change); do it in READ
-- COMMITTED.
CREATE FUNCTION refs_fresh_for_delete() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF NOT refs_read_fresh() THEN
        RAISE serialization_failure USING MESSAGE = format(
            'delete or renumber referenced rows in a READ COMMITTED transaction, not %s',
            current_setting('transaction_isolation'));
    END IF;
END $$;

-- Deleting contacts deletes their enrollments and events; deleting
-- enrollments deletes their touches; deleting a company or a rep leaves its
-- contacts without one (TG_ARGV: pairs of a referencing table and its
-- column; a pair ('set null', column) nulls that column of contacts
-- instead).
CREATE FUNCTION cascade_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refs_lock(true);
    PERFORM refs_fresh_for_delete();
    FOR i IN 0 .. TG_NARGS / 2 - 1 LOOP
        IF TG_ARGV[2 * i] = 'set null' THEN
            EXECUTE format('UPDATE contacts r SET %I = NULL FROM old_rows o WHERE r.%1$I = o.id', TG_ARGV[2 * i + 1]);
        ELSE
            EXECUTE format('DELETE FROM %I r USING old_rows o WHERE r.%I = o.id', TG_ARGV[2 * i], TG_ARGV[2 * i + 1]);
        END IF;
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER contacts_cascade AFTER DELETE ON contacts REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cascade_deleted('enrollments', 'contact_id', 'events', 'contact_id');
CREATE TRIGGER enrollments_cascade AFTER DELETE ON enrollments REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cascade_deleted('touches', 'enrollment_id');
CREATE TRIGGER companies_set_null AFTER DELETE ON companies REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cascade_deleted('set null', 'company_id');
CREATE TRIGGER reps_set_null AFTER DELETE ON reps REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cascade_deleted('set null', 'owner_id');

-- A referenced key does not change, and a referenced track version is not
-- deleted (TG_ARGV: pairs of a referencing table and its column; for
-- tracks none).
CREATE FUNCTION referenced_key_kept() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    used boolean := false;
BEGIN
    PERFORM refs_lock(true);
    PERFORM refs_fresh_for_delete();
    IF TG_TABLE_NAME = 'tracks' THEN
        SELECT EXISTS (SELECT 1 FROM enrollments WHERE track_id = OLD.id AND track_version = OLD.version) INTO used;
    END IF;
    FOR i IN 0 .. TG_NARGS / 2 - 1 LOOP
        EXIT WHEN used;
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I = $1)', TG_ARGV[2 * i], TG_ARGV[2 * i + 1])
            INTO used USING OLD.id;
    END LOOP;
    IF used THEN
        RAISE foreign_key_violation USING MESSAGE = format('%s row %s is still referenced', TG_TABLE_NAME, OLD.id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER contacts_key_kept AFTER UPDATE OF id ON contacts
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION referenced_key_kept('enrollments', 'contact_id', 'events', 'contact_id');
CREATE TRIGGER tracks_key_kept AFTER UPDATE OF id, version ON tracks
    FOR EACH ROW WHEN ((OLD.id, OLD.version) IS DISTINCT FROM (NEW.id, NEW.version))
    EXECUTE FUNCTION referenced_key_kept();
CREATE TRIGGER enrollments_key_kept AFTER UPDATE OF id ON enrollments
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION referenced_key_kept('touches', 'enrollment_id');
CREATE TRIGGER companies_key_kept AFTER UPDATE OF id ON companies
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION referenced_key_kept('contacts', 'company_id');
CREATE TRIGGER reps_key_kept AFTER UPDATE OF id ON reps
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION referenced_key_kept('contacts', 'owner_id');
CREATE TRIGGER tracks_kept AFTER DELETE ON tracks
    FOR EACH ROW EXECUTE FUNCTION referenced_key_kept();

-- TRUNCATE bypasses the delete triggers: refused while the table's
-- dependants (TG_ARGV) have rows.
CREATE FUNCTION truncate_refused() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    used boolean := false;
BEGIN
    FOR i IN 0 .. TG_NARGS - 1 LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', TG_ARGV[i]) INTO used;
        IF used THEN
            RAISE foreign_key_violation USING MESSAGE = format('cannot truncate %s: %s refer to it; truncate them first',
                TG_TABLE_NAME, TG_ARGV[i]);
        END IF;
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER contacts_truncate BEFORE TRUNCATE ON contacts
    FOR EACH STATEMENT EXECUTE FUNCTION truncate_refused('enrollments', 'events');
CREATE TRIGGER tracks_truncate BEFORE TRUNCATE ON tracks
    FOR EACH STATEMENT EXECUTE FUNCTION truncate_refused('enrollments');
CREATE TRIGGER enrollments_truncate BEFORE TRUNCATE ON enrollments
    FOR EACH STATEMENT EXECUTE FUNCTION truncate_refused('touches');
CREATE TRIGGER companies_truncate BEFORE TRUNCATE ON companies
    FOR EACH STATEMENT EXECUTE FUNCTION truncate_refused('contacts');
CREATE TRIGGER reps_truncate BEFORE TRUNCATE ON reps
    FOR EACH STATEMENT EXECUTE FUNCTION truncate_refused('contacts');
