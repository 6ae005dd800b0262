-- IPv6 records. A record holds exactly one address: an IPv4 one in ip_address as before (its 32 bits as a signed
-- int), or an IPv6 one in the new ip6, its 16 bytes in network order (a bytea compares as unsigned bytes, the order
-- of the addresses). The prefix length is 1..32 for the first, 1..128 for the second. The database keeps all of it:
-- one address form and the other null, 16 bytes, the prefix length of the family.
--
-- `packed` (V4) is made again with a tail for IPv6 records. An IPv4 record's is the same 38 bytes as before, byte
-- for byte; an IPv6 record's is 56: the same 38 with an address of 0 and a prefix length of 0 in the IPv4 places,
-- then its 16 bytes and its prefix length (Columns.packedIpRecord tells them apart by their length). So pages of
-- IPv4 records read, send and decode exactly what they did, index-only as before; and an instance of the version
-- before, which decodes 38 bytes, finds a prefix length of 0 in an IPv6 record's, which its IpRecord refuses: it fails
-- on that row instead of showing another address (see below).
--
-- The change log gets the same ip6 column, and the same rule (one address form), so that a row holds the IPv6
-- prefix of an IPv6 record's change. sipmap_log_change gets a form with the IPv6 address (an eleventh parameter),
-- which this version calls; the form of ten keeps its signature and result for the instances of the version before,
-- and calls the new one.
--
-- Taking a database over: the table ip_records is rewritten (its generated column made again) and its primary key
-- rebuilt, and the foreign key from source_ip_mappings made again and checked; the change log is only altered in the
-- catalog (a nullable column, a NOT NULL dropped, a CHECK checked by one scan). Both tables are locked meanwhile
-- (ACCESS EXCLUSIVE: no read or write of either), which for 200,000 records and 200,000 mappings took 1.0 to 3.2 s
-- (three runs) on the shared 2-core machine this was written on, the vacuum that the start runs after a migration
-- (Migrations) included. Start the first instance of this version at a quiet moment on a large database. Measured
-- there, a page of 51 IPv4 records (EXPLAIN (ANALYZE, BUFFERS)) is an index-only scan before and after, 0 heap
-- fetches, 4 and 5 buffers, 0.05 ms; the primary key's index is rebuilt (28.1 MB before, 21.8 MB after, packed).
--
-- Instances of the version before keep working against a migrated database for everything IPv4: their statements
-- read and write the same columns (ip_address is still there, and is what they insert; the new constraints hold for
-- their rows), their pages decode the same 38 bytes, and their sipmap_log_change is the one of ten parameters. What
-- they cannot do is handle IPv6 records, which only this version creates: upgrade every instance before the first
-- one is created. Until then nothing differs; after it, an old instance refuses (fails, never answers wrongly): a
-- fetch or page holding an IPv6 record fails on the prefix length 0; any write of theirs that logs an IPv6 record's
-- change (a mapping's insert, update or delete, a rename) fails on the change log's CHECK, logging nothing; and its
-- replica fails to load, or to catch up the account past, an IPv6 record's change (a null ip_address), so that
-- account's replica stays behind until the instance is upgraded.

ALTER TABLE source_ip_mappings DROP CONSTRAINT source_ip_mappings_ip_record_fkey;

ALTER TABLE ip_records
    DROP CONSTRAINT ip_records_pkey,
    DROP COLUMN packed,
    DROP CONSTRAINT ip_records_cidr_prefix_length_check,
    ALTER COLUMN ip_address DROP NOT NULL,
    ADD COLUMN ip6 bytea, -- an IPv6 record's address as given, host bits included: its 16 bytes
    ADD CONSTRAINT ip_records_one_address CHECK ((ip_address IS NULL) <> (ip6 IS NULL)),
    ADD CONSTRAINT ip_records_ip6_length CHECK (octet_length(ip6) = 16),
    ADD CONSTRAINT ip_records_cidr_prefix_length_check
        CHECK (cidr_prefix_length BETWEEN 1 AND CASE WHEN ip6 IS NULL THEN 32 ELSE 128 END);

ALTER TABLE ip_records
    ADD COLUMN packed bytea GENERATED ALWAYS AS (uuid_send(sid) || int4send(coalesce(ip_address, 0))
        || int2send(CASE WHEN ip6 IS NULL THEN cidr_prefix_length ELSE 0::smallint END)
        || timestamptz_send(date_created) || timestamptz_send(date_updated)
        || coalesce(ip6 || int2send(cidr_prefix_length), '\x'::bytea)) STORED,
    ADD CONSTRAINT ip_records_pkey PRIMARY KEY (account, sid) INCLUDE (packed, friendly_name);

ALTER TABLE source_ip_mappings
    ADD CONSTRAINT source_ip_mappings_ip_record_fkey FOREIGN KEY (account, ip_record_sid)
        REFERENCES ip_records (account, sid) ON DELETE RESTRICT;

-- The address of a record never changes, in either form.
DROP TRIGGER ip_records_fixed ON ip_records;
CREATE TRIGGER ip_records_fixed BEFORE UPDATE ON ip_records
    FOR EACH ROW EXECUTE FUNCTION sipmap_keep_columns('account', 'sid', 'ip_address', 'ip6', 'cidr_prefix_length',
        'date_created');

ALTER TABLE resolution_log
    ALTER COLUMN ip_address DROP NOT NULL,
    ADD COLUMN ip6 bytea,
    ADD CONSTRAINT resolution_log_one_address CHECK ((ip_address IS NULL) <> (ip6 IS NULL));

-- As V6's, with the record's IPv6 address beside its IPv4 one: passed for a record's write, read from the record for
-- a mapping's, logged, and returned last.
CREATE FUNCTION sipmap_log_change(p_account uuid, p_change text, p_ip_record_sid uuid, p_resource_sid uuid,
                                  p_sip_domain_sid uuid, p_friendly_name text, p_ip_address integer,
                                  p_cidr_prefix_length smallint, p_date_created timestamptz,
                                  p_date_updated timestamptz, p_ip6 bytea)
    RETURNS TABLE (log_seq bigint, log_ip_address integer, log_cidr_prefix_length smallint, log_mapping_sid uuid,
                   log_sip_domain_sid uuid, log_ip6 bytea)
    LANGUAGE plpgsql AS $$
DECLARE
    v_address integer  := p_ip_address;
    v_ip6     bytea    := p_ip6;
    v_length  smallint := p_cidr_prefix_length;
    -- random() is in [0, 1): the whole range of a 32-bit integer, evenly
    v_nonce   integer  := floor(random() * 4294967296 - 2147483648)::integer;
    v_seq     bigint;
    v_mapping uuid;
    v_domain  uuid;
BEGIN
    IF p_change LIKE 'source_ip_mapping.%' THEN
        -- the record's own address as given (ip_records keeps it so), not its network: the feed's ip_record_address
        SELECT r.ip_address, r.ip6, r.cidr_prefix_length INTO v_address, v_ip6, v_length
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
    INSERT INTO resolution_log (account, seq, ip_record_sid, mapping_sid, sip_domain_sid, ip_address, ip6,
                                cidr_prefix_length, change, resource_sid, resource_sip_domain_sid, friendly_name,
                                date_created, date_updated, nonce)
        VALUES (p_account, v_seq, p_ip_record_sid, v_mapping, v_domain, v_address, v_ip6, v_length, p_change,
                p_resource_sid, p_sip_domain_sid, p_friendly_name, p_date_created, p_date_updated, v_nonce);
    RETURN QUERY SELECT v_seq, v_address, v_length, v_mapping, v_domain, v_ip6;
END $$;

-- The form of the version before, with its signature and result, for its instances: the same, for IPv4 records only.
-- An IPv6 record's change is refused, rolling the write back: its result has no IPv4 address to give (and a record's
-- own write passes none, which the change log's CHECK refuses first).
CREATE OR REPLACE FUNCTION sipmap_log_change(p_account uuid, p_change text, p_ip_record_sid uuid, p_resource_sid uuid,
                                             p_sip_domain_sid uuid, p_friendly_name text, p_ip_address integer,
                                             p_cidr_prefix_length smallint, p_date_created timestamptz,
                                             p_date_updated timestamptz)
    RETURNS TABLE (log_seq bigint, log_ip_address integer, log_cidr_prefix_length smallint, log_mapping_sid uuid,
                   log_sip_domain_sid uuid)
    LANGUAGE plpgsql AS $$
DECLARE
    l record;
BEGIN
    FOR l IN SELECT * FROM sipmap_log_change(p_account, p_change, p_ip_record_sid, p_resource_sid, p_sip_domain_sid,
                                             p_friendly_name, p_ip_address, p_cidr_prefix_length, p_date_created,
                                             p_date_updated, NULL::bytea) LOOP
        IF l.log_ip6 IS NOT NULL THEN
            RAISE EXCEPTION 'IP record % has an IPv6 address, which an instance older than migration V7 cannot handle;'
                ' upgrade it', p_ip_record_sid USING ERRCODE = 'feature_not_supported';
        END IF;
        log_seq := l.log_seq;
        log_ip_address := l.log_ip_address;
        log_cidr_prefix_length := l.log_cidr_prefix_length;
        log_mapping_sid := l.log_mapping_sid;
        log_sip_domain_sid := l.log_sip_domain_sid;
        RETURN NEXT;
    END LOOP;
END $$;
