-- The stores of sipmap. Every table is keyed by account first, so an account's rows are one range of each index and
-- no statement reaches across accounts. SIDs are uuid: 16 bytes compared unsigned, byte by byte, which is the order of
-- the domain's SIDs (their lower-case hex text), so the primary keys list in SID order without a collation.
-- Needs PostgreSQL 13 or later (xid8, pg_current_xact_id).

CREATE TABLE ip_records (
    account            uuid        NOT NULL,
    sid                uuid        NOT NULL,
    friendly_name      text,
    ip_address         integer     NOT NULL, -- the address as given, host bits included: its 32 bits as a signed int
    cidr_prefix_length smallint    NOT NULL CHECK (cidr_prefix_length BETWEEN 1 AND 32),
    date_created       timestamptz NOT NULL,
    date_updated       timestamptz NOT NULL,
    CONSTRAINT ip_records_pkey PRIMARY KEY (account, sid)
);

CREATE TABLE source_ip_mappings (
    account        uuid        NOT NULL,
    sid            uuid        NOT NULL,
    ip_record_sid  uuid        NOT NULL,
    sip_domain_sid uuid        NOT NULL,
    date_created   timestamptz NOT NULL,
    date_updated   timestamptz NOT NULL,
    CONSTRAINT source_ip_mappings_pkey PRIMARY KEY (account, sid),
    -- one mapping per IP record
    CONSTRAINT source_ip_mappings_one_per_ip_record UNIQUE (account, ip_record_sid),
    -- the IP record exists in the same account, and cannot be deleted while mapped
    CONSTRAINT source_ip_mappings_ip_record_fkey FOREIGN KEY (account, ip_record_sid)
        REFERENCES ip_records (account, sid) ON DELETE RESTRICT
);

-- What a resolution depends on never changes under it: a record's address and prefix, a mapping's record; nor does
-- any row's account, SID or creation date. The trigger's arguments name the columns it keeps.
CREATE FUNCTION sipmap_keep_columns() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    kept text;
BEGIN
    FOREACH kept IN ARRAY TG_ARGV LOOP
        IF to_jsonb(NEW) -> kept IS DISTINCT FROM to_jsonb(OLD) -> kept THEN
            RAISE EXCEPTION 'the % of % % never changes', kept, TG_TABLE_NAME, OLD.sid
                USING ERRCODE = 'integrity_constraint_violation', CONSTRAINT = TG_NAME;
        END IF;
    END LOOP;
    RETURN NEW;
END $$;

CREATE TRIGGER ip_records_fixed BEFORE UPDATE ON ip_records
    FOR EACH ROW EXECUTE FUNCTION sipmap_keep_columns('account', 'sid', 'ip_address', 'cidr_prefix_length',
        'date_created');

CREATE TRIGGER source_ip_mappings_fixed BEFORE UPDATE ON source_ip_mappings
    FOR EACH ROW EXECUTE FUNCTION sipmap_keep_columns('account', 'sid', 'ip_record_sid', 'date_created');

-- The change log of resolutions, which replicas in each instance follow. A change is what an IP record resolves to
-- after a mapping write: its mapping and SIP domain, or nulls when its mapping was deleted. Changes are numbered per
-- account, 1, 2, 3, ... without gaps, by the counter row of resolution_log_heads.
CREATE TABLE resolution_log_heads (
    account     uuid   NOT NULL,
    last_seq    bigint NOT NULL,
    -- the transaction that handed out last_seq: a replica reads the rows changed by transactions not finished at its
    -- last look (from that look's pg_snapshot_xmin on), rather than every account's row
    changed_xid xid8   NOT NULL DEFAULT pg_current_xact_id(),
    CONSTRAINT resolution_log_heads_pkey PRIMARY KEY (account)
);

CREATE INDEX resolution_log_heads_changed_xid ON resolution_log_heads (changed_xid);

CREATE TABLE resolution_log (
    account            uuid        NOT NULL,
    seq                bigint      NOT NULL,
    ip_record_sid      uuid        NOT NULL,
    mapping_sid        uuid,
    sip_domain_sid     uuid,
    ip_address         integer     NOT NULL,
    cidr_prefix_length smallint    NOT NULL,
    logged_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT resolution_log_pkey PRIMARY KEY (account, seq)
);

-- For pruning old changes: rows arrive in time order, so a block range index is small and enough.
CREATE INDEX resolution_log_logged_at ON resolution_log USING brin (logged_at);

-- Logs the change of what an IP record resolves to, in the transaction of the mapping write that called it, and
-- returns its number with the record's prefix. The number comes from updating the account's counter row, which stays
-- locked until the transaction ends: the writes of one account therefore commit one after the other in number order,
-- and a transaction that sees change n also sees every change before it. A rolled-back write gives its number back
-- with its update, so numbers have no holes either. The notification (sent at commit, never on rollback) carries the
-- change whole, so that a replica in another instance needs no read to apply it.
CREATE FUNCTION sipmap_log_resolution(p_account uuid, p_ip_record_sid uuid, p_mapping_sid uuid, p_sip_domain_sid uuid)
    RETURNS TABLE (log_seq bigint, log_ip_address integer, log_cidr_prefix_length smallint)
    LANGUAGE plpgsql AS $$
DECLARE
    v_address integer;
    v_length  smallint;
    v_seq     bigint;
BEGIN
    SELECT r.ip_address, r.cidr_prefix_length INTO v_address, v_length
      FROM ip_records r WHERE r.account = p_account AND r.sid = p_ip_record_sid;
    IF NOT FOUND THEN
        RETURN; -- no such record: the foreign key fails the calling statement
    END IF;
    INSERT INTO resolution_log_heads AS h (account, last_seq) VALUES (p_account, 1)
        ON CONFLICT (account) DO UPDATE SET last_seq = h.last_seq + 1, changed_xid = pg_current_xact_id()
        RETURNING h.last_seq INTO v_seq;
    INSERT INTO resolution_log (account, seq, ip_record_sid, mapping_sid, sip_domain_sid, ip_address,
                                cidr_prefix_length)
        VALUES (p_account, v_seq, p_ip_record_sid, p_mapping_sid, p_sip_domain_sid, v_address, v_length);
    PERFORM pg_notify('sipmap_resolution_log',
        p_account || ',' || v_seq || ',' || p_ip_record_sid || ',' || coalesce(p_mapping_sid::text, '') || ','
            || coalesce(p_sip_domain_sid::text, '') || ',' || v_address || ',' || v_length);
    RETURN QUERY SELECT v_seq, v_address, v_length;
END $$;
