package io.sipmap.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.SipmapException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Blocks the test thread on a stage, with a timeout, and unwraps its failure: the suites assert the variant of a
 * failure, never its identity, since a failure may have crossed HTTP on its way back.
 */
final class Blocking {

    static final long TIMEOUT_SECONDS = 30;

    private Blocking() {
    }

    /** The stage's value; its failure, unwrapped, is rethrown as is when unchecked. */
    static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new AssertionError("stage failed with a checked exception", cause);
        } catch (TimeoutException e) {
            throw new AssertionError("stage not complete after " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The failure of a stage, unwrapped; fails the test when the stage succeeds. */
    static Throwable failureOf(CompletionStage<?> stage) {
        Object value;
        try {
            value = await(stage);
        } catch (RuntimeException | Error e) {
            return e;
        }
        throw new AssertionError("expected the stage to fail, but it completed with " + value);
    }

    /** The failure of a stage, asserted to be of the given variant. */
    static <E extends SipmapException> E failsWith(Class<E> variant, CompletionStage<?> stage) {
        Throwable failure = failureOf(stage);
        assertThat(failure).isInstanceOf(variant);
        return variant.cast(failure);
    }

    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
