package dev.flotilla.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.flotilla.registry.Registry;
import dev.flotilla.registry.ServiceEndpoint;
import dev.flotilla.registry.ServiceHealth;
import dev.flotilla.testkit.FreePorts;

/**
 * Service endpoints across the whole stack: the engine places a template's instances, each machine's
 * agent registers and checks the one it runs (busybox httpd on the machine's address), and a machine
 * that leaves takes its endpoint along while its instance comes back, checked, on another machine.
 */
class DevClusterServicesTest extends DevClusterTestBase {

    @Test
    void eachInstanceIsRegisteredAtItsMachineAndFollowsItWhenItMoves() throws Exception {
        Path work = Path.of(System.getProperty("flotilla.test.workdir", System.getProperty("java.io.tmpdir")));
        Path www = Files.createTempDirectory(Files.createDirectories(work), "services-www");
        Files.writeString(www.resolve("health"), "ok\n");
        int port = FreePorts.next();
        String template = "[Service]\nExecStart=/bin/sh -c 'exec /bin/busybox httpd -f -p $COREOS_PUBLIC_IPV4:" + port
                + " -h " + www + "'\n\n[X-Fleet]\nConflicts=web@*.service\n\n[X-Service]\nName=web\nPort=" + port
                + "\nTags=%i\nCheckHTTP=/health\nCheckInterval=300ms\n";
        for (String i : List.of("01", "02", "03")) {
            launch("web@" + i + ".service", template);
        }
        Registry registry = Registry.create(cluster.store());

        await().atMost(Duration.ofSeconds(60)).until(() -> passing(registry).size() == 3);
        List<ServiceEndpoint> before = passing(registry);
        Set<String> machineIps = cluster.machines().stream().map(m -> m.apiUrl().getHost()).collect(Collectors.toSet());
        assertThat(before).extracting(ServiceEndpoint::address).doesNotHaveDuplicates().allMatch(machineIps::contains);
        assertThat(before).extracting(e -> e.tags().getFirst()).containsExactly("01", "02", "03");

        ServiceEndpoint leaving = before.getFirst();
        MachineDaemon machine = cluster.machines().stream()
                .filter(m -> m.machineId().equals(leaving.machineId())).findFirst().orElseThrow();
        machine.drainAndClose(Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(60)).until(() -> {
            List<ServiceEndpoint> now = passing(registry);
            return now.size() == 3 && now.stream().noneMatch(e -> e.machineId().equals(leaving.machineId()));
        });
        assertThat(registry.services().list()).noneMatch(e -> e.machineId().equals(leaving.machineId()));
    }

    private static List<ServiceEndpoint> passing(Registry registry) throws Exception {
        return registry.services().ofService("web").withHealth(ServiceHealth.PASSING);
    }
}
