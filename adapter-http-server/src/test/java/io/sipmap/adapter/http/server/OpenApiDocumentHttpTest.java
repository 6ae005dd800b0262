package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.api.Batch;
import io.sipmap.api.Batches;
import io.sipmap.api.SipDomainResolver;
import io.sipmap.domain.AccountSid;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * {@code /sipmap/v1/openapi.json} is what the server serves: a real OpenAPI parser reads the document served without
 * credentials with no error nor warning, every route of the router is documented, every documented operation is
 * routed; without a resolver, neither has the resolve extension.
 */
class OpenApiDocumentHttpTest extends ServerTestBase {

    private static final SipDomainResolver NO_MATCH = (account, address) ->
            CompletableFuture.completedStage(Optional.empty());

    @Override
    Router router() {
        return SipmapRouter.create(vertx, api.sourceIpMappings, api.ipRecords, NO_MATCH, options());
    }

    @Test
    void isServedWithoutCredentialsAndParsesWithoutAnyMessage() {
        HttpResponse<Buffer> response = send(request(HttpMethod.GET, OpenApiDocument.PATH));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(response.getHeader("Twilio-Request-Id")).matches("RQ[0-9a-f]{32}");
        OpenAPI document = parse(response.bodyAsString());
        assertThat(document.getOpenapi()).startsWith("3.0");
        assertThat(document.getComponents().getSecuritySchemes()).containsKey("basic");
    }

    @Test
    void documentsEveryRouteAndRoutesEveryDocumentedOperation() {
        OpenAPI document = parse(send(request(HttpMethod.GET, OpenApiDocument.PATH)).bodyAsString());

        assertThat(documented(document)).isEqualTo(routed(router()))
                .contains("GET /v1/IpRecords", "POST /v1/SourceIpMappings/{}", "GET /sipmap/v1/Resolve",
                        "GET /sipmap/v1/openapi.json");
    }

    @Test
    void withoutAResolverNeitherRoutesNorDocumentsTheResolveExtension() {
        Router plain = SipmapRouter.create(vertx, api.sourceIpMappings, api.ipRecords, options());
        OpenAPI document = parse(new String(OpenApiDocument.bytes(false, false, false),
                java.nio.charset.StandardCharsets.UTF_8));

        assertThat(documented(document)).isEqualTo(routed(plain)).doesNotContain("GET /sipmap/v1/Resolve");
    }

    @Test
    void withAChangeFeedRoutesAndDocumentsTheFeedAndTheExports() {
        Router withFeed = SipmapRouter.create(vertx, api.sourceIpMappings, api.ipRecords, NO_MATCH, NO_FEED, options());
        OpenAPI document = parse(new String(OpenApiDocument.bytes(true, true, false),
                java.nio.charset.StandardCharsets.UTF_8));

        assertThat(documented(document)).isEqualTo(routed(withFeed)).contains("GET /sipmap/v1/Changes",
                "GET /sipmap/v1/Exports/Addresses", "GET /sipmap/v1/Exports/Kamailio", "GET /sipmap/v1/Resolve");
        Router feedOnly = SipmapRouter.create(vertx, api.sourceIpMappings, api.ipRecords, null, NO_FEED, options());
        assertThat(documented(parse(new String(OpenApiDocument.bytes(false, true, false),
                java.nio.charset.StandardCharsets.UTF_8)))).isEqualTo(routed(feedOnly))
                .doesNotContain("GET /sipmap/v1/Resolve");
    }

    @Test
    void withBatchesRoutesAndDocumentsTheBatchExtension() {
        Router withBatches = SipmapRouter.create(vertx, api.sourceIpMappings, api.ipRecords, NO_MATCH, NO_FEED,
                NO_BATCHES, options());
        OpenAPI document = parse(new String(OpenApiDocument.bytes(true, true, true),
                java.nio.charset.StandardCharsets.UTF_8));

        assertThat(documented(document)).isEqualTo(routed(withBatches)).contains("POST /sipmap/v1/Batches",
                "POST /sipmap/v1/Plans");
    }

