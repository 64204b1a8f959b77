package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.kamacache.proto.v1.Header;
import io.kamacache.proto.v1.InvokeRequest;
import io.kamacache.proto.v1.PutRequest;
import io.kamacache.proto.v1.RemoveRequest;
import io.kamacache.proto.v1.ReplaceRequest;
import io.kamacache.proto.v1.ValueResponse;
import java.util.List;
import javax.cache.processor.EntryProcessor;

/**
 * The owner's side of single-key writes: Put, Remove, Replace and Invoke, whether they came as
 * calls of their own or as requests on a write stream. Each runs on the callers' pool, since a
 * write may wait for its key's lock, its writer and its backups.
 */
final class WriteAnswers {

  private final RequestChecks checks;
  private final CallDispatch calls;
  private final OwnerRequests requests;

  WriteAnswers(RequestChecks checks, CallDispatch calls, OwnerRequests requests) {
    this.checks = checks;
    this.calls = calls;
    this.requests = requests;
  }

  /**
   * Runs one key's write on the callers' pool, once {@code check} has passed, as the owner of the
   * key ({@link OwnerRequests#handle}), and answers on {@code observer}.
   */
  private void write(Runnable check, Header header, ByteString key, StreamObserver<ValueResponse> observer,
      OwnerRequests.Operation<ValueResponse.Builder> operation) {
    if (!CallDispatch.valid(check, observer)) {
      return;
    }
    calls.dispatch(false, observer,
        () -> requests.handle(header, List.of(key), ValueResponse.newBuilder(), operation, requests.out(observer)));
  }

  void put(PutRequest request, StreamObserver<ValueResponse> observer) {
    write(() -> checks.check(request), request.getHeader(), request.getKey(), observer, (group, decoded, response) -> {
      Object key = decoded.get(0);
      Object value = requests.decode(request.getValue());
      switch (request.getMode()) {
        case GET_AND_PUT:
          requests.value(response, group.getAndPut(key, value));
          break;
        case PUT_IF_ABSENT:
          response.setFlag(group.putIfAbsent(key, value));
          break;
        case PUT:
          group.put(key, value);
          break;
        default:
          throw new IllegalStateException("unchecked put mode " + request.getMode());
      }
    });
  }

  void remove(RemoveRequest request, StreamObserver<ValueResponse> observer) {
    write(() -> checks.check(request), request.getHeader(), request.getKey(), observer, (group, decoded, response) -> {
      Object key = decoded.get(0);
      switch (request.getMode()) {
        case REMOVE_IF_EQUALS:
          response.setFlag(group.remove(key, requests.decode(request.getExpected())));
          break;
        case GET_AND_REMOVE:
          requests.value(response, group.getAndRemove(key));
          break;
        case REMOVE:
          response.setFlag(group.remove(key));
          break;
        default:
          throw new IllegalStateException("unchecked remove mode " + request.getMode());
      }
    });
  }

  void replace(ReplaceRequest request, StreamObserver<ValueResponse> observer) {
    write(() -> checks.check(request), request.getHeader(), request.getKey(), observer, (group, decoded, response) -> {
      Object key = decoded.get(0);
      Object value = requests.decode(request.getValue());
      switch (request.getMode()) {
        case REPLACE_IF_EQUALS:
          response.setFlag(group.replace(key, requests.decode(request.getExpected()), value));
          break;
        case GET_AND_REPLACE:
          requests.value(response, group.getAndReplace(key, value));
          break;
        case REPLACE:
          response.setFlag(group.replace(key, value));
          break;
        default:
          throw new IllegalStateException("unchecked replace mode " + request.getMode());
      }
    });
  }

  @SuppressWarnings("unchecked")
  void invoke(InvokeRequest request, StreamObserver<ValueResponse> observer) {
    write(() -> checks.check(request), request.getHeader(), request.getKey(), observer, (group, decoded, response) -> {
      EntryProcessor<Object, Object, Object> processor = (EntryProcessor<Object, Object, Object>) requests.decode(request.getProcessor());
      requests.value(response, group.invoke(decoded.get(0), processor, requests.decodeAll(request.getArgumentsList())));
    });
  }
}
