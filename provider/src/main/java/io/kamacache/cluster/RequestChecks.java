package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kamacache.proto.v1.Copy;
import io.kamacache.proto.v1.CopyRequest;
import io.kamacache.proto.v1.Entry;
import io.kamacache.proto.v1.Event;
import io.kamacache.proto.v1.EventsRequest;
import io.kamacache.proto.v1.Header;
import io.kamacache.proto.v1.InvokeAllRequest;
import io.kamacache.proto.v1.InvokeRequest;
import io.kamacache.proto.v1.KeyRequest;
import io.kamacache.proto.v1.KeysRequest;
import io.kamacache.proto.v1.LoadAllRequest;
import io.kamacache.proto.v1.LockRequest;
import io.kamacache.proto.v1.PutAllRequest;
import io.kamacache.proto.v1.PutRequest;
import io.kamacache.proto.v1.RemoveRequest;
import io.kamacache.proto.v1.ReplaceRequest;
import io.kamacache.proto.v1.SyncRequest;
import io.kamacache.proto.v1.UnlockRequest;
import java.util.List;

/**
 * The shape every request must have before a member acts on it. A request that fails a check is
 * refused with INVALID_ARGUMENT before anything is decoded or changed: members and clients never
 * send one, so it is a bug or an attack, and guessing what it meant would be worse.
 */
final class RequestChecks {

  /** Cache names are names; JSR-107 sets no limit, but nobody needs a longer one. */
  private static final int MAX_CACHE_NAME = 1024;
  /** Ids are names; see {@link ClusterConfig}. */
  private static final int MAX_SENDER = 256;
  /** A view lists members' ids and incarnations; this is room for thousands of members. */
  private static final int MAX_VIEW_CHARS = 1 << 20;
  /**
   * The longest time to live a copy may carry: 100 years. Added to the clock it cannot overflow,
   * and no expiry policy a caller can write asks for more than "eternal", which is -1.
   */
  static final long MAX_TTL_NANOS = 100L * 365 * 24 * 3600 * 1_000_000_000L;

  private final int maxKeyBytes;

  RequestChecks(int maxKeyBytes) {
    this.maxKeyBytes = maxKeyBytes;
  }

  static StatusRuntimeException invalid(String why) {
    return Status.INVALID_ARGUMENT.withDescription(why).asRuntimeException();
  }

  void header(Header header, boolean needsCache) {
    String cache = header.getCache();
    if (needsCache && cache.isEmpty()) {
      throw invalid("the request names no cache");
    }
    if (cache.length() > MAX_CACHE_NAME) {
      throw invalid("the cache name is longer than " + MAX_CACHE_NAME + " characters");
    }
    if (header.getEpoch() < 0) {
      throw invalid("the request's epoch is negative: " + header.getEpoch());
    }
    if (header.getSender().length() > MAX_SENDER) {
      throw invalid("the sender id is longer than " + MAX_SENDER + " characters");
    }
  }

  void key(ByteString key) {
    if (key.isEmpty()) {
      throw invalid("a key is empty; keys are codec bytes, at least a tag");
    }
    if (key.size() > maxKeyBytes) {
      throw invalid("a key of " + key.size() + " bytes is larger than the limit of " + maxKeyBytes
          + " (" + ClusterConfig.MAX_KEY + ")");
    }
  }

  void keys(List<ByteString> keys) {
    for (ByteString key : keys) {
      key(key);
    }
  }

  private static void present(ByteString bytes, String what) {
    if (bytes.isEmpty()) {
      throw invalid("the " + what + " is empty");
    }
  }

  void check(KeyRequest request) {
    header(request.getHeader(), true);
    key(request.getKey());
  }

  void check(KeysRequest request) {
    header(request.getHeader(), true);
    keys(request.getKeysList());
  }

  void check(PutRequest request) {
    header(request.getHeader(), true);
    if (request.getMode() == PutRequest.Mode.UNRECOGNIZED) {
      throw invalid("unknown put mode " + request.getModeValue());
    }
    key(request.getKey());
    present(request.getValue(), "value");
  }

