package dev.flotilla.lb;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Sits between the server codec and the {@link io.netty.handler.codec.http.HttpObjectAggregator}: a request that
 * has no body (no {@code Content-Length} above 0, not chunked, no {@code Expect}) becomes a full request at once,
 * sharing the decoded headers, and the empty last content the codec sends after it is dropped. Only requests
 * with a body go through the aggregator, which copies them into one buffer (kept, so that they can be retried).
 * Most requests through a balancer are GETs: the profile under load showed the aggregator's buffers and copies
 * on every one of them.
 */
final class BodilessRequests extends ChannelInboundHandlerAdapter {

    /** A bodiless request was passed on whole: the codec's empty last content that follows is not. */
    private boolean dropLast;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (dropLast && msg instanceof LastHttpContent last) {
            dropLast = false;
            if (last.content().isReadable() || !last.trailingHeaders().isEmpty()) {
                ctx.fireChannelRead(msg); // not the empty end expected: let the aggregator see (and refuse) it
                return;
            }
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest req && !(msg instanceof HttpContent) && bodiless(req)) {
            dropLast = true;
            ctx.fireChannelRead(new DefaultFullHttpRequest(req.protocolVersion(), req.method(), req.uri(),
                    Unpooled.EMPTY_BUFFER, req.headers(), EmptyHttpHeaders.INSTANCE));
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private static boolean bodiless(HttpMessage req) {
        return req.decoderResult().isSuccess() && HttpUtil.getContentLength(req, 0L) == 0
                && !HttpUtil.isTransferEncodingChunked(req) && !req.headers().contains(HttpHeaderNames.EXPECT);
    }
}
