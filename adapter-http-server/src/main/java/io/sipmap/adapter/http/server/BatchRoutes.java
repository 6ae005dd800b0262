package io.sipmap.adapter.http.server;

import io.sipmap.api.Batch;
import io.sipmap.api.BatchChange;
import io.sipmap.api.BatchChange.CreateIpRecordChange;
import io.sipmap.api.BatchChange.CreateSourceIpMappingChange;
import io.sipmap.api.BatchChange.DeleteIpRecordChange;
import io.sipmap.api.BatchChange.DeleteSourceIpMappingChange;
import io.sipmap.api.BatchChange.UpdateIpRecordChange;
import io.sipmap.api.BatchChange.UpdateSourceIpMappingChange;
import io.sipmap.api.Batches;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.UpdateIpRecord;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.Sid;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SipmapException.BatchRefused.Failure;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The sipmap extension {@code POST /sipmap/v1/Batches}: many changes of the account's IP records and mappings in one
 * JSON request, applied all or nothing ({@link Batches}); {@code ?DryRun=true} answers what would happen and writes
 * nothing. Every change is read before any is applied, and every one that cannot be read is reported, by its index,
 * in one 400; the body shapes are in the OpenAPI document and the README. Handlers run on the event loop.
 */
final class BatchRoutes {

    static final String PATH = "/sipmap/v1/Batches";
    /** The body limit of this route alone: {@link Batch#MAX_CHANGES} changes of about 200 bytes, with room. */
    static final long BODY_LIMIT = 8L << 20;

    private static final Set<String> CREATE_IP_RECORD = Set.of("op", "ref", "ip_address", "cidr_prefix_length",
            "friendly_name");
    private static final Set<String> CREATE_MAPPING = Set.of("op", "ip_record", "sip_domain_sid");
    private static final Set<String> UPDATE_IP_RECORD = Set.of("op", "sid", "friendly_name");
    private static final Set<String> UPDATE_MAPPING = Set.of("op", "sid", "sip_domain_sid");
    private static final Set<String> DELETE = Set.of("op", "sid");

    private final Batches batches;
    private final Optional<String> publicBaseUrl;
    private final SipmapServerOptions.AddressFamilies families;

    BatchRoutes(Batches batches, Optional<String> publicBaseUrl, SipmapServerOptions.AddressFamilies families) {
        this.batches = batches;
        this.publicBaseUrl = publicBaseUrl;
        this.families = families;
    }

    void apply(RoutingContext ctx) {
        String dryRunParam = Exchanges.query(ctx).get("DryRun");
        if (dryRunParam != null && !dryRunParam.equals("true") && !dryRunParam.equals("false")) {
            throw new SipmapException.InvalidParameter("DryRun", "Invalid DryRun: expected true or false");
        }
        boolean dryRun = "true".equals(dryRunParam);
        var body = ctx.body().buffer();
        Batch batch = read(body == null ? new byte[0] : body.getBytes(), families);
        var account = Exchanges.account(ctx);
        Exchanges.onResult(ctx, dryRun ? batches.check(account, batch) : batches.apply(account, batch), results -> {
            String base = Exchanges.baseUrl(ctx, publicBaseUrl);
            Answers.json(ctx, 200, write(base, batch, results, dryRun));
        });
    }

