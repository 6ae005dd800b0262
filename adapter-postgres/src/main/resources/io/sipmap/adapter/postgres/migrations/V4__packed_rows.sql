-- Pages and fetches (reads by account) take a row's fixed-width columns as one value, `packed`: each column in
-- PostgreSQL's binary send format (a uuid's 16 bytes; an integer's 4 and a smallint's 2, big-endian; a timestamptz's
-- microseconds since 2000-01-01 UTC, 8), concatenated in the order below. PostgreSQL computes it at every write (a
-- stored generated column), so it never disagrees with the columns it is made of; the stores decode it at fixed
-- offsets (Columns.packedMapping, Columns.packedIpRecord).
--
-- The primary keys carry it (INCLUDE), with a record's friendly name, so that a page or a fetch is an index-only
-- scan: a page of 51 rows reads two or three index pages instead of up to 51 table pages, and sends one value a row
-- instead of five or six. The keys themselves do not change, nor does anything that relies on them: the foreign key
-- from mappings to records is dropped and made again over the new key in this same transaction.
--
-- Index-only scans skip the table only on pages the visibility map marks all-visible, which vacuum maintains: these
-- two tables are vacuumed after 2% of their rows changed or were inserted rather than 20%.
--
-- The tables are rewritten and locked meanwhile: 10 s for a million records and a million mappings on the machine this
-- was written on. Start the first instance of this version at a quiet moment on a large database.

ALTER TABLE source_ip_mappings
    DROP CONSTRAINT source_ip_mappings_ip_record_fkey,
    DROP CONSTRAINT source_ip_mappings_pkey,
    ADD COLUMN packed bytea GENERATED ALWAYS AS (uuid_send(sid) || uuid_send(ip_record_sid) || uuid_send(sip_domain_sid)
        || timestamptz_send(date_created) || timestamptz_send(date_updated)) STORED,
    ADD CONSTRAINT source_ip_mappings_pkey PRIMARY KEY (account, sid) INCLUDE (packed);

ALTER TABLE ip_records
    DROP CONSTRAINT ip_records_pkey,
    ADD COLUMN packed bytea GENERATED ALWAYS AS (uuid_send(sid) || int4send(ip_address)
        || int2send(cidr_prefix_length) || timestamptz_send(date_created) || timestamptz_send(date_updated)) STORED,
    ADD CONSTRAINT ip_records_pkey PRIMARY KEY (account, sid) INCLUDE (packed, friendly_name);

ALTER TABLE source_ip_mappings
    ADD CONSTRAINT source_ip_mappings_ip_record_fkey FOREIGN KEY (account, ip_record_sid)
        REFERENCES ip_records (account, sid) ON DELETE RESTRICT;

ALTER TABLE source_ip_mappings SET (autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_vacuum_insert_scale_factor = 0.02);
ALTER TABLE ip_records SET (autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_vacuum_insert_scale_factor = 0.02);
