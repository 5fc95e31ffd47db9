package dev.flotilla.store.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.flotilla.store.Lease;
import dev.flotilla.store.StoreException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Run in a child JVM by {@link KillNineTest}: opens the store in {@code args[0]}, makes
 * {@code args[1]} puts (the even ones attached to a lease), prints {@code PUT <i> <revision>} after
 * each returns and {@code READY} at the end, then holds the store open until killed.
 */
public final class DurableWriterProcess {

    private DurableWriterProcess() {
    }

    public static void main(String[] args) throws StoreException, IOException {
        EmbeddedKvStore store = EmbeddedKvStore.open(Path.of(args[0]));
        int count = Integer.parseInt(args[1]);
        Lease lease = store.grantLease(Duration.ofSeconds(600));
        System.out.println("LEASE " + lease.id());
        for (int i = 0; i < count; i++) {
            long revision = store.put("crash/" + i, ("value " + i).getBytes(UTF_8), i % 2 == 0 ? lease.id() : Lease.NONE);
            System.out.println("PUT " + i + " " + revision);
        }
        System.out.println("READY");
        System.out.flush();
        // Hold the store (and its file lock) until the parent kills this process.
        while (System.in.read() >= 0) {
            // ignore input
        }
    }
}
