package dev.flotilla.unit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerSpecTest {

    static final MachineFacts CORE02 = MachineFacts.of("c3f52cb3" + "1".repeat(24), "core02", "e".repeat(32));

    static ContainerSpec spec(String unit, String containerBody) {
        UnitFile f = UnitFile.parse(unit, "[Unit]\nDescription=x\n\n[Container]\n" + containerBody);
        return ContainerSpec.parse(f, UnitName.parse(unit), CORE02);
    }

    @Test
    void worldWebTemplateInstanceReadsEveryKey() {
        UnitName web07 = UnitName.parse("web@07.container");
        ContainerSpec s = ContainerSpec.parse(Fixtures.unit("web@.container"), web07, CORE02);
        assertThat(s.image()).isEqualTo("docker.io/flotilla/world-web:1.4");
        assertThat(s.containerName()).contains("web-07");
        assertThat(s.exec()).containsExactly("php-fpm", "-F", "-d", "memory_limit=128M");
        assertThat(s.entrypoint()).isEmpty();
        assertThat(s.environment()).containsExactly(Map.entry("DB_HOST", "db.internal"),
                Map.entry("GREETING", "There is no place like 127.0.0.1"), Map.entry("INSTANCE", "07"));
        assertThat(s.ports()).containsExactly(new PortMapping("", 8007, 80, PortMapping.Protocol.TCP));
        assertThat(s.volumes()).containsExactly(
                new VolumeMount(VolumeMount.Kind.BIND, "/srv/world/static", "/usr/share/nginx/html", List.of("ro", "Z")),
                new VolumeMount(VolumeMount.Kind.NAMED, "webcache", "/var/cache/nginx", List.of()));
        assertThat(s.networks()).containsExactly("world");
        assertThat(s.labels()).containsExactly(Map.entry("app", "world"), Map.entry("tier", "web"));
        assertThat(s.memoryBytes()).hasValue(256L * 1024 * 1024);
        assertThat(s.cpuShares()).hasValue(2048);
        assertThat(s.health().command()).contains("curl -sf http://localhost/health.php");
        assertThat(s.health().interval()).contains(TimeSpan.parse("10s"));
        assertThat(s.health().timeout()).contains(TimeSpan.parse("2s"));
        assertThat(s.health().retries()).hasValue(3);
        assertThat(s.health().startPeriod()).contains(TimeSpan.parse("90s"));
        assertThat(s.health().onFailure()).contains(HealthCheck.OnFailure.RESTART);
        assertThat(s.health().isConfigured()).isTrue();
        assertThat(s.pull()).isEqualTo(PullPolicy.NEWER);
        assertThat(s.stopTimeout()).contains(TimeSpan.parse("20s"));
    }

    @Test
    void minimalContainerGetsDefaults() {
        ContainerSpec s = spec("redis.container", "Image=redis:7\n");
        assertThat(s.image()).isEqualTo("redis:7");
        assertThat(s.pull()).isEqualTo(PullPolicy.MISSING);
        assertThat(s.health()).isEqualTo(HealthCheck.NONE);
        assertThat(s.health().isConfigured()).isFalse();
        assertThat(s.exec()).isEmpty();
        assertThat(s.ports()).isEmpty();
        assertThat(s.memoryBytes()).isEmpty();
        assertThat(s.cpuShares()).isEmpty();
        assertThat(s.containerName()).isEmpty();
    }

    @Test
    void machineSpecifiersExpandForTheChosenMachine() {
        ContainerSpec s = spec("agent.container", "Image=agent\nEnvironment=NODE=%H MACHINE=%m\nLabel=\"boot=%b\"\n");
        assertThat(s.environment()).containsEntry("NODE", "core02").containsEntry("MACHINE", CORE02.machineId());
        assertThat(s.labels()).containsEntry("boot", CORE02.bootId());
    }

    @Test
    void lastSingleValueWinsAndEmptyAssignmentResetsLists() {
        ContainerSpec s = spec("a.container", "Image=one\nImage=two\nPublishPort=80\nPublishPort=\nPublishPort=81\n"
                + "Environment=A=1\nEnvironment=\nEnvironment=B=2\nNetwork=a\nNetwork=b\nExec=x\nExec=\n");
        assertThat(s.image()).isEqualTo("two");
        assertThat(s.ports()).extracting(PortMapping::containerPort).containsExactly(81);
        assertThat(s.environment()).containsExactly(Map.entry("B", "2"));
        assertThat(s.networks()).containsExactly("a", "b");
        assertThat(s.exec()).isEmpty();
    }

    @Test
    void cpuSharesAsGivenOrWeightTimes1024Over100() {
        assertThat(spec("a.container", "Image=i\nCPUShares=512\n").cpuShares()).hasValue(512);
        assertThat(spec("a.container", "Image=i\nCPUWeight=100\n").cpuShares()).hasValue(1024);
        assertThat(spec("a.container", "Image=i\nCPUWeight=1\n").cpuShares()).hasValue(10);
        assertThat(spec("a.container", "Image=i\nCPUWeight=10000\n").cpuShares()).hasValue(102400);
    }

    @Test
    void memorySizes() {
        assertThat(spec("a.container", "Image=i\nMemory=1g\n").memoryBytes()).hasValue(1L << 30);
        assertThat(spec("a.container", "Image=i\nMemory=1048576\n").memoryBytes()).hasValue(1048576);
        assertThat(spec("a.container", "Image=i\nMemory=512Mi\n").memoryBytes()).hasValue(512L << 20);
        assertThat(spec("a.container", "Image=i\nMemory=1.5GB\n").memoryBytes()).hasValue(3L << 29);
        assertThat(spec("a.container", "Image=i\nMemory=64 k\n").memoryBytes()).hasValue(65536);
    }

    @Test
    void entrypointUserWorkingDirEnvironmentFileAndStartupHealth() {
        ContainerSpec s = spec("a.container", "Image=i\nEntrypoint=/bin/sh -c\nUser=1000:1000\nWorkingDir=/app\n"
                + "EnvironmentFile=/etc/environment\nEnvironmentFile=-/etc/optional.env\nHealthStartupCmd=test -f /ready\n"
                + "HealthStartupInterval=1s\nHealthStartupRetries=30\nHealthStartupSuccess=2\nHealthStartupTimeout=500ms\n"
                + "HealthCmd=none\n");
        assertThat(s.entrypoint()).containsExactly("/bin/sh", "-c");
        assertThat(s.user()).contains("1000:1000");
        assertThat(s.workingDir()).contains("/app");
        assertThat(s.environmentFiles()).containsExactly("/etc/environment", "-/etc/optional.env");
        assertThat(s.health().startupCommand()).contains("test -f /ready");
        assertThat(s.health().startupInterval()).contains(TimeSpan.parse("1s"));
        assertThat(s.health().startupRetries()).hasValue(30);
        assertThat(s.health().startupSuccess()).hasValue(2);
        assertThat(s.health().startupTimeout()).contains(TimeSpan.parse("500ms"));
        assertThat(s.health().command()).contains("none");
    }

    @Test
    void volumesFromThroughPodmanArgsAndNetworkAliases() {
        ContainerSpec s = spec("db2.container", "Image=i\nPodmanArgs=--volumes-from=db1\n"
                + "PodmanArgs=--volumes-from web-%i.x:ro \"--volumes-from=cache:rw\"\nNetwork=world\n"
                + "NetworkAlias=db\nNetworkAlias=mysql\n");
        assertThat(s.volumesFrom()).containsExactly(new VolumesFrom("db1", false), new VolumesFrom("web-.x", true),
                new VolumesFrom("cache", false));
        assertThat(s.networkAliases()).containsExactly("db", "mysql");
        assertThat(spec("a.container", "Image=i\nPodmanArgs=--volumes-from=ab\nPodmanArgs=\nNetworkAlias=x\n"
                + "NetworkAlias=\n").volumesFrom()).isEmpty();
        assertThat(spec("a.container", "Image=i\n").networkAliases()).isEmpty();
    }

    @Test
    void stopTimeoutAcceptsInfinity() {
        assertThat(spec("a.container", "Image=i\nStopTimeout=infinity\n").stopTimeout()).contains(TimeSpan.INFINITY);
    }

    @Test
    void otherSectionsAreIgnored() {
        UnitFile f = UnitFile.parse("a.container", "[Container]\nImage=i\n[Service]\nRestart=always\n[Install]\nWantedBy=x\n");
        assertThat(ContainerSpec.parse(f, UnitName.parse("a.container"), CORE02).image()).isEqualTo("i");
    }
}