  void check(RemoveRequest request) {
    header(request.getHeader(), true);
    if (request.getMode() == RemoveRequest.Mode.UNRECOGNIZED) {
      throw invalid("unknown remove mode " + request.getModeValue());
    }
    key(request.getKey());
    if (request.getMode() == RemoveRequest.Mode.REMOVE_IF_EQUALS) {
      present(request.getExpected(), "expected value");
    }
  }

  void check(ReplaceRequest request) {
    header(request.getHeader(), true);
    if (request.getMode() == ReplaceRequest.Mode.UNRECOGNIZED) {
      throw invalid("unknown replace mode " + request.getModeValue());
    }
    key(request.getKey());
    present(request.getValue(), "value");
    if (request.getMode() == ReplaceRequest.Mode.REPLACE_IF_EQUALS) {
      present(request.getExpected(), "expected value");
    }
  }

  void check(InvokeRequest request) {
    header(request.getHeader(), true);
    key(request.getKey());
    present(request.getProcessor(), "entry processor");
  }

  void check(InvokeAllRequest request) {
    header(request.getHeader(), true);
    keys(request.getKeysList());
    present(request.getProcessor(), "entry processor");
  }

  void check(PutAllRequest request) {
    header(request.getHeader(), true);
    for (Entry entry : request.getEntriesList()) {
      key(entry.getKey());
      present(entry.getValue(), "value");
    }
  }

  void check(LoadAllRequest request) {
    header(request.getHeader(), true);
    keys(request.getKeysList());
  }

  void check(CopyRequest request) {
    header(request.getHeader(), true);
    for (Copy copy : request.getCopiesList()) {
      key(copy.getKey());
      if (copy.hasValue()) {
        present(copy.getValue(), "value");
      }
      long ttl = copy.getTtlNanos();
      if (ttl < -1 || ttl > MAX_TTL_NANOS) {
        throw invalid("a copy's time to live is " + ttl + " ns; it must be -1 (eternal) or 0 to " + MAX_TTL_NANOS);
      }
      if (copy.getVersion() < 0) {
        throw invalid("a copy's version is negative: " + copy.getVersion());
      }
    }
  }

  void check(EventsRequest request) {
    header(request.getHeader(), true);
    for (Event event : request.getEventsList()) {
      if (event.getType() == Event.Type.UNRECOGNIZED) {
        throw invalid("unknown event type " + event.getTypeValue());
      }
      key(event.getKey());
    }
  }

  // ---- Lock and Unlock (key locks for entry processors that run on their callers)

  void check(LockRequest request) {
    header(request.getHeader(), true);
    key(request.getKey());
    if (request.getLeaseMs() < 0) {
      throw invalid("a lock's lease is negative: " + request.getLeaseMs() + " ms");
    }
  }

  void check(UnlockRequest request) {
    header(request.getHeader(), true);
    key(request.getKey());
    if (request.getToken() == 0) {
      throw invalid("an unlock names no lock: its token is 0");
    }
    UnlockRequest.Outcome outcome = request.getOutcome();
    if (outcome == UnlockRequest.Outcome.UNRECOGNIZED) {
      throw invalid("unknown unlock outcome " + request.getOutcomeValue());
    }
    boolean needsValue = outcome == UnlockRequest.Outcome.SET || outcome == UnlockRequest.Outcome.LOADED;
    if (request.getThrew() && outcome != UnlockRequest.Outcome.NONE) {
      throw invalid("an unlock for a processor that threw has the outcome " + outcome + "; it must be NONE");
    }
    if (needsValue) {
      present(request.getValue(), "value");
    } else if (request.hasValue()) {
      throw invalid("an unlock with the outcome " + outcome + " carries a value");
    }
  }

  void check(SyncRequest request) {
    header(request.getHeader(), false);
    if (request.getView().length() > MAX_VIEW_CHARS) {
      throw invalid("the view is longer than " + MAX_VIEW_CHARS + " characters");
    }
  }
}
