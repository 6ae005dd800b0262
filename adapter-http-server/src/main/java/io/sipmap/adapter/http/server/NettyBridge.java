package io.sipmap.adapter.http.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * The one class of the server that touches Netty or Vert.x internals. It hands a body's bytes to Vert.x without the
 * copies Vert.x's public API makes, and reads the HTTP decoder's failure, which Vert.x's public API returns as a Netty
 * type. Everything else deals in byte arrays ({@link JsonWriter}) and answers through {@link Answers}; an ArchUnit rule
 * keeps Netty and {@code io.vertx.core.internal} out of every other class.
 *
 * <p>Why internals: Vert.x 5 has no public way to wrap an array ({@code Buffer.buffer(byte[])} copies it), nor to
 * send from a pooled direct buffer it did not allocate; both copies showed in the list request's profile (README,
 * "Performance"). Stateless; runs on the thread that answers.
 */
final class NettyBridge {

    private NettyBridge() {
    }

    /**
     * A buffer over {@code bytes[0, length)}, without a copy: the array is the buffer's from now on and must not
     * change.
     */
    static Buffer wrap(byte[] bytes, int length) {
        return BufferInternal.buffer(Unpooled.wrappedBuffer(bytes, 0, length));
    }

    /**
     * Ends {@code response} with a copy of {@code bytes[0, length)} in a direct buffer from Netty's pooled allocator,
     * released once the write is done, whether it succeeded or not (Vert.x wraps a buffer it did not allocate as
     * unreleasable, so the release is this method's). The array may be reused as soon as this returns. Saves the new
     * heap array a copy would need and the copy from heap to direct memory that Netty makes before a socket write.
     */
    static Future<Void> endWithPooledCopy(HttpServerResponse response, byte[] bytes, int length) {
        ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer(length, length);
        try {
            direct.writeBytes(bytes, 0, length);
            return response.end(BufferInternal.buffer(direct)).onComplete(written -> direct.release());
        } catch (RuntimeException e) {
            direct.release();
            throw e;
        }
    }

    /** Why the HTTP decoder refused {@code request}, or null when it gave no cause. */
    static Throwable decoderFailure(HttpServerRequest request) {
        return request.decoderResult().cause();
    }
}
