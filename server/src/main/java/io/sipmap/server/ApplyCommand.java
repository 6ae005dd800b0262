package io.sipmap.server;

import static io.sipmap.kamailio.KamailioBridgeCommand.blankToNull;

import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.service.AddressList;
import io.sipmap.service.AddressPlan;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code apply FILE}: makes the account on a sipmap server hold exactly the list in FILE, within a scope, as one batch
 * ({@link AddressPlan}); without {@code --yes} it only shows the plan. Talks to the server over HTTP with the
 * account's credentials from the environment, as the Kamailio bridge does; it opens no store of its own.
 */
@Command(name = "apply", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Makes the account hold exactly the addresses of FILE (CSV with the header"
                + " ip_address,cidr_prefix_length,sip_domain_sid,friendly_name, or a JSON array of objects with those"
                + " keys when FILE ends in .json): shows what will be created, re-mapped, renamed, removed and what"
                + " stays; with --yes applies it as one batch, all or nothing. Only records in scope are compared and"
                + " removed. Exit status 0 when done (or nothing to do), 1 when the file or the batch is refused or"
                + " the server fails, 2 on a bad setting.",
            "Credentials from the environment: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, or TWILIO_ACCOUNT_SID,"
                + " TWILIO_API_KEY and TWILIO_API_SECRET."})
final class ApplyCommand {

    private static final long TIMEOUT_SECONDS = 120;

    @Parameters(paramLabel = "FILE", description = "The list, CSV or .json.")
    private Path file;

    @Option(names = "--url", paramLabel = "URL",
            description = "The sipmap server, as clients reach /v1 on it.%n  env SIPMAP_URL, default"
                    + " http://127.0.0.1:8080")
    private String url;

    @Option(names = "--yes", description = "Apply the plan; without it nothing is written.")
    private boolean yes;

    @Option(names = "--friendly-name-prefix", paramLabel = "TEXT",
            description = "Scope: only records whose friendly name starts with TEXT; the file's entries must too.")
    private String friendlyNamePrefix;

    @Option(names = "--sip-domain", paramLabel = "SID",
            description = "Scope: only records mapped to this SIP domain; the file's entries must map to it too.")
    private String sipDomain;

    @Spec
    private CommandSpec spec;

    Integer run(Map<String, String> env, PrintWriter out, PrintWriter err) {
        AddressPlan.Scope scope;
        try {
            scope = new AddressPlan.Scope(friendlyNamePrefix,
                    sipDomain == null ? null : SipDomainSid.parse(sipDomain, "--sip-domain"));
        } catch (SipmapException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        AddressList wanted;
        try {
            wanted = read(file);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "cannot read " + file + ": " + e.getMessage());
        } catch (AddressList.Invalid e) {
            return refuse(err, e.problems());
        }
        try (SipmapClient client = client(env)) {
            AccountSid account = client.account();
            List<IpRecord> records = new ArrayList<>();
            List<SourceIpMapping> mappings = new ArrayList<>();
            await(client.ipRecords().stream(account).forEach(records::add).toCompletableFuture());
            await(client.sourceIpMappings().stream(account).forEach(mappings::add).toCompletableFuture());
            AddressPlan plan;
            try {
                plan = AddressPlan.of(records, mappings, wanted, scope);
            } catch (AddressList.Invalid e) {
                return refuse(err, e.problems());
            }
            plan.steps().forEach(step -> out.println(step));
            out.println("apply: " + plan.summary());
            if (plan.batch().isEmpty()) {
                out.println("apply: nothing to do");
            } else if (!yes) {
                out.println("apply: " + plan.batch().get().changes().size()
                        + " changes; run again with --yes to apply them as one batch");
            } else {
                List<Object> applied = await(client.batches().apply(account, plan.batch().get()).toCompletableFuture());
                out.println("apply: applied " + applied.size() + " changes in one batch");
            }
            out.flush();
            return 0;
        } catch (SipmapException.BatchRefused e) {
            err.println("sipmap: apply: " + e.getMessage());
            e.failures().forEach(f -> err.println("sipmap: apply: change " + f.index() + ": "
                    + f.cause().getMessage()));
            err.flush();
            return 1;
        } catch (SipmapException e) {
            err.println("sipmap: apply: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private static int refuse(PrintWriter err, List<String> problems) {
        problems.forEach(problem -> err.println("sipmap: apply: " + problem));
        err.println("sipmap: apply: the file has " + problems.size() + " error(s); nothing was changed");
        err.flush();
        return 1;
    }

    private static AddressList read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (!file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json")) {
            return AddressList.parseCsv(text);
        }
        JsonArray array;
        try {
            array = new JsonArray(text);
        } catch (DecodeException | ClassCastException e) {
            throw new AddressList.Invalid(List.of("item 0: expected a JSON array of objects"));
        }
        List<Object> items = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            Object item = array.getValue(i);
            items.add(item instanceof JsonObject object ? object.getMap() : item);
        }
        return AddressList.parseJson(items);
    }

    private SipmapClient client(Map<String, String> env) {
        String sid = blankToNull(env.get("TWILIO_ACCOUNT_SID"));
        String token = blankToNull(env.get("TWILIO_AUTH_TOKEN"));
        String key = blankToNull(env.get("TWILIO_API_KEY"));
        String secret = blankToNull(env.get("TWILIO_API_SECRET"));
        String base = url != null ? url : env.getOrDefault("SIPMAP_URL", "http://127.0.0.1:8080");
        try {
            var builder = SipmapClient.builder().baseUrl(base);
            if (sid != null && key != null && secret != null) {
                builder.apiKeyCredentials(ApiKeySid.parse(key, "TWILIO_API_KEY"), secret,
                        AccountSid.parse(sid, "TWILIO_ACCOUNT_SID"));
            } else if (sid != null && token != null && key == null) {
                builder.accountCredentials(AccountSid.parse(sid, "TWILIO_ACCOUNT_SID"), token);
            } else {
                throw new ParameterException(spec.commandLine(), "apply needs the account's credentials in the"
                        + " environment: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, or TWILIO_ACCOUNT_SID,"
                        + " TWILIO_API_KEY and TWILIO_API_SECRET");
            }
            return builder.build();
        } catch (SipmapException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
        } catch (TimeoutException e) {
            throw new SipmapException.Unavailable("no answer from the server in " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SipmapException.Unavailable("interrupted", e);
        }
    }
}
