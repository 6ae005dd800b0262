package io.sipmap.examples;

import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A SIP edge written in Java that resolves source addresses from a live replica in its own memory, kept current by a
 * sipmap server's change feed, instead of calling the server per request. It maps one PBX address, then resolves the
 * addresses given. Reads {@code TWILIO_ACCOUNT_SID}, {@code TWILIO_AUTH_TOKEN} and {@code SIPMAP_BASE_URL} (default
 * {@code http://127.0.0.1:8080}) from the environment.
 */
public final class LiveResolverExample {

    private LiveResolverExample() {
    }

    public static void main(String[] args) throws Exception {
        run(System.getenv(), args.length > 0 ? List.of(args) : List.of("198.51.100.7", "203.0.113.1"), System.out);
    }

    /** Prints the replica's state, one line per source address, and the state again; returns the answers. */
    public static List<Optional<Resolution>> run(Map<String, String> env, List<String> sources, PrintStream out)
            throws Exception {
        List<Optional<Resolution>> answers = new java.util.ArrayList<>();
        // snippet:live-resolver
        var account = new AccountSid(env.get("TWILIO_ACCOUNT_SID"));
        var pbxDomain = new SipDomainSid("SD0000000000000000000000000000000b");
        try (var client = SipmapClient.builder()
                .baseUrl(env.getOrDefault("SIPMAP_BASE_URL", "http://127.0.0.1:8080"))
                .accountCredentials(account, env.get("TWILIO_AUTH_TOKEN"))
                .build();
             var replica = client.liveResolver(account)) {
            // Loads the account's address export, then follows its change feed from there.
            replica.ready().toCompletableFuture().get(30, TimeUnit.SECONDS);
            out.println("replica of " + replica.size() + " mapped record(s) at event " + replica.lastEventId());

            IpRecord pbx = client.ipRecords().create(account, CreateIpRecord.of("198.51.100.7"))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            client.sourceIpMappings().create(account, new CreateSourceIpMapping(pbx.sid(), pbxDomain))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);

            // Per SIP request: answered from memory, no call to the server; this client's own writes are seen at once.
            for (String source : sources) {
                Optional<Resolution> answer = replica.resolve(account, Ipv4Address.parse(source))
                        .toCompletableFuture().get(5, TimeUnit.SECONDS);
                out.println(source + " -> " + answer.map(r -> r.sipDomainSid() + " via " + r.prefix())
                        .orElse("no SIP domain: reject"));
                answers.add(answer);
            }
            out.println("replica " + replica.state() + " at event " + replica.lastEventId());
        }
        // end-snippet
        return answers;
    }
}
