package io.sipmap.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs one test class with JUnit's launcher and says how it went, in one line and then the failures. Loaded by
 * {@link WithoutOptionalDependenciesTest} in a class loader of its own, so that the test class, the extension, JUnit
 * and everything else come from that loader's class path.
 */
public final class IsolatedRun {

    private IsolatedRun() {
    }

    public static String run(String className) throws ClassNotFoundException {
        ClassLoader loader = IsolatedRun.class.getClassLoader();
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            Launcher launcher = LauncherFactory.create();
            SummaryGeneratingListener listener = new SummaryGeneratingListener();
            launcher.execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(Class.forName(className, true, loader))).build(), listener);
            TestExecutionSummary summary = listener.getSummary();
            StringWriter failures = new StringWriter();
            summary.printFailuresTo(new PrintWriter(failures), 20);
            return summary.getTestsSucceededCount() + " succeeded, " + summary.getTotalFailureCount() + " failed"
                    + failures;
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }
}
