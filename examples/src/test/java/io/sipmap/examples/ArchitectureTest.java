package io.sipmap.examples;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameStartingWith;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.spi.ChangeStore;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The module table of STYLE.md as rules, over the production classes of every module, the benchmarks' included (the
 * end-to-end tests module holds tests only, and no module depends on it). Maven's dependencies enforce the same table
 * at compile time; these rules also hold inside one class path (the examples see every module) and say why a build
 * broke.
 */
@AnalyzeClasses(packages = "io.sipmap",
        importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.ExcludeContracts.class})
class ArchitectureTest {

    /** The contract suites arrive as the ports test-jar, which DoNotIncludeTests does not recognise. */
    static final class ExcludeContracts implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("/io/sipmap/contract/") && !location.contains("-tests.jar");
        }
    }

    private static final String[] PORTS = {"io.sipmap.api..", "io.sipmap.spi..", "io.sipmap.service.."};
    private static final String[] CORE = {"io.sipmap.domain..", "io.sipmap.api..", "io.sipmap.spi..",
            "io.sipmap.service.."};

    @ArchTest
    static final ArchRule modules = layeredArchitecture().consideringOnlyDependenciesInAnyPackage("io.sipmap..")
            .layer("Domain").definedBy("io.sipmap.domain..")
            .layer("Ports").definedBy(PORTS)
            .optionalLayer("InMemory").definedBy("io.sipmap.adapter.inmemory..")
            .optionalLayer("HttpServer").definedBy("io.sipmap.adapter.http.server..")
            .optionalLayer("HttpClient").definedBy("io.sipmap.adapter.http.client..")
            .optionalLayer("Postgres").definedBy("io.sipmap.adapter.postgres..")
            .optionalLayer("KamailioBridge").definedBy("io.sipmap.kamailio..")
            .optionalLayer("Console").definedBy("io.sipmap.console..")
            .optionalLayer("Examples").definedBy("io.sipmap.examples..")
            .optionalLayer("Server").definedBy("io.sipmap.server..")
            .optionalLayer("Benchmarks").definedBy("io.sipmap.benchmarks..")
            .optionalLayer("JUnit").definedBy("io.sipmap.junit..")
            .whereLayer("Domain").mayOnlyBeAccessedByLayers("Ports", "InMemory", "HttpServer", "HttpClient",
                    "Postgres", "KamailioBridge", "Console", "Server", "Examples", "Benchmarks", "JUnit")
            .whereLayer("Domain").mayNotAccessAnyLayer()
            .whereLayer("Ports").mayOnlyAccessLayers("Domain")
            .whereLayer("InMemory").mayOnlyAccessLayers("Ports", "Domain")
            .whereLayer("HttpServer").mayOnlyAccessLayers("Ports", "Domain")
            .whereLayer("HttpClient").mayOnlyAccessLayers("Ports", "Domain")
            .whereLayer("Postgres").mayOnlyAccessLayers("Ports", "Domain")
            .whereLayer("KamailioBridge").mayOnlyAccessLayers("HttpClient", "Ports", "Domain")
            .whereLayer("Console").mayOnlyAccessLayers("HttpServer", "Ports", "Domain")
            .whereLayer("InMemory").mayOnlyBeAccessedByLayers("Server", "Examples", "Benchmarks", "JUnit")
            .whereLayer("HttpServer").mayOnlyBeAccessedByLayers("Console", "Server", "Examples", "Benchmarks",
                    "JUnit")
            .whereLayer("HttpClient").mayOnlyBeAccessedByLayers("KamailioBridge", "Server", "Examples", "Benchmarks",
                    "JUnit")
            .whereLayer("Postgres").mayOnlyBeAccessedByLayers("Server", "Examples", "Benchmarks", "JUnit")
            .whereLayer("KamailioBridge").mayOnlyBeAccessedByLayers("Server", "Examples")
            .whereLayer("Console").mayOnlyBeAccessedByLayers("Server", "Examples")
            // the JUnit extension wires the adapters as the server does, but is no part of the server
            .whereLayer("JUnit").mayOnlyAccessLayers("HttpServer", "HttpClient", "InMemory", "Postgres", "Ports",
                    "Domain")
            .whereLayer("JUnit").mayOnlyBeAccessedByLayers("Examples", "Benchmarks")
            .whereLayer("Server").mayNotBeAccessedByAnyLayer()
            .whereLayer("Examples").mayNotBeAccessedByAnyLayer()
            .whereLayer("Benchmarks").mayNotBeAccessedByAnyLayer();

    @ArchTest
    static final ArchRule domainSeesOnlyTheJdk = classes().that().resideInAPackage("io.sipmap.domain..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.sipmap.domain..");

    @ArchTest
    static final ArchRule portsSeeOnlyTheJdkAndTheDomain = classes().that().resideInAnyPackage(PORTS)
            .should().onlyDependOnClassesThat().resideInAnyPackage(
                    "java..", "io.sipmap.domain..", "io.sipmap.api..", "io.sipmap.spi..", "io.sipmap.service..");

    @ArchTest
    static final ArchRule timeAndIdsComeThroughPorts = noClasses().that().resideInAnyPackage(CORE)
            .should().callMethod(Instant.class, "now")
            .orShould().callMethod(UUID.class, "randomUUID")
            .orShould().callMethod(System.class, "currentTimeMillis")
            .because("time and ids are injected (java.time.Clock, SidGenerator), so tests can fix them");

    private static final String SERVER = "io.sipmap.adapter.http.server..";

    @ArchTest
    static final ArchRule onlyNettyBridgeTouchesNettyOrVertxInternals = noClasses()
            .that().resideInAPackage("io.sipmap..")
            .and().doNotHaveFullyQualifiedName("io.sipmap.adapter.http.server.NettyBridge")
            .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "io.vertx.core.internal..")
            .because("the fast paths' mechanics stay behind one seam (STYLE.md, Fast paths)");

    @ArchTest
    static final ArchRule onlyAnswersEndsAResponse = noClasses()
            .that().resideInAPackage(SERVER)
            .and().doNotHaveFullyQualifiedName("io.sipmap.adapter.http.server.Answers")
            .and().doNotHaveFullyQualifiedName("io.sipmap.adapter.http.server.NettyBridge")
            .should().callMethodWhere(target(name("end"))
                    .and(target(owner(assignableTo("io.vertx.core.http.HttpServerResponse")))))
            .because("every answer, success or Twilio error, is written in one place");

    @ArchTest
    static final ArchRule onlyAnswersWritesToAResponse = noClasses()
            .that().resideInAPackage(SERVER)
            .and().doNotHaveFullyQualifiedName("io.sipmap.adapter.http.server.Answers")
            .and().doNotHaveFullyQualifiedName("io.sipmap.adapter.http.server.NettyBridge")
            .should().callMethodWhere(target(name("write"))
                    .and(target(owner(assignableTo("io.vertx.core.http.HttpServerResponse")))))
            .orShould().callMethodWhere(target(name("writeHead"))
                    .and(target(owner(assignableTo("io.vertx.core.http.HttpServerResponse")))))
            .because("a streamed answer (the change feed's events) is begun, written and ended in one place too,"
                    + " as every other answer");

    @ArchTest
    static final ArchRule serverWritesJsonWithItsOwnWriter = noClasses()
            .that().resideInAPackage(SERVER)
            .should().dependOnClassesThat().resideInAPackage("io.vertx.core.json..")
            .because("answers are written by JsonWriter, pinned byte for byte against JsonObject in tests");

    @ArchTest
    static final ArchRule onlyTheErrorTableMakesErrorAnswers = noClasses()
            .that().resideInAPackage(SERVER)
            .and().doNotHaveFullyQualifiedName("io.sipmap.adapter.http.server.ErrorTable")
            .and().doNotHaveFullyQualifiedName("io.sipmap.adapter.http.server.ErrorAnswer")
            .should().callConstructorWhere(target(owner(name("io.sipmap.adapter.http.server.ErrorAnswer"))))
            .because("ErrorTable is the one mapping from failure to Twilio status and code");

    @ArchTest
    static final ArchRule theKamailioBridgeIsAClientOfTheHttpClientOnly = classes()
            .that().resideInAPackage("io.sipmap.kamailio..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.vertx.core..", "picocli..",
                    "io.sipmap.kamailio..", "io.sipmap.adapter.http.client..", "io.sipmap.domain..", "io.sipmap.api..")
            .because("the bridge depends on the HTTP client adapter and the domain (and the ports' api types the"
                    + " client exposes), never on a store or the server adapter: it runs beside Kamailio, and follows"
                    + " the account through the client's ChangeFollower as any other program would");

    private static final String LIVE_RESOLVER =
            "io\\.sipmap\\.adapter\\.http\\.client\\.(LiveSipDomainResolver|ChangeFollower|EventStreamParser).*";

    @ArchTest
    static final ArchRule theLiveResolverNeverParksAThread = noClasses()
            .that().haveNameMatching(LIVE_RESOLVER)
            .should().callMethodWhere(target(name("join")).and(target(owner(assignableTo(
                    java.util.concurrent.CompletableFuture.class)))))
            .orShould().callMethodWhere(target(name("get")).and(target(owner(assignableTo(
                    java.util.concurrent.Future.class)))))
            .orShould().callMethodWhere(target(name("await")).and(target(owner(assignableTo(
                    io.vertx.core.Future.class)))))
            .orShould().callMethodWhere(target(name("sleep")).and(target(owner(assignableTo(Thread.class)))))
            .orShould().callMethodWhere(target(nameStartingWith("park")).and(target(owner(assignableTo(
                    java.util.concurrent.locks.LockSupport.class)))))
            .because("its resolutions run on callers' threads (a SIP edge's) and its changes on an event loop:"
                    + " waiting is a stage that completes later, never a blocked thread");

    private static final String CONSOLE = "io.sipmap.console..";

    @ArchTest
    static final ArchRule theConsoleIsAClientOfTheApi = classes().that().resideInAPackage(CONSOLE)
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.vertx.core..", "io.vertx.ext.web..",
                    "io.sipmap.adapter.http.server..", CONSOLE)
            .because("the console's page calls the API over HTTP like any client; the module only mounts its files on"
                    + " the HTTP adapter's router, and knows nothing of accounts or records there");

    @ArchTest
    static final ArchRule onlyTheConsoleEndsAResponseInTheServer = noClasses()
            .that().resideInAnyPackage("io.sipmap.server..", CONSOLE)
            .and().doNotHaveFullyQualifiedName("io.sipmap.console.Console")
            .should().callMethodWhere(target(name("end"))
                    .and(target(owner(assignableTo("io.vertx.core.http.HttpServerResponse")))))
            .because("the API's answers are the HTTP adapter's (Answers); the server writes only the console's, each"
                    + " with its security headers, in one place");

    private static final String JUNIT = "io.sipmap.junit..";

    @ArchTest
    static final ArchRule theJUnitExtensionNamesPostgresqlInOneClass = noClasses()
            .that().resideInAPackage(JUNIT)
            .and().doNotHaveFullyQualifiedName("io.sipmap.junit.EmbeddedPostgresBackend")
            .should().dependOnClassesThat().resideInAnyPackage("io.sipmap.adapter.postgres..", "io.zonky..",
                    "io.vertx.pgclient..", "org.postgresql..")
            .because("PostgreSQL is an optional dependency of the extension: the one class that names it is loaded"
                    + " only when a test asks for store(EMBEDDED)");

    @ArchTest
    static final ArchRule theJUnitExtensionNamesTwiliosSdkInTwoClasses = noClasses()
            .that().resideInAPackage(JUNIT)
            .and().doNotHaveFullyQualifiedName("io.sipmap.junit.TwilioClients")
            .and().doNotHaveFullyQualifiedName("io.sipmap.junit.LocalTwilioHttpClient")
            .should().dependOnClassesThat().resideInAPackage("com.twilio..")
            .because("Twilio's SDK is an optional dependency of the extension: only the injection of a"
                    + " TwilioRestClient loads the classes that name it");

    @ArchTest
    static final ArchRule theJUnitExtensionIsNoPartOfTheServer = noClasses()
            .that().resideInAPackage(JUNIT)
            .should().dependOnClassesThat().resideInAPackage("io.sipmap.server..")
            .because("a user's tests get the adapters, not the runnable server and all it brings");

    // The rules bite: each fixture below breaks one, and is analysed on its own.

    @Test
    void domainReachingIntoThePortsBreaksTheModuleTable() {
        JavaClasses classes = new ClassFileImporter().importClasses(
                io.sipmap.domain.ArchViolationFixture.class, io.sipmap.api.IpRecords.class);
        assertThat(modules.evaluate(classes).hasViolation()).isTrue();
        assertThat(domainSeesOnlyTheJdk.evaluate(classes).hasViolation()).isTrue();
    }

    @Test
    void portsDependingOnAnAdapterOrALibraryBreakTheRules() {
        JavaClasses classes = new ClassFileImporter().importClasses(
                io.sipmap.service.ArchViolationFixture.class, InMemoryStores.class);
        assertThat(modules.evaluate(classes).hasViolation()).isTrue();
        assertThat(portsSeeOnlyTheJdkAndTheDomain.evaluate(classes).hasViolation()).isTrue();
    }

    @Test
    void oneAdapterImportingAnotherBreaksTheModuleTable() {
        JavaClasses classes = new ClassFileImporter().importClasses(
                io.sipmap.adapter.http.server.ArchViolationFixture.class, InMemoryStores.class);
        assertThat(modules.evaluate(classes).hasViolation()).isTrue();
    }

    @Test
    void aServerClassOtherThanNettyBridgeTouchingNettyOrEndingAResponseBreaksTheFence() {
        JavaClasses classes = new ClassFileImporter().importClasses(
                io.sipmap.adapter.http.server.FastPathViolationFixture.class);
        assertThat(onlyNettyBridgeTouchesNettyOrVertxInternals.evaluate(classes).hasViolation()).isTrue();
        assertThat(onlyAnswersEndsAResponse.evaluate(classes).hasViolation()).isTrue();
        assertThat(onlyAnswersWritesToAResponse.evaluate(classes).hasViolation()).isTrue();
        assertThat(serverWritesJsonWithItsOwnWriter.evaluate(classes).hasViolation()).isTrue();
    }

    @Test
    void aLiveResolverClassWaitingOnAStageBreaksItsRule() {
        JavaClasses classes = new ClassFileImporter().importClasses(
                io.sipmap.adapter.http.client.LiveSipDomainResolverViolationFixture.class);
        assertThat(theLiveResolverNeverParksAThread.evaluate(classes).hasViolation()).isTrue();
    }

    @Test
    void aConsoleClassReachingIntoTheApiOrEndingAResponseBreaksTheFence() {
        JavaClasses classes = new ClassFileImporter().importClasses(
                io.sipmap.console.ConsoleViolationFixture.class);
        assertThat(theConsoleIsAClientOfTheApi.evaluate(classes).hasViolation()).isTrue();
        assertThat(onlyTheConsoleEndsAResponseInTheServer.evaluate(classes).hasViolation()).isTrue();
    }

    @Test
    void theJUnitExtensionReachingTheServerOrNamingItsOptionalDependenciesElsewhereBreaksItsFences() {
        JavaClasses classes = new ClassFileImporter().importClasses(io.sipmap.junit.ArchViolationFixture.class,
                io.sipmap.server.SipmapServer.class);
        assertThat(modules.evaluate(classes).hasViolation()).isTrue();
        assertThat(theJUnitExtensionIsNoPartOfTheServer.evaluate(classes).hasViolation()).isTrue();
        assertThat(theJUnitExtensionNamesPostgresqlInOneClass.evaluate(classes).hasViolation()).isTrue();
        assertThat(theJUnitExtensionNamesTwiliosSdkInTwoClasses.evaluate(classes).hasViolation()).isTrue();
    }

    @Test
    void aBridgeClassReadingAStoreOrTheServerAdapterBreaksItsRule() {
        JavaClasses classes = new ClassFileImporter().importClasses(
                io.sipmap.kamailio.KamailioBridgeViolationFixture.class, ChangeStore.class, SipmapVerticle.class);
        assertThat(theKamailioBridgeIsAClientOfTheHttpClientOnly.evaluate(classes).hasViolation()).isTrue();
        assertThat(modules.evaluate(classes).hasViolation()).isTrue();
    }

    @Test
    void readingTheSystemClockInTheCoreBreaksTheRules() {
        JavaClasses classes = new ClassFileImporter().importClasses(io.sipmap.domain.ArchViolationFixture.class);
        assertThat(timeAndIdsComeThroughPorts.evaluate(classes).hasViolation()).isTrue();
    }

    @Test
    void theProductionClassesAreReallyImported() {
        JavaClasses production = new ClassFileImporter()
                .withImportOption(new ImportOption.DoNotIncludeTests()).withImportOption(new ExcludeContracts())
                .importPackages("io.sipmap");
        assertThat(production.containPackage("io.sipmap.domain")).isTrue();
        assertThat(production.containPackage("io.sipmap.service")).isTrue();
        assertThat(production.containPackage("io.sipmap.adapter.inmemory")).isTrue();
        assertThat(production.containPackage("io.sipmap.adapter.http.server")).isTrue();
        assertThat(production.containPackage("io.sipmap.adapter.http.client")).isTrue();
        assertThat(production.containPackage("io.sipmap.examples")).isTrue();
        assertThat(production.containPackage("io.sipmap.server")).isTrue();
        assertThat(production.containPackage("io.sipmap.kamailio")).isTrue();
        assertThat(production.containPackage("io.sipmap.console")).isTrue();
        assertThat(production.containPackage("io.sipmap.adapter.postgres")).isTrue();
        assertThat(production.containPackage("io.sipmap.benchmarks")).isTrue();
        assertThat(production.containPackage("io.sipmap.junit")).isTrue();
        assertThat(production.containPackage("io.sipmap.contract")).isFalse();
    }
}
