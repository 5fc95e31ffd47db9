package dev.flotilla.runtime.docker;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A unix socket that forwards every connection to the Docker engine's socket: a test points a runtime at it,
 * then closes it to take "the engine" away (socket gone, streams cut) and opens it again to bring it back,
 * while the real engine keeps serving every other test.
 */
final class SocketProxy implements AutoCloseable {

    private final Path path;
    private final Path target;
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    private ServerSocketChannel server;

    SocketProxy(Path path, Path target) {
        this.path = path;
        this.target = target;
    }

    /** Listens at the path (again). */
    synchronized SocketProxy up() throws IOException {
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(path));
        ServerSocketChannel s = server;
        Thread.ofVirtual().name("socket-proxy-accept").start(() -> {
            while (s.isOpen()) {
                try {
                    SocketChannel client = s.accept();
                    SocketChannel engine = SocketChannel.open(UnixDomainSocketAddress.of(target));
                    open.add(client);
                    open.add(engine);
                    pump(client, engine);
                    pump(engine, client);
                } catch (IOException e) {
                    return;
                }
            }
        });
        return this;
    }

    /** Stops listening, removes the socket and cuts every connection through it. */
    synchronized void down() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
        for (SocketChannel c : open) {
            c.close();
        }
        open.clear();
        Files.deleteIfExists(path);
    }

    private void pump(SocketChannel from, SocketChannel to) {
        Thread.ofVirtual().name("socket-proxy-pump").start(() -> {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            try {
                while (from.read(buffer) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        to.write(buffer);
                    }
                    buffer.clear();
                }
            } catch (IOException e) {
                // one side closed
            }
            try {
                from.close();
                to.close();
            } catch (IOException e) {
                // already closed
            }
        });
    }

    @Override
    public void close() throws IOException {
        down();
    }
}
