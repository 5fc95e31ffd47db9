package dev.flotilla.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.core.command.CreateContainerCmdImpl;

import dev.flotilla.runtime.StartRequest;
import dev.flotilla.runtime.TestWork;
import dev.flotilla.unit.MachineFacts;
import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitName;

/** What the engine is asked for, decided from a unit without an engine: names, environment, ports, mounts, refusals. */
class ContainerPlanTest {

    private static final MachineFacts MACHINE = MachineFacts.of("6847f4f70123456789abcdef01234567", "core01",
            "b007b007b007b007b007b007b007b007").withPublicIp("10.0.0.7").withPrivateIp("192.168.0.7");
    private static final String STATE_DIR = "/var/lib/flotilla/docker";
    /** The request is built, never sent. */
    private static final CreateContainerCmd.Exec NOT_SENT = command -> {
        throw new AssertionError("no engine here");
    };

    private static ContainerPlan plan(String unit, String text, Map<String, String> agentEnv) throws BadSettingException {
        UnitDefinition def = UnitDefinition.parse(UnitName.parse(unit), text);
        return ContainerPlan.of(new StartRequest(def, MACHINE, agentEnv), STATE_DIR);
    }

    private static ContainerPlan plan(String unit, String text) throws BadSettingException {
        return plan(unit, text, Map.of());
    }

    private static CreateContainerCmd created(ContainerPlan plan) {
        return plan.apply(new CreateContainerCmdImpl(NOT_SENT, null, plan.spec.image()), MACHINE.publicIp());
    }

    @ParameterizedTest
    @CsvSource({"web@01.container, web-01", "db.container, db", "a.b@c.d.container, a.b-c.d", "x.container, flotilla-x",
        "web@a:b.container, web-a_b"})
    void theDefaultContainerNameIsTheUnitsNameWithAtAsDash(String unit, String name) {
        assertThat(ContainerPlan.defaultName(UnitName.parse(unit))).isEqualTo(name);
    }

    @Test
    void environmentFromAgentFilesFactsAndTheUnitInThatOrder() throws Exception {
        Path dir = TestWork.dir("plan-env");
        Files.writeString(dir.resolve("app.env"), "# settings\nexport DB_HOST=from-file\nFLOTILLA_UNIT=from-file\n"
                + "QUOTED=\"a b\"\nnot an assignment\nAGENT=from-file\n");
        ContainerPlan p = plan("api@2.container", """
                [Container]
                Image=api:1
                EnvironmentFile=%s
                EnvironmentFile=-/nonexistent/optional.env
                Environment=DB_HOST=db "GREETING=hi there"
                """.formatted(dir.resolve("app.env")), Map.of("AGENT", "from-agent", "ONLY_AGENT", "yes"));

        assertThat(p.env).contains("ONLY_AGENT=yes", "AGENT=from-file", "QUOTED=a b", "DB_HOST=db", "GREETING=hi there",
                "FLOTILLA_UNIT=api@2.container", "FLOTILLA_MACHINE_ID=6847f4f70123456789abcdef01234567",
                "COREOS_PUBLIC_IPV4=10.0.0.7", "COREOS_PRIVATE_IPV4=192.168.0.7")
                .doesNotContain("DB_HOST=from-file", "FLOTILLA_UNIT=from-file");
        assertThat(p.notes).containsExactly("EnvironmentFile=-/nonexistent/optional.env skipped: /nonexistent/optional.env "
                + "does not exist");
        assertThatThrownBy(() -> plan("a.container", "[Container]\nImage=i\nEnvironmentFile=/nonexistent/app.env\n"))
                .isInstanceOf(BadSettingException.class).hasMessage("EnvironmentFile=/nonexistent/app.env: "
                        + "/nonexistent/app.env does not exist on this machine; create it, or write "
                        + "EnvironmentFile=-/nonexistent/app.env to go on without it");
    }

