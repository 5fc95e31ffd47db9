package dev.flotilla.runtime.docker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.model.ContainerNetwork;

import dev.flotilla.runtime.docker.Engine.EngineException;
import dev.flotilla.unit.PullPolicy;

/**
 * The engine's side of one start of a container unit, step by step: clear the name, get the image as
 * {@code Pull=} says, create the networks and volumes it needs, create the container and join its further
 * networks. Holds no state of the unit; each step tells the unit's journal what it did through {@code note}.
 * Used by the unit's own thread.
 */
final class ContainerLauncher {

    private final Engine engine;
    private final ContainerPlan plan;
    private final Consumer<String> note;

    ContainerLauncher(Engine engine, ContainerPlan plan, Consumer<String> note) {
        this.engine = engine;
        this.plan = plan;
        this.note = note;
    }

    /**
     * Removes a container that holds the plan's name when it is an earlier run of this very unit (its record
     * lost it: the agent died right after creating it).
     *
     * @throws EngineException naming the container when the name is held by a container this unit did not create
     */
    void removeEarlierRun(String stateDirLabel) throws EngineException {
        Optional<InspectContainerResponse> same = engine.inspect(plan.name);
        if (same.isEmpty()) {
            return;
        }
        Map<String, String> labels = same.get().getConfig().getLabels();
        if (labels != null && stateDirLabel.equals(labels.get(ContainerPlan.LABEL_STATE_DIR))
                && plan.unit.name().equals(labels.get(ContainerPlan.LABEL_UNIT))) {
            engine.remove(same.get().getId());
            return;
        }
        throw new EngineException("the container name " + plan.name + " is taken by container "
                + Containers.shortId(same.get().getId()) + ", which Flotilla's " + plan.unit + " did not create here: "
                + "remove it (docker rm -f " + plan.name + ") or give the unit another ContainerName=", false, null);
    }

    /**
     * Makes sure the image is there as {@code Pull=} says (see docs/docker-runtime.md, "Images").
     *
     * @param timeLeft what is left of {@code TimeoutStartSec=} for a pull, when it is bounded
     * @throws EngineException with the reason the unit fails with: the image is missing and may not or cannot be
     *     pulled, or {@code Pull=always} could not pull
     */
    void ensureImage(Optional<Duration> timeLeft) throws EngineException {
        String image = plan.spec.image();
        PullPolicy pull = plan.spec.pull();
        boolean present = engine.image(image).isPresent();
        if (pull == PullPolicy.NEVER) {
            if (!present) {
                throw new EngineException("image " + image + " is not on this machine, and Pull=never forbids pulling "
                        + "it: load it into the engine (docker load, docker import), or set Pull=missing", false, null);
            }
            return;
        }
        if (present && pull == PullPolicy.MISSING) {
            return;
        }
        note.accept("Pulling image " + image + " (Pull=" + pull + ")...");
        try {
            engine.pull(image, timeLeft.filter(d -> !d.isNegative()).orElse(Duration.ofHours(1)));
            note.accept("Pulled image " + image + ".");
        } catch (EngineException e) {
            if (e.unreachable()) {
                throw e;
            }
            if (present && pull == PullPolicy.NEWER) {
                note.accept("cannot check for a newer " + image + " (" + e.getMessage() + "); running the one on this "
                        + "machine");
                return;
            }
            throw new EngineException(present ? "image " + image + ": Pull=" + pull + " but pulling failed: "
                    + e.getMessage() : "image " + image + " is not on this machine and pulling it failed: "
                    + e.getMessage(), false, e);
        }
    }

    /** Creates the user-defined networks and named volumes the container needs that do not exist yet, labelled. */
    void ensureNetworksAndVolumes() throws EngineException {
        for (String network : plan.userNetworks()) {
            if (networkExists(network)) {
                continue;
            }
            try {
                engine.run("creating network " + network, () -> engine.quick().createNetworkCmd().withName(network)
                        .withDriver("bridge").withCheckDuplicate(true).withLabels(plan.resourceLabels()).exec());
                note.accept("Created network " + network + ".");
            } catch (EngineException e) {
                if (e.unreachable() || !networkExists(network)) {
                    throw e; // not merely created by another unit at the same moment
                }
            }
        }
        for (String volume : plan.namedVolumes()) {
            List<InspectVolumeResponse> found = engine.call("looking up volume " + volume, () -> engine.quick()
                    .listVolumesCmd().withFilter("name", List.of(volume)).exec().getVolumes());
            if (found == null || found.stream().noneMatch(v -> v.getName().equals(volume))) {
                engine.run("creating volume " + volume, () -> engine.quick().createVolumeCmd().withName(volume)
                        .withLabels(plan.resourceLabels()).exec());
                note.accept("Created volume " + volume + ".");
            }
        }
    }

    private boolean networkExists(String network) throws EngineException {
        return engine.call("looking up network " + network, () -> engine.quick().listNetworksCmd().withNameFilter(network)
                .exec()).stream().anyMatch(n -> n.getName().equals(network));
    }

    /** Creates the container, its ports bound on {@code publicIp} unless the unit names an address; notes the engine's warnings. */
    CreateContainerResponse create(Optional<String> publicIp) throws EngineException {
        CreateContainerResponse created = engine.call("creating container " + plan.name,
                () -> plan.apply(engine.quick().createContainerCmd(plan.spec.image()), publicIp).exec());
        for (String warning : created.getWarnings() == null ? new String[0] : created.getWarnings()) {
            note.accept("engine warning: " + warning);
        }
        return created;
    }

    /** Joins the networks after the first (a container is created on one), with the unit's aliases. */
    void connectNetworks(String id) throws EngineException {
        for (String network : plan.userNetworks().stream().skip(1).toList()) {
            engine.run("connecting container " + plan.name + " to network " + network, () -> engine.quick()
                    .connectToNetworkCmd().withNetworkId(network).withContainerId(id)
                    .withContainerNetwork(new ContainerNetwork().withAliases(plan.spec.networkAliases())).exec());
        }
    }
}
