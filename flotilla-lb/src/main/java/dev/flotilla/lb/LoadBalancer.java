package dev.flotilla.lb;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.Future;

/**
 * {@code flotilla lb}: listens on one address and balances HTTP requests (or TCP connections) over the backends a
 * {@link BackendSource} lists, those that its source and the balancer's own checks say pass. Netty on epoll when
 * available; every connection, with the backend connections serving it, on one event loop thread.
 *
 * <p>Lifecycle: {@link #start()} once (source read, first checks, bind), {@link #close()} once. Thread-safe.
 */
public final class LoadBalancer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoadBalancer.class);

    /**
     * The largest request body read (it is kept whole, so that an idempotent request can be retried; requests
     * without a body skip the aggregator, see {@link BodilessRequests}).
     */
    static final int MAX_REQUEST_BYTES = 16 << 20;

    private final LbConfig config;
    private final BackendSource source;
    private final Transport transport = Transport.best();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final BackendPool pool;
    private EventLoopGroup group;
    private HealthChecker checker;
    private Channel server;
    private Channel admin;

    public LoadBalancer(LbConfig config, BackendSource source) {
        this.config = config;
        this.source = source;
        this.pool = new BackendPool(config.service(), config.balance(), registry);
    }

    /**
     * Reads the source, checks every backend once, then listens (and serves the admin pages, if configured).
     *
     * @throws BackendSourceException when the source's first read fails
     * @throws BindException when an address cannot be bound; the message names the flag and the address
     */
    public synchronized void start() throws BackendSourceException, BindException {
        group = transport.group(config.threads());
        checker = new HealthChecker(config, pool, group, transport);
        pool.onNewBackend(checker::check);
        try {
            source.start(pool::apply);
            for (Future<Boolean> f : checker.checkAll()) {
                f.awaitUninterruptibly(config.checkTimeout().toMillis() + 1_000);
            }
            checker.start();
            server = bind("--listen", config.listen(), serverPipeline());
            if (config.admin() != null) {
                admin = bind("--admin", config.admin(), new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 << 10),
                                new AdminHandler(this::status, registry));
                    }

                    private AdminHandler.Status status() {
                        return LoadBalancer.this.status();
                    }
                });
            }
        } catch (BackendSourceException | BindException | RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("{} balancer for service {} on {} over {} ({} transport)", config.mode().label(), config.service(),
                address(), source.describe(), transport.name());
    }

    private ChannelHandler serverPipeline() {
        BackendConnector connector = new BackendConnector(transport);
        String service = config.service();
        if (config.mode() == LbConfig.Mode.TCP) {
            return new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.config().setAutoRead(false);
                    ch.pipeline().addLast(new TcpFrontendHandler(service, pool, connector));
                }
            };
        }
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpServerCodec(), new BodilessRequests(),
                        new HttpObjectAggregator(MAX_REQUEST_BYTES),
                        new HttpFrontendHandler(service, pool, connector));
            }
        };
    }

    private Channel bind(String flag, InetSocketAddress address, ChannelHandler childHandler) throws BindException {
        var future = new ServerBootstrap().group(group).channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(childHandler)
                .bind(address).awaitUninterruptibly();
        if (!future.isSuccess()) {
            Throwable cause = future.cause();
            String message = String.valueOf(cause.getMessage());
            String where = flag + " " + address.getHostString() + ":" + address.getPort();
            if (message.contains("Address already in use")) {
                throw new BindException(where + ": address already in use");
            }
            if (message.contains("Cannot assign requested address")) {
                throw new BindException(where + ": no such local address");
            }
            throw new BindException(where + ": " + message);
        }
        return future.channel();
    }

    /** The address the balancer listens on (the real port when {@code --listen} asked for port 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** The admin server's address, or null without one. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : (InetSocketAddress) admin.localAddress();
    }

    /** How many backends get traffic now. */
    public int backendsInRotation() {
        return pool.inRotationCount();
    }

    /**
     * One line per backend the source lists: {@code web01 127.0.0.2:80 passing (GET /health: HTTP 200 in 3 ms)} (the
     * address left out when it is the id, as for static backends).
     */
    public List<String> backendLines() {
        List<String> lines = new java.util.ArrayList<>();
        for (Backend b : pool.all()) {
            String where = b.address().id().equals(b.address().hostPort()) ? "" : " " + b.address().hostPort();
            lines.add(b.address().id() + where + " " + b.health() + " ("
                    + (b.sourcePassing() ? b.checkOutput() : "its source reports it failing") + ")");
        }
        return lines;
    }

    /** What {@code GET /lb/status} shows. */
    AdminHandler.Status status() {
        InetSocketAddress a = address();
        List<AdminHandler.BackendStatus> backends = AdminHandler.backends(pool.all());
        return new AdminHandler.Status(config.service(), config.mode().label(), config.balance().label(),
                a.getHostString() + ":" + a.getPort(), transport.name(), source.describe(), backends);
    }

    /** Stops listening, following the source and checking; open connections are closed. Idempotent. */
    @Override
    public synchronized void close() {
        if (group == null) {
            return;
        }
        if (checker != null) {
            checker.close();
        }
        source.close();
        if (server != null) {
            server.close().awaitUninterruptibly();
        }
        if (admin != null) {
            admin.close().awaitUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        group = null;
        registry.close();
    }
}
