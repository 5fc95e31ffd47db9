package dev.flotilla.engine.scheduler;

import dev.flotilla.unit.FleetOptions;
import dev.flotilla.unit.UnitFile;
import dev.flotilla.unit.UnitName;
import dev.flotilla.unit.UnitParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Random but plausible snapshots for property tests: a few machines with metadata, units drawn
 * from a small name pool (so globs and peers hit), every [X-Fleet] option in random mixes (a mix
 * the parser refuses is dropped, as the API would), random desired states and current machines
 * (live, gone, or none).
 */
final class SnapshotGenerator {

    private static final String[] NAMES = {"a.service", "ab.service", "b.service", "db.service",
        "dbhelper.service", "x.service", "web@1.service", "web@2.service", "web@3.service", "web@4.service",
        "web@.service", "mon@1.service", "mon@2.service", "g.service", "h.service"};
    private static final String[] GLOBS = {"web@*.service", "a*.service", "db.service", "*", "web@?.service",
        "x.service", "mon@*", "b.service", "[ab]*.service"};
    private static final String[] META = {"region=us", "region=eu", "disk=ssd", "disk=hdd", "role=web"};

    private final Random r;

    SnapshotGenerator(long seed) {
        this.r = new Random(seed);
    }

    ClusterSnapshot snapshot() {
        List<Machine> machines = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        int n = r.nextInt(7);
        for (int i = 0; i < n; i++) {
            String id = hex(16);
            ids.add(id);
            Map<String, String> md = new LinkedHashMap<>();
            if (r.nextBoolean()) {
                md.put("region", r.nextBoolean() ? "us" : "eu");
            }
            if (r.nextBoolean()) {
                md.put("disk", r.nextBoolean() ? "ssd" : "hdd");
            }
            if (r.nextInt(3) == 0) {
                md.put("role", "web");
            }
            machines.add(new Machine(id, md, r.nextInt(4) == 0 ? "b0" + hex(15) : "", Map.of()));
        }
        String dead = hex(16);
        List<UnitSpec> units = new ArrayList<>();
        for (String name : NAMES) {
            if (r.nextInt(4) == 0) {
                continue;
            }
            UnitName un = UnitName.parse(name);
            DesiredState state = DesiredState.values()[r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(2)];
            Optional<String> on = switch (r.nextInt(4)) {
                case 0, 1 -> Optional.empty();
                case 2 -> ids.isEmpty() ? Optional.empty() : Optional.of(ids.get(r.nextInt(ids.size())));
                default -> r.nextBoolean() ? Optional.of(dead) : ids.isEmpty() ? Optional.empty()
                        : Optional.of(ids.get(r.nextInt(ids.size())));
            };
            units.add(new UnitSpec(un, options(un, ids, dead), state, on));
        }
        return new ClusterSnapshot(machines, units);
    }

    private FleetOptions options(UnitName name, List<String> ids, String dead) {
        StringBuilder x = new StringBuilder();
        if (r.nextInt(3) == 0) {
            x.append("Conflicts=").append(pick(GLOBS)).append(r.nextBoolean() ? " " + pick(GLOBS) : "").append('\n');
        }
        if (r.nextInt(5) == 0) {
            x.append("Replaces=").append(pick(GLOBS)).append('\n');
        }
        if (r.nextInt(4) == 0) {
            x.append("MachineOf=").append(r.nextInt(4) == 0 ? "web@%i.service" : pick(NAMES)).append('\n');
        }
        for (int i = r.nextInt(3); i > 0; i--) {
            x.append("MachineMetadata=").append(pick(META)).append('\n');
        }
        if (r.nextInt(8) == 0) {
            String id = ids.isEmpty() || r.nextInt(3) == 0 ? dead : ids.get(r.nextInt(ids.size()));
            x.append("MachineID=").append(r.nextBoolean() ? id.substring(0, 8) : id).append('\n');
        }
        if (r.nextInt(8) == 0) {
            x.append("Global=true\n");
        }
        String text = "[Unit]\nDescription=generated\n\n[X-Fleet]\n" + x;
        try {
            return FleetOptions.parse(UnitFile.parse(name.name(), text), name);
        } catch (UnitParseException refused) {
            return FleetOptions.NONE;
        }
    }

    private String pick(String[] from) {
        return from[r.nextInt(from.length)];
    }

    private String hex(int bytes) {
        byte[] b = new byte[bytes];
        r.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
