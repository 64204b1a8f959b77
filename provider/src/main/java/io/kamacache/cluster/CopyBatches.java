package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kamacache.proto.v1.Copy;
import io.kamacache.proto.v1.CopyRequest;
import io.kamacache.proto.v1.DoneResponse;
import io.kamacache.proto.v1.Error;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Sends a member its handoffs or backup copies in batches of {@link #SIZE}, for the
 * {@link Rebalancer}'s sweeps and the {@link Replicator}'s moved expiry times. It stops at the
 * first call that fails rather than trying the rest: a member that is gone refuses each batch, and
 * one behind a partition answers none, so every batch after it would wait out the request timeout
 * in turn (196 batches for 100,000 entries), holding up the sweep for every other member. It also
 * stops once the ring has moved on, since the copies were addressed by the old one. Whatever was
 * not taken is sent again by the caller's next round, which goes by the newest ring.
 */
final class CopyBatches {

  private static final System.Logger LOG = System.getLogger(CopyBatches.class.getName());
  /** Entries per handoff or backup call: large enough to amortize a call, small enough for any message limit. */
  static final int SIZE = 512;

  /** One call carrying one batch to the member; it throws what gRPC throws. */
  interface Call {
    DoneResponse send(CopyRequest request);
  }

  private CopyBatches() {}

  /**
   * Sends {@code copies} to {@code target} and returns those it took. Copies it refused for good
   * (an error other than NOT_OWNER, such as an unknown cache) go to {@code hopeless}; keys it named
   * as refused, and batches it refused as NOT_OWNER (a member still joining), are neither.
   *
   * @param template the request's header and flags, copied for each batch
   * @param message the wire form of one copy
   * @param ringUnchanged whether the ring the copies were addressed by is still the current one
   * @param worthAWarning whether a failed call is logged as a warning rather than for debugging
   */
  static <T> List<T> send(String target, CopyRequest template, List<T> copies, Function<T, Copy> message, Call call,
      BooleanSupplier ringUnchanged, BooleanSupplier worthAWarning, List<T> hopeless) {
    List<T> taken = new ArrayList<>();
    for (int from = 0; from < copies.size(); from += SIZE) {
      if (from > 0 && !ringUnchanged.getAsBoolean()) {
        LOG.log(System.Logger.Level.DEBUG, "the ring changed while sending copies to {0}; {1} of {2} left for the"
            + " next round", target, copies.size() - from, copies.size());
        break;
      }
      List<T> batch = copies.subList(from, Math.min(copies.size(), from + SIZE));
      CopyRequest.Builder request = template.toBuilder();
      for (T copy : batch) {
        request.addCopies(message.apply(copy));
      }
      DoneResponse response;
      try {
        response = call.send(request.build());
      } catch (StatusRuntimeException e) {
        LOG.log(worthAWarning.getAsBoolean() ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
            "sending copies to {0} failed ({1}); {2} of {3} left for the next round", target,
            describe(e.getStatus()), copies.size() - from, copies.size());
        break;
      }
      if (response.hasError()) {
        // NOT_OWNER is the usual answer of a member still joining: the copies are sent again, so it is no warning.
        boolean retried = response.getError().getCode() == Error.Code.NOT_OWNER;
        LOG.log(retried ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING, "{0} refused copies: {1}", target,
            response.getError().getMessage());
        if (!retried) {
          hopeless.addAll(batch);
        }
        continue;
      }
      Set<ByteString> refused = new HashSet<>(response.getRefusedKeysList());
      for (int i = 0; i < batch.size(); i++) {
        if (!refused.contains(request.getCopies(i).getKey())) {
          taken.add(batch.get(i));
        }
      }
    }
    return taken;
  }

  private static String describe(Status status) {
    return status.getDescription() == null ? status.getCode().toString()
        : status.getCode() + ": " + status.getDescription();
  }
}
