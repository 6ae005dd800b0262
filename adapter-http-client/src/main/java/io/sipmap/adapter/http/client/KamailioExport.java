package io.sipmap.adapter.http.client;

import io.sipmap.domain.ChangeId;
import java.util.Objects;
import java.util.Optional;

/**
 * The account's Kamailio {@code permissions} address file as the server exported it
 * ({@link SipmapClient#kamailioExport}): a snapshot a {@link ChangeFollower} can start from.
 *
 * @param text        the file as served, decoded as UTF-8; empty when the server answered {@code 304}: the copy named
 *                    by {@code If-None-Match} is still the account's
 * @param etag        its {@code ETag}, to send as {@code If-None-Match} next time; null when the server sent none
 * @param lastEventId the id of the last change the file reflects ({@code Sipmap-Last-Event-Id})
 */
public record KamailioExport(Optional<String> text, String etag, ChangeId lastEventId)
        implements ChangeFollower.Snapshot {

    public KamailioExport {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(lastEventId, "lastEventId");
    }
}
