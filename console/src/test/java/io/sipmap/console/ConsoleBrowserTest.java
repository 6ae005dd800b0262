package io.sipmap.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.sipmap.testsupport.Calls;
import io.sipmap.testsupport.DebianPackages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser: Debian's Chromium, headless, driven by Selenium against the real server (memory
 * store) on a free port of 127.0.0.1. Each step checks what the page shows and that the API, asked directly, agrees;
 * each state of the page is saved as a screenshot under {@code target/console-screenshots/} and checked by Deque's
 * axe-core, failing on any serious or critical violation (all of them listed in {@code axe.txt} beside the
 * screenshots). Chromium and its driver are installed with apt-get when missing; the driver's and the browser's
 * paths are given, so Selenium downloads nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(240)
class ConsoleBrowserTest {

    static final String ACCOUNT = "AC" + "b7".repeat(16);
    static final String TOKEN = "console-browser-test-token";
    static final String KEY = "SK" + "5e".repeat(16);
    static final String KEY_SECRET = "console-browser-test-key-secret";
    static final String READ_ONLY_KEY = "SK" + "0d".repeat(16);
    static final String READ_ONLY_SECRET = "console-browser-test-read-only-secret";
    static final Path SHOTS = Path.of("target", "console-screenshots");
    static final Duration WAIT = Duration.ofSeconds(15);
    static final String DASH = "\u2013";

