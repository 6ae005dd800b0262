package io.sipmap.server;

import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.service.Import;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** {@code sipmap-server import}: the server's store, the source through the client, {@link Import} between them. */
final class Importing {

    private Importing() {
    }

    /**
     * Opens the store of {@code settings}, copies the account from {@code from}, prints each change and a summary.
     *
     * @return 0 when everything was copied, 1 when there were conflicts or the import failed
     */
    static int run(Settings settings, String from, boolean dryRun, PrintWriter out, PrintWriter err) {
        Vertx vertx = Vertx.vertx();
        Storage storage = null;
        Settings.Accounts accounts = settings.accounts();
        try {
            storage = Storage.open(vertx, settings.store()).await(SipmapServer.STORE_START_SECONDS, TimeUnit.SECONDS);
            SipmapClient.Builder builder = SipmapClient.builder().baseUrl(from).vertx(vertx);
            builder = accounts.apiKey().isPresent()
                    ? builder.apiKeyCredentials(accounts.apiKey().get(), accounts.apiSecret().orElseThrow(),
                            accounts.account())
                    : builder.accountCredentials(accounts.account(), accounts.authToken());
            out.println("import: from " + from + " into the " + storage.description + ", account "
                    + accounts.account() + (dryRun ? " (dry run)" : ""));
            try (SipmapClient client = builder.build()) {
                Import.Report report = Import.run(accounts.account(), client.ipRecords(), client.sourceIpMappings(),
                        storage.ipRecords, storage.sourceIpMappings, dryRun, out::println)
                        .toCompletableFuture().get(1, TimeUnit.HOURS);
                out.println(report.summary());
                return report.conflicts().isEmpty() ? 0 : 1;
            }
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            err.println("sipmap: import failed: " + SipmapServer.firstLine(cause));
            return 1;
        } finally {
            out.flush();
            err.flush();
            if (storage != null) {
                SipmapServer.closeQuietly(vertx, storage);
            } else {
                vertx.close();
            }
        }
    }
}
