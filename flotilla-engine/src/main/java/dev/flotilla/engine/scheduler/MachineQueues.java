package dev.flotilla.engine.scheduler;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The machines ordered by (load, machine ID), one ordered set per distinct {@code MachineMetadata}
 * requirement (built the first time a unit asks, holding only the machines that match), so that
 * finding the least-loaded fitting machine rarely looks at a machine that cannot fit. Mutable,
 * confined to one run.
 */
final class MachineQueues {

    /** Least load first; machine ID breaks ties (slots are indexed in ID order). */
    static final Comparator<Slot> BY_LOAD = Comparator.<Slot>comparingInt(s -> s.load).thenComparingInt(s -> s.index);

    private final Slot[] slots;
    private final Map<Map<String, Set<String>>, NavigableSet<Slot>> byRequirement = new HashMap<>();

    MachineQueues(Slot[] slots) {
        this.slots = slots;
    }

    /** The machines whose metadata satisfies {@code requirement}, least loaded first. Live view. */
    NavigableSet<Slot> matching(Map<String, Set<String>> requirement) {
        NavigableSet<Slot> queue = byRequirement.get(requirement);
        if (queue == null) {
            queue = new TreeSet<>(BY_LOAD);
            for (Slot s : slots) {
                if (Constraints.metadataFits(requirement, s.machine.metadata())) {
                    queue.add(s);
                    s.queues.add(queue);
                }
            }
            byRequirement.put(requirement, queue);
        }
        return queue;
    }

    /** Changes a machine's load, keeping every ordered set it belongs to consistent. */
    static void changeLoad(Slot s, int delta) {
        for (NavigableSet<Slot> q : s.queues) {
            q.remove(s);
        }
        s.load += delta;
        for (NavigableSet<Slot> q : s.queues) {
            q.add(s);
        }
    }
}
