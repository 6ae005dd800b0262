package io.sipmap.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a Twilio-compatible sipmap server for the annotated test class, on 127.0.0.1, and injects into test, lifecycle
 * and constructor parameters what tests need to call it: {@link SipmapServerInfo} (its address and credentials), a
 * {@code SipmapClient} for its account, {@link SipmapFaults}, and, when Twilio's Java SDK is on the class path, a
 * {@code com.twilio.http.TwilioRestClient} whose requests reach the server.
 *
 * <pre>{@code
 * @SipmapTest
 * class BillingSyncTest {
 *     @Test
 *     void createsTheOfficeRecord(TwilioRestClient twilio) {
 *         IpRecord.creator("192.0.2.10").create(twilio);
 *         assertThat(IpRecord.reader().read(twilio)).hasSize(1);
 *     }
 * }
 * }</pre>
 *
 * <p>The attributes are the common settings; {@link SipmapExtension#builder()} with {@code @RegisterExtension} has them
 * all. A class uses the annotation or a registered extension, not both. Inherited by subclasses and {@code @Nested}
 * classes, which share the enclosing class's server. See {@link SipmapExtension} for the life cycle.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(SipmapExtension.class)
public @interface SipmapTest {

    /** The account the server knows unless told otherwise. */
    String DEFAULT_ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    /** Its auth token unless told otherwise. */
    String DEFAULT_AUTH_TOKEN = "sipmap-test-token";

    /** The port to listen on; 0 (the default) for a free one, read from {@link SipmapServerInfo#port()}. */
    int port() default 0;

    /** The account the server knows: {@code AC} and 32 hex digits. */
    String accountSid() default DEFAULT_ACCOUNT_SID;

    /** The account's auth token. */
    String authToken() default DEFAULT_AUTH_TOKEN;

    /** An API key of the account ({@code SK} and 32 hex digits), or empty (the default) for none. */
    String apiKeySid() default "";

    /** The API key's secret; used only with {@link #apiKeySid()}. */
    String apiKeySecret() default "";

    /** Where the records are kept; {@link Store#MEMORY} by default. */
    Store store() default Store.MEMORY;

    /** Whether each test starts empty ({@link State#PER_TEST}, the default) or the class's tests share state. */
    State state() default State.PER_TEST;

    /**
     * Files of records in Twilio's list shapes to load, keeping SIDs and dates: paths relative to the working
     * directory, or {@code classpath:name} for a resource. See {@link SipmapExtension.Builder#records(String)}.
     */
    String[] records() default {};
}
