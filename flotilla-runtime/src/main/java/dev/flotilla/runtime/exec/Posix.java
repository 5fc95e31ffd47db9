package dev.flotilla.runtime.exec;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * The few libc calls the JDK does not offer, through the foreign function API: sending any signal
 * to a process, and punching a hole in a file. The JVM should run with
 * {@code --enable-native-access=ALL-UNNAMED} (otherwise the JDK prints a warning once).
 * Stateless and thread-safe.
 */
@SuppressWarnings("restricted")
final class Posix {

    static final int ESRCH = 3;
    static final int EPERM = 1;

    private static final int O_WRONLY = 1;
    private static final int O_CLOEXEC = 0x80000;
    private static final int FALLOC_FL_KEEP_SIZE = 1;
    private static final int FALLOC_FL_PUNCH_HOLE = 2;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final VarHandle ERRNO_HANDLE = Linker.Option.captureStateLayout()
            .varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle KILL = LINKER.downcallHandle(LIBC.find("kill").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), ERRNO);
    private static final MethodHandle OPEN = LINKER.downcallHandle(LIBC.find("open").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LIBC.find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle FALLOCATE = LINKER.downcallHandle(LIBC.find("fallocate").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG), ERRNO);

    private Posix() {}

    /**
     * {@code kill(pid, signal)}; a negative {@code pid} signals a process group.
     *
     * @return 0 on success, else the errno ({@link #ESRCH}: no such process)
     */
    static int kill(long pid, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int rc = (int) KILL.invokeExact(state, Math.toIntExact(pid), signal);
            return rc == 0 ? 0 : (int) ERRNO_HANDLE.get(state, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("kill(" + pid + ", " + signal + ") failed", t);
        }
    }

    /**
     * Frees the disk blocks of the first {@code length} bytes of {@code file} (they read as zeros
     * afterwards) while keeping its size, so a file another process appends to stops growing on disk.
     *
     * @return 0 on success, else the errno (e.g. EOPNOTSUPP on a file system without hole punching)
     */
    static int punchHole(Path file, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            MemorySegment path = arena.allocateFrom(file.toString());
            int fd = (int) OPEN.invokeExact(state, path, O_WRONLY | O_CLOEXEC, 0);
            if (fd < 0) {
                return (int) ERRNO_HANDLE.get(state, 0L);
            }
            try {
                int rc = (int) FALLOCATE.invokeExact(state, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0L, length);
                return rc == 0 ? 0 : (int) ERRNO_HANDLE.get(state, 0L);
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (Throwable t) {
            throw new IllegalStateException("fallocate(" + file + ") failed", t);
        }
    }
}
