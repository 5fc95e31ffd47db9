package dev.flotilla.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.DesiredState;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.Unit;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every fleet command shares: the endpoint options, a client for the run, and the output streams.
 * Subclasses implement {@link #run}; a {@link CliException} or {@link ApiException} they throw becomes one
 * line on stderr and an exit code ({@link ErrorReporting}).
 */
abstract class ApiCommand implements Callable<Integer> {

    @Mixin
    ApiOptions api;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws ApiException {
        try (FleetClient client = api.client()) {
            return run(client);
        } finally {
            out().flush();
            err().flush();
        }
    }

    /** Runs the command against {@code client}; returns the exit code. */
    abstract int run(FleetClient client) throws ApiException;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /**
     * Sets the desired state of every unit in {@code ready} that does not have it yet; reports global units as
     * triggered. Returns the units to wait for: those whose state changed, and those already there whose
     * contents this run replaced (they are waited for until their machine runs the new contents). A unit that
     * already had the state is otherwise left alone, as fleetctl does, except that when it still waits for a
     * machine the reasons are printed on stderr: re-running {@code start} is how people ask "why not?".
     */
    List<String> trigger(FleetClient client, List<UnitSubmitter.Ready> ready, DesiredState state, String verb)
            throws ApiException {
        List<String> waitFor = new ArrayList<>();
        StateWaiter waiter = null;
        for (UnitSubmitter.Ready r : ready) {
            if (r.desired() == state) {
                if (r.global()) {
                    continue;
                }
                if (r.replaced()) {
                    waitFor.add(r.name());
                } else if (state != DesiredState.INACTIVE) {
                    if (waiter == null) {
                        waiter = new StateWaiter(client, new MachineLegends(client), out(), err());
                    }
                    waiter.explainIfWaiting(r.name());
                }
                continue;
            }
            client.setDesiredState(r.name(), state);
            if (r.global()) {
                out().println("Triggered global unit " + r.name() + " " + verb);
            } else {
                waitFor.add(r.name());
            }
        }
        return waitFor;
    }

    /**
     * load and start: submits the units where needed, moves them up to {@code state}, and waits for them
     * (unless the block options say not to).
     */
    int submitAndRaise(FleetClient client, List<String> units, boolean replace, DesiredState state, String verb,
            int attempts) throws ApiException {
        if (units.isEmpty()) {
            return noUnits();
        }
        List<UnitSubmitter.Ready> ready = new UnitSubmitter(client, out(), err(), replace, verb).ensure(units);
        List<String> waitFor = trigger(client, ready, state, verb);
        new StateWaiter(client, new MachineLegends(client), out(), err()).await(waitFor, state, verb, attempts, false);
        return ExitCodes.OK;
    }

    /**
     * stop and unload: moves existing units down to {@code state} (LOADED or INACTIVE) and waits for them.
     * Units already there are left alone; stopping a unit that is not loaded is refused, as fleetctl does.
     * Ends with fleetctl's "Successfully ... units [...]" line on stderr.
     */
    int lower(FleetClient client, List<String> units, DesiredState state, String verb, String done, int attempts)
            throws ApiException {
        if (units.isEmpty()) {
            return noUnits();
        }
        int exit = ExitCodes.OK;
        List<String> waitFor = new ArrayList<>();
        for (String raw : units) {
            String name = UnitArgs.name(raw);
            Optional<Unit> found = lookup(client, name);
            if (found.isEmpty()) {
                exit = ExitCodes.NOT_FOUND;
                continue;
            }
            Unit unit = found.get();
            boolean global = UnitArgs.isGlobal(unit);
            if (!global && state == DesiredState.LOADED
                    && DesiredState.fromWire(unit.desiredState()) == DesiredState.INACTIVE) {
                throw new CliException(ExitCodes.FAILED, "Unable to " + verb + " unit " + name
                        + " in state inactive: load or start it first");
            }
            if (!global && state.wire().equals(unit.desiredState()) && state.wire().equals(unit.currentState())) {
                continue;
            }
            client.setDesiredState(name, state);
            if (global) {
                out().println("Triggered global unit " + name + " " + verb);
            } else {
                waitFor.add(name);
            }
        }
        new StateWaiter(client, new MachineLegends(client), out(), err()).await(waitFor, state, verb, attempts, false);
        if (!waitFor.isEmpty() || exit == ExitCodes.OK) {
            err().println("Successfully " + done + " units " + waitFor.toString().replace(", ", " ") + ".");
        }
        return exit;
    }

    /** The unit, or empty after telling stderr, as fleetctl does, that it was not found. */
    Optional<Unit> lookup(FleetClient client, String name) throws ApiException {
        Optional<Unit> found = client.unit(name);
        if (found.isEmpty()) {
            err().println("Unit " + name + " not found");
        }
        return found;
    }

    /** fleetctl's answer to a command given no units: a note on stderr, and success. */
    int noUnits() {
        err().println("No units given");
        return ExitCodes.OK;
    }
}
