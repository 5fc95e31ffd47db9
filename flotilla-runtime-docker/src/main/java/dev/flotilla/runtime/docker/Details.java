package dev.flotilla.runtime.docker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import com.github.dockerjava.api.command.HealthState;
import com.github.dockerjava.api.command.HealthStateLog;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.TopContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;

/**
 * A container unit's facts for {@code flotilla status}, asked from the engine when requested: container,
 * image, ports, networks, mounts, health and the top processes (as {@code docker top} shows them); the limits
 * are in the status ({@link Limits}).
 * Never fails: what the engine does not answer is said in the values. Stateless.
 */
final class Details {

    private static final int MAX_PROCESSES = 10;

    private Details() {}

    static Map<String, String> of(Engine engine, Optional<String> containerId, ContainerPlan plan, String health) {
        Map<String, String> out = new LinkedHashMap<>();
        if (containerId.isEmpty()) {
            if (plan != null) {
                out.put("Image", plan.spec.image());
                out.put("Container", "none (" + plan.name + " is not created)");
            }
            return out;
        }
        String id = containerId.get();
        InspectContainerResponse c;
        try {
            Optional<InspectContainerResponse> found = engine.inspect(id);
            if (found.isEmpty()) {
                out.put("Container", Containers.shortId(id) + ": the engine no longer has it");
                return out;
            }
            c = found.get();
        } catch (Engine.EngineException e) {
            out.put("Container", Containers.shortId(id) + " (cannot ask the engine: " + e.getMessage() + ")");
            return out;
        }
        var state = c.getState();
        boolean running = Boolean.TRUE.equals(state.getRunning());
        out.put("Container", Containers.shortId(id) + " " + c.getName().replaceFirst("^/", "") + " (" + state.getStatus()
                + (running ? " since " + state.getStartedAt() : ", exit status " + state.getExitCodeLong() + " at "
                        + state.getFinishedAt()) + ")");
        out.put("Image", c.getConfig().getImage() + " (" + shortImage(c.getImageId()) + ")");
        out.put("Ports", ports(c));
        Map<String, ContainerNetwork> networks = c.getNetworkSettings() == null ? Map.of()
                : Optional.ofNullable(c.getNetworkSettings().getNetworks()).orElse(Map.of());
        if (!networks.isEmpty()) {
            out.put("Networks", networks.entrySet().stream().map(e -> e.getKey() + " " + orDash(e.getValue().getIpAddress())
                    + aliases(e.getValue(), c)).collect(Collectors.joining(", ")));
        }
        if (c.getMounts() != null && !c.getMounts().isEmpty()) {
            out.put("Mounts", c.getMounts().stream().map(m -> (m.getName() != null && !m.getName().isEmpty()
                    ? "volume " + (m.getName().length() == 64 ? Containers.shortId(m.getName()) : m.getName())
                    : "bind " + m.getSource()) + " -> " + m.getDestination()
                    + (Boolean.FALSE.equals(m.getRW()) ? " (ro)" : "")).collect(Collectors.joining(", ")));
        }
        out.put("Health", health(state.getHealth(), health));
        if (running) {
            out.put("Processes", processes(engine, id));
        }
        return out;
    }

    private static String ports(InspectContainerResponse c) {
        if (c.getNetworkSettings() == null || c.getNetworkSettings().getPorts() == null) {
            return "none";
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<ExposedPort, Ports.Binding[]> e : c.getNetworkSettings().getPorts().getBindings().entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            for (Ports.Binding b : e.getValue()) {
                out.add((b.getHostIp() == null || b.getHostIp().isEmpty() ? "0.0.0.0" : b.getHostIp()) + ":"
                        + b.getHostPortSpec() + "->" + e.getKey().getPort() + "/" + e.getKey().getProtocol());
            }
        }
        return out.isEmpty() ? "none" : String.join(", ", out.stream().sorted().toList());
    }

    private static String aliases(ContainerNetwork n, InspectContainerResponse c) {
        List<String> aliases = n.getAliases() == null ? List.of() : n.getAliases().stream()
                .filter(a -> !c.getId().startsWith(a)).toList();
        return aliases.isEmpty() ? "" : " (names " + String.join(", ", aliases) + ")";
    }

    private static String health(HealthState h, String fromEvents) {
        if (h == null || h.getStatus() == null || h.getStatus().isEmpty()) {
            return fromEvents.isEmpty() ? "no health check" : fromEvents;
        }
        String out = h.getStatus() + (h.getFailingStreak() != null && h.getFailingStreak() > 0
                ? " (" + h.getFailingStreak() + " failed checks in a row)" : "");
        List<HealthStateLog> log = h.getLog();
        if (log != null && !log.isEmpty()) {
            HealthStateLog last = log.getLast();
            String output = last.getOutput() == null ? "" : last.getOutput().strip().replace('\n', ' ');
            out += "; last check exited " + last.getExitCodeLong() + (output.isEmpty() ? "" : ": "
                    + (output.length() > 120 ? output.substring(0, 120) + "..." : output));
        }
        return out;
    }

    private static String processes(Engine engine, String id) {
        TopContainerResponse top;
        try {
            top = engine.call("listing the processes of " + id, () -> engine.quick().topContainerCmd(id)
                    .withPsArgs("-o pid,user,etime,args").exec());
        } catch (Engine.EngineException e) {
            try {
                top = engine.call("listing the processes of " + id, () -> engine.quick().topContainerCmd(id).exec());
            } catch (Engine.EngineException again) {
                return "cannot list them: " + again.getMessage();
            }
        }
        String[] titles = top.getTitles();
        String[][] rows = top.getProcesses() == null ? new String[0][] : top.getProcesses();
        int[] width = new int[titles.length];
        for (int i = 0; i < titles.length; i++) {
            width[i] = titles[i].length();
            for (String[] r : rows) {
                if (i < r.length && i < titles.length - 1) {
                    width[i] = Math.max(width[i], r[i].length());
                }
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add(row(titles, width));
        for (int k = 0; k < Math.min(rows.length, MAX_PROCESSES); k++) {
            lines.add(row(rows[k], width));
        }
        if (rows.length > MAX_PROCESSES) {
            lines.add("... and " + (rows.length - MAX_PROCESSES) + " more");
        }
        return String.join("\n", lines);
    }

    private static String row(String[] cells, int[] width) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                b.append("  ");
            }
            b.append(i < width.length - 1 ? String.format("%-" + width[i] + "s", cells[i]) : cells[i]);
        }
        return b.toString().stripTrailing();
    }

    private static String shortImage(String imageId) {
        if (imageId == null) {
            return "?";
        }
        String hex = imageId.startsWith("sha256:") ? imageId.substring(7) : imageId;
        return Containers.shortId(hex);
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
