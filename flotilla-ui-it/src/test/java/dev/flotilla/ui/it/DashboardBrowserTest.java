package dev.flotilla.ui.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import dev.flotilla.api.ApiToken;
import dev.flotilla.api.DesiredState;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.Machine;
import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitOption;
import dev.flotilla.api.UnitState;
import dev.flotilla.daemon.DevCluster;
import dev.flotilla.server.ApiSettings;
import dev.flotilla.testkit.FreePorts;
import dev.flotilla.testkit.WorkDirs;
import dev.flotilla.unit.UnitFile;

/**
 * The dashboard in Debian's chromium (headless, driven by Selenium through the system's chromedriver: nothing is
 * downloaded) against a real three-machine dev cluster with a token, running real exec units. What a person would
 * check: the token prompt, machine cards and unit states as the API reports them, a stop from the UI seen live
 * without a reload, a unit's page (masked secrets, journal lines arriving), the services view. Screenshots go to
 * {@code target/screenshots/} for a person to look at.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

    private static final String CHROMIUM = System.getProperty("flotilla.chromium", "/usr/bin/chromium");
    private static final String CHROMEDRIVER = System.getProperty("flotilla.chromedriver", "/usr/bin/chromedriver");
    private static final String TOKEN = "dashboard-test-token-0123456789";
    private static final Duration LIVE = Duration.ofSeconds(30);
    private static final String FIRST_IP = "127.0.50.2";

    /** A web server per instance (busybox httpd on its machine's address), registered as "web". */
    private static final String WEB = """
            [Unit]
            Description=Web %i

            [Service]
            ExecStart=/bin/sh -c 'mkdir -p WWW/%i && echo web %i > WWW/%i/index.html && echo web %i up && exec BUSYBOX httpd -f -p $FLOTILLA_PUBLIC_IP:PORT -h WWW/%i'

            [X-Service]
            Name=web
            Port=PORT
            """;
    /** {@code flotilla lb} in front of "web" as a unit on machine 1, its admin server declared for the dashboard. */
    private static final String LB = """
            [Unit]
            Description=Load balancer in front of web

            [Service]
            ExecStart=JAVA -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar JAR lb --service web --listen LISTEN --mode http --admin ADMIN --check-interval 500ms --endpoint API --token-file TOKEN_FILE
            Restart=always
            RestartSec=1

            [X-Service]
            Name=web-lb
            Port=ADMIN_PORT
            Tags=flotilla-lb
            CheckHTTP=/lb/status
            CheckInterval=1s

            [X-Fleet]
            MachineMetadata=machine=1
            """;
    private static final String DB = """
            [Unit]
            Description=A database with a password

            [Service]
            Environment=DB_PASSWORD=hunter2-very-secret PORT=5432
            ExecStart=/bin/sh -c 'echo db ready on $PORT; while true; do echo db tick; sleep 1; done'
            """;

    /** Wants a machine no one has: never placed, with the engine's reasons. */
    private static final String PINNED = """
            [Service]
            ExecStart=/bin/sleep 1000

            [X-Fleet]
            MachineMetadata=machine=9
            """;

    private DevCluster cluster;
    private FleetClient api;
    private ChromeDriver browser;
    private URI ui;
    private URI lbUrl;
    private final Path screenshots = Path.of("target", "screenshots");

    @BeforeAll
    void start() throws Exception {
        assertThat(Path.of(CHROMIUM)).as("Debian's chromium (bin/test installs it: apt-get install chromium "
                + "chromium-driver)").isExecutable();
        assertThat(Path.of(CHROMEDRIVER)).as("Debian's chromedriver (package chromium-driver)").isExecutable();
        Files.createDirectories(screenshots);
        ApiToken token = ApiToken.of(TOKEN, "the test");
        cluster = DevCluster.start(3, WorkDirs.create("dashboard"),
                ApiSettings.on("127.0.0.1", 0).withToken(Optional.of(token)), FIRST_IP);
        assertThat(cluster.awaitJoined(Duration.ofSeconds(30))).as("all three machines join").isTrue();
        URI endpoint = cluster.machines().getFirst().apiUrl();
        api = new FleetClient(endpoint, Duration.ofSeconds(10)).withToken(token, "the test");
        Path work = WorkDirs.create("dashboard-units");
        String busybox = Optional.ofNullable(System.getenv("BUSYBOX")).filter(b -> !b.isBlank()).orElse("/bin/busybox");
        for (int i = 1; i <= 6; i++) {
            launch(String.format("web@%02d.service", i), WEB.replace("WWW", work.resolve("www").toString())
                    .replace("BUSYBOX", busybox).replace("PORT", Integer.toString(FreePorts.next())));
        }
        Path tokenFile = Files.writeString(work.resolve("token"), TOKEN);
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        int adminPort = FreePorts.next();
        lbUrl = URI.create("http://" + FIRST_IP + ":" + FreePorts.next());
        launch("lb.service", LB.replace("JAVA", System.getProperty("flotilla.java"))
                .replace("JAR", System.getProperty("flotilla.jar")).replace("LISTEN", lbUrl.getAuthority())
                .replace("ADMIN_PORT", Integer.toString(adminPort)).replace("ADMIN", FIRST_IP + ":" + adminPort)
                .replace("API", endpoint.toString()).replace("TOKEN_FILE", tokenFile.toString()));
        launch("db.service", DB);
        launch("pinned.service", PINNED);
        await().atMost(Duration.ofSeconds(120)).until(() -> running().size() == 8);
        ui = endpoint.resolve("/ui");

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1440,1000", "--no-first-run", "--disable-extensions", "--force-color-profile=srgb");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(CHROMEDRIVER).toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (api != null) {
            api.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private void launch(String name, String contents) throws Exception {
        List<UnitOption> options = UnitFile.parse(name, contents).options().stream()
                .map(o -> new UnitOption(o.section(), o.name(), o.value())).toList();
        api.putUnit(Unit.submission(name, options, contents, DesiredState.LAUNCHED));
    }

    private Map<String, UnitState> running() throws Exception {
        return api.states(null, null).stream().filter(s -> "active".equals(s.systemdActiveState()))
                .collect(Collectors.toMap(UnitState::name, s -> s, (a, b) -> a, TreeMap::new));
    }

    /**
     * Waits for what the page shows. The page redraws its view on every event, so an element found a moment ago may be
     * replaced by the time it is read: such reads are tried again.
     */
    private static ConditionFactory live() {
        return await().atMost(LIVE).ignoreExceptionsInstanceOf(WebDriverException.class);
    }

    private void screenshot(String name) throws Exception {
        Files.write(screenshots.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    /** The text of the first element {@code css} selects, read in one step (the page may redraw it any time). */
    private String text(String css) {
        Object t = browser.executeScript("const e = document.querySelector(arguments[0]); return e ? e.innerText : null", css);
        if (t == null) {
            throw new org.openqa.selenium.NoSuchElementException(css);
        }
        return (String) t;
    }

    /** Clicks the element {@code css} selects, finding it again if the page redrew it meanwhile. */
    private void click(String css) {
        live().until(() -> {
            browser.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    private List<WebElement> all(String css) {
        return browser.findElements(By.cssSelector(css));
    }

    @Test
    @Order(1)
    void assetsAreServedWithoutTheTokenButWithStrictHeaders() throws Exception {
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(ui).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).get().asString().contains("script-src 'self'");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        HttpResponse<String> data = HttpClient.newHttpClient().send(HttpRequest.newBuilder(ui.resolve("/fleet/v1/units"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(data.statusCode()).as("data still needs the token").isEqualTo(401);
    }

    @Test
    @Order(2)
    void theTokenPromptThenMachineCardsAndUnitStatesMatchTheApi() throws Exception {
        browser.get(ui.toString());
        WebElement input = live().until(() -> browser.findElement(By.id("token-input")), WebElement::isDisplayed);
        screenshot("01-token");
        input.sendKeys(TOKEN);
        click("#token-ok");

        List<Machine> machines = api.machines();
        live().until(() -> all(".machine[data-machine]").size() == machines.size());
        for (Machine m : machines) {
            WebElement card = browser.findElement(By.cssSelector(".machine[data-machine='" + m.id() + "']"));
            assertThat(card.getText()).contains(m.id().substring(0, 8)).contains(m.primaryIP());
        }
        Map<String, UnitState> states = running();
        live().untilAsserted(() -> {
            for (UnitState s : states.values()) {
                WebElement unit = browser.findElement(By.cssSelector(".machine[data-machine='" + s.machineID()
                        + "'] [data-unit='" + s.name() + "']"));
                assertThat(unit.getDomAttribute("data-state")).as(s.name()).isEqualTo("active");
            }
        });
        assertThat(all(".unit.group[data-template='web@.service']")).as("web@ instances grouped per machine")
                .isNotEmpty();
        assertThat(all(".unit.group .dot[data-unit]")).hasSize(6);
        live().until(() -> !all(".unplaced [data-unit='pinned.service']").isEmpty());
        for (Machine m : machines) {
            // Read from /proc by the machine's own agent, whichever agent is asked (here the first one).
            HttpResponse<String> stats = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    ui.resolve("/v1/machines/" + m.id().substring(0, 10) + "/stats")).header("Authorization", "Bearer " + TOKEN)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(stats.statusCode()).as(stats.body()).isEqualTo(200);
            assertThat(stats.body()).contains("\"machine\":\"" + m.id() + "\"").contains("\"memoryTotalBytes\":")
                    .doesNotContain("\"memoryTotalBytes\":0,").doesNotContain("\"cpus\":0,");
        }
        live().until(() -> all(".stats .meter").size() == 2 * machines.size());
        live().until(() -> browser.findElement(By.id("live")).getText().equals("live"));
        screenshot("02-cluster");
    }

    @Test
    @Order(3)
    void stoppingAUnitFromTheDashboardShowsLiveWithoutReload() throws Exception {
        JavascriptExecutor js = browser;
        js.executeScript("window.__sameDocument = true");
        String machine = running().get("web@03.service").machineID();
        click("[data-unit='web@03.service']");
        live().until(() -> browser.getCurrentUrl().contains("#/unit/web@03.service"));
        live().until(() -> !all("button[data-action='stop']").isEmpty());
        click("button[data-action='stop']");
        WebElement dialog = browser.findElement(By.id("confirm"));
        live().until(dialog::isDisplayed);
        assertThat(dialog.getText()).contains("Stop web@03.service");
        screenshot("03-confirm-stop");
        click("#confirm-ok");

        live().until(() -> "inactive".equals(browser.findElement(By.cssSelector("[data-field='state']"))
                .getText().split("/")[0]));
        assertThat(api.unit("web@03.service").orElseThrow().desiredState()).isEqualTo("loaded");
        click("a.back");
        live().until(() -> "inactive".equals(browser.findElement(By.cssSelector(
                ".machine[data-machine='" + machine + "'] [data-unit='web@03.service']")).getDomAttribute("data-state")));
        assertThat(js.executeScript("return window.__sameDocument")).as("no reload").isEqualTo(true);
        screenshot("04-cluster-after-stop");
    }

    @Test
    @Order(4)
    void aUnitPageShowsItsFileWithSecretsMaskedAndItsJournalLive() throws Exception {
        browser.get(ui + "#/unit/db.service");
        String file = live().until(() -> text("#unit-file"), t -> t.contains("DB_PASSWORD"));
        assertThat(file).contains("DB_PASSWORD=***").doesNotContain("hunter2");
        live().until(() -> text("#journal").contains("db ready on 5432"));
        int ticks = text("#journal").split("db tick", -1).length;
        live().until(() -> text("#journal").split("db tick", -1).length > ticks);
        assertThat(browser.findElement(By.cssSelector("[data-field='desired']")).getText()).isEqualTo("launched");
        screenshot("05-unit");

        click("[data-nav='cluster']");
        click(".unplaced [data-unit='pinned.service']");
        live().until(() -> text(".refusals").contains("metadata machine=9 does not match"));
        assertThat(text("[data-field='machine']")).isEqualTo("not placed");
    }

    @Test
    @Order(5)
    void theServicesViewListsEndpointsWithHealth() throws Exception {
        click("[data-nav='services']");
        live().until(() -> all(".service[data-service='web'] tr[data-endpoint]").size() == 5);
        live().until(() -> all(".service[data-service='web'] tr[data-health='passing']").size() == 5);
        screenshot("06-services");
    }

    @Test
    @Order(6)
    void theLoadBalancersViewShowsTheBalancersBackendsAndRequestRates() throws Exception {
        click("[data-nav='loadbalancers']");
        String card = ".lb[data-lb='web-lb']";
        live().until(() -> all(card + " tr[data-backend][data-health='passing']").size() == 5);
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        Thread traffic = Thread.ofPlatform().name("dashboard-traffic").start(() -> {
            HttpClient http = HttpClient.newHttpClient();
            while (sending.get()) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(lbUrl.resolve("/")).timeout(
                            Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200 && r.body().startsWith("web ")) {
                        answered.incrementAndGet();
                    }
                } catch (java.io.IOException e) {
                    // Counted by what did answer.
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            live().until(() -> Double.parseDouble(text(card + " .rate").split(" ")[0]) > 0);
            assertThat(answered.get()).isPositive();
            screenshot("07-loadbalancers");
        } finally {
            sending.set(false);
            traffic.join(Duration.ofSeconds(30));
        }

        click("[data-nav='cluster']");
        click("#theme");
        live().until(() -> all(".machine[data-machine]").size() == 3);
        screenshot("08-cluster-other-theme");
    }

    @Test
    @Order(7)
    void drainingAMachineFromItsCardMovesItsUnitsAway() throws Exception {
        click("[data-nav='cluster']");
        String victim = running().get("web@01.service").machineID();
        String card = ".machine[data-machine='" + victim + "']";
        click(card + " button[data-action='drain']");
        live().until(() -> browser.findElement(By.id("confirm")).isDisplayed());
        assertThat(browser.findElement(By.id("confirm")).getText()).contains("Drain machine " + victim.substring(0, 8));
        click("#confirm-ok");
        live().until(() -> text(card).toLowerCase(Locale.ROOT).contains("draining"));
        live().until(() -> all(card + " [data-unit]").isEmpty());
        assertThat(running().values()).noneMatch(s -> s.machineID().equals(victim));
        screenshot("09-drained");
        click(card + " button[data-action='undrain']");
        live().until(() -> browser.findElement(By.id("confirm")).isDisplayed());
        click("#confirm-ok");
        live().until(() -> !text(card).toLowerCase(Locale.ROOT).contains("draining"));
    }
}
