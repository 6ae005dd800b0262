package io.sipmap.adapter.http.server;

import io.netty.buffer.Unpooled;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Breaks the server's fences on purpose (Netty outside NettyBridge, an answer outside Answers); see ArchitectureTest. */
public class FastPathViolationFixture {
    public void answer(HttpServerResponse response) {
        response.write("a stream's frame outside Answers");
        response.end(new JsonObject().put("bytes", Unpooled.EMPTY_BUFFER.readableBytes()).encode());
    }
}
