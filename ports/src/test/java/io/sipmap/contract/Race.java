package io.sipmap.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Starts calls on several threads at the same moment, to make them race, and collects how each ended. */
final class Race implements AutoCloseable {

    private final ExecutorService pool;
    private final int threads;

    Race(int threads) {
        this.threads = threads;
        this.pool = Executors.newFixedThreadPool(threads);
    }

    /** How a call ended: its value, or its failure unwrapped. */
    record Outcome(Object value, Throwable failure) {
        boolean succeeded() {
            return failure == null;
        }
    }

    /** Runs the calls together, one a thread, and returns their outcomes in the same order. */
    List<Outcome> run(List<Supplier<? extends CompletionStage<?>>> calls) {
        if (calls.size() > threads) {
            throw new IllegalArgumentException(calls.size() + " calls for " + threads + " threads");
        }
        CyclicBarrier start = new CyclicBarrier(calls.size());
        List<Future<Outcome>> futures = new ArrayList<>();
        for (Supplier<? extends CompletionStage<?>> call : calls) {
            futures.add(pool.submit(() -> {
                start.await(Fixtures.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                try {
                    return new Outcome(Fixtures.await(call.get()), null);
                } catch (RuntimeException e) {
                    return new Outcome(null, e);
                }
            }));
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<Outcome> future : futures) {
            try {
                outcomes.add(future.get(2 * Fixtures.TIMEOUT_SECONDS, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                throw new AssertionError("a racing call could not run", Fixtures.unwrap(e));
            } catch (TimeoutException e) {
                throw new AssertionError("a racing call did not end", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        return outcomes;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(Fixtures.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
