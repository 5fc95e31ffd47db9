package dev.flotilla.examples.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.flotilla.unit.ContainerSpec;
import dev.flotilla.unit.MachineFacts;
import dev.flotilla.unit.Specifiers;
import dev.flotilla.unit.SystemdQuoting;
import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitName;

/**
 * The unit files under units/ parse with Flotilla's own parser, declare the services the contract names,
 * check /health against the digest the web tier really serves, and run world.jar with arguments it accepts.
 */
class UnitsTest {

    private static final MachineFacts MACHINE = MachineFacts.of("0123456789abcdef0123456789abcdef", "core01", "boot")
            .withPublicIp("127.0.0.2");

    private static UnitName instance(String file) {
        return UnitName.parse(file.replace("@.", "@07."));
    }

    private static String text(String file) throws IOException {
        return Files.readString(Path.of("units", file));
    }

    @ParameterizedTest
    @ValueSource(strings = {"exec/db.service", "exec/dbhelper.service", "exec/web@.service", "exec/lb.service",
            "docker/db.container", "docker/dbhelper.service", "docker/web@.container", "docker/lb.service"})
    void everyUnitParses(String file) throws IOException {
        UnitName name = instance(Path.of(file).getFileName().toString());
        UnitDefinition unit = UnitDefinition.parse(name, text(file));
        if (name.type().equals("container")) {
            ContainerSpec spec = ContainerSpec.parse(unit.file(), name, MACHINE);
            assertThat(spec.image()).isNotBlank();
        }
        if (name.prefix().equals("dbhelper")) {
            assertThat(unit.fleet().machineOf()).extracting(UnitName::prefix).containsExactly("db");
            assertThat(unit.file().value("Service", "Type")).hasValue("oneshot");
            assertThat(unit.file().value("Service", "RemainAfterExit")).hasValue("yes");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"exec/web@.service", "docker/web@.container"})
    void webRegistersOnPort180NnAndChecksTheHealthDigest(String file) throws IOException {
        UnitName name = instance(Path.of(file).getFileName().toString());
        UnitDefinition unit = UnitDefinition.parse(name, text(file));
        assertThat(unit.file().value("X-Service", "Name")).hasValue("web");
        assertThat(Specifiers.expand(unit.file().value("X-Service", "Port").orElseThrow(), name, MACHINE)).isEqualTo("18007");
        assertThat(unit.file().value("X-Service", "CheckHTTP")).hasValue("/health");
        assertThat(unit.file().value("X-Service", "CheckExpectBodySHA1")).hasValue(WebServer.HEALTH_PASS_SHA1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"exec/db.service", "docker/db.container"})
    void dbRegistersWithATcpCheck(String file) throws IOException {
        UnitDefinition unit = UnitDefinition.parse(instance(Path.of(file).getFileName().toString()), text(file));
        assertThat(unit.file().value("X-Service", "Name")).hasValue("db");
        assertThat(unit.file().value("X-Service", "Port")).hasValue("3306");
        assertThat(unit.file().value("X-Service", "CheckTCP")).hasValue("");
    }

    @ParameterizedTest
    @ValueSource(strings = {"exec/lb.service", "docker/lb.service"})
    void theLoadBalancerChecksTheSameDigest(String file) throws IOException {
        String exec = UnitDefinition.parse(UnitName.parse("lb.service"), text(file)).file()
                .value("Service", "ExecStart").orElseThrow();
        assertThat(SystemdQuoting.split(exec)).containsSubsequence("lb", "--service", "web")
                .containsSubsequence("--check-sha1", WebServer.HEALTH_PASS_SHA1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"exec/lb.service", "docker/lb.service"})
    void theLoadBalancerDeclaresItsAdminServerForTheDashboard(String file) throws IOException {
        UnitDefinition unit = UnitDefinition.parse(UnitName.parse("lb.service"), text(file));
        String exec = unit.file().value("Service", "ExecStart").orElseThrow();
        assertThat(SystemdQuoting.split(exec)).containsSubsequence("--admin", "${FLOTILLA_PUBLIC_IP}:18090");
        assertThat(unit.file().value("X-Service", "Name")).hasValue("web-lb");
        assertThat(unit.file().value("X-Service", "Port")).hasValue("18090");
        assertThat(unit.file().value("X-Service", "Tags")).hasValue("flotilla-lb");
        assertThat(unit.file().value("X-Service", "CheckHTTP")).hasValue("/lb/status");
    }

    @ParameterizedTest
    @ValueSource(strings = {"exec/db.service", "exec/dbhelper.service", "exec/web@.service", "docker/dbhelper.service",
            "docker/web@.container"})
    void worldJarAcceptsTheArgumentsTheUnitsGiveIt(String file) throws IOException {
        UnitName name = instance(Path.of(file).getFileName().toString());
        UnitDefinition unit = UnitDefinition.parse(name, text(file));
        String command = unit.file().value(name.type().equals("container") ? "Container" : "Service",
                name.type().equals("container") ? "Exec" : "ExecStart").orElseThrow();
        List<String> words = SystemdQuoting.split(Specifiers.expand(command, name, MACHINE));
        int jar = words.indexOf("-jar");
        List<String> args = new ArrayList<>();
        for (String word : words.subList(jar + 2, words.size())) {
            if (word.equals("$WORLD_DBHELPER_ARGS")) {
                continue; // empty unless /etc/flotilla/world.env sets it
            }
            args.add(word.replace("${FLOTILLA_PUBLIC_IP}", "127.0.0.2").replace("${WORLD_DATA}", "/var/lib/flotilla/world"));
        }
        assertThat(args).doesNotContain("${", "$");
        var parsed = World.commandLine().parseArgs(args.toArray(String[]::new));
        assertThat(parsed.subcommand().commandSpec().name()).isIn("web", "dbhelper", "db");
        if (name.prefix().equals("web") && name.type().equals("service")) {
            assertThat(parsed.subcommand().matchedOptionValue("--listen", "")).endsWith(":18007");
        }
        if (name.prefix().equals("web") && name.type().equals("container")) {
            // Exec= is not expanded: the default, $FLOTILLA_PUBLIC_IP:180NN from $FLOTILLA_UNIT, is the machine's.
            assertThat(parsed.subcommand().hasMatchedOption("--listen")).as("no fixed --listen (0.0.0.0 collides)").isFalse();
        }
    }
}