    @Test
    void describesIpAddressesAsIpv4OrIpv6WhereverTheyAreTakenOrAnswered() {
        OpenAPI document = parse(new String(OpenApiDocument.bytes(true, true, true),
                java.nio.charset.StandardCharsets.UTF_8));

        Schema<?> form = document.getPaths().get("/v1/IpRecords").getPost().getRequestBody().getContent()
                .get("application/x-www-form-urlencoded").getSchema();
        Schema<?> created = property(form, "IpAddress");
        var resolve = document.getPaths().get("/sipmap/v1/Resolve").getGet().getParameters().get(0);
        Schema<?> batch = document.getPaths().get("/sipmap/v1/Batches").getPost().getRequestBody().getContent()
                .get("application/json").getSchema();
        Schema<?> batched = property(property(batch, "changes").getItems(), "ip_address");
        for (Schema<?> taken : List.of(created, resolve.getSchema(), batched)) {
            assertThat(taken.getPattern()).isEqualTo("^[0-9A-Fa-f:.]{2,45}$");
        }
        for (String description : List.of(created.getDescription(), resolve.getDescription(),
                batched.getDescription())) {
            assertThat(description).contains("IPv4", "IPv6", "::ffff:192.0.2.1", "zone id", "--address-families ipv4");
        }
        assertThat(property(form, "CidrPrefixLength").getMaximum()).isEqualByComparingTo("128");
        Schema<?> record = document.getComponents().getSchemas().get("IpRecord");
        assertThat(property(record, "ip_address").getDescription()).contains("RFC 5952");
        assertThat(property(record, "cidr_prefix_length").getMaximum()).isEqualByComparingTo("128");
        String text = new String(OpenApiDocument.bytes(true, true, true), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text).contains("'1 2001:db8:: 32 0 SD...'", "IPv4 networks first, then IPv6 ones",
                "canonical text (RFC 5952 for IPv6)");
    }

    private static Schema<?> property(Schema<?> schema, String name) {
        return (Schema<?>) schema.getProperties().get(name);
    }

    /** Batches for the routes only: these tests never call them. */
    private static final Batches NO_BATCHES = new Batches() {
        @Override
        public CompletionStage<List<Object>> apply(AccountSid account, Batch batch) {
            throw new AssertionError("not called");
        }

        @Override
        public CompletionStage<List<Object>> check(AccountSid account, Batch batch) {
            throw new AssertionError("not called");
        }
    };

    /** A feed for the routes only: these tests never call it. */
    private static final io.sipmap.api.ChangeFeed NO_FEED = new io.sipmap.api.ChangeFeed() {
        @Override
        public java.util.concurrent.CompletionStage<io.sipmap.domain.ChangeBatch> changesAfter(
                io.sipmap.domain.AccountSid account, io.sipmap.domain.ChangeId after, int limit) {
            throw new AssertionError("not called");
        }

        @Override
        public java.util.concurrent.CompletionStage<io.sipmap.domain.AddressSnapshot> snapshot(
                io.sipmap.domain.AccountSid account) {
            throw new AssertionError("not called");
        }

        @Override
        public java.util.concurrent.CompletionStage<Subscription> subscribe(io.sipmap.domain.AccountSid account,
                java.util.function.Consumer<io.sipmap.domain.Change> listener) {
            throw new AssertionError("not called");
        }
    };

    @Test
    void otherPathsStillNeedCredentials() {
        assertError(send(request(HttpMethod.GET, "/sipmap/v1/openapi.yaml")), 401, 20003);
        assertError(send(request(HttpMethod.POST, OpenApiDocument.PATH)), 401, 20003);
    }

    private static OpenAPI parse(String json) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(json, null, options);
        assertThat(result.getMessages()).as("parser messages").isEmpty();
        assertThat(result.getOpenAPI()).isNotNull();
        return result.getOpenAPI();
    }

    /** Each documented operation as "METHOD /path", path parameters as {}. */
    private static Set<String> documented(OpenAPI document) {
        Set<String> operations = new TreeSet<>();
        for (Map.Entry<String, PathItem> path : document.getPaths().entrySet()) {
            path.getValue().readOperationsMap().keySet().forEach(method ->
                    operations.add(method.name() + " " + path.getKey().replaceAll("\\{[^}]+}", "{}")));
        }
        return operations;
    }

    /** Each route with a path, as "METHOD /path", path parameters as {}: the handlers every request passes skipped. */
    private static Set<String> routed(Router router) {
        Set<String> operations = new TreeSet<>();
        for (Route route : router.getRoutes()) {
            if (route.getPath() == null) {
                continue;
            }
            assertThat(route.methods()).as(route.getPath()).isNotEmpty();
            route.methods().forEach(method ->
                    operations.add(method.name() + " " + route.getPath().replaceAll(":[A-Za-z]+", "{}")));
        }
        return operations;
    }
}
