package io.sipmap.benchmarks;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.sipmap.junit.SipmapServerInfo;
import io.sipmap.junit.SipmapTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * How soon a {@link SipmapTest} class's server is ready: JUnit's launcher runs {@value #CLASSES} test classes in one
 * fresh JVM, as Surefire would, and for each one the time from the start of the class to the start of its first test
 * is the extension's {@code beforeAll} (the shared Vert.x made for the first class only, then the stores, the
 * services and the verticle deployed on a free port). Each test then makes one request, so that a server that does
 * not answer fails the run. Prints the first class's figure, then the later ones'.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.sipmap.benchmarks.JUnitExtensionStartup</pre>
 */
public final class JUnitExtensionStartup {

    static final int CLASSES = 21;

    private JUnitExtensionStartup() {
    }

    public static void main(String[] args) {
        List<ClassSelector> selectors = new ArrayList<>();
        for (Class<?> probe : JUnitExtensionStartup.class.getDeclaredClasses()) {
            if (Probe.class.isAssignableFrom(probe) && probe != Probe.class) {
                selectors.add(selectClass(probe));
            }
        }
        Timings timings = new Timings();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectors).build(), timings);
        if (timings.failures > 0 || timings.ready.size() != CLASSES) {
            throw new IllegalStateException(timings.failures + " test(s) failed; " + timings.ready.size()
                    + " class(es) of " + CLASSES + " ran");
        }
        List<Long> later = new ArrayList<>(timings.ready.subList(1, timings.ready.size()));
        later.sort(null);
        System.out.printf("first @SipmapTest class in the JVM: server ready in %.1f ms%n",
                timings.ready.get(0) / 1e6);
        System.out.printf("the %d later classes: median %.1f ms, max %.1f ms%n", later.size(),
                later.get(later.size() / 2) / 1e6, later.get(later.size() - 1) / 1e6);
    }

    /** From each class's start to the start of its first test, in the order the classes ran. */
    private static final class Timings implements TestExecutionListener {
        final List<Long> ready = new ArrayList<>();
        final Map<String, Long> started = new ConcurrentHashMap<>();
        int failures;

        @Override
        public void executionStarted(TestIdentifier id) {
            long now = System.nanoTime();
            if (id.isContainer() && id.getSource().map(s -> s.toString().contains("ClassSource")).orElse(false)) {
                started.put(id.getUniqueId(), now);
            } else if (id.isTest()) {
                Long classStart = id.getParentId().map(started::remove).orElse(null);
                if (classStart != null) {
                    ready.add(now - classStart);
                }
            }
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                failures++;
                result.getThrowable().ifPresent(Throwable::printStackTrace);
            }
        }
    }

    /** One request, so that a class counts only when its server answers. */
    @SipmapTest
    abstract static class Probe {
        private static final HttpClient HTTP = HttpClient.newHttpClient();

        @Test
        void serverAnswers(SipmapServerInfo server) throws Exception {
            HttpResponse<Void> answer = HTTP.send(HttpRequest.newBuilder(
                            URI.create(server.baseUrl() + "/v1/IpRecords"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (server.accountSid() + ":" + server.authToken()).getBytes(StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("answered " + answer.statusCode());
            }
        }
    }

    static final class P01 extends Probe {
    }

    static final class P02 extends Probe {
    }

    static final class P03 extends Probe {
    }

    static final class P04 extends Probe {
    }

    static final class P05 extends Probe {
    }

    static final class P06 extends Probe {
    }

    static final class P07 extends Probe {
    }

    static final class P08 extends Probe {
    }

    static final class P09 extends Probe {
    }

    static final class P10 extends Probe {
    }

    static final class P11 extends Probe {
    }

    static final class P12 extends Probe {
    }

    static final class P13 extends Probe {
    }

    static final class P14 extends Probe {
    }

    static final class P15 extends Probe {
    }

    static final class P16 extends Probe {
    }

    static final class P17 extends Probe {
    }

    static final class P18 extends Probe {
    }

    static final class P19 extends Probe {
    }

    static final class P20 extends Probe {
    }

    static final class P21 extends Probe {
    }
}
