package io.sipmap.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.voice.v1.IpRecord;
import com.twilio.rest.voice.v1.SourceIpMapping;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** store(EMBEDDED): sipmap's PostgreSQL stores over an embedded PostgreSQL, records files and all. */
class EmbeddedStoreTest {

    @RegisterExtension
    static final SipmapExtension SIPMAP = SipmapExtension.builder()
            .store(Store.EMBEDDED)
            .records("classpath:records/ip-records.json")
            .build();

    @Test
    void servesFromPostgresql(TwilioRestClient twilio) {
        IpRecord loaded = IpRecord.fetcher(RecordsFromFilesTest.OFFICE).fetch(twilio);
        assertThat(loaded.getFriendlyName()).isEqualTo("office");
        assertThat(loaded.getDateCreated().toInstant().toString()).isEqualTo("2020-03-18T23:31:36Z");

        SourceIpMapping mapping = SourceIpMapping.creator(loaded.getSid(), "SD" + "7".repeat(32)).create(twilio);
        // a mapped record cannot be deleted: PostgreSQL keeps the invariant here
        ApiException refused = catchThrowableOfType(ApiException.class,
                () -> IpRecord.deleter(loaded.getSid()).delete(twilio));
        assertThat(refused.getStatusCode()).isEqualTo(409);

        List<String> mapped = new ArrayList<>();
        SourceIpMapping.reader().read(twilio).forEach(m -> mapped.add(m.getSid()));
        assertThat(mapped).containsExactly(mapping.getSid());
    }
}
