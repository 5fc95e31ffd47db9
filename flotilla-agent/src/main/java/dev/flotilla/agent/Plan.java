package dev.flotilla.agent;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.flotilla.unit.UnitName;

/**
 * What one reconcile pass will do. Immutable.
 *
 * @param tasks the tasks, in the order to run them: loads, stops and unloads, restarts, starts
 * @param waiting units that should run but wait for a dependency, with the reason to publish
 */
record Plan(List<Task> tasks, SortedMap<UnitName, String> waiting) {

    /** Makes unmodifiable copies. */
    Plan {
        tasks = List.copyOf(tasks);
        waiting = Collections.unmodifiableSortedMap(new TreeMap<>(waiting));
    }
}
