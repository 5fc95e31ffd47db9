package dev.flotilla.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.flotilla.runtime.LimitReport;
import dev.flotilla.runtime.Runtime;
import dev.flotilla.runtime.RuntimeContract;
import dev.flotilla.runtime.UnitOperationException;
import dev.flotilla.runtime.UnitStatus;

/** The runtime contract, run against the exec runtime with shell commands for units. */
class ExecRuntimeContractTest extends RuntimeContract {

    @Override
    protected Runtime open(Path stateDir) throws UnitOperationException {
        return ExecRuntime.open(ExecRuntimeConfig.of(stateDir));
    }

    @Override
    protected String unitType() {
        return "service";
    }

    @Override
    protected String waitingUnit(String marker, Path trigger, int exitCode) {
        return """
                [Service]
                ExecStart=/bin/sh -c 'echo %s; while [ ! -e %s ]; do sleep 0.05; done; echo bye; exit %d'
                """.formatted(marker, trigger, exitCode);
    }

    @Override
    protected String unitWithChildren() {
        return """
                [Service]
                ExecStart=/bin/bash -c 'sleep 1000 & setsid sleep 1001 & echo started; wait'
                """;
    }

    @Override
    protected String unitWithLimits(String memory, int cpuWeight) {
        return """
                [Service]
                MemoryMax=%s
                CPUWeight=%d
                ExecStart=/bin/sleep 1000
                """.formatted(memory, cpuWeight);
    }

    /** Where this host lets the runtime write cgroups, the limits must be in the files the process is in. */
    @Override
    protected void checkLimitsOnThisHost(UnitStatus status) throws IOException {
        String cgroups = Files.readString(Path.of("/proc", Long.toString(status.mainPid().getAsLong()), "cgroup"));
        for (LimitReport l : status.limits()) {
            if (l.applied()) {
                String detail = l.detail();
                Path dir = Path.of(detail.substring(detail.indexOf(" in ") + 4));
                String file = detail.substring(0, detail.indexOf('='));
                String value = detail.substring(detail.indexOf('=') + 1, detail.indexOf(" in "));
                assertThat(Files.readString(dir.resolve(file)).strip()).isEqualTo(value);
                assertThat(Files.readAllLines(dir.resolve("cgroup.procs"))).contains(Long.toString(status.mainPid().getAsLong()));
                assertThat(cgroups).contains(dir.getFileName().toString());
            } else {
                assertThat(l.detail()).as("why %s is not applied", l.setting()).isNotBlank();
            }
        }
    }
}
