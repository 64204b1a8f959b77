package io.kamacache.cluster;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * Counts and times the unary peer calls this member makes, by method, in its {@link ClusterMetrics}.
 * Streams are left alone: a get stream lives for many batches, so its length says nothing about a get.
 */
final class CallTimer implements ClientInterceptor {

  private final ClusterMetrics metrics;

  CallTimer(ClusterMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    ClientCall<Q, R> call = next.newCall(method, options);
    if (method.getType() != MethodDescriptor.MethodType.UNARY) {
      return call;
    }
    String name = method.getBareMethodName();
    return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        long started = System.nanoTime();
        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
          @Override
          public void onClose(Status status, Metadata trailers) {
            // Recorded before the caller is woken, so a caller that reads the counts sees its own call.
            metrics.callMade(name, System.nanoTime() - started);
            super.onClose(status, trailers);
          }
        }, headers);
      }
    };
  }
}
