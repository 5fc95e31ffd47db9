package dev.flotilla.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.flotilla.api.DesiredState;
import dev.flotilla.api.JournalEntry;
import dev.flotilla.api.UnitState;
import dev.flotilla.testkit.DockerEngine;
import dev.flotilla.testkit.DockerImages;

/**
 * The seed's way of running containers: a {@code .service} unit whose Exec lines call the docker
 * command line ({@code docker run --rm --name web-%i -p ${COREOS_PUBLIC_IPV4}:180%i:80 ...},
 * {@code ExecStop=/usr/bin/docker stop web-%i}), run unchanged by the exec runtime on a dev cluster,
 * with a locally built image, answering HTTP on the machine's address.
 */
class DockerCliServiceTest extends DevClusterTestBase {

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    /**
     * The tutorial's web@.service, with three changes: the image is the locally built one, its
     * {@code docker pull} may fail (no registry is reachable: {@code -}), and the container name
     * carries a suffix unique to this test (one engine serves every test on the machine).
     */
    private String webUnit(String image) {
        return """
                [Unit]
                Description=Web front end %i
                After=docker.service
                Requires=docker.service

                [Service]
                EnvironmentFile=/etc/environment
                TimeoutStartSec=0
                ExecStartPre=-/usr/bin/docker pull IMAGE
                ExecStart=/usr/bin/docker run --rm --name web-%i-SUFFIX -p ${COREOS_PUBLIC_IPV4}:180%i:80 IMAGE
                ExecStop=/usr/bin/docker stop web-%i-SUFFIX
                Restart=always

                [X-Fleet]
                Conflicts=web@*.service
                """.replace("IMAGE", image).replace("SUFFIX", suffix);
    }

    @AfterEach
    void removeLeftovers() {
        for (String name : new String[] {"web-" + suffix}) {
            DockerEngine.docker("ps", "-aq", "--filter", "name=" + name).out().lines()
                    .forEach(id -> DockerEngine.docker("rm", "-f", id.strip()));
        }
    }

    @Test
    void theSeedsWebServiceServesHttpOnItsMachinesAddressAndStopsItsContainer() throws Exception {
        String image = DockerImages.busybox();
        String[] instances = freeInstances();
        for (String instance : instances) {
            launch("web@" + instance + ".service", webUnit(image));
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> states(s -> "running".equals(s.systemdSubState())).size() == 2);
        Map<String, UnitState> running = states(s -> "running".equals(s.systemdSubState()));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (String instance : instances) {
            UnitState state = running.get("web@" + instance + ".service");
            String ip = machineIp(state.machineID());
            URI page = URI.create("http://" + ip + ":180" + instance + "/index.html");
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> get(http, page).equals(DockerImages.INDEX_HTML));
            assertThat(DockerEngine.inspect("web-" + instance + "-" + suffix, "{{range $p, $b := .NetworkSettings.Ports}}"
                    + "{{range $b}}{{.HostIp}}:{{.HostPort}}->{{$p}}{{end}}{{end}}"))
                    .as("published on the machine's own address, as ${COREOS_PUBLIC_IPV4} says")
                    .isEqualTo(ip + ":180" + instance + "->80/tcp");
        }
        assertThat(running.values().stream().map(UnitState::machineID).distinct()).as("Conflicts=web@*.service").hasSize(2);

        String first = "web@" + instances[0] + ".service";
        await().atMost(Duration.ofSeconds(20)).until(() -> api.journal(first, 50).stream().map(JournalEntry::message)
                .anyMatch(m -> m.contains("web: serving /www on port 80")));

        api.setDesiredState(first, DesiredState.LOADED);
        // inactive, not failed: ExecStop= stopped the container, the runtime needed no SIGKILL after a timeout
        await().atMost(Duration.ofSeconds(30)).until(() -> states(s -> s.name().equals(first)
                && "inactive".equals(s.systemdActiveState())).size() == 1);
        assertThat(DockerEngine.docker("ps", "-aq", "--filter", "name=web-" + instances[0] + "-" + suffix).out())
                .as("ExecStop=docker stop ended the container, and --rm removed it").isBlank();
    }

    private String machineIp(String machineId) throws Exception {
        return api.machines().stream().filter(m -> m.id().equals(machineId)).findFirst().orElseThrow().primaryIP();
    }

    private static String get(HttpClient http, URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Two instance numbers 10..99 whose port 180NN is free on every machine address of the dev cluster. */
    private static String[] freeInstances() {
        String[] out = new String[2];
        int found = 0;
        while (found < 2) {
            int n = ThreadLocalRandom.current().nextInt(10, 100);
            String instance = Integer.toString(n);
            if ((found == 0 || !out[0].equals(instance)) && freeEverywhere(18000 + n)) {
                out[found++] = instance;
            }
        }
        return out;
    }

    private static boolean freeEverywhere(int port) {
        for (int i = 2; i <= 5; i++) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + i), port));
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