    @Test
    void everyKeyReachesTheCreateRequest() throws Exception {
        ContainerPlan p = plan("web@07.container", """
                [Container]
                Image=flotilla/world-web:1.4
                ContainerName=front-%i
                Exec=php-fpm -F
                Entrypoint=/bin/sh -c
                PublishPort=180%i:80
                PublishPort=127.0.0.1::443/udp
                Volume=/srv/static:/usr/share/nginx/html:ro,Z
                Volume=webcache.volume:/var/cache:nocopy
                Volume=/scratch
                PodmanArgs=--volumes-from=db1:ro
                Network=world.network
                Network=backend
                NetworkAlias=web
                Label=app=world "dev.flotilla.unit=forged"
                Memory=256m
                CPUWeight=200
                HealthCmd=curl -sf http://localhost/
                HealthInterval=10s
                HealthTimeout=2s
                HealthRetries=3
                HealthStartPeriod=1min
                User=1000:1000
                WorkingDir=/app

                [Service]
                TimeoutStopSec=30
                Restart=always
                ExecStartPre=/bin/true
                """);
        CreateContainerCmd c = created(p);
        HostConfig host = c.getHostConfig();

        assertThat(c.getName()).isEqualTo("front-07");
        assertThat(c.getCmd()).containsExactly("php-fpm", "-F");
        assertThat(c.getEntrypoint()).containsExactly("/bin/sh", "-c");
        assertThat(c.getUser()).isEqualTo("1000:1000");
        assertThat(c.getWorkingDir()).isEqualTo("/app");
        assertThat(c.getStopTimeout()).as("TimeoutStopSec=, without StopTimeout=").isEqualTo(30);
        assertThat(c.getLabels()).containsEntry("app", "world").containsEntry("dev.flotilla.unit", "web@07.container")
                .containsEntry("dev.flotilla.machine", MACHINE.machineId()).containsEntry("dev.flotilla.state-dir", STATE_DIR)
                .containsKey("dev.flotilla.hash");
        assertThat(c.getExposedPorts()).containsExactlyInAnyOrder(ExposedPort.tcp(80), ExposedPort.udp(443));
        Map<ExposedPort, Ports.Binding[]> ports = host.getPortBindings().getBindings();
        assertThat(ports.get(ExposedPort.tcp(80))).containsExactly(Ports.Binding.bindIpAndPort("10.0.0.7", 18007));
        assertThat(ports.get(ExposedPort.udp(443))).containsExactly(Ports.Binding.bindIp("127.0.0.1"));
        assertThat(host.getBinds()).extracting(Bind::getPath).containsExactly("/srv/static", "webcache");
        assertThat(host.getBinds()[0].getAccessMode()).isEqualTo(AccessMode.ro);
        assertThat(host.getBinds()[1].getNoCopy()).isTrue();
        assertThat(c.getVolumes()).extracting(v -> v.getPath()).containsExactly("/scratch");
        assertThat(host.getVolumesFrom()).singleElement().satisfies(v -> {
            assertThat(v.getContainer()).isEqualTo("db1");
            assertThat(v.getAccessMode()).isEqualTo(AccessMode.ro);
        });
        assertThat(host.getNetworkMode()).isEqualTo("world");
        assertThat(p.userNetworks()).containsExactly("world", "backend");
        assertThat(c.getAliases()).containsExactly("web");
        assertThat(host.getMemory()).isEqualTo(256L << 20);
        assertThat(host.getMemorySwap()).as("no swap beyond the limit").isEqualTo(256L << 20);
        assertThat(host.getCpuShares()).isEqualTo(2048);
        assertThat(host.getInit()).isTrue();
        assertThat(host.getRestartPolicy()).as("Restart= is the runtime's").isEqualTo(RestartPolicy.noRestart());
        assertThat(c.getHealthcheck().getTest()).containsExactly("CMD-SHELL", "curl -sf http://localhost/");
        assertThat(c.getHealthcheck().getInterval()).isEqualTo(Duration.ofSeconds(10).toNanos());
        assertThat(c.getHealthcheck().getTimeout()).isEqualTo(Duration.ofSeconds(2).toNanos());
        assertThat(c.getHealthcheck().getStartPeriod()).isEqualTo(Duration.ofMinutes(1).toNanos());
        assertThat(c.getHealthcheck().getRetries()).isEqualTo(3);
        assertThat(p.namedVolumes()).containsExactly("webcache");
        assertThat(p.memoryText).contains("256m");
        assertThat(p.cpuText).contains(Map.entry("CPUWeight", "200"));
        assertThat(p.notes).containsExactly("ignoring [Service] settings that mean nothing for a container: ExecStartPre");
    }

