package io.sipmap.api;

import io.sipmap.domain.IpRecord;

/**
 * Update an IP record. The friendly name is the only field that can change.
 *
 * @param friendlyName the new name, at most 255 characters; null leaves the name as it is
 */
public record UpdateIpRecord(String friendlyName) {

    /** @throws io.sipmap.domain.SipmapException.InvalidParameter naming {@code FriendlyName} when it is too long */
    public UpdateIpRecord {
        IpRecord.checkFriendlyName(friendlyName);
    }
}
