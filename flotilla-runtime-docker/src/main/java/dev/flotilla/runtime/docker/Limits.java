package dev.flotilla.runtime.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.HostConfig;

import dev.flotilla.runtime.LimitReport;

/**
 * What became of a container's {@code Memory=} and {@code CPUWeight=}/{@code CPUShares=}: what the engine
 * recorded, and, when this process can see the container's cgroup, the value in the kernel's file ({@code
 * memory.limit_in_bytes=268435456 in /sys/fs/cgroup/memory/docker/<id>}, the same form as the exec runtime's
 * reports). A limit the engine dropped (it warns when the kernel lacks the controller) is reported not applied,
 * with the engine's warning. Stateless.
 */
final class Limits {

    private Limits() {}

    static List<LimitReport> report(ContainerPlan plan, InspectContainerResponse c, String[] warnings) {
        List<LimitReport> out = new ArrayList<>();
        HostConfig host = c.getHostConfig();
        long pid = Optional.ofNullable(c.getState().getPidLong()).orElse(0L);
        List<String> warned = warnings == null ? List.of() : Arrays.asList(warnings);
        plan.memoryText.ifPresent(text -> {
            Long bytes = host == null ? null : host.getMemory();
            Optional<String> w = warned.stream().filter(s -> s.toLowerCase(Locale.ROOT).contains("memory")).findFirst();
            if (bytes == null || bytes <= 0 || w.isPresent()) {
                out.add(new LimitReport("Memory", text, false, w.orElse("the engine did not set a memory limit")));
            } else {
                out.add(new LimitReport("Memory", text, true, cgroupFile(pid, "memory", "memory.limit_in_bytes",
                        "memory.max").orElse("HostConfig.Memory=" + bytes + " (the engine's cgroup for the container)")));
            }
        });
        plan.cpuText.ifPresent(cpu -> {
            Integer shares = host == null ? null : host.getCpuShares();
            Optional<String> w = warned.stream().filter(s -> s.toLowerCase(Locale.ROOT).contains("cpu")).findFirst();
            if (shares == null || shares <= 0 || w.isPresent()) {
                out.add(new LimitReport(cpu.getKey(), cpu.getValue(), false, w.orElse("the engine did not set CPU shares")));
            } else {
                out.add(new LimitReport(cpu.getKey(), cpu.getValue(), true, cgroupFile(pid, "cpu", "cpu.shares",
                        "cpu.weight").orElse("HostConfig.CpuShares=" + shares + " (the engine's cgroup for the container)")));
            }
        });
        return out;
    }

    /**
     * {@code file=value in dir} for the container's cgroup of {@code controller}: the v1 hierarchy that has it,
     * else the unified (v2) one with {@code v2File}. Empty when the process's cgroups cannot be read here.
     */
    static Optional<String> cgroupFile(long pid, String controller, String v1File, String v2File) {
        if (pid <= 0) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"));
            for (String line : lines) {
                String[] f = line.split(":", 3);
                if (f.length == 3 && Arrays.asList(f[1].split(",")).contains(controller)) {
                    Path dir = Path.of("/sys/fs/cgroup", f[1], f[2]);
                    Path file = dir.resolve(v1File);
                    if (Files.isReadable(file)) {
                        return Optional.of(v1File + "=" + Files.readString(file).strip() + " in " + dir);
                    }
                }
            }
            for (String line : lines) {
                if (line.startsWith("0::")) {
                    Path dir = Path.of("/sys/fs/cgroup", line.substring(3));
                    Path file = dir.resolve(v2File);
                    if (Files.isReadable(file)) {
                        return Optional.of(v2File + "=" + Files.readString(file).strip() + " in " + dir);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
