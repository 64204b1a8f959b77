package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import io.grpc.stub.ServerCallStreamObserver;
import io.kamacache.proto.v1.KeysResponse;
import java.util.List;
import java.util.function.Function;

/** Sends one member's keys page by page, as the caller's flow control allows. */
final class KeyPages implements Runnable {

  /** Keys per page: small enough that a page is far below any message limit for ordinary keys. */
  static final int PAGE = 1000;

  private final ServerCallStreamObserver<KeysResponse> pages;
  /** Encodes a key for the wire. */
  private final Function<Object, ByteString> encode;
  private List<Object> keys;
  private int next;
  private boolean done;

  /** Called while the call starts: gRPC takes its handlers only then. */
  KeyPages(ServerCallStreamObserver<KeysResponse> pages, Function<Object, ByteString> encode) {
    this.pages = pages;
    this.encode = encode;
    pages.setOnReadyHandler(this);
    pages.setOnCancelHandler(() -> {
      synchronized (this) {
        done = true;
      }
    });
  }

  /** Starts sending {@code keys}, or, when null, sends {@code failure} alone. */
  synchronized void send(List<Object> keys, KeysResponse failure) {
    if (keys == null) {
      done = true;
      pages.onNext(failure);
      pages.onCompleted();
      return;
    }
    this.keys = keys;
    run();
  }

  @Override
  public synchronized void run() {
    while (keys != null && !done && pages.isReady()) {
      KeysResponse.Builder page = KeysResponse.newBuilder();
      int end = Math.min(keys.size(), next + PAGE);
      for (; next < end; next++) {
        page.addKeys(encode.apply(keys.get(next)));
      }
      pages.onNext(page.build());
      if (next >= keys.size()) {
        done = true;
        pages.onCompleted();
      }
    }
  }
}
