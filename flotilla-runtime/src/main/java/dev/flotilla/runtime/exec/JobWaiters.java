package dev.flotilla.runtime.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.flotilla.runtime.UnitStatus;

/**
 * The stages a unit's {@code start}, {@code stop} and {@code restart} returned, until their job is
 * done: start jobs of the current run, the start queued behind a stop, stop jobs. Methods that end
 * jobs return the stages to complete, so the caller completes them after releasing its lock (a
 * caller's continuation must never run under it). Not thread-safe: guarded by the unit's lock.
 */
final class JobWaiters {

    private List<CompletableFuture<UnitStatus>> starts = new ArrayList<>();
    private List<CompletableFuture<UnitStatus>> queuedStarts = new ArrayList<>();
    private final List<CompletableFuture<UnitStatus>> stops = new ArrayList<>();

    CompletableFuture<UnitStatus> start() {
        return add(starts);
    }

    CompletableFuture<UnitStatus> queuedStart() {
        return add(queuedStarts);
    }

    CompletableFuture<UnitStatus> stop() {
        return add(stops);
    }

    /** The start job of the current run is done. */
    List<CompletableFuture<UnitStatus>> startDone() {
        return take(starts);
    }

    /** The queued start was cancelled by a stop. */
    List<CompletableFuture<UnitStatus>> queueCancelled() {
        return take(queuedStarts);
    }

    /** The run settled: start and stop jobs are done; the queued start becomes the current one. */
    List<CompletableFuture<UnitStatus>> settled() {
        List<CompletableFuture<UnitStatus>> done = take(starts);
        done.addAll(take(stops));
        starts = queuedStarts;
        queuedStarts = new ArrayList<>();
        return done;
    }

    /** Supervision ended (runtime closed or internal error): everything is done. */
    List<CompletableFuture<UnitStatus>> all() {
        List<CompletableFuture<UnitStatus>> done = take(starts);
        done.addAll(take(stops));
        done.addAll(take(queuedStarts));
        return done;
    }

    static void complete(List<CompletableFuture<UnitStatus>> stages, UnitStatus status) {
        stages.forEach(f -> f.complete(status));
    }

    private static CompletableFuture<UnitStatus> add(List<CompletableFuture<UnitStatus>> list) {
        CompletableFuture<UnitStatus> f = new CompletableFuture<>();
        list.add(f);
        return f;
    }

    private static List<CompletableFuture<UnitStatus>> take(List<CompletableFuture<UnitStatus>> list) {
        List<CompletableFuture<UnitStatus>> out = new ArrayList<>(list);
        list.clear();
        return out;
    }
}
