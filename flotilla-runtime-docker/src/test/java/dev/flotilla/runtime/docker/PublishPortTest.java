package dev.flotilla.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.testkit.DockerEngine;
import dev.flotilla.testkit.DockerImages;
import dev.flotilla.testkit.FreePorts;
import dev.flotilla.unit.UnitDefinition;

/**
 * The tutorial's {@code docker run -d -p 8082:80 ...} as a unit: the published port serves HTTP on the
 * machine's address, and the status details show the container, its image, ports and processes.
 */
class PublishPortTest extends DockerTestSupport {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private String get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aPublishedPortServesHttpOnTheMachinesAddress() throws Exception {
        int port = FreePorts.next();
        UnitDefinition web = unit("web@" + id + ".container", """
                [Unit]
                Description=busybox httpd behind a published port

                [Container]
                Image=%s
                PublishPort=%d:80
                PublishPort=127.0.0.1::80
                """.formatted(image, port));

        UnitStatus s = start(web, machine("127.0.0.7"));

        assertThat(s.stateName()).isEqualTo("active/running");
        await().atMost(BOUND).ignoreExceptions().until(() -> get("http://127.0.0.7:" + port + "/index.html")
                .equals(DockerImages.INDEX_HTML));
        String name = "web-" + id;
        assertThat(DockerEngine.inspect(name, "{{.Name}}")).as("ContainerName defaults to the unit's name, @ as -")
                .isEqualTo("/" + name);

        Map<String, String> details = runtime.details(web.name());
        assertThat(details).containsKeys("Container", "Image", "Ports", "Health", "Processes");
        assertThat(details.get("Container")).startsWith(DockerEngine.inspect(name, "{{.Id}}").substring(0, 12))
                .contains(name, "running");
        assertThat(details.get("Image")).startsWith(image);
        assertThat(details.get("Ports")).contains("127.0.0.7:" + port + "->80/tcp");
        Matcher picked = Pattern.compile("127\\.0\\.0\\.1:(\\d+)->80/tcp").matcher(details.get("Ports"));
        assertThat(picked.find()).as("the engine picked a port for 127.0.0.1::80: %s", details.get("Ports")).isTrue();
        assertThat(get("http://127.0.0.1:" + picked.group(1) + "/index.html")).isEqualTo(DockerImages.INDEX_HTML);
        assertThat(details.get("Processes")).as("docker top").contains("PID").contains("httpd");
        assertThat(details.get("Health")).isEqualTo("no health check");
        assertThat(runtime.inspect(web.name())).hasValueSatisfying(json -> assertThat(json)
                .contains("\"Id\":\"" + DockerEngine.inspect(name, "{{.Id}}") + "\"")
                .contains("\"dev.flotilla.unit\":\"web@" + id + ".container\"")
                .contains("\"dev.flotilla.hash\":\"" + web.hash().hex() + "\"")
                .contains("\"dev.flotilla.machine\":\"5eed5eed5eed5eed5eed5eed5eed5eed\""));

        assertThat(stop(web.name()).stateName()).isEqualTo("inactive/dead");
        assertThat(DockerEngine.docker("ps", "-aq", "--filter", "name=^/" + name + "$").out()).as("removed").isBlank();
        assertThat(runtime.details(web.name())).doesNotContainKey("Processes");
        assertThat(runtime.inspect(web.name())).isEmpty();
    }
}
