package dev.flotilla.runtime.docker;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.model.Frame;

/** Runs a command in a running container through the shell, as a health check does ({@code docker exec}). */
final class Exec {

    private Exec() {}

    /**
     * Runs {@code /bin/sh -c command} in container {@code id} and waits at most {@code timeout}.
     *
     * @return its exit status, or -1 when it did not finish in time
     * @throws Engine.EngineException when the engine cannot run it (e.g. the container stopped)
     */
    static int run(Engine engine, String id, String command, Duration timeout) throws Engine.EngineException {
        ExecCreateCmdResponse exec = engine.call("running a check in container " + id, () -> engine.quick()
                .execCreateCmd(id).withCmd("/bin/sh", "-c", command).withAttachStdout(true).withAttachStderr(true)
                .exec());
        boolean finished = engine.call("running a check in container " + id, () -> {
            try {
                return engine.slow().execStartCmd(exec.getId()).exec(new Engine.QuietCallback<Frame>())
                        .awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
        if (!finished) {
            return -1;
        }
        InspectExecResponse done = engine.call("reading a check's result in container " + id,
                () -> engine.quick().inspectExecCmd(exec.getId()).exec());
        Long code = done.getExitCodeLong();
        return code == null ? -1 : code.intValue();
    }
}
