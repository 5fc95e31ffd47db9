package dev.flotilla.engine.scheduler;

import dev.flotilla.unit.FleetOptions;
import dev.flotilla.unit.UnitFile;
import dev.flotilla.unit.UnitName;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Machines, units and snapshots for scheduler tests: real unit text, parsed as the API would. */
final class Fixtures {

    /** The four machines of the seed tutorial, by the short IDs it shows (full IDs are made up). */
    static final String M_2AA = "2aa4e35a9f0c4b1d8e7a6c5b4a3f2e1d";
    static final String M_684 = "6847f4f71b2c3d4e5f60718293a4b5c6";
    static final String M_C3F = "c3f52cb30a1b2c3d4e5f607182930a1b";
    static final String M_EE5 = "ee5398cf5d4c3b2a1f0e9d8c7b6a5f4e";

    static final UnitScheduler SCHEDULER = new UnitScheduler();

    private Fixtures() {}

    /** A machine with {@code k=v} metadata pairs. */
    static Machine machine(String id, String... pairs) {
        Map<String, String> md = new HashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            md.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return Machine.of(id, md);
    }

    /** The tutorial's four machines, no metadata. */
    static List<Machine> fourMachines() {
        return List.of(machine(M_2AA), machine(M_684), machine(M_C3F), machine(M_EE5));
    }

    /** A launched unit whose {@code [X-Fleet]} section holds {@code xfleet} (lines, may be empty). */
    static UnitSpec unit(String name, String... xfleet) {
        return UnitSpec.of(UnitName.parse(name), options(name, String.join("\n", xfleet)), DesiredState.LAUNCHED);
    }

    /** {@code [X-Fleet]} options of unit {@code name} for the given section body. */
    static FleetOptions options(String name, String xfleetBody) {
        String text = "[Unit]\nDescription=" + name + "\n\n[Service]\nExecStart=/bin/true\n"
                + (xfleetBody.isEmpty() ? "" : "\n[X-Fleet]\n" + xfleetBody + "\n");
        return FleetOptions.parse(UnitFile.parse(name, text), UnitName.parse(name));
    }

    /** A launched unit parsed from a file in src/test/resources/units, under {@code name}. */
    static UnitSpec fromResource(String file, String name) {
        String text;
        try (InputStream in = Fixtures.class.getResourceAsStream("/units/" + file)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        UnitName unit = UnitName.parse(name);
        return UnitSpec.of(unit, FleetOptions.parse(UnitFile.parse(file, text), unit), DesiredState.LAUNCHED);
    }

    static UnitSpec withState(UnitSpec u, DesiredState s) {
        return new UnitSpec(u.name(), u.options(), s, u.machineId());
    }

    static ClusterSnapshot snapshot(List<Machine> machines, UnitSpec... units) {
        return new ClusterSnapshot(machines, Arrays.asList(units));
    }

    static ClusterSnapshot snapshot(List<Machine> machines, List<UnitSpec> units) {
        return new ClusterSnapshot(machines, units);
    }

    static Plan plan(ClusterSnapshot s) {
        return SCHEDULER.plan(s);
    }

    /** The snapshot after the leader applied {@code plan}: every unit on its planned machine. */
    static ClusterSnapshot applied(ClusterSnapshot s, Plan plan) {
        return withMachines(s, s.machines(), plan);
    }

    /** As {@link #applied}, with a different set of live machines (one died, one joined). */
    static ClusterSnapshot withMachines(ClusterSnapshot s, List<Machine> machines, Plan plan) {
        List<UnitSpec> units = new ArrayList<>();
        for (UnitSpec u : s.units()) {
            units.add(new UnitSpec(u.name(), u.options(), u.desiredState(), Optional.ofNullable(plan.schedule().get(u.name()))));
        }
        return new ClusterSnapshot(machines, units);
    }

    static UnitName name(String n) {
        return UnitName.parse(n);
    }

    /** The machine of {@code unit} after {@code plan}, or null. */
    static String on(Plan plan, String unit) {
        return plan.schedule().get(name(unit));
    }

    /** The machines of a list without {@code id}. */
    static List<Machine> without(List<Machine> machines, String id) {
        return machines.stream().filter(m -> !m.id().equals(id)).toList();
    }
}
