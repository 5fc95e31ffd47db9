package dev.flotilla.server;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.flotilla.api.Unit;
import dev.flotilla.registry.DesiredState;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.RegistryException;
import dev.flotilla.registry.UnitRecord;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitFile;
import dev.flotilla.unit.UnitName;
import dev.flotilla.unit.UnitOption;
import dev.flotilla.unit.UnitParseException;
import io.javalin.http.Context;

/**
 * {@code PUT /fleet/v1/units/{name}}: fleet's create-or-update of a unit. A body with options (or, Flotilla's
 * extension, {@code contents}: the file's exact text) creates the unit (201) or, when the file differs from
 * the stored one, replaces it (201; the desired state is kept unless the body gives one); a body with only a
 * {@code desiredState} changes the state (204). The file is checked before anything is written: an invalid
 * one is refused with 400 naming the unit, line, column and reason, and nothing is stored. Thread-safe.
 */
final class UnitSubmissions {

    private final Registry registry;
    private final int maxBodyBytes;

    UnitSubmissions(Registry registry, int maxBodyBytes) {
        this.registry = registry;
        this.maxBodyBytes = maxBodyBytes;
    }

    void put(Context ctx) throws StoreException, RegistryException {
        requireJson(ctx);
        UnitName name = UnitsResource.pathUnit(ctx);
        Unit body = Json.read(Json.body(ctx, maxBodyBytes), Unit.class);
        if (body.name() != null && !body.name().isEmpty() && !body.name().equals(name.name())) {
            throw ApiFailure.badRequest("name in URL \"" + name + "\" differs from unit name in request body \""
                    + body.name() + "\"");
        }
        Optional<DesiredState> desired = desiredState(body);
        if (name.isTemplate() && desired.filter(DesiredState::isPlaced).isPresent()) {
            throw ApiFailure.badRequest("cannot activate template " + name + ": a template stays inactive; load or "
                    + "start an instance of it, such as " + name.withInstance("1"));
        }
        Optional<String> text = checkedText(name, body);
        Optional<UnitRecord> existing = registry.units().get(name);
        if (existing.isEmpty()) {
            if (text.isEmpty()) {
                throw ApiFailure.notFound("unit " + name + " does not exist; submit it with its options first");
            }
            registry.units().create(name, text.get(), desired.orElse(DesiredState.INACTIVE), false);
            ctx.status(201);
            return;
        }
        if (text.isPresent() && changed(existing.get(), text.get(), body.contents() != null)) {
            registry.units().create(name, text.get(), DesiredState.INACTIVE, true);
            if (desired.isPresent()) {
                registry.units().setDesiredState(name, desired.get());
            }
            ctx.status(201);
            return;
        }
        if (desired.isPresent()) {
            registry.units().setDesiredState(name, desired.get());
        }
        ctx.status(204);
    }

    /** fleet's check: exactly one Content-Type, and it is JSON. */
    static void requireJson(Context ctx) {
        List<String> types = java.util.Collections.list(ctx.req().getHeaders("Content-Type"));
        String type = types.size() == 1 ? types.getFirst().split(";", 2)[0].trim().toLowerCase(Locale.ROOT) : "";
        if (!type.equals("application/json")) {
            throw new ApiFailure(415, types.size() > 1 ? "expected 1 Content-Type, got " + types.size()
                    : "only acceptable Content-Type is application/json");
        }
    }

    private static Optional<DesiredState> desiredState(Unit body) {
        if (body.desiredState() == null || body.desiredState().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(DesiredState.parse(body.desiredState()));
        } catch (IllegalArgumentException e) {
            throw ApiFailure.badRequest(e.getMessage());
        }
    }

    /**
     * The unit file the body submits, checked as the registry stores it: the contents when given (and the
     * options, when given too, must say the same), else the canonical text of the options; empty for a
     * state-only body.
     */
    private static Optional<String> checkedText(UnitName name, Unit body) {
        if (body.contents() != null) {
            requireSize(name, body.contents());
        }
        try {
            List<UnitOption> options = body.options().stream()
                    .map(o -> new UnitOption(o.section(), o.name(), o.value())).toList();
            if (body.contents() != null) {
                UnitDefinition definition = UnitDefinition.parse(name, body.contents());
                if (!options.isEmpty() && !canonical(name, options).equals(canonical(name, definition.file().options()))) {
                    throw ApiFailure.badRequest("the options and the contents of unit " + name
                            + " describe different files: send the contents alone, or options that match them");
                }
                return Optional.of(body.contents());
            }
            if (options.isEmpty()) {
                return Optional.empty();
            }
            UnitFile file = UnitFile.fromOptions(name.name(), options);
            requireSize(name, file.serialise());
            return Optional.of(UnitDefinition.check(name, file).file().serialise());
        } catch (UnitParseException e) {
            throw ApiFailure.badRequest(e.getMessage());
        }
    }

    /** Refuses a unit file over {@link UnitFile#MAX_BYTES} with 413 before it is parsed. */
    private static void requireSize(UnitName name, String text) {
        int bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > UnitFile.MAX_BYTES) {
            throw new ApiFailure(413, "unit " + name + " is " + bytes + " bytes; at most " + UnitFile.MAX_BYTES
                    + " bytes are stored (keep large data out of unit files)");
        }
    }

    /**
     * Whether the submitted text replaces the stored one. Options are compared by meaning (as fleet compared
     * them), so re-sending a file's options does not overwrite the text it was submitted with; exact
     * contents are compared byte for byte.
     */
    private static boolean changed(UnitRecord existing, String text, boolean exactContents) {
        if (exactContents) {
            return !existing.contents().equals(text);
        }
        try {
            UnitFile stored = UnitFile.parse(existing.name().name(), existing.contents());
            return !canonical(existing.name(), stored.options()).equals(text);
        } catch (UnitParseException e) {
            return true;
        }
    }

    private static String canonical(UnitName name, List<UnitOption> options) {
        return UnitFile.fromOptions(name.name(), options).serialise();
    }
}
