package io.sipmap.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Reads a stage's outcome with a timeout. */
final class Outcomes {

    private Outcomes() {
    }

    static <T> T value(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | InterruptedException | TimeoutException e) {
            throw new AssertionError("stage did not succeed", e);
        }
    }

    /** The failure of the stage, with any {@link CompletionException} around it removed. */
    static Throwable failure(CompletionStage<?> stage) {
        try {
            Object value = stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
            throw new AssertionError("expected a failed stage, got " + value);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            assertThat(cause).isNotNull();
            return cause;
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("stage did not complete", e);
        }
    }
}
