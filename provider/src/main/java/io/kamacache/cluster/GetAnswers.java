package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.kamacache.group.Group;
import io.kamacache.management.CacheStatistics;
import io.kamacache.proto.v1.KeyRequest;
import io.kamacache.proto.v1.KeysRequest;
import io.kamacache.proto.v1.ValueResponse;
import io.kamacache.proto.v1.ValuesResponse;
import io.kamacache.replication.Copies;
import io.kamacache.transport.RemoteErrors;
import java.util.List;

/**
 * The owner's side of reads: single gets and the batches of get streams. Reads that cannot block
 * are answered on the transport thread; one that meets a held key lock starts again on a pool.
 */
final class GetAnswers {

  private final RequestChecks checks;
  private final CallDispatch calls;
  private final OwnerRequests requests;
  private final ClusterMetrics metrics;

  GetAnswers(RequestChecks checks, CallDispatch calls, OwnerRequests requests, ClusterMetrics metrics) {
    this.checks = checks;
    this.calls = calls;
    this.requests = requests;
    this.metrics = metrics;
  }

  void get(KeyRequest request, StreamObserver<ValueResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    // A near get reads the entry's time to live under its lock, so it never runs inline.
    boolean inline = !request.getNear() && !request.getPeek() && requests.inlineRead(request.getHeader(), request.getKey());
    calls.dispatch(inline, observer, () -> {
      ValueResponse.Builder builder = ValueResponse.newBuilder();
      boolean[] busy = new boolean[1];
      requests.handle(request.getHeader(), List.of(request.getKey()), builder, (group, decoded, response) -> {
        Object key = decoded.get(0);
        Object value;
        if (inline) {
          value = group.tryGet(key);
          if (value == Group.BUSY) {
            busy[0] = true;
            return;
          }
        } else {
          value = request.getPeek() ? group.peek(key) : group.get(key);
        }
        requests.value(response, value);
        if (request.getNear() && value != null) {
          // The near copy must end when the entry does; read after the get, which may move it.
          Copies.Copy<Object> entry = group.copies().readOwned(key);
          response.setTtlNanos(entry == null ? 0 : entry.ttlNanos);
        }
      }, busy, requests.out(observer));
      if (busy[0]) {
        // The key's lock is held, maybe across a backup's round trip: wait for it off the transport.
        calls.dispatch(false, observer, () -> requests.handle(request.getHeader(), List.of(request.getKey()), ValueResponse.newBuilder(),
            (group, decoded, response) -> requests.value(response, group.get(decoded.get(0))), requests.out(observer)));
      }
    });
  }

  /** Answers one batch of a get stream: each key as its own get, see {@link BatchStreams}. */
  void batch(KeysRequest request, StreamObserver<ValuesResponse> observer) {
    if (!CallDispatch.valid(() -> checks.check(request), observer)) {
      return;
    }
    boolean inline = true;
    for (ByteString key : request.getKeysList()) {
      inline &= requests.inlineRead(request.getHeader(), key);
    }
    boolean onTransport = inline;
    calls.dispatch(inline, observer, () -> answerMany(request, observer, onTransport));
  }

  /**
   * On the transport, a key whose lock is held makes the whole batch start again off it: its
   * answer, with the counts it carries, is dropped unsent, so nothing is counted twice.
   */
  private void answerMany(KeysRequest request, StreamObserver<ValuesResponse> observer, boolean onTransport) {
    boolean[] busy = new boolean[1];
    requests.handle(request.getHeader(), request.getKeysList(), ValuesResponse.newBuilder(), (group, decoded, response) -> {
      for (Object key : decoded) {
        ValuesResponse.Result.Builder result = ValuesResponse.Result.newBuilder();
        // Each key is its own get, with its own statistics and its own error.
        try (CacheStatistics.Capture capture = CacheStatistics.capture()) {
          Object value = onTransport ? group.tryGet(key) : group.get(key);
          if (value == Group.BUSY) {
            busy[0] = true;
            return;
          }
          if (value != null) {
            result.setValue(requests.encode(value));
          }
          result.setHit(capture.hits() > 0);
        } catch (Throwable t) {
          result.setError(RemoteErrors.toProto(t));
        }
        response.addResults(result);
      }
      metrics.batchedGets(request.getKeysCount());
    }, busy, requests.out(observer));
    if (busy[0]) {
      calls.dispatch(false, observer, () -> answerMany(request, observer, false));
    }
  }
}
