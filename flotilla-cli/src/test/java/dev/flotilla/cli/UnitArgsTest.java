package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** How unit arguments become names and paths, as fleetctl read them. */
class UnitArgsTest {

    @Test
    void namesAreBaseNamesWithServiceAddedWhenThereIsNoType() {
        assertThat(UnitArgs.name("web@01")).isEqualTo("web@01.service");
        assertThat(UnitArgs.name("units/db.service")).isEqualTo("db.service");
        assertThat(UnitArgs.name("units/web@.service")).isEqualTo("web@.service");
        assertThat(UnitArgs.name("data.mount")).isEqualTo("data.mount");
        assertThat(UnitArgs.parse("units/db").path()).isEqualTo(Path.of("units/db.service"));
    }

    @Test
    void anInvalidNameIsBadInput() {
        assertThatThrownBy(() -> UnitArgs.parse("we b")).isInstanceOfSatisfying(CliException.class,
                e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE));
    }
}
