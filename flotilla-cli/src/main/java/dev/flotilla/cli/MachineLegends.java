package dev.flotilla.cli;

import java.util.HashMap;
import java.util.Map;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.Machine;

/**
 * How fleetctl names a machine in its tables and messages: {@code 2aa4e35a.../10.208.201.253} (the full ID
 * with {@code --full}; without {@code /IP} when the machine is not registered, e.g. it just died). Reads
 * the machine list once, on first use, like fleetctl. Not thread-safe.
 */
final class MachineLegends {

    private final FleetClient client;
    private Map<String, Machine> machines;

    MachineLegends(FleetClient client) {
        this.client = client;
    }

    /** The legend of {@code machineId}: short or full ID, then {@code /IP} when the machine is known. */
    String of(String machineId, boolean full) throws ApiException {
        Machine m = known().get(machineId);
        String legend = full ? machineId : shortId(machineId);
        return m == null || m.primaryIP() == null || m.primaryIP().isEmpty() ? legend : legend + "/" + m.primaryIP();
    }

    /** fleetctl's short form of an ID: its first 8 characters and {@code ...}. */
    static String shortId(String machineId) {
        return (machineId.length() > 8 ? machineId.substring(0, 8) : machineId) + "...";
    }

    private Map<String, Machine> known() throws ApiException {
        if (machines == null) {
            machines = new HashMap<>();
            for (Machine m : client.machines()) {
                machines.put(m.id(), m);
            }
        }
        return machines;
    }
}
