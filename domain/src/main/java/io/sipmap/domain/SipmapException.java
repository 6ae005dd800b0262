package io.sipmap.domain;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Every failure sipmap reports. Unchecked, because failures travel inside {@code CompletionStage}s; sealed, so that an
 * adapter translating them (to HTTP statuses, to Twilio error codes) knows every case. None of the variants knows HTTP.
 *
 * <p>A failure that came back from a remote Twilio-compatible server keeps what the server said in {@link #remote()}.
 */
public abstract sealed class SipmapException extends RuntimeException
        permits SipmapException.NotFound, SipmapException.InvalidParameter, SipmapException.Conflict,
                SipmapException.Unavailable, SipmapException.Upstream, SipmapException.BatchRefused {

    private final transient RemoteError remote;

    SipmapException(String message, RemoteError remote, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.remote = remote;
    }

    /** What a remote server answered, when this failure came from one; empty for failures raised in-process. */
    public Optional<RemoteError> remote() {
        return Optional.ofNullable(remote);
    }

    /**
     * A Twilio-style error body as a remote server sent it.
     *
     * @param status   the HTTP status
     * @param code     Twilio's error code, 0 when the body carried none
     * @param message  the server's message
     * @param moreInfo the documentation link, null when absent
     */
    public record RemoteError(int status, int code, String message, String moreInfo) {
        public RemoteError {
            Objects.requireNonNull(message, "message");
        }
    }

    /** The resource does not exist for the account asking (it may exist for another). */
    public static final class NotFound extends SipmapException {
        public NotFound(String message) {
            this(message, null);
        }

        public NotFound(String message, RemoteError remote) {
            super(message, remote, null);
        }
    }

    /** A parameter is missing or invalid; {@link #parameter()} names it as Twilio spells it. */
    public static final class InvalidParameter extends SipmapException {
        private final String parameter;

        public InvalidParameter(String parameter, String message) {
            this(parameter, message, null);
        }

        public InvalidParameter(String parameter, String message, RemoteError remote) {
            super(message, remote, null);
            this.parameter = Objects.requireNonNull(parameter, "parameter");
        }

        /** The Twilio name of the parameter, for example {@code IpAddress}; {@code "unknown"} when a remote did not say. */
        public String parameter() {
            return parameter;
        }
    }

    /** The request contradicts the stored state: an IP record already mapped, or deleting one that still is. */
    public static final class Conflict extends SipmapException {
        public Conflict(String message) {
            this(message, null);
        }

        public Conflict(String message, RemoteError remote) {
            super(message, remote, null);
        }
    }

    /**
     * What the operation needs is out of reach for now, and the same request may well succeed later: the store does
     * not answer (a database stopped, unreachable, or too slow), or a remote server said it is unavailable. Nothing
     * is known to have changed; a write may or may not have been made (the caller can read to find out).
     */
    public static final class Unavailable extends SipmapException {
        public Unavailable(String message, Throwable cause) {
            this(message, null, cause);
        }

        public Unavailable(String message, RemoteError remote, Throwable cause) {
            super(message, remote, cause);
        }
    }

    /**
     * A remote server or the way to it failed in a way no other variant describes: an unexpected status, a body that
     * is not a Twilio error, a reset connection, a timeout, credentials refused, a rate limit.
     */
    public static final class Upstream extends SipmapException {
        public Upstream(String message, RemoteError remote, Throwable cause) {
            super(message, remote, cause);
        }
    }

    /**
     * A batch of changes refused as a whole, nothing of it applied: {@link #failures()} says which changes failed, by
     * their position in the batch, and why. Checking a batch reports every change that is invalid in itself; applying
     * it stops at the first change the stored state refuses (a record already mapped, a SID not found), the one
     * failure then listed.
     */
    public static final class BatchRefused extends SipmapException {
        private final List<Failure> failures;

        /** @param failures at least one, in batch order */
        public BatchRefused(String message, List<Failure> failures) {
            this(message, failures, null);
        }

        public BatchRefused(String message, List<Failure> failures, RemoteError remote) {
            super(message, remote, null);
            this.failures = List.copyOf(failures);
            if (this.failures.isEmpty()) {
                throw new IllegalArgumentException("a refused batch names at least one failed change");
            }
        }

        /** A batch refused as a whole for its change at {@code index}, which failed with {@code cause}. */
        public static BatchRefused at(int index, SipmapException cause) {
            return new BatchRefused("Batch refused: change " + index + " failed: " + cause.getMessage()
                    + "; nothing was applied", List.of(new Failure(index, cause)));
        }

        /** Each failed change, in batch order; never empty. */
        public List<Failure> failures() {
            return failures;
        }

        /** Whether a failure is a {@link Conflict} with the stored state rather than bad input. */
        public boolean conflicts() {
            return failures.stream().anyMatch(f -> f.cause() instanceof Conflict);
        }

        /**
         * One change of a batch that failed.
         *
         * @param index the change's position in the batch, from 0
         * @param cause why: {@link InvalidParameter}, {@link NotFound} or {@link Conflict}
         */
        public record Failure(int index, SipmapException cause) {
            public Failure {
                if (index < 0) {
                    throw new IllegalArgumentException("index must be at least 0, got " + index);
                }
                Objects.requireNonNull(cause, "cause");
            }
        }
    }
}
