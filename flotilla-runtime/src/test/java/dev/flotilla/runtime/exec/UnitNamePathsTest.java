package dev.flotilla.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.flotilla.unit.InvalidUnitNameException;
import dev.flotilla.unit.UnitName;

/**
 * Unit names become directory names under the runtime's state directory: the odd names a unit may have
 * ({@code ..service}, backslashes, a leading dot or dash) stay one directory inside it, and names that could
 * step out ({@code ../x.service}, {@code a/b.service}, NUL, too long, look-alike slashes) are not unit names.
 */
class UnitNamePathsTest extends ExecTestSupport {

    private static final List<String> ODD_BUT_VALID = List.of("..service", "...service", "..\\..\\win.service",
            "a\\x2fb.service", "-.service", ".hidden.service", "web@..service", "a:b.service");

    @Test
    void oddValidNamesEachGetOneDirectoryInsideTheStateDirectory() throws Exception {
        for (String name : ODD_BUT_VALID) {
            start(name, "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n");
            assertThat(status(name).stateName()).as(name).isEqualTo("active/exited");
        }
        Path state = work.resolve("state").toRealPath();
        List<String> dirs;
        try (Stream<Path> children = Files.list(state)) {
            dirs = children.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(dirs).containsAll(ODD_BUT_VALID);
        try (Stream<Path> everything = Files.walk(work)) {
            assertThat(everything.map(p -> p.toAbsolutePath().normalize()))
                    .allMatch(p -> p.startsWith(work.toAbsolutePath().normalize()));
        }
        try (Stream<Path> beside = Files.list(work)) {
            assertThat(beside.map(p -> p.getFileName().toString())).containsExactly("state");
        }
    }

    @Test
    void namesThatCouldLeaveTheDirectoryAreNotUnitNames() {
        for (String name : List.of("../x.service", "a/b.service", "/etc/passwd.service", "a\0b.service", "..",
                "x".repeat(300) + ".service", "a\u2215b.service", "\uFF0E\uFF0E\uFF0Fx.service", "a\u202Eb.service",
                "a\u0301.service", "", ".service", "web@", "a\nb.service")) {
            assertThatThrownBy(() -> new UnitName(name)).as(name).isInstanceOf(InvalidUnitNameException.class);
        }
    }
}
