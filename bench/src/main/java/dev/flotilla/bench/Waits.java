package dev.flotilla.bench;

import java.time.Duration;

import dev.flotilla.api.UnitState;

/** Polling helpers the cluster benchmarks share: they time what they wait for, so they poll rather than block. */
final class Waits {

    /** A condition polled by {@link #await}. */
    @FunctionalInterface
    interface Check {
        boolean holds() throws Exception;
    }

    private Waits() {
    }

    /**
     * Polls {@code check} every {@code poll} until it holds.
     *
     * @throws IllegalStateException when it still does not hold after {@code timeout}
     */
    static void await(Duration timeout, String what, Duration poll, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(poll);
        }
    }

    /** Whether a reported state is systemd's active/running. */
    static boolean running(UnitState s) {
        return "active".equals(s.systemdActiveState()) && "running".equals(s.systemdSubState());
    }
}
