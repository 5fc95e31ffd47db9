package dev.flotilla.lb;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;

/**
 * Opens connections to backends on the event loop of the client connection they serve, so both ends of a
 * proxied exchange live on one thread. The connect timeout is short: a backend that does not accept within it
 * is treated as down (ejected, the request retried elsewhere).
 */
final class BackendConnector {

    static final int CONNECT_TIMEOUT_MILLIS = 2_000;

    private final Bootstrap template;

    BackendConnector(Transport transport) {
        template = new Bootstrap().channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true);
    }

    /** Connects to {@code backend} on {@code loop}; {@code handler} is the new channel's pipeline. */
    ChannelFuture connect(Backend backend, EventLoop loop, ChannelHandler handler) {
        return template.clone(loop).handler(handler).connect(backend.socketAddress());
    }

    /**
     * A connection failure in a few words for logs and {@code /lb/status}: {@code connection refused}, {@code no
     * answer to connect in 2000 ms}, else the exception's message (Netty's native ones carry syscall detail).
     */
    static String reason(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t instanceof io.netty.channel.ConnectTimeoutException) {
            return "no answer to connect in " + CONNECT_TIMEOUT_MILLIS + " ms";
        }
        if (m.contains("Connection refused")) {
            return "connection refused";
        }
        if (m.contains("Connection reset")) {
            return "connection reset";
        }
        return m;
    }

    /** A pipeline initializer adding {@code handlers} in order. */
    static ChannelHandler pipeline(ChannelHandler... handlers) {
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(handlers);
            }
        };
    }
}
