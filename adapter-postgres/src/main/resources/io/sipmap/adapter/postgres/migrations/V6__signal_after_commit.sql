-- Writes no longer notify from inside their transaction. pg_notify queues its message at commit under one lock of the
-- whole database, held until the commit is on disk, so every write of every account committed one after the other,
-- one WAL flush each. From here on the instance that wrote signals after its commits instead, in a transaction of its
-- own, at most once per burst, and the replicas of the others catch up from the log on that signal (PgResolutionStore).
--
-- As in V5 otherwise, with the same signature and result, so that instances of the version before keep writing
-- through it; they hear no notification from here on, and follow the others by their periodic catch-up alone until
-- they are replaced. Replacing a function changes the catalog only, whatever the size of the tables.
CREATE OR REPLACE FUNCTION sipmap_log_change(p_account uuid, p_change text, p_ip_record_sid uuid, p_resource_sid uuid,
                                             p_sip_domain_sid uuid, p_friendly_name text, p_ip_address integer,
                                             p_cidr_prefix_length smallint, p_date_created timestamptz,
                                             p_date_updated timestamptz)
    RETURNS TABLE (log_seq bigint, log_ip_address integer, log_cidr_prefix_length smallint, log_mapping_sid uuid,
                   log_sip_domain_sid uuid)
    LANGUAGE plpgsql AS $$
DECLARE
    v_address integer  := p_ip_address;
    v_length  smallint := p_cidr_prefix_length;
    -- random() is in [0, 1): the whole range of a 32-bit integer, evenly
    v_nonce   integer  := floor(random() * 4294967296 - 2147483648)::integer;
    v_seq     bigint;
    v_mapping uuid;
    v_domain  uuid;
BEGIN
    IF p_change LIKE 'source_ip_mapping.%' THEN
        -- the record's own address as given (ip_records keeps it so), not its network: the feed's ip_record_address
        SELECT r.ip_address, r.cidr_prefix_length INTO v_address, v_length
          FROM ip_records r WHERE r.account = p_account AND r.sid = p_ip_record_sid;
        IF NOT FOUND THEN
            RETURN; -- no such record: the foreign key fails the calling statement
        END IF;
    END IF;
    INSERT INTO resolution_log_heads AS h (account, last_seq, last_nonce) VALUES (p_account, 1, v_nonce)
        ON CONFLICT (account) DO UPDATE SET last_seq = h.last_seq + 1, last_nonce = v_nonce,
            changed_xid = pg_current_xact_id()
        RETURNING h.last_seq INTO v_seq;
    IF p_change IN ('source_ip_mapping.created', 'source_ip_mapping.updated') THEN
        v_mapping := p_resource_sid;
        v_domain := p_sip_domain_sid;
    ELSIF p_change = 'ip_record.updated' THEN
        -- a record created or deleted has no mapping: the foreign key sees to it
        SELECT m.sid, m.sip_domain_sid INTO v_mapping, v_domain
          FROM source_ip_mappings m WHERE m.account = p_account AND m.ip_record_sid = p_ip_record_sid;
    END IF;
    INSERT INTO resolution_log (account, seq, ip_record_sid, mapping_sid, sip_domain_sid, ip_address,
                                cidr_prefix_length, change, resource_sid, resource_sip_domain_sid, friendly_name,
                                date_created, date_updated, nonce)
        VALUES (p_account, v_seq, p_ip_record_sid, v_mapping, v_domain, v_address, v_length, p_change,
                p_resource_sid, p_sip_domain_sid, p_friendly_name, p_date_created, p_date_updated, v_nonce);
    RETURN QUERY SELECT v_seq, v_address, v_length, v_mapping, v_domain;
END $$;
