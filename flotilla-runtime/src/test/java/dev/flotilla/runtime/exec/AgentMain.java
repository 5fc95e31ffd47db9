package dev.flotilla.runtime.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.flotilla.runtime.StartRequest;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitName;

/**
 * A stand-in agent for {@link AdoptionTest}: opens an exec runtime over {@code args[0]}, starts unit
 * {@code args[1]} from the file {@code args[2]}, prints {@code RUNNING <pid>} and waits to be killed.
 */
public final class AgentMain {

    private AgentMain() {}

    public static void main(String[] args) throws Exception {
        ExecRuntime runtime = ExecRuntime.open(ExecRuntimeConfig.of(Path.of(args[0])));
        runtime.adopt();
        UnitDefinition def = UnitDefinition.parse(UnitName.parse(args[1]), Files.readString(Path.of(args[2])));
        UnitStatus s = runtime.start(new StartRequest(def, ExecTestSupport.MACHINE, Map.of())).toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
        System.out.println("RUNNING " + s.mainPid().orElse(-1));
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
