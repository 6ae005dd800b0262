package io.sipmap.adapter.http.server;

import io.sipmap.domain.Sid;
import java.util.function.Function;

/**
 * How one Twilio resource looks on the wire: where its collection lives, what a page calls its array, its SIDs and
 * how it is written.
 *
 * @param path      the collection's path, {@code /v1/...}
 * @param listKey   the key of a page's array, as Twilio names it
 * @param sidPrefix the prefix of the resource's SIDs
 * @param sid       the SID of a text already checked to be well formed
 * @param writer    the writer of resources whose {@code url}s begin with a given prefix (escaped)
 * @param <S>       the resource's SID
 * @param <T>       the resource
 */
record WireResource<S extends Sid, T>(String path, String listKey, String sidPrefix, Function<String, S> sid,
                                      Function<byte[], ResourceWriter<T>> writer) {
}
