package io.sipmap.benchmarks;

import io.sipmap.adapter.http.client.LiveSipDomainResolver;
import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.api.UpdateSourceIpMapping;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.service.ChangeFeedService;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.ResolutionService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.SidGenerator;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How long a write takes to reach a live replica: from the moment the REST call that made it returns (a mapping
 * created or updated, acknowledged to the writer) to the moment the replica answers it. The server runs in this
 * process over the in-memory store, with its change feed, on a loopback socket; the writer and the replica are two
 * clients, each on a Vert.x of its own, so nothing but the feed tells the replica (a replica sees its own client's
 * writes at once: that is another path). Half the writes create a record and map it, half move an existing mapping to
 * another SIP domain; one at a time. The replica is polled every ~20 µs from the ack on; a write it already answered
 * at the ack (the event outran the response) counts as 0.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.sipmap.benchmarks.ReplicaPropagation [WRITES]}
 * (default 1,000, after 100 unmeasured).
 */
public final class ReplicaPropagation {

    private static final AccountSid ACCOUNT = AccountSid.ofHex(String.format("%032x", 0xacL));
    private static final String TOKEN = "bench-token";

    private ReplicaPropagation() {
    }

    public static void main(String[] args) throws Exception {
        int writes = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int warmup = 100;
        InMemoryStores stores = InMemoryStores.create();
        Clock clock = Clock.systemUTC();
        SidGenerator sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
        Vertx serverVertx = Vertx.vertx();
        Vertx writerVertx = Vertx.vertx();
        Vertx replicaVertx = Vertx.vertx();
        try {
            SipmapVerticle server = new SipmapVerticle(
                    new SourceIpMappingService(stores.sourceIpMappings(), clock, sids),
                    new IpRecordService(stores.ipRecords(), clock, sids), new ResolutionService(stores.resolutions()),
                    new ChangeFeedService(stores.changes()),
                    SipmapServerOptions.of(Credentials.of(ACCOUNT, TOKEN)).withPort(0));
            serverVertx.deployVerticle(server).await(30, TimeUnit.SECONDS);
            String base = "http://127.0.0.1:" + server.actualPort();
            try (SipmapClient writer = SipmapClient.builder().baseUrl(base).accountCredentials(ACCOUNT, TOKEN)
                    .vertx(writerVertx).build();
                 SipmapClient reader = SipmapClient.builder().baseUrl(base).accountCredentials(ACCOUNT, TOKEN)
                         .vertx(replicaVertx).build();
                 LiveSipDomainResolver replica = reader.liveResolver(ACCOUNT)) {
                replica.ready().toCompletableFuture().get(30, TimeUnit.SECONDS);
                List<SourceIpMapping> mappings = new ArrayList<>();
                List<Ipv4Address> addresses = new ArrayList<>();
                long[] micros = new long[writes];
                long[] ackMicros = new long[writes];
                long[] sendMicros = new long[writes];
                int atAck = 0;
                for (int i = 0; i < warmup + writes; i++) {
                    long sent = System.nanoTime();
                    SipDomainSid domain = SipDomainSid.ofHex(String.format("%032x", 1 + i % 7));
                    Ipv4Address address;
                    long acked;
                    if (i % 2 == 0 || mappings.isEmpty()) {
                        address = new Ipv4Address(0x0a000000 | (i + 1));
                        IpRecord record = writer.ipRecords().create(ACCOUNT, CreateIpRecord.of(address.toString()))
                                .toCompletableFuture().get(10, TimeUnit.SECONDS);
                        sent = System.nanoTime();
                        long[] ack = new long[1];
                        SourceIpMapping m = writer.sourceIpMappings()
                                .create(ACCOUNT, new CreateSourceIpMapping(record.sid(), domain))
                                .thenApply(x -> {
                                    ack[0] = System.nanoTime();
                                    return x;
                                }).toCompletableFuture().get(10, TimeUnit.SECONDS);
                        acked = ack[0];
                        mappings.add(m);
                        addresses.add(address);
                    } else {
                        int k = (i * 7919) % mappings.size();
                        SourceIpMapping was = mappings.get(k);
                        if (was.sipDomainSid().equals(domain)) {
                            domain = SipDomainSid.ofHex(String.format("%032x", 8));
                        }
                        address = addresses.get(k);
                        long[] ack = new long[1];
                        SourceIpMapping m = writer.sourceIpMappings()
                                .update(ACCOUNT, was.sid(), new UpdateSourceIpMapping(domain))
                                .thenApply(x -> {
                                    ack[0] = System.nanoTime();
                                    return x;
                                }).toCompletableFuture().get(10, TimeUnit.SECONDS);
                        acked = ack[0];
                        mappings.set(k, m);
                    }
                    boolean first = true;
                    boolean already = false;
                    long deadline = acked + TimeUnit.SECONDS.toNanos(10);
                    while (true) {
                        Optional<Resolution> r = replica.resolve(ACCOUNT, address).toCompletableFuture().join();
                        if (r.isPresent() && r.get().sipDomainSid().equals(domain)) {
                            already = first;
                            break;
                        }
                        first = false;
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("write " + i + " not seen by the replica within 10 s");
                        }
                        LockSupport.parkNanos(20_000);
                    }
                    long seen = System.nanoTime();
                    if (i >= warmup) {
                        micros[i - warmup] = already ? 0 : Math.max(0, (seen - acked) / 1_000);
                        ackMicros[i - warmup] = (acked - sent) / 1_000;
                        sendMicros[i - warmup] = (seen - sent) / 1_000;
                        atAck += already ? 1 : 0;
                    }
                }
                Arrays.sort(micros);
                Arrays.sort(ackMicros);
                Arrays.sort(sendMicros);
                System.out.printf("replica propagation over %,d writes (after %d unmeasured), from the writer's ack"
                        + " to the replica answering:%n", writes, warmup);
                System.out.printf("  p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; %d of %d already answered"
                        + " at the ack%n", pct(micros, 50), pct(micros, 90), pct(micros, 99),
                        micros[writes - 1] / 1000.0, atAck, writes);
                System.out.printf("  the writes themselves (send to ack): p50 %.2f ms, p99 %.2f ms%n",
                        pct(ackMicros, 50), pct(ackMicros, 99));
                System.out.printf("  from sending the write to the replica answering it: p50 %.2f ms, p99 %.2f ms%n",
                        pct(sendMicros, 50), pct(sendMicros, 99));
                System.out.printf("  replica: %s, %d changes applied, %d stream(s), %d export(s)%n", replica.state(),
                        replica.changesApplied(), replica.streamsOpened(), replica.snapshotsLoaded());
            }
        } finally {
            replicaVertx.close().await(30, TimeUnit.SECONDS);
            writerVertx.close().await(30, TimeUnit.SECONDS);
            serverVertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    private static double pct(long[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000.0;
    }
}
