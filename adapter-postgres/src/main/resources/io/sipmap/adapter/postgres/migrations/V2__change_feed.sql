-- The change feed. V1's resolution_log numbered the changes of mappings only, per account, through the counter row of
-- resolution_log_heads. From here on every write of either resource is numbered in that one sequence, gapless for the
-- same reason (the counter row stays locked by the writing transaction until it ends, and a rolled-back write gives
-- its number back), and its row also carries the resource as the write left it (as it was, for a deletion), so that
-- the feed can replay it whole. For the replicas nothing changes: each row still says what its IP record resolves to
-- after the change (an IP record's own write leaves that as it was), and is notified as before.
--
-- Rows logged before this migration have no change column: a feed reader asking for them is told to start again from
-- a snapshot, as for a change already pruned.

ALTER TABLE resolution_log
    ADD COLUMN change                  text,        -- ip_record.created ... source_ip_mapping.deleted
    ADD COLUMN resource_sid            uuid,        -- the IP record's or the mapping's SID
    ADD COLUMN resource_sip_domain_sid uuid,        -- a mapping's SIP domain, also when the change deleted it
    ADD COLUMN friendly_name           text,        -- an IP record's
    ADD COLUMN date_created            timestamptz, -- the resource's
    ADD COLUMN date_updated            timestamptz;

ALTER TABLE resolution_log ADD CONSTRAINT resolution_log_change CHECK (change IN ('ip_record.created',
    'ip_record.updated', 'ip_record.deleted', 'source_ip_mapping.created', 'source_ip_mapping.updated',
    'source_ip_mapping.deleted'));

-- Every account that has records has a counter row from here on, so that every write can lock it first (below).
INSERT INTO resolution_log_heads (account, last_seq)
    SELECT DISTINCT account, 0 FROM ip_records
    ON CONFLICT (account) DO NOTHING;

-- Locks the account's counter row, if it has one, and returns the account. Every write calls it before it touches a
-- row of its own (in its VALUES, or in a FROM evaluated before the row is locked): then the writes of one account
-- wait for each other on this one lock, in one order, and never hold a row lock that another of its writes needs
-- while waiting for the counter (an IP record's delete and a mapping's insert, each checking the other's foreign key
-- at the end of its statement, would otherwise deadlock over it). Only an account's first write finds no row to
-- lock; it has no other row either. Since every write of the account waits here until the one before commits, its
-- statements run one after the other, each seeing the commits of those before it.
CREATE FUNCTION sipmap_lock_head(p_account uuid) RETURNS uuid LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM resolution_log_heads WHERE account = p_account FOR UPDATE;
    RETURN p_account;
END $$;

-- Logs one write of either resource, in the transaction of the write that called it, and returns its number, the IP
-- record's prefix and what the record resolves to after it (its mapping and SIP domain, or nulls). For a mapping's
-- write the record's prefix is read here, as V1's sipmap_log_resolution did; an IP record's write passes its own.
-- The number comes first, from the account's counter row, and what the record resolves to is read after it: every
-- write of the account that was numbered before has then committed, and this statement sees it.
CREATE FUNCTION sipmap_log_change(p_account uuid, p_change text, p_ip_record_sid uuid, p_resource_sid uuid,
                                  p_sip_domain_sid uuid, p_friendly_name text, p_ip_address integer,
                                  p_cidr_prefix_length smallint, p_date_created timestamptz,
                                  p_date_updated timestamptz)
    RETURNS TABLE (log_seq bigint, log_ip_address integer, log_cidr_prefix_length smallint, log_mapping_sid uuid,
                   log_sip_domain_sid uuid)
    LANGUAGE plpgsql AS $$
DECLARE
    v_address integer  := p_ip_address;
    v_length  smallint := p_cidr_prefix_length;
    v_seq     bigint;
    v_mapping uuid;
    v_domain  uuid;
BEGIN
    IF p_change LIKE 'source_ip_mapping.%' THEN
        SELECT r.ip_address, r.cidr_prefix_length INTO v_address, v_length
          FROM ip_records r WHERE r.account = p_account AND r.sid = p_ip_record_sid;
        IF NOT FOUND THEN
            RETURN; -- no such record: the foreign key fails the calling statement
        END IF;
    END IF;
    INSERT INTO resolution_log_heads AS h (account, last_seq) VALUES (p_account, 1)
        ON CONFLICT (account) DO UPDATE SET last_seq = h.last_seq + 1, changed_xid = pg_current_xact_id()
        RETURNING h.last_seq INTO v_seq;
    IF p_change IN ('source_ip_mapping.created', 'source_ip_mapping.updated') THEN
        v_mapping := p_resource_sid;
        v_domain := p_sip_domain_sid;
    ELSIF p_change LIKE 'ip_record.%' THEN
        SELECT m.sid, m.sip_domain_sid INTO v_mapping, v_domain
          FROM source_ip_mappings m WHERE m.account = p_account AND m.ip_record_sid = p_ip_record_sid;
    END IF;
    INSERT INTO resolution_log (account, seq, ip_record_sid, mapping_sid, sip_domain_sid, ip_address,
                                cidr_prefix_length, change, resource_sid, resource_sip_domain_sid, friendly_name,
                                date_created, date_updated)
        VALUES (p_account, v_seq, p_ip_record_sid, v_mapping, v_domain, v_address, v_length, p_change,
                p_resource_sid, p_sip_domain_sid, p_friendly_name, p_date_created, p_date_updated);
    PERFORM pg_notify('sipmap_resolution_log',
        p_account || ',' || v_seq || ',' || p_ip_record_sid || ',' || coalesce(v_mapping::text, '') || ','
            || coalesce(v_domain::text, '') || ',' || v_address || ',' || v_length);
    RETURN QUERY SELECT v_seq, v_address, v_length, v_mapping, v_domain;
END $$;
