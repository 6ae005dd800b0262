-- V1's sipmap_log_resolution logged the writes of mappings only; since V2 every write calls sipmap_log_change, which
-- numbers both resources in one sequence, and nothing calls the old one any more.
DROP FUNCTION sipmap_log_resolution(uuid, uuid, uuid, uuid);
