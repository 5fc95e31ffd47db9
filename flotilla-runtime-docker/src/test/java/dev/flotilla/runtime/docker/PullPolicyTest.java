package dev.flotilla.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.unit.UnitDefinition;

/**
 * {@code Pull=} with no registry reachable: an image on the machine runs with {@code never} and {@code
 * missing}; a missing one fails with a clear reason, as does {@code always}; {@code newer} runs the local image
 * when the registry cannot be asked.
 */
class PullPolicyTest extends DockerTestSupport {

    private UnitDefinition withPull(String name, String image, String pull) {
        return unit(name + "-" + id + ".container", """
                [Container]
                Image=%s
                Pull=%s
                Exec=/bin/sh -c 'echo running; sleep 1000'
                """.formatted(image, pull));
    }

    @Test
    void aLocalImageRunsWithNeverMissingAndNewer() throws Exception {
        for (String pull : new String[] {"never", "missing", "newer"}) {
            UnitDefinition def = withPull(pull, image, pull);
            assertThat(start(def).stateName()).as("Pull=%s", pull).isEqualTo("active/running");
        }
        assertThat(journal(withPull("newer", image, "newer").name())).contains("cannot check for a newer " + image)
                .contains("running the one on this machine");
    }

    @Test
    void aMissingImageFailsWithAClearReason() throws Exception {
        String absent = "flotilla-test/absent-" + id + ":1";

        UnitStatus never = start(withPull("never", absent, "never"));
        assertThat(never.stateName()).isEqualTo("failed/failed");
        assertThat(never.reason()).hasValueSatisfying(r -> assertThat(r).isEqualTo("image " + absent
                + " is not on this machine, and Pull=never forbids pulling it: load it into the engine (docker load, "
                + "docker import), or set Pull=missing"));

        UnitStatus missing = start(withPull("missing", absent, "missing"));
        assertThat(missing.stateName()).isEqualTo("failed/failed");
        assertThat(missing.reason()).hasValueSatisfying(r -> assertThat(r)
                .startsWith("image " + absent + " is not on this machine and pulling it failed: ")
                .contains("pulling image " + absent));

        UnitStatus always = start(withPull("always", image, "always"));
        assertThat(always.stateName()).as("Pull=always must pull, and nothing can be pulled here").isEqualTo("failed/failed");
        assertThat(always.reason()).hasValueSatisfying(r -> assertThat(r).contains("Pull=always but pulling failed"));
    }
}
