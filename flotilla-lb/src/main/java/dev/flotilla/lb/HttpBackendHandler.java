package dev.flotilla.lb;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The end of a pooled backend connection: hands the response it reads to the client connection it is lent
 * to, and notices when the backend closes or breaks it. While idle in the pool it is lent to nobody; then
 * a close drops it from the pool, and stray bytes close it. Runs on the channel's event loop only.
 */
final class HttpBackendHandler extends ChannelInboundHandlerAdapter {

    private final Backend backend;
    private HttpFrontendHandler lentTo;

    HttpBackendHandler(Backend backend) {
        this.backend = backend;
    }

    Backend backend() {
        return backend;
    }

    void lend(HttpFrontendHandler frontend) {
        lentTo = frontend;
    }

    void giveBack() {
        lentTo = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (lentTo == null) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        lentTo.onBackendResponse(this, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (lentTo != null) {
            lentTo.flushToClient();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (lentTo != null) {
            lentTo.onBackendBroken(this, "the backend closed the connection");
        } else {
            backend.dropIdle(ctx.channel());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (lentTo != null) {
            lentTo.onBackendBroken(this, BackendConnector.reason(cause));
        }
        ctx.close();
    }
}
