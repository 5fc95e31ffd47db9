package dev.flotilla.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.flotilla.agent.Agent;
import dev.flotilla.api.JournalEntry;
import dev.flotilla.api.MachineStats;
import dev.flotilla.api.UnitStatus;
import dev.flotilla.runtime.LimitReport;
import dev.flotilla.runtime.UnitOperationException;
import dev.flotilla.server.UnitDiagnostics;
import dev.flotilla.unit.UnitName;

/** Answers the API's status, journal and inspect questions, and machine stats, from this machine's agent. Thread-safe. */
final class AgentDiagnostics implements UnitDiagnostics {

    private static final int STATUS_LINES = 10;

    // Set once the agent exists: the API starts first, so the agent registers with the API's URL.
    private volatile Agent agent;
    private final ProcStats proc = new ProcStats(Path.of("/proc"));

    void attach(Agent running) {
        this.agent = running;
    }

    @Override
    public Optional<UnitStatus> status(String unit) throws IOException {
        Agent agent = this.agent;
        if (agent == null) {
            return Optional.empty();
        }
        UnitName name = UnitName.parse(unit);
        Optional<dev.flotilla.runtime.UnitStatus> status = agent.unitStatus(name);
        if (status.isEmpty()) {
            return Optional.empty();
        }
        dev.flotilla.runtime.UnitStatus s = status.get();
        List<JournalEntry> recent = journal(unit, STATUS_LINES).orElse(List.of());
        return Optional.of(new UnitStatus(name.name(), agent.machineId().value(),
                s.hash().map(dev.flotilla.unit.ContentHash::hex).orElse(null), s.load().systemdName(), s.active().systemdName(),
                s.sub().systemdName(), s.mainPid().isPresent() ? s.mainPid().getAsLong() : null,
                s.since().toString(), s.reason().orElse(null), recent, s.restarts(),
                s.lastExit().map(dev.flotilla.runtime.ProcessExit::describe).orElse(null),
                s.limits().stream().map(LimitReport::describe).toList(), agent.unitDetails(name)));
    }

    @Override
    public Optional<MachineStats> machineStats(String machineId) throws IOException {
        Agent agent = this.agent;
        if (agent == null || !agent.machineId().value().equals(machineId)) {
            return Optional.empty();
        }
        return Optional.of(proc.read(machineId));
    }

    @Override
    public Optional<String> inspect(String unit) throws IOException {
        Agent agent = this.agent;
        if (agent == null) {
            return Optional.empty();
        }
        try {
            return agent.inspect(UnitName.parse(unit));
        } catch (UnitOperationException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public Optional<List<JournalEntry>> journal(String unit, int lines) throws IOException {
        Agent agent = this.agent;
        if (agent == null) {
            return Optional.empty();
        }
        UnitName name = UnitName.parse(unit);
        if (agent.unitStatus(name).isEmpty()) {
            return Optional.empty();
        }
        try {
            String machine = agent.machineId().value();
            return Optional.of(agent.journal(name, lines).stream()
                    .map(e -> new JournalEntry(e.time().toString(), machine, e.identifier(), e.message()))
                    .toList());
        } catch (UnitOperationException e) {
            throw new IOException("cannot read the journal of " + unit + ": " + e.getMessage(), e);
        }
    }
}
