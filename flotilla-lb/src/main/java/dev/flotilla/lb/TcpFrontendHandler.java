package dev.flotilla.lb;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * A new client connection in TCP mode: picks a backend, connects (a refused or timed-out connect ejects that
 * backend and tries the next one, until none is left), then splices the two connections together. The client's
 * reads stay off until the backend connection is up, so nothing is read that could not be forwarded.
 */
final class TcpFrontendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(TcpFrontendHandler.class);

    private final String service;
    private final BackendPool pool;
    private final BackendConnector connector;
    private final List<Backend> tried = new ArrayList<>(2);

    TcpFrontendHandler(String service, BackendPool pool, BackendConnector connector) {
        this.service = service;
        this.pool = pool;
        this.connector = connector;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connect(ctx);
    }

    private void connect(ChannelHandlerContext ctx) {
        Channel client = ctx.channel();
        Backend backend = pool.pick(tried);
        if (backend == null) {
            LOG.warn("closing a connection from {}: no backend of service {} is available", client.remoteAddress(), service);
            client.close();
            return;
        }
        tried.add(backend);
        connector.connect(backend, client.eventLoop(), BackendConnector.pipeline(new Splice(client)))
                .addListener((ChannelFuture f) -> {
                    if (!f.isSuccess()) {
                        backend.failed();
                        pool.eject(backend, "connect failed: " + BackendConnector.reason(f.cause()));
                        if (client.isActive()) {
                            connect(ctx);
                        }
                        return;
                    }
                    Channel upstream = f.channel();
                    if (!client.isActive()) {
                        upstream.close();
                        return;
                    }
                    backend.connected();
                    backend.started();
                    long start = System.nanoTime();
                    upstream.closeFuture().addListener(c -> backend.finished(System.nanoTime() - start));
                    client.pipeline().replace(this, "splice", new Splice(upstream));
                    client.config().setAutoRead(true);
                });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
