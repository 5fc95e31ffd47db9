package dev.flotilla.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.StartRequest;
import dev.flotilla.unit.MachineFacts;
import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitName;

/** The layers of a command's environment, and the /etc/environment rule. */
class UnitEnvironmentTest {

    private static final MachineFacts ONLY_PUBLIC = MachineFacts.of("a".repeat(32), "h", "b".repeat(32))
            .withPublicIp("10.0.0.5");

    private static Map<String, String> build(String service, String etcEnvironment, List<String> notes) {
        UnitDefinition def = UnitDefinition.parse(UnitName.parse("db.service"), "[Service]\nExecStart=/bin/true\n" + service);
        ServiceSpec spec = ServiceSpecParser.parse(def, ONLY_PUBLIC);
        return UnitEnvironment.build(spec, new StartRequest(def, ONLY_PUBLIC, Map.of("AGENT", "1")), Optional.empty(),
                Map.of("MAINPID", "42"), notes::add, etcEnvironment);
    }

    @Test
    void aMissingEtcEnvironmentIsNotedNotFatalAndTheFactsStandIn() {
        List<String> notes = new ArrayList<>();
        Map<String, String> env = build("EnvironmentFile=/nonexistent/etc/environment\n", "/nonexistent/etc/environment",
                notes);

        assertThat(env).containsEntry("COREOS_PUBLIC_IPV4", "10.0.0.5").containsEntry("COREOS_PRIVATE_IPV4", "10.0.0.5")
                .containsEntry("FLOTILLA_PRIVATE_IP", "10.0.0.5").containsEntry("FLOTILLA_MACHINE_ID", "a".repeat(32))
                .containsEntry("PATH", UnitEnvironment.DEFAULT_PATH).containsEntry("AGENT", "1").containsEntry("MAINPID", "42");
        assertThat(notes).singleElement().asString().contains("does not exist on this machine; continuing without it");
    }

    @Test
    void anyOtherMissingFileIsFatal() {
        assertThatThrownBy(() -> build("EnvironmentFile=/nonexistent/etc/environment\n", "/etc/environment", List.of()))
                .isInstanceOf(BadSettingException.class).hasMessageContaining("no such file");
    }
}
