package dev.flotilla.runtime.exec;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes units when files in their run directories change (inotify through {@link WatchService}):
 * a shim wrote a PID or an exit, a command wrote output. This is what makes exits and output
 * noticed at once rather than on the next periodic check. Thread-safe; one daemon thread.
 */
final class DirectoryWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatcher.class);

    private final WatchService service;
    private final Map<WatchKey, Runnable> callbacks = new ConcurrentHashMap<>();
    private final Thread thread;

    DirectoryWatcher(String name) throws IOException {
        this.service = FileSystems.getDefault().newWatchService();
        this.thread = Thread.ofPlatform().daemon().name(name).start(this::loop);
    }

    /** Calls {@code onChange} (on the watcher thread; it must be quick) whenever something in {@code dir} changes. */
    WatchKey register(Path dir, Runnable onChange) throws IOException {
        WatchKey key = dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        callbacks.put(key, onChange);
        return key;
    }

    void unregister(WatchKey key) {
        callbacks.remove(key);
        key.cancel();
    }

    private void loop() {
        while (true) {
            WatchKey key;
            try {
                key = service.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            key.pollEvents();
            Runnable cb = callbacks.get(key);
            if (cb != null) {
                try {
                    cb.run();
                } catch (RuntimeException e) {
                    LOG.warn("watch callback failed", e);
                }
            }
            if (!key.reset()) {
                callbacks.remove(key);
            }
        }
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            LOG.debug("closing the watch service: {}", e.toString());
        }
        thread.interrupt();
    }
}
