package dev.flotilla.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.flotilla.testkit.DockerEngine;
import dev.flotilla.unit.UnitDefinition;

/**
 * The tutorial's volumes: {@code db1} writes files into its volume {@code /dbvol1}, and {@code db2}, started
 * with {@code --volumes-from db1}, sees them appear; and the Quadlet way, one named volume mounted by two units.
 */
class SharedVolumeTest extends DockerTestSupport {

    @Test
    void aSecondContainerSeesTheFirstsVolumeThroughVolumesFrom() throws Exception {
        String db1 = "db1-" + id;
        UnitDefinition writer = unit(db1 + ".container", """
                [Container]
                Image=%s
                Volume=/dbvol1
                Exec=/bin/sh -c 'i=0; while true; do echo "Writing file $i"; echo $i > /dbvol1/data-$i; \
                  i=$((i+1)); echo Sleeping...; sleep 0.2; done'
                """.formatted(image));
        UnitDefinition reader = unit("db2-" + id + ".container", """
                [Container]
                Image=%s
                PodmanArgs=--volumes-from=%s:ro
                Exec=/bin/sh -c 'while true; do echo "listing: $(ls /dbvol1 | sort -t- -k2 -n | tr "\\n" " ")"; \
                  sleep 0.2; done'
                """.formatted(image, db1));

        start(writer);
        awaitJournal(writer.name(), "Writing file 2");
        start(reader);

        awaitJournal(reader.name(), "data-5");
        assertThat(journal(reader.name())).contains("data-0 data-1 data-2");
        assertThat(runtime.details(reader.name()).get("Mounts")).contains("-> /dbvol1 (ro)");
    }

    @Test
    void twoUnitsShareANamedVolumeTheRuntimeCreates() throws Exception {
        String data = volume("dbdata");
        UnitDefinition writer = unit("writer-" + id + ".container", """
                [Container]
                Image=%s
                Volume=%s.volume:/data
                Exec=/bin/sh -c 'echo "written by the writer" > /data/note; echo wrote; sleep 1000'
                """.formatted(image, data));
        UnitDefinition reader = unit("reader-" + id + ".container", """
                [Container]
                Image=%s
                Volume=%s:/shared:ro
                Exec=/bin/sh -c 'until [ -e /shared/note ]; do sleep 0.1; done; cat /shared/note; sleep 1000'
                """.formatted(image, data));

        start(writer);
        awaitJournal(writer.name(), "wrote");
        start(reader);

        awaitJournal(reader.name(), "written by the writer");
        assertThat(DockerEngine.docker("volume", "inspect", "--format", "{{index .Labels \"dev.flotilla.state-dir\"}}",
                data).orThrow("docker volume inspect").strip()).as("created and labelled by the runtime")
                .isEqualTo(stateDir.toString());
    }
}
