package dev.flotilla.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.DesiredState;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.Unit;
import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.UnitName;

/**
 * What {@code submit}, {@code load} and {@code start} do first (fleetctl's "lazy create"): make sure every
 * argument's unit exists in the cluster, submitting it from its file, or, for an instance such as
 * {@code web@05.service}, from its template ({@code web@.service} in the cluster, else in the file's
 * directory). With {@code --replace}, a unit whose local file differs is resubmitted (when its state allows
 * it, as fleetctl's rules say). Every file is read and checked before anything is written: one invalid file
 * stores nothing. Not thread-safe.
 */
final class UnitSubmitter {

    /**
     * A unit that exists once {@link #ensure} returns.
     *
     * @param name the unit
     * @param desired its desired state
     * @param global whether it is a global unit
     * @param replaced whether this run replaced the registered unit's contents ({@code --replace})
     */
    record Ready(String name, DesiredState desired, boolean global, boolean replaced) {
    }

    private record Plan(Ready ready, Optional<UnitArgs.UnitText> write) {
    }

    private final FleetClient client;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean replace;
    private final Set<DesiredState> replaceableIn;

    /**
     * @param command {@code submit}, {@code load} or {@code start}: which states {@code --replace} may replace
     *     a unit in (inactive; inactive or loaded; any)
     */
    UnitSubmitter(FleetClient client, PrintWriter out, PrintWriter err, boolean replace, String command) {
        this.client = client;
        this.out = out;
        this.err = err;
        this.replace = replace;
        this.replaceableIn = switch (command) {
            case "submit" -> Set.of(DesiredState.INACTIVE);
            case "load" -> Set.of(DesiredState.INACTIVE, DesiredState.LOADED);
            default -> Set.of(DesiredState.values());
        };
    }

    /**
     * Makes sure the units of {@code args} exist; returns them in order.
     *
     * @throws CliException when a unit can be found neither in the cluster nor on disk, or its file is invalid
     *     (nothing was written then)
     * @throws ApiException when the API refuses or fails
     */
    List<Ready> ensure(List<String> args) throws ApiException {
        List<Plan> plans = new ArrayList<>();
        for (String raw : args) {
            plans.add(plan(UnitArgs.parse(raw)));
        }
        List<Ready> ready = new ArrayList<>();
        for (Plan plan : plans) {
            if (plan.write().isPresent()) {
                UnitArgs.UnitText text = plan.write().get();
                client.putUnit(Unit.submission(plan.ready().name(), text.options(), text.text(), null));
            }
            ready.add(plan.ready());
        }
        return ready;
    }

    private Plan plan(UnitArgs.Arg arg) throws ApiException {
        String name = arg.name().name();
        Optional<Unit> existing = client.unit(name);
        if (existing.isEmpty()) {
            UnitArgs.UnitText text = source(arg);
            boolean global = UnitArgs.isGlobal(Unit.submission(name, text.options(), text.text(), null));
            return new Plan(new Ready(name, DesiredState.INACTIVE, global, false), Optional.of(text));
        }
        Unit unit = existing.get();
        DesiredState desired = DesiredState.fromWire(unit.desiredState());
        Ready ready = new Ready(name, desired, UnitArgs.isGlobal(unit), false);
        Optional<Path> file = localFile(arg);
        if (file.isEmpty()) {
            return new Plan(ready, Optional.empty());
        }
        UnitArgs.UnitText local = UnitArgs.read(file.get(), arg.name());
        if (!differs(unit, local)) {
            if (replace) {
                out.println("Found same Unit(" + name + ") in Registry, nothing to do");
            }
            return new Plan(ready, Optional.empty());
        }
        if (!replace) {
            err.println("WARNING: Unit " + name + " in registry differs from local unit file " + file.get()
                    + ". Add --replace to override.");
            return new Plan(ready, Optional.empty());
        }
        if (!replaceableIn.contains(desired)) {
            err.println("Warning: can not replace Unit(" + name + ") in state '" + unit.desiredState()
                    + "', use the appropriate command");
            return new Plan(ready, Optional.empty());
        }
        return new Plan(new Ready(name, desired, ready.global(), true), Optional.of(local));
    }

    /** The text a new unit is submitted with: its file, else its template's (cluster first, then disk). */
    private UnitArgs.UnitText source(UnitArgs.Arg arg) throws ApiException {
        UnitName name = arg.name();
        if (Files.isRegularFile(arg.path())) {
            return UnitArgs.read(arg.path(), name);
        }
        if (Files.exists(arg.path())) {
            throw new CliException(ExitCodes.USAGE, arg.path() + " is not a regular file");
        }
        Optional<UnitName> template = name.template();
        if (template.isEmpty()) {
            throw new CliException(ExitCodes.NOT_FOUND, "unit " + name + " not found: there is no file " + arg.path()
                    + " and no unit of that name in the cluster");
        }
        Optional<Unit> registered = client.unit(template.get().name());
        if (registered.isPresent()) {
            return UnitArgs.check(UnitArgs.text(registered.get()), name);
        }
        Path local = templateFile(arg, template.get());
        if (Files.isRegularFile(local)) {
            return UnitArgs.read(local, name);
        }
        throw new CliException(ExitCodes.NOT_FOUND, "unit " + name + " not found: its template " + template.get()
                + " is neither in the cluster nor on disk (" + local + "), and there is no file " + arg.path());
    }

    /** The local file a registered unit is compared with: its own file, else (an instance) its template's. */
    private static Optional<Path> localFile(UnitArgs.Arg arg) {
        if (Files.isRegularFile(arg.path())) {
            return Optional.of(arg.path());
        }
        return arg.name().template().map(t -> templateFile(arg, t)).filter(Files::isRegularFile);
    }

    private static Path templateFile(UnitArgs.Arg arg, UnitName template) {
        Path dir = arg.path().getParent();
        return dir == null ? Path.of(template.name()) : dir.resolve(template.name());
    }

    /** Whether the local text differs from the registered unit: by hash where the server gives one, else by options. */
    private static boolean differs(Unit unit, UnitArgs.UnitText local) {
        if (unit.hash() != null) {
            return !unit.hash().equals(ContentHash.of(local.text()).hex());
        }
        return !UnitArgs.text(unit).equals(UnitArgs.text(Unit.submission(unit.name(), local.options(), null, null)));
    }
}
