package io.sipmap.junit;

import com.twilio.http.TwilioRestClient;
import io.sipmap.adapter.postgres.PgStores;
import io.sipmap.server.SipmapServer;

/**
 * Breaks the JUnit extension's fences on purpose (the server module reached, PostgreSQL and Twilio's SDK named outside
 * their one class each); see ArchitectureTest.
 */
public class ArchViolationFixture {
    public SipmapServer server;
    public PgStores stores;
    public TwilioRestClient twilio;
}