    static ConsoleUnderTest server;
    /** What the server accepts, changed in place by a test as a credentials file's edit would. */
    static Credentials credentials;
    static String base;
    static ChromeDriver driver;
    static Path profile;
    static final Calls API = new Calls(new AccountSid(ACCOUNT), TOKEN);
    static int shots;
    static final List<String> axeLines = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Path chromium = DebianPackages.require("chromium", "chromium");
        Path chromedriver = DebianPackages.require("chromedriver", "chromium-driver");
        credentials = accepted(Credentials.Scope.FULL);
        server = new ConsoleUnderTest(credentials);
        base = server.baseUrl();
        Files.createDirectories(SHOTS);
        try (var old = Files.list(SHOTS)) {
            for (Path file : old.toList()) {
                Files.delete(file);
            }
        }
        profile = Files.createTempDirectory("sipmap-console-chromium");
        // The driver named, never looked up or downloaded by Selenium Manager
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, chromedriver.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(30)).build();
        ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile())
                // as root (CI) Chromium's sandbox cannot start; nothing but loopback pages are opened
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1280,900", "--user-data-dir=" + profile, "--lang=en-US", "--no-first-run",
                        "--no-default-browser-check", "--disable-extensions", "--disable-sync",
                        "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
                        "--disable-client-side-phishing-detection", "--disable-domain-reliability", "--no-pings",
                        "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication");
        options.setPageLoadTimeout(Duration.ofSeconds(30));
        options.setScriptTimeout(Duration.ofSeconds(60));
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, Level.ALL.getName()));
        driver = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (!axeLines.isEmpty()) {
                Files.write(SHOTS.resolve("axe.txt"), axeLines);
            }
            if (driver != null) {
                driver.quit();
            }
        } finally {
            if (server != null) {
                server.close();
            }
            if (profile != null) {
                try (var files = Files.walk(profile)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        }
    }

    @Test
    @Order(1)
    void managesRecordsAndMappingsAsTheApiDoes() throws Exception {
        driver.get(base + "/console");
        until(d -> id("sign-in-sid").isDisplayed());
        assertThat(driver.getCurrentUrl()).isEqualTo(base + "/console/");
        step("sign-in");

        // Signed in with the keyboard alone: the page starts in the SID field
        assertThat(active().getAttribute("id")).isEqualTo("sign-in-sid");
        active().sendKeys(ACCOUNT + Keys.TAB);
        assertThat(active().getAttribute("id")).isEqualTo("sign-in-secret");
        active().sendKeys(TOKEN + Keys.ENTER);
        until(d -> id("workspace").isDisplayed() && text("records-count").contains("nothing to show"));
        assertThat(text("whoami")).isEqualTo("Account " + ACCOUNT);
        assertThat(script("return sessionStorage.getItem('sipmap.console.session')"))
                .isEqualTo(new JsonObject().put("sid", ACCOUNT).put("secret", TOKEN).encode());
        assertThat(script("return localStorage.length")).isEqualTo(0L);
        assertThat(script("return document.cookie")).isEqualTo("");
        assertThat(driver.getCurrentUrl()).isEqualTo(base + "/console/").doesNotContain(TOKEN);
        assertThat(text("records-body")).contains("No IP records yet.");
        assertThat(apiList("v1/IpRecords", "ip_records", 50)).isEmpty();
        step("signed-in");

        // A refused create shows Twilio's message at its field, and creates nothing
        type("record-name", "typo");
        type("record-ip", "192.0.2.300");
        id("record-submit").click();
        until(d -> text("record-ip-error").contains("Invalid IpAddress"));
        assertThat(text("record-ip-error")).isEqualTo("Invalid IpAddress: expected an IPv4 address in dotted decimal,"
                + " such as 192.0.2.10, got '192.0.2.300' (error 20001)");
        assertThat(id("record-ip").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(active().getAttribute("id")).isEqualTo("record-ip");
        assertThat(apiList("v1/IpRecords", "ip_records", 50)).isEmpty();
        step("create-refused");

        // Five IP records
        String[][] wanted = {{"pbx-1", "198.51.100.10", "32"}, {"pbx-2", "198.51.100.20", ""},
                {"office", "203.0.113.0", "24"}, {"carrier-a", "192.0.2.0", "25"}, {"carrier-b", "192.0.2.128", "25"}};
        for (int i = 0; i < wanted.length; i++) {
            type("record-name", wanted[i][0]);
            type("record-ip", wanted[i][1]);
            type("record-prefix", wanted[i][2]);
            id("record-submit").click();
            int count = i + 1;
            String name = wanted[i][0];
            until(d -> rows("records-body").size() == count && text("records-status").contains("“" + name + "”"));
        }
        assertThat(text("record-ip-error")).isEmpty();
        List<JsonObject> records = apiList("v1/IpRecords", "ip_records", 50);
        assertThat(records).extracting(r -> r.getString("friendly_name"))
                .containsExactly("pbx-1", "pbx-2", "office", "carrier-a", "carrier-b");
        assertThat(records).extracting(r -> r.getString("ip_address") + "/" + r.getInteger("cidr_prefix_length"))
                .containsExactly("198.51.100.10/32", "198.51.100.20/32", "203.0.113.0/24", "192.0.2.0/25",
                        "192.0.2.128/25");
        List<String> recordSids = records.stream().map(r -> r.getString("sid")).toList();
        assertThat(rows("records-body")).isEqualTo(recordSids);
        assertThat(cell("records-body", recordSids.get(2), 1)).isEqualTo("203.0.113.0/24");
        assertThat(text("records-count")).isEqualTo("Page 1: showing 1" + DASH + "5, the last page.");
        step("five-records");

        // Three of them mapped, each chosen among the unmapped records
        String[] domains = {"SD" + "a1".repeat(16), "SD" + "b2".repeat(16), "SD" + "c3".repeat(16)};
        int[] mapped = {0, 2, 4};
        for (int i = 0; i < mapped.length; i++) {
            String record = recordSids.get(mapped[i]);
            until(d -> options("mapping-record").contains(record));
            new Select(id("mapping-record")).selectByValue(record);
            type("mapping-domain", domains[i]);
            id("mapping-submit").click();
            int count = i + 1;
            until(d -> rows("mappings-body").size() == count && !options("mapping-record").contains(record));
        }
        List<JsonObject> mappings = apiList("v1/SourceIpMappings", "source_ip_mappings", 50);
        assertThat(mappings).extracting(m -> m.getString("ip_record_sid") + " " + m.getString("sip_domain_sid"))
                .containsExactly(recordSids.get(0) + " " + domains[0], recordSids.get(2) + " " + domains[1],
                        recordSids.get(4) + " " + domains[2]);
        List<String> mappingSids = mappings.stream().map(m -> m.getString("sid")).toList();
        assertThat(rows("mappings-body")).isEqualTo(mappingSids);
        assertThat(options("mapping-record")).containsExactly("", recordSids.get(1), recordSids.get(3));
        assertThat(text("mapping-record-hint")).isEqualTo("2 of the account's 5 IP records are not mapped.");
        assertThat(cell("records-body", recordSids.get(2), 2)).isEqualTo(domains[1]);
        assertThat(cell("records-body", recordSids.get(1), 2)).isEqualTo("not mapped");
        assertThat(cell("mappings-body", mappingSids.get(1), 0)).contains("“office” (203.0.113.0/24)");
        step("three-mapped");

        // Paged two at a time, forwards and back, the pages being the API's own
        List<List<String>> recordPages = apiPages("v1/IpRecords", "ip_records", 2);
        assertThat(recordPages).containsExactly(recordSids.subList(0, 2), recordSids.subList(2, 4),
                recordSids.subList(4, 5));
        new Select(id("records-size")).selectByValue("2");
        untilCount("records", "Page 1: showing 1" + DASH + "2, more on the next page.");
        assertThat(rows("records-body")).isEqualTo(recordPages.get(0));
        assertThat(id("records-prev").isEnabled()).isFalse();
        step("records-page-1");
        id("records-next").click();
        untilCount("records", "Page 2: showing 3" + DASH + "4, more on the next page.");
        assertThat(rows("records-body")).isEqualTo(recordPages.get(1));
        step("records-page-2");
        // from the keyboard: the focus stays on the pager, on Previous once Next is disabled at the last page
        id("records-next").sendKeys(Keys.ENTER);
        untilCount("records", "Page 3: showing 5" + DASH + "5, the last page.");
        assertThat(rows("records-body")).isEqualTo(recordPages.get(2));
        assertThat(id("records-next").isEnabled()).isFalse();
        assertThat(active().getAttribute("id")).isEqualTo("records-prev");
        step("records-page-3");
        id("records-prev").sendKeys(Keys.ENTER);
        untilCount("records", "Page 2: showing 3" + DASH + "4, more on the next page.");
        assertThat(rows("records-body")).isEqualTo(recordPages.get(1));
        assertThat(active().getAttribute("id")).isEqualTo("records-prev");
        id("records-prev").click();
        untilCount("records", "Page 1: showing 1" + DASH + "2, more on the next page.");
        assertThat(rows("records-body")).isEqualTo(recordPages.get(0));
        assertThat(id("records-prev").isEnabled()).isFalse();

        List<List<String>> mappingPages = apiPages("v1/SourceIpMappings", "source_ip_mappings", 2);
        assertThat(mappingPages).containsExactly(mappingSids.subList(0, 2), mappingSids.subList(2, 3));
        new Select(id("mappings-size")).selectByValue("2");
        untilCount("mappings", "Page 1: showing 1" + DASH + "2, more on the next page.");
        assertThat(rows("mappings-body")).isEqualTo(mappingPages.get(0));
        id("mappings-next").click();
        untilCount("mappings", "Page 2: showing 3" + DASH + "3, the last page.");
        assertThat(rows("mappings-body")).isEqualTo(mappingPages.get(1));
        step("mappings-page-2");
        id("mappings-prev").click();
        untilCount("mappings", "Page 1: showing 1" + DASH + "2, more on the next page.");
        assertThat(rows("mappings-body")).isEqualTo(mappingPages.get(0));

        // Which SIP domain owns an address: the most specific mapped record's, as the API resolves it
        type("resolve-ip", "203.0.113.77");
        id("resolve-submit").click();
        until(d -> text("resolve-result").contains(domains[1]));
        JsonObject resolved = new JsonObject(API.call("GET", base + "/sipmap/v1/Resolve?IpAddress=203.0.113.77",
                null).body()).getJsonObject("resolution");
        assertThat(resolved.getString("sip_domain_sid")).isEqualTo(domains[1]);
        assertThat(text("resolve-result")).contains("203.0.113.77 belongs to SIP domain " + domains[1],
                "“office” (203.0.113.0/24), " + recordSids.get(2), resolved.getString("source_ip_mapping_sid"));
        step("resolved");
        capture(SHOTS.resolve("console.png"), 0.75); // the README's picture, docs/console.png
        type("resolve-ip", "198.51.100.20");
        id("resolve-submit").click();
        until(d -> text("resolve-result").startsWith("No SIP domain"));
        assertThat(new JsonObject(API.call("GET", base + "/sipmap/v1/Resolve?IpAddress=198.51.100.20", null).body())
                .getValue("resolution")).isNull();
        type("resolve-ip", "203.0.113");
        id("resolve-submit").click();
        until(d -> text("resolve-ip-error").contains("Invalid IpAddress"));
        assertThat(text("resolve-result")).isEmpty();

        // Deleting a mapped record: confirmed, refused, the mapping named, nothing changed
        WebElement delete = button("records-body", recordSids.get(0), "delete");
        delete.click();
        until(d -> id("dialog").isDisplayed());
        assertThat(text("dialog-text")).contains("pbx-1", recordSids.get(0), "cannot be undone");
        assertThat(active().getAttribute("id")).isEqualTo("dialog-cancel");
        step("delete-confirmation");
        id("dialog-confirm").click();
        until(d -> text("dialog-error").contains("is mapped by"));
        assertThat(text("dialog-error")).isEqualTo("IP record " + recordSids.get(0) + " is mapped by source IP mapping "
                + mappingSids.get(0) + "; delete the mapping first (error 20409)");
        assertThat(id("dialog-confirm").isEnabled()).isFalse();
        assertThat(API.call("GET", base + "/v1/IpRecords/" + recordSids.get(0), null).statusCode()).isEqualTo(200);
        step("delete-refused");
        id("dialog-cancel").click();
        until(d -> !id("dialog").isDisplayed());
        assertThat(rows("records-body")).isEqualTo(recordPages.get(0));
        assertThat(text("records-status")).doesNotContain("Deleted");

        // The same dialog from the keyboard: Enter opens it, Escape closes it, focus goes back to the button
        delete = button("records-body", recordSids.get(0), "delete");
        delete.sendKeys(Keys.ENTER);
        until(d -> id("dialog").isDisplayed());
        active().sendKeys(Keys.ESCAPE);
        until(d -> !id("dialog").isDisplayed());
        assertThat(active()).isEqualTo(delete);

        // Delete the mapping, then the record
        button("mappings-body", mappingSids.get(0), "delete").click();
        until(d -> id("dialog").isDisplayed());
        id("dialog-confirm").click();
        until(d -> !rows("mappings-body").contains(mappingSids.get(0)));
        assertThat(API.call("GET", base + "/v1/SourceIpMappings/" + mappingSids.get(0), null).statusCode())
                .isEqualTo(404);
        assertThat(rows("mappings-body")).isEqualTo(mappingSids.subList(1, 3));
        until(d -> options("mapping-record").contains(recordSids.get(0)));
        button("records-body", recordSids.get(0), "delete").click();
        until(d -> id("dialog").isDisplayed());
        id("dialog-confirm").click();
        until(d -> !rows("records-body").contains(recordSids.get(0)));
        assertThat(API.call("GET", base + "/v1/IpRecords/" + recordSids.get(0), null).statusCode()).isEqualTo(404);
        assertThat(rows("records-body")).isEqualTo(recordSids.subList(1, 3));
        assertThat(text("records-status")).contains("Deleted IP record “pbx-1”");
        until(d -> !options("mapping-record").contains(recordSids.get(0)));
        step("deleted");

        // Rename a record; change a mapping's SIP domain, once refused at its field, then done
        button("records-body", recordSids.get(1), "rename").click();
        until(d -> id("dialog").isDisplayed());
        assertThat(active().getAttribute("id")).isEqualTo("dialog-field-FriendlyName");
        active().sendKeys(Keys.chord(Keys.CONTROL, "a"), "pbx-2 backup", Keys.ENTER);
        until(d -> !id("dialog").isDisplayed() && cell("records-body", recordSids.get(1), 0).equals("pbx-2 backup"));
        assertThat(apiGet("v1/IpRecords/" + recordSids.get(1)).getString("friendly_name")).isEqualTo("pbx-2 backup");

        button("mappings-body", mappingSids.get(1), "change").click();
        until(d -> id("dialog").isDisplayed());
        active().sendKeys(Keys.chord(Keys.CONTROL, "a"), "SD123", Keys.ENTER);
        until(d -> text("dialog-field-SipDomainSid-error").contains("Invalid SipDomainSid"));
        assertThat(id("dialog-field-SipDomainSid").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(apiGet("v1/SourceIpMappings/" + mappingSids.get(1)).getString("sip_domain_sid"))
                .isEqualTo(domains[1]);
        step("change-refused");
        String moved = "SD" + "d4".repeat(16);
        active().sendKeys(Keys.chord(Keys.CONTROL, "a"), moved, Keys.ENTER);
        until(d -> !id("dialog").isDisplayed() && cell("mappings-body", mappingSids.get(1), 1).equals(moved));
        assertThat(apiGet("v1/SourceIpMappings/" + mappingSids.get(1)).getString("sip_domain_sid")).isEqualTo(moved);
        step("changed");

        // Sign out: the credentials and what was read with them are gone
        id("sign-out").click();
        until(d -> id("sign-in").isDisplayed() && !id("workspace").isDisplayed());
        assertThat(script("return sessionStorage.length")).isEqualTo(0L);
        assertThat(rows("records-body")).isEmpty();
        assertThat(driver.findElements(By.cssSelector("#mappings-body tr"))).isEmpty();
        assertThat(text("sign-in-error")).contains("Signed out");
        step("signed-out");

        // A wrong secret is refused, and says so
        type("sign-in-sid", ACCOUNT);
        type("sign-in-secret", "not-the-token");
        id("sign-in-submit").click();
        until(d -> text("sign-in-error").contains("refused"));
        assertThat(text("sign-in-error")).isEqualTo(
                "The server refused this SID and secret (error 20003): check both and try again.");
        assertThat(id("workspace").isDisplayed()).isFalse();
        assertThat(script("return sessionStorage.length")).isEqualTo(0L);
        assertThat(new Calls(new AccountSid(ACCOUNT), "not-the-token").call("GET", base + "/v1/IpRecords", null)
                .statusCode()).isEqualTo(401);
        step("wrong-secret");

        // An API key of the account sees the account's records
        type("sign-in-sid", KEY);
        type("sign-in-secret", KEY_SECRET);
        id("sign-in-submit").click();
        until(d -> id("workspace").isDisplayed() && rows("records-body").size() == 4);
        assertThat(text("whoami")).isEqualTo("API key " + KEY);
        assertThat(rows("records-body")).isEqualTo(recordSids.subList(1, 5));
        step("api-key");
    }

    /** At 320 CSS pixels, what a 640-pixel window shows at 200% zoom: nothing but the tables scrolls sideways. */
    @Test
    @Order(2)
    void staysReadableInANarrowWindowAt200Percent() throws Exception {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 320, "height", 900, "deviceScaleFactor", 2, "mobile", false));
        try {
            driver.get(base + "/console/");
            until(d -> id("sign-in").isDisplayed() || id("workspace").isDisplayed());
            if (id("sign-in").isDisplayed()) {
                type("sign-in-sid", ACCOUNT);
                type("sign-in-secret", TOKEN + Keys.ENTER);
            }
            until(d -> id("workspace").isDisplayed() && !rows("records-body").isEmpty());
            assertThat(script("return document.documentElement.scrollWidth <= window.innerWidth")).isEqualTo(true);
            assertThat(script("return window.innerWidth")).isEqualTo(320L);
            // nothing sticks out of the window but what the tables' own scrolling regions hold
            assertThat(script("return [...document.querySelectorAll('body *')].filter(e => !e.closest('.table-scroll')"
                    + " && e.getClientRects().length && e.getBoundingClientRect().right > window.innerWidth + 1)"
                    + ".map(e => e.id || e.tagName + '.' + e.className)")).asList().isEmpty();
            step("narrow-200-percent");
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    /** Credentials the server stops accepting (a key revoked, a token changed) sign the tab out, saying why. */
    @Test
    @Order(3)
    void signsOutWhenTheCredentialsAreRefusedLater() throws Exception {
        driver.get(base + "/console/");
        script("sessionStorage.setItem('sipmap.console.session', JSON.stringify({sid: '" + ACCOUNT
                + "', secret: 'a-token-since-changed'}))");
        driver.navigate().refresh();
        until(d -> id("sign-in").isDisplayed() && text("sign-in-error").contains("no longer accepts"));
        assertThat(text("sign-in-error")).isEqualTo(
                "The server no longer accepts these credentials (error 20003): sign in again.");
        assertThat(script("return sessionStorage.length")).isEqualTo(0L);
        assertThat(id("workspace").isDisplayed()).isFalse();
        assertThat(rows("records-body")).isEmpty();
        step("credentials-refused");
    }

    /** A list file uploaded: the plan shown, nothing written; applied as one batch; the same file then has nothing to do. */
    @Test
    @Order(4)
    void appliesAListAsOneBatch() throws Exception {
        driver.get(base + "/console/");
        script("sessionStorage.setItem('sipmap.console.session', JSON.stringify({sid: '" + ACCOUNT
                + "', secret: '" + TOKEN + "'}))");
        driver.navigate().refresh();
        until(d -> id("workspace").isDisplayed());
        int before = apiList("v1/IpRecords", "ip_records", 1000).size();
        String domain = "SD" + "c4".repeat(16);
        Path list = Files.writeString(Files.createTempDirectory("console-list").resolve("carrier-z.csv"),
                "ip_address,cidr_prefix_length,sip_domain_sid,friendly_name\n"
                        + "198.18.0.0,24," + domain + ",carrier-z edge\n198.18.1.7,," + domain + ",carrier-z media\n");
        id("list-file").sendKeys(list.toAbsolutePath().toString());
        type("list-prefix", "carrier-z");
        id("list-plan").click();
        until(d -> text("list-summary").contains("changes"));
        assertThat(text("list-summary")).isEqualTo("2 to create, 0 to map, 0 to re-map, 0 to rename, 0 to remove,"
                + " 0 unchanged: 4 changes, applied together or not at all.");
        assertThat(text("list-steps")).contains("create 198.18.0.0/24 -> " + domain + " \"carrier-z edge\"");
        assertThat(apiList("v1/IpRecords", "ip_records", 1000)).hasSize(before);
        step("list-planned");

        id("list-apply").click();
        until(d -> text("list-summary").startsWith("Applied"));
        assertThat(text("list-summary")).isEqualTo("Applied 4 changes in one batch.");
        assertThat(apiList("v1/IpRecords", "ip_records", 1000)).hasSize(before + 2);
        step("list-applied");

        id("list-plan").click();
        until(d -> text("list-summary").startsWith("Nothing to do"));
        assertThat(id("list-apply").isEnabled()).isFalse();
        step("list-nothing-to-do");
    }

    /**
     * A read-only API key signs in to a badge, the lists, and no control that would write; a key made read-only while
     * signed in has its write refused with a sentence saying so.
     */
    @Test
    @Order(5)
    void showsAReadOnlyKeyAsSuchWithNoWriteControls() throws Exception {
        assertThat(API.call("POST", base + "/v1/IpRecords", "IpAddress=198.51.100.7&FriendlyName=read-only-view")
                .statusCode()).isEqualTo(201);
        driver.get(base + "/console/");
        script("sessionStorage.clear()");
        driver.navigate().refresh();
        until(d -> id("sign-in-sid").isDisplayed());
        type("sign-in-sid", READ_ONLY_KEY);
        type("sign-in-secret", READ_ONLY_SECRET + Keys.ENTER);
        until(d -> id("workspace").isDisplayed() && !rows("records-body").isEmpty());
        untilIdle();

        assertThat(text("whoami")).isEqualTo("API key " + READ_ONLY_KEY);
        assertThat(id("scope-badge").isDisplayed()).isTrue();
        assertThat(text("scope-badge")).isEqualTo("read-only");
        assertThat(id("read-only-note").isDisplayed()).isTrue();
        assertThat(text("read-only-note")).startsWith("Signed in with a read-only API key");
        assertThat(id("records-table").isDisplayed()).as("the lists").isTrue();
        assertThat(id("mappings-table").isDisplayed()).isTrue();
        assertThat(id("resolve-form").isDisplayed()).as("resolving only reads").isTrue();
        assertThat(id("list").isDisplayed()).as("applying a list writes").isFalse();
        assertThat(driver.findElements(By.cssSelector("#workspace form, #workspace button, #workspace th"))
                .stream().filter(WebElement::isDisplayed).map(e -> e.getAttribute("id") + e.getText()).toList())
                .as("nothing that writes is shown").noneMatch(shown -> shown.startsWith("record-form")
                        || shown.startsWith("mapping-form") || shown.contains("Delete") || shown.contains("Rename")
                        || shown.contains("Change SIP domain") || shown.contains("Actions"));
        assertThat(driver.findElements(By.cssSelector("[data-action]")).stream().filter(WebElement::isDisplayed))
                .isEmpty();
        step("read-only-key");

        // the full key, then made read-only by the server while the console shows its write controls
        script("sessionStorage.setItem('sipmap.console.session', JSON.stringify({sid: '" + KEY + "', secret: '"
                + KEY_SECRET + "'}))");
        driver.navigate().refresh();
        until(d -> id("workspace").isDisplayed() && id("record-form").isDisplayed());
        untilIdle();
        assertThat(id("scope-badge").isDisplayed()).isFalse();
        credentials.replaceWith(accepted(Credentials.Scope.READ_ONLY));
        try {
            type("record-ip", "198.51.100.8");
            id("record-submit").click();
            until(d -> !text("record-form-error").isEmpty());
            assertThat(text("record-form-error"))
                    .isEqualTo("This key is read-only: it may read, not change anything (error 70051).");
            step("write-refused-read-only");
        } finally {
            credentials.replaceWith(accepted(Credentials.Scope.FULL));
        }
    }

    /**
     * IPv6, sipmap's extension: records created from the form in any spelling RFC 4291 allows and listed in the canonical
     * text the API answers, an IPv4-mapped address taken as the IPv4 address it names, refusals showing the server's
     * own message at their field, two of them mapped, and the resolve box answering as the API does, nested networks
     * and misses included. At 320 CSS pixels the longest canonical address still fits.
     */
    @Test
    @Order(6)
    void createsMapsAndResolvesIpv6() throws Exception {
        driver.get(base + "/console/");
        script("sessionStorage.setItem('sipmap.console.session', JSON.stringify({sid: '" + ACCOUNT
                + "', secret: '" + TOKEN + "'}))");
        driver.navigate().refresh();
        until(d -> id("workspace").isDisplayed() && id("record-form").isDisplayed());
        untilIdle();
        new Select(id("records-size")).selectByValue("100");
        new Select(id("mappings-size")).selectByValue("100");
        untilIdle();
        assertThat(text("record-ip-hint")).isEqualTo("IPv4 or IPv6, such as 192.0.2.10 or 2001:db8::");
        int before = apiList("v1/IpRecords", "ip_records", 1000).size();

        // Refused: a zone id, and a prefix length past 128; the page shows the API's own 400 message at the field
        type("record-name", "v6-typo");
        type("record-ip", "fe80::1%eth0");
        type("record-prefix", "");
        id("record-submit").click();
        until(d -> !text("record-ip-error").isEmpty());
        assertThat(text("record-ip-error")).isEqualTo(refusal("IpAddress=fe80::1%25eth0") + " (error 20001)")
                .startsWith("Invalid IpAddress").contains("fe80::1%eth0");
        assertThat(id("record-ip").getAttribute("aria-invalid")).isEqualTo("true");
        type("record-ip", "2001:db8::");
        type("record-prefix", "129");
        id("record-submit").click();
        until(d -> !text("record-prefix-error").isEmpty());
        assertThat(text("record-prefix-error"))
                .isEqualTo(refusal("IpAddress=2001:db8::&CidrPrefixLength=129") + " (error 20001)")
                .startsWith("Invalid CidrPrefixLength").contains("128");
        assertThat(apiList("v1/IpRecords", "ip_records", 1000)).hasSize(before);
        step("ipv6-create-refused");

        // Created in other spellings, listed as the API answers: RFC 5952 text; ::ffff:a.b.c.d is that IPv4 address
        String[][] wanted = {
                {"v6-carrier", "2001:DB8:0:0:0:0:0:0", "32", "2001:db8::/32"},
                {"v6-site", "2001:0db8:ab00:0000::", "48", "2001:db8:ab00::/48"},
                {"v6-pbx", "2001:db8:ab00:1:0:0:0:10", "", "2001:db8:ab00:1::10/128"},
                {"v6-lan", "2001:db8:ab00:1::", "0", "2001:db8:ab00:1::/128"},
                {"v6-mapped", "::FFFF:198.51.100.99", "", "198.51.100.99/32"}};
        List<String> sids = new ArrayList<>();
        for (String[] record : wanted) {
            type("record-name", record[0]);
            type("record-ip", record[1]);
            type("record-prefix", record[2]);
            id("record-submit").click();
            until(d -> text("records-status").contains("“" + record[0] + "”"));
            assertThat(text("records-status")).startsWith("Added IP record “" + record[0] + "” (" + record[3] + ")");
            sids.add(text("records-status").replaceAll(".*, (IL[0-9a-f]{32})\\.$", "$1"));
        }
        untilIdle();
        assertThat(text("record-ip-error")).isEmpty();
        assertThat(text("record-prefix-error")).isEmpty();
        for (int i = 0; i < wanted.length; i++) {
            JsonObject fetched = apiGet("v1/IpRecords/" + sids.get(i));
            assertThat(fetched.getString("friendly_name")).isEqualTo(wanted[i][0]);
            assertThat(fetched.getString("ip_address") + "/" + fetched.getInteger("cidr_prefix_length"))
                    .isEqualTo(wanted[i][3]);
            assertThat(cell("records-body", sids.get(i), 1)).isEqualTo(wanted[i][3]);
        }
        assertThat(rows("records-body")).containsSubsequence(sids);
        step("ipv6-records");

        // The /48 and the /128 mapped, chosen among the unmapped records by their canonical text
        String siteDomain = "SD" + "e6".repeat(16);
        String pbxDomain = "SD" + "f6".repeat(16);
        String[][] maps = {{sids.get(1), siteDomain}, {sids.get(2), pbxDomain}};
        for (String[] map : maps) {
            until(d -> options("mapping-record").contains(map[0]));
            new Select(id("mapping-record")).selectByValue(map[0]);
            type("mapping-domain", map[1]);
            id("mapping-submit").click();
            until(d -> !options("mapping-record").contains(map[0]) && rows("mappings-body").stream()
                    .anyMatch(sid -> cell("mappings-body", sid, 1).equals(map[1])));
        }
        untilIdle();
        assertThat(text("mappings-status")).contains("“v6-pbx” (2001:db8:ab00:1::10/128)", pbxDomain);
        List<JsonObject> mapped = apiList("v1/SourceIpMappings", "source_ip_mappings", 1000).stream()
                .filter(m -> m.getString("ip_record_sid").equals(sids.get(1))
                        || m.getString("ip_record_sid").equals(sids.get(2))).toList();
        assertThat(mapped).extracting(m -> m.getString("ip_record_sid") + " " + m.getString("sip_domain_sid"))
                .containsExactly(sids.get(1) + " " + siteDomain, sids.get(2) + " " + pbxDomain);
        assertThat(cell("mappings-body", mapped.get(0).getString("sid"), 0))
                .contains("“v6-site” (2001:db8:ab00::/48)", sids.get(1));
        assertThat(cell("records-body", sids.get(1), 2)).isEqualTo(siteDomain);
        assertThat(cell("records-body", sids.get(0), 2)).isEqualTo("not mapped");
        step("ipv6-mapped");

        // Resolved as the API resolves: the /128 inside the /48, the /48 around it, a miss in the unmapped /32
        String[][] probes = {
                {"2001:DB8:AB00:1:0:0:0:10", "2001:db8:ab00:1::10", pbxDomain, "“v6-pbx” (2001:db8:ab00:1::10/128)"},
                {"2001:db8:ab00:1:aaaa:bbbb:cccc:dddd", "2001:db8:ab00:1:aaaa:bbbb:cccc:dddd", siteDomain,
                        "“v6-site” (2001:db8:ab00::/48)"},
                {"2001:db8:ffff::1", "2001:db8:ffff::1", null, null}};
        for (String[] probe : probes) {
            type("resolve-ip", probe[0]);
            id("resolve-submit").click();
            if (probe[2] == null) {
                until(d -> text("resolve-result").startsWith("No SIP domain"));
                assertThat(text("resolve-result")).isEqualTo("No SIP domain: none of the account's mapped IP records"
                        + " contains " + probe[1] + ".");
            } else {
                until(d -> text("resolve-result").contains(probe[2]));
                assertThat(text("resolve-result")).contains(probe[1] + " belongs to SIP domain " + probe[2]);
            }
            JsonObject answer = new JsonObject(API.call("GET", base + "/sipmap/v1/Resolve?IpAddress="
                    + URLEncoder.encode(probe[0], StandardCharsets.UTF_8), null).body());
            assertThat(answer.getString("ip_address")).isEqualTo(probe[1]);
            JsonObject resolution = answer.getJsonObject("resolution");
            if (probe[2] == null) {
                assertThat(resolution).isNull();
            } else {
                assertThat(resolution.getString("sip_domain_sid")).isEqualTo(probe[2]);
                assertThat(text("resolve-result")).contains(probe[3] + ", " + resolution.getString("ip_record_sid"),
                        resolution.getString("source_ip_mapping_sid"));
            }
        }
        type("resolve-ip", "2001:DB8:AB00:1:AAAA:BBBB:CCCC:DDDD");
        id("resolve-submit").click();
        until(d -> text("resolve-result").contains(siteDomain));
        step("ipv6-resolved");

        // At 320 CSS pixels (a 640-pixel window at 200%), the longest canonical address wraps rather than sticks out
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 320, "height", 900, "deviceScaleFactor", 2, "mobile", false));
        try {
            until(d -> Long.valueOf(320).equals(script("return window.innerWidth")));
            assertThat(script("return document.documentElement.scrollWidth <= window.innerWidth")).isEqualTo(true);
            assertThat(script("return [...document.querySelectorAll('body *')].filter(e => !e.closest('.table-scroll')"
                    + " && e.getClientRects().length && e.getBoundingClientRect().right > window.innerWidth + 1)"
                    + ".map(e => e.id || e.tagName + '.' + e.className)")).asList().isEmpty();
            step("ipv6-narrow-200-percent");
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }

        // A zone id in the resolve box: the API's message at the field, no answer shown
        type("resolve-ip", "fe80::1%eth0");
        id("resolve-submit").click();
        until(d -> !text("resolve-ip-error").isEmpty());
        assertThat(text("resolve-ip-error")).isEqualTo(refusal("IpAddress=fe80::1%25eth0", "GET",
                "sipmap/v1/Resolve") + " (error 20001)");
        assertThat(text("resolve-result")).isEmpty();
        step("ipv6-resolve-refused");
    }

    /** The message of the API's 400 for an IP record created from {@code form}, asked directly. */
    static String refusal(String form) throws Exception {
        return refusal(form, "POST", "v1/IpRecords");
    }

    /** The message of the API's 400 for {@code parameters} (a form for POST, a query for GET), asked directly. */
    static String refusal(String parameters, String method, String path) throws Exception {
        var response = "GET".equals(method) ? API.call("GET", base + "/" + path + "?" + parameters, null)
                : API.call(method, base + "/" + path, parameters);
        assertThat(response.statusCode()).as(parameters).isEqualTo(400);
        JsonObject error = new JsonObject(response.body());
        assertThat(error.getInteger("code")).isEqualTo(20001);
        return error.getString("message");
    }

    /** The account, {@code KEY} with {@code scope}, and the read-only key. */
    static Credentials accepted(Credentials.Scope scope) {
        return ConsoleUnderTest.account(ACCOUNT, TOKEN)
                .withApiKey(new ApiKeySid(KEY), KEY_SECRET, new AccountSid(ACCOUNT), scope)
                .withApiKey(new ApiKeySid(READ_ONLY_KEY), READ_ONLY_SECRET, new AccountSid(ACCOUNT),
                        Credentials.Scope.READ_ONLY);
    }

    static void untilIdle() {
        until(d -> d.findElements(By.cssSelector("[aria-busy]")).isEmpty());
    }

    // --- the page

    static WebElement id(String id) {
        return driver.findElement(By.id(id));
    }

    static String text(String id) {
        return id(id).getText().strip();
    }

    static WebElement active() {
        return driver.switchTo().activeElement();
    }

    static Object script(String js) {
        return ((JavascriptExecutor) driver).executeScript(js);
    }

    static void type(String id, String text) {
        WebElement field = id(id);
        field.clear();
        if (!text.isEmpty()) {
            field.sendKeys(text);
        }
    }

    /** The SIDs of a table's rows, in order. */
    static List<String> rows(String body) {
        return driver.findElements(By.cssSelector("#" + body + " tr[data-sid]")).stream()
                .map(row -> row.getAttribute("data-sid")).toList();
    }

    static String cell(String body, String sid, int column) {
        return driver.findElement(By.cssSelector("#" + body + " tr[data-sid='" + sid + "']"))
                .findElements(By.tagName("td")).get(column).getText().strip();
    }

    static WebElement button(String body, String sid, String action) {
        return driver.findElement(By.cssSelector("#" + body + " tr[data-sid='" + sid + "'] button[data-action='"
                + action + "']"));
    }

    static List<String> options(String select) {
        return id(select).findElements(By.tagName("option")).stream().map(o -> o.getAttribute("value")).toList();
    }

    static void until(Function<WebDriver, Boolean> condition) {
        new WebDriverWait(driver, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(condition::apply);
    }

    static void untilCount(String list, String count) {
        until(d -> text(list + "-count").equals(count) && d.findElements(By.cssSelector("[aria-busy]")).isEmpty());
    }

    /**
     * One state of the page: no request under way, a screenshot of the whole page, axe-core's verdict (no serious or
     * critical violation), and no error in the browser's console but the API's refusals the step asked for.
     */
    static void step(String name) throws Exception {
        until(d -> d.findElements(By.cssSelector("[aria-busy]")).isEmpty());
        String file = String.format("%02d-%s.png", ++shots, name);
        capture(SHOTS.resolve(file), 1);

        Results results = new AxeBuilder().analyze(driver);
        assertThat(results.isErrored()).as("axe-core ran on " + name).isFalse();
        List<Rule> violations = results.getViolations();
        axeLines.add(file + ": " + results.getPasses().size() + " rules passed, " + violations.size() + " violated"
                + violations.stream().map(v -> " [" + v.getImpact() + " " + v.getId() + ": " + v.getHelp() + " at "
                        + v.getNodes().stream().map(n -> String.valueOf(n.getTarget()))
                                .collect(Collectors.joining(", "))
                        + "]").collect(Collectors.joining()));
        assertThat(violations).as("serious or critical accessibility violations on " + name + ": " + axeLines
                        .get(axeLines.size() - 1))
                .noneMatch(v -> "serious".equals(v.getImpact()) || "critical".equals(v.getImpact()));

        List<String> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogEntry::getMessage)
                // the API's refusals that a step provoked (a wrong secret, a bad address, a delete refused, a write
                // with a read-only key)
                .filter(message -> !message.matches(".*Failed to load resource: the server responded with a status"
                        + " of (400|401|403|409) .*"))
                .toList();
        assertThat(errors).as("the browser's console on " + name).isEmpty();
    }

    /** A PNG of the whole page, not only the window, at {@code scale}. */
    static void capture(Path file, double scale) throws Exception {
        Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                "captureBeyondViewport", true, "clip", Map.of("x", 0, "y", 0,
                        "width", ((Number) size.get("width")).doubleValue(),
                        "height", ((Number) size.get("height")).doubleValue(), "scale", scale)));
        Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
    }

    // --- the API, asked directly

    static JsonObject apiGet(String path) throws Exception {
        var response = API.call("GET", base + "/" + path, null);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return new JsonObject(response.body());
    }

    /** Every item of a list, following next_page_url. */
    static List<JsonObject> apiList(String path, String key, int pageSize) throws Exception {
        List<JsonObject> items = new ArrayList<>();
        String url = base + "/" + path + "?PageSize=" + pageSize;
        while (url != null) {
            var response = API.call("GET", url, null);
            assertThat(response.statusCode()).isEqualTo(200);
            JsonObject page = new JsonObject(response.body());
            JsonArray array = page.getJsonArray(key);
            for (int i = 0; i < array.size(); i++) {
                items.add(array.getJsonObject(i));
            }
            url = page.getJsonObject("meta").getString("next_page_url");
        }
        return items;
    }

    /** The SIDs of each page of a list, following next_page_url. */
    static List<List<String>> apiPages(String path, String key, int pageSize) throws Exception {
        List<List<String>> pages = new ArrayList<>();
        String url = base + "/" + path + "?PageSize=" + URLEncoder.encode(String.valueOf(pageSize),
                StandardCharsets.UTF_8);
        while (url != null) {
            JsonObject page = new JsonObject(API.call("GET", url, null).body());
            pages.add(page.getJsonArray(key).stream().map(item -> ((JsonObject) item).getString("sid")).toList());
            url = page.getJsonObject("meta").getString("next_page_url");
        }
        return pages;
    }
}
