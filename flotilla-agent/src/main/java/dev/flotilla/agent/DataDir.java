package dev.flotilla.agent;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import dev.flotilla.registry.MachineId;

/**
 * The agent's data directory, held exclusively while open:
 *
 * <pre>
 * &lt;data-dir&gt;/machine-id     the machine ID, 32 hex digits and a newline, written once
 * &lt;data-dir&gt;/agent.lock     locked (fcntl) while an agent uses the directory
 * &lt;data-dir&gt;/&lt;runtime&gt;/     each runtime's state, e.g. exec/ (unit records, journals)
 * </pre>
 *
 * Not thread-safe; the agent opens it once at start and closes it last.
 */
final class DataDir implements AutoCloseable {

    static final String MACHINE_ID_FILE = "machine-id";
    static final String LOCK_FILE = "agent.lock";

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDir(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Creates the directory when missing and locks it.
     *
     * @throws IOException when it cannot be created or locked, or another agent (in this or another
     *     process) holds it; the message names the directory
     */
    static DataDir open(Path dir) throws IOException {
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("data directory " + dir + " is in use by another agent; give each agent its own "
                    + "--data-dir");
        }
        return new DataDir(dir, channel, lock);
    }

    /** The directory. */
    Path path() {
        return dir;
    }

    /** The state directory of the runtime named {@code name} (created by the runtime). */
    Path runtimeDir(String name) {
        return dir.resolve(name);
    }

    /**
     * The machine ID kept in {@code machine-id}; generated and written (atomically) the first time.
     *
     * @throws IOException when the file cannot be read or written, or does not hold a machine ID
     *     (the message says to fix or delete it; deleting makes this a new machine)
     */
    MachineId machineId() throws IOException {
        Path file = dir.resolve(MACHINE_ID_FILE);
        if (Files.exists(file)) {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!MachineId.isValid(text)) {
                throw new IOException(file + " holds \"" + abbreviate(text) + "\", not a machine ID (32 lowercase hex "
                        + "digits): fix it, or delete it to make this agent a new machine");
            }
            return new MachineId(text);
        }
        MachineId id = MachineId.random();
        Path tmp = dir.resolve(MACHINE_ID_FILE + ".tmp");
        Files.writeString(tmp, id.value() + "\n", StandardCharsets.UTF_8);
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            c.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return id;
    }

    /** Releases the lock. Idempotent. */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            lockChannel.close();
        } catch (IOException e) {
            // The lock dies with the channel or the process anyway.
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
