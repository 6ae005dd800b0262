package io.sipmap.examples;

import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.domain.AccountSid;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Lists every source IP mapping of an account through the HTTP client, against Twilio or a sipmap server. Reads
 * {@code TWILIO_ACCOUNT_SID}, {@code TWILIO_AUTH_TOKEN} and {@code SIPMAP_BASE_URL} (default
 * {@code https://voice.twilio.com}) from the environment.
 */
public final class ListMappings {

    public static void main(String[] args) throws Exception {
        run(System.getenv(), System.out);
    }

    /** Prints one line per mapping, then their count; returns the count. */
    public static long run(Map<String, String> env, PrintStream out) throws Exception {
        // snippet:list-mappings
        var account = new AccountSid(env.get("TWILIO_ACCOUNT_SID"));
        try (var client = SipmapClient.builder()
                .baseUrl(env.getOrDefault("SIPMAP_BASE_URL", SipmapClient.TWILIO_BASE_URL))
                .accountCredentials(account, env.get("TWILIO_AUTH_TOKEN"))
                .build()) {
            // Follows next_page_url page by page; one page in memory at a time.
            long count = client.sourceIpMappings().stream(account)
                    .forEach(m -> out.println(m.sid() + "  " + m.ipRecordSid() + " -> " + m.sipDomainSid()))
                    .toCompletableFuture().get(5, TimeUnit.MINUTES);
            out.println(count + " mapping(s)");
            return count;
        }
        // end-snippet
    }
}
