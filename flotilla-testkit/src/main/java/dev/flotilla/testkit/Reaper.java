package dev.flotilla.testkit;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kills every process the test kit started when the JVM exits, even when a test forgot to close
 * it. (A JVM killed with SIGKILL runs no hooks: bin/test then kills strays by their work path.)
 */
final class Reaper {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "flotilla-testkit-reaper"));
    }

    private Reaper() {
    }

    static void register(Process process) {
        LIVE.add(process);
    }

    static void unregister(Process process) {
        LIVE.remove(process);
    }
}
