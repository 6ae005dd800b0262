package io.sipmap.service;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** Keeps the promise that a stage-returning method never throws: a failure in building the stage fails the stage. */
final class Stages {

    private Stages() {
    }

    static <T> CompletionStage<T> call(Supplier<? extends CompletionStage<T>> body) {
        try {
            return body.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedStage(e);
        }
    }
}