    /** The batch a body holds; every change that cannot be read is reported at once. */
    static Batch read(byte[] body, SipmapServerOptions.AddressFamilies families) {
        Object parsed = JsonReader.parse(body);
        if (!(parsed instanceof Map<?, ?> object) || !(object.get("changes") instanceof List<?> items)
                || object.size() != 1) {
            throw JsonReader.invalid("the body is an object with one key, \"changes\", an array of changes");
        }
        if (items.isEmpty() || items.size() > Batch.MAX_CHANGES) {
            throw new SipmapException.InvalidParameter("changes", "Invalid changes: expected 1 to "
                    + Batch.MAX_CHANGES + " changes, got " + items.size());
        }
        List<BatchChange> changes = new ArrayList<>(items.size());
        List<Failure> failures = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            try {
                changes.add(change(items.get(i), families));
            } catch (SipmapException e) {
                changes.add(null);
                failures.add(new Failure(i, e));
            }
        }
        if (failures.isEmpty()) {
            return new Batch(changes);
        }
        failures.addAll(Batch.refFailures(changes));
        failures.sort(Comparator.comparingInt(Failure::index));
        throw Batch.refused(failures, changes.size());
    }

    private static BatchChange change(Object item, SipmapServerOptions.AddressFamilies families) {
        if (!(item instanceof Map<?, ?> map)) {
            throw new SipmapException.InvalidParameter("changes", "Invalid change: expected an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) map;
        String op = string(fields, "op", true);
        switch (op) {
            case "create_ip_record": {
                only(fields, CREATE_IP_RECORD);
                IpAddress address = families.parse(string(fields, "ip_address", true), "ip_address");
                Object length = fields.get("cidr_prefix_length");
                if (length != null && !(length instanceof Long n && n >= 0 && n <= address.bitLength())) {
                    throw new SipmapException.InvalidParameter("cidr_prefix_length", "Invalid cidr_prefix_length:"
                            + " expected an integer from 0 to " + address.bitLength() + " (0 meaning "
                            + address.bitLength() + "), got " + length);
                }
                int prefix = length == null ? 0 : ((Long) length).intValue();
                return new CreateIpRecordChange(string(fields, "ref", false),
                        new CreateIpRecord(address, string(fields, "friendly_name", false), prefix));
            }
            case "create_source_ip_mapping": {
                only(fields, CREATE_MAPPING);
                String record = string(fields, "ip_record", true);
                SipDomainSid domain = SipDomainSid.parse(string(fields, "sip_domain_sid", true), "sip_domain_sid");
                return Sid.isWellFormed(IpRecordSid.PREFIX, record)
                        ? new CreateSourceIpMappingChange(IpRecordSid.parse(record, "ip_record"), null, domain)
                        : new CreateSourceIpMappingChange(null, record, domain);
            }
            case "update_ip_record":
                only(fields, UPDATE_IP_RECORD);
                return new UpdateIpRecordChange(IpRecordSid.parse(string(fields, "sid", true), "sid"),
                        new UpdateIpRecord(string(fields, "friendly_name", false)));
            case "update_source_ip_mapping":
                only(fields, UPDATE_MAPPING);
                return new UpdateSourceIpMappingChange(
                        SourceIpMappingSid.parse(string(fields, "sid", true), "sid"),
                        SipDomainSid.parse(string(fields, "sip_domain_sid", true), "sip_domain_sid"));
            case "delete_source_ip_mapping":
                only(fields, DELETE);
                return new DeleteSourceIpMappingChange(SourceIpMappingSid.parse(string(fields, "sid", true), "sid"));
            case "delete_ip_record":
                only(fields, DELETE);
                return new DeleteIpRecordChange(IpRecordSid.parse(string(fields, "sid", true), "sid"));
            default:
                throw new SipmapException.InvalidParameter("op", "Invalid op: expected create_ip_record,"
                        + " create_source_ip_mapping, update_ip_record, update_source_ip_mapping,"
                        + " delete_source_ip_mapping or delete_ip_record");
        }
    }

    /** A field that is a string, or absent or null when not required. */
    private static String string(Map<String, Object> fields, String name, boolean required) {
        Object value = fields.get(name);
        if (value == null && !required) {
            return null;
        }
        if (!(value instanceof String text) || required && text.isEmpty()) {
            throw new SipmapException.InvalidParameter(name, value == null ? "Missing required parameter " + name
                    : "Invalid " + name + ": expected a string");
        }
        return text;
    }

    /** Refuses a field the op does not have: a misspelt optional field would otherwise be dropped unseen. */
    private static void only(Map<String, Object> fields, Set<String> known) {
        for (String name : fields.keySet()) {
            if (!known.contains(name)) {
                throw new SipmapException.InvalidParameter(name, "Invalid change: unknown field '"
                        + (name.length() > 40 ? name.substring(0, 40) + "..." : name) + "' for op " + fields.get("op"));
            }
        }
    }

    /**
     * {@code {"dry_run": false, "changes": [...]}}: per change, its op, the ref of a new record, and the resource as a
     * fetch answers it ({@code ip_record} or {@code source_ip_mapping}); for a delete, as it was just before, as the
     * change feed carries it.
     */
    static JsonWriter write(String base, Batch batch, List<Object> results, boolean dryRun) {
        var records = IpRecordJson.RESOURCE.writer().apply(JsonWriter.escape(base + IpRecordJson.PATH + "/"));
        var mappings = SourceIpMappingJson.RESOURCE.writer().apply(JsonWriter.escape(
                base + SourceIpMappingJson.PATH + "/"));
        JsonWriter json = new JsonWriter(64 + results.size() * (records.length() + 64));
        json.beginObject().name("dry_run").value(dryRun);
        json.name("changes").beginArray();
        for (int i = 0; i < results.size(); i++) {
            BatchChange change = batch.changes().get(i);
            json.beginObject().name("op").value(change.op());
            if (change instanceof CreateIpRecordChange create && create.ref() != null) {
                json.name("ref").value(create.ref());
            }
            if (results.get(i) instanceof IpRecord record) {
                json.name("ip_record");
                records.write(json, record);
            } else {
                json.name("source_ip_mapping");
                mappings.write(json, (SourceIpMapping) results.get(i));
            }
            json.endObject();
        }
        return json.endArray().endObject();
    }
}
