package io.kamacache.benchmarks.remote;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * The floor of the distributed benchmarks: a grpc-java unary call that echoes its bytes, with no
 * protobuf and no cache behind it, handled on the transport thread.
 */
public final class EchoServerMain {

  static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("kamacache.bench.Echo/Echo")
      .setRequestMarshaller(new Bytes())
      .setResponseMarshaller(new Bytes())
      .build();

  private EchoServerMain() {}

  static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  public static void main(String[] args) throws Exception {
    ServerServiceDefinition service = ServerServiceDefinition.builder("kamacache.bench.Echo")
        .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, observer) -> {
          observer.onNext(request);
          observer.onCompleted();
        }))
        .build();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .directExecutor().addService(service).build().start();
    System.out.println("echo serving at 127.0.0.1:" + server.getPort());
    System.out.flush();
    server.awaitTermination();
  }
}
