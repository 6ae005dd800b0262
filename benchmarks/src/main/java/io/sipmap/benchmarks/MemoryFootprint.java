package io.sipmap.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;

/**
 * The heap that the in-memory stores retain per IP record and its mapping: loads 1,000,000 of each through the
 * services (as the server does, each command parsed from fresh strings), then compares the used heap after full
 * collections with the same before loading, and prints the live-object class histogram (the {@code GC.class_histogram}
 * diagnostic command, as {@code jcmd} prints it) to say where the bytes go. Target: at most 600 bytes per pair.
 * It measures each family given, one after the other in the same JVM, each from its own baseline once the one before
 * is dropped: {@code ipv4} (distinct /32 records), {@code ipv6} (distinct /128 records), both by default.
 *
 * <pre>java -Xms4g -Xmx4g -XX:+UseSerialGC -cp benchmarks/target/benchmarks.jar io.sipmap.benchmarks.MemoryFootprint
 * [pairs [ipv4,ipv6]]</pre>
 */
public final class MemoryFootprint {

    private MemoryFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        String[] families = (args.length > 1 ? args[1] : "ipv4,ipv6").split(",");
        // load every class and warm the code first, so that the baseline holds them
        new Population().mapped(1_000).unmapped(10);
        new Population().ipv6().mapped(1_000).unmapped(10);
        for (String family : families) {
            measure(pairs, family);
        }
    }

    private static void measure(int pairs, String family) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(memory);

        long start = System.nanoTime();
        Population population = ("ipv6".equals(family) ? new Population().ipv6() : new Population())
                .mapped(pairs).forget();
        long loadMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        long after = usedAfterGc(memory);

        long retained = after - before;
        System.out.printf("memory %s: %,d IP records and %,d mappings loaded in %,d ms; heap %s%n", family, pairs,
                pairs, loadMillis, ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.printf("memory %s: used heap after full GC %,d -> %,d bytes: %,d retained, %.0f bytes per pair%n",
                family, before, after, retained, (double) retained / pairs);
        System.out.println("memory " + family + ": live objects by class (GC.class_histogram), largest first:");
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        histogram.lines().limit(28).forEach(line -> System.out.println("  " + line));
        Reference.reachabilityFence(population);
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
