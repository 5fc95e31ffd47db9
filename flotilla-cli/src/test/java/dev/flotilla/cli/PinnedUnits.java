package dev.flotilla.cli;

import java.time.Duration;
import java.util.List;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.DesiredState;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitOption;
import dev.flotilla.unit.UnitFile;

/** Test units pinned to one machine of a {@link dev.flotilla.daemon.DevCluster} by its {@code machine} metadata. */
final class PinnedUnits {

    /** How long a unit may take to be placed, started and to print its lines. */
    static final Duration START = Duration.ofSeconds(60);

    private PinnedUnits() {
    }

    /** A unit that prints {@code line 1} .. {@code line 7} and then sleeps, on machine {@code machine} (1-based). */
    static String sevenLines(String description, int machine) {
        return """
                [Unit]
                Description=DESC

                [Service]
                ExecStart=/bin/sh -c 'for i in 1 2 3 4 5 6 7; do echo line $i; done; exec sleep 1000'

                [X-Fleet]
                MachineMetadata=machine=N
                """.replace("DESC", description).replace("N", Integer.toString(machine));
    }

    /** A unit that prints {@code tick 1}, {@code tick 2}, ... five times a second, on machine {@code machine}. */
    static String ticker(int machine) {
        return """
                [Service]
                ExecStart=/bin/sh -c 'i=1; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done'

                [X-Fleet]
                MachineMetadata=machine=N
                """.replace("N", Integer.toString(machine));
    }

    /** Submits {@code contents} as {@code name} and asks for it to be launched. */
    static void launch(FleetClient api, String name, String contents) throws ApiException {
        List<UnitOption> options = UnitFile.parse(name, contents).options().stream()
                .map(o -> new UnitOption(o.section(), o.name(), o.value())).toList();
        api.putUnit(Unit.submission(name, options, contents, DesiredState.LAUNCHED));
    }
}