    @Test
    void defaultsLeaveTheImageInCharge() throws Exception {
        ContainerPlan p = plan("db.container", "[Container]\nImage=mysql\n");
        CreateContainerCmd c = created(p);
        assertThat(c.getName()).isEqualTo("db");
        assertThat(c.getCmd()).isNullOrEmpty();
        assertThat(c.getEntrypoint()).isNullOrEmpty();
        assertThat(c.getHealthcheck()).isNull();
        assertThat(c.getHostConfig().getMemory()).isNull();
        assertThat(c.getHostConfig().getNetworkMode()).isNull();
        assertThat(c.getStopTimeout()).isEqualTo(10);
        assertThat(p.stopTimeout).isEqualTo(Duration.ofSeconds(10));
        assertThat(plan("db.container", "[Container]\nImage=mysql\nStopTimeout=infinity\n").stopTimeout)
                .isEqualTo(Duration.ofSeconds(Integer.MAX_VALUE));
        assertThat(plan("db.container", "[Container]\nImage=mysql\nHealthCmd=none\n").apply(
                new CreateContainerCmdImpl(NOT_SENT, null, "mysql"), Optional.empty()).getHealthcheck().getTest())
                .containsExactly("NONE");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Network=host\\nNetwork=world | host, none and container:NAME take the container's whole network",
        "Network=host\\nPublishPort=80 | PublishPort= needs a bridge network, not Network=host",
        "NetworkAlias=db | NetworkAlias= needs a named network",
        "Network=bridge\\nNetworkAlias=db | NetworkAlias= needs a named network",
        "Volume=/a:/b:U | option U is Podman's",
        "Volume=/a:/b:nocopy | nocopy applies to named volumes only",
        "HealthCmd=none\\nHealthOnFailure=kill | HealthOnFailure= needs a health check",
        "Image=i\\n[Service]\\nRestart=sometimes | Restart=sometimes is not a restart policy",
        "Image=i\\n[Service]\\nRestartSec=soon | RestartSec=soon:"})
    void refusalsSayWhy(String keys, String reason) {
        assertThatThrownBy(() -> plan("a.container", "[Container]\nImage=i\n" + keys.replace("\\n", "\n") + "\n"))
                .isInstanceOf(BadSettingException.class).hasMessageContaining(reason);
    }

    @Test
    void restartTableAndBackOff() throws Exception {
        ServiceSettings always = plan("a.container", "[Container]\nImage=i\n[Service]\nRestart=always\nRestartSec=1s\n"
                + "RestartMaxDelaySec=5s\n").service;
        assertThat(List.of(ServiceSettings.Outcome.values())).filteredOn(always::restarts)
                .containsExactly(ServiceSettings.Outcome.SUCCESS, ServiceSettings.Outcome.EXIT_CODE,
                        ServiceSettings.Outcome.SIGNAL, ServiceSettings.Outcome.TIMEOUT);
        assertThat(List.of(1, 2, 3, 4, 5).stream().map(always::delayBefore)).containsExactly(Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(5), Duration.ofSeconds(5));
        ServiceSettings onFailure = plan("a.container", "[Container]\nImage=i\n[Service]\nRestart=on-failure\n").service;
        assertThat(onFailure.restarts(ServiceSettings.Outcome.SUCCESS)).isFalse();
        assertThat(onFailure.restarts(ServiceSettings.Outcome.EXIT_CODE)).isTrue();
        assertThat(plan("a.container", "[Container]\nImage=i\n").service.restarts(ServiceSettings.Outcome.SIGNAL)).isFalse();
        assertThat(plan("a.container", "[Container]\nImage=i\n").service.startTimeout()).contains(Duration.ofSeconds(90));
        assertThat(plan("a.container", "[Container]\nImage=i\n[Service]\nTimeoutStartSec=0\n").service.startTimeout()).isEmpty();
    }
}
