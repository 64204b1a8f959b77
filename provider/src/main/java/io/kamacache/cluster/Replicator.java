package io.kamacache.cluster;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.kamacache.codec.WireCodec;
import io.kamacache.replication.Copies;
import io.kamacache.replication.Replication;
import io.kamacache.proto.v1.Copy;
import io.kamacache.proto.v1.CopyRequest;
import io.kamacache.proto.v1.DoneResponse;
import io.kamacache.proto.v1.Header;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps a key's backups current. The owner's Group calls it under the key's lock before every
 * change becomes visible: it checks that this member may still change the key
 * ({@link Ownership#checkChange}), gives the new state its version, and puts it on the key's
 * {@code backups} members, waiting for each. A backup that cannot be reached is replaced by the
 * next backup of a newer ring within the caller's deadline; failing that, the change fails and is
 * not acknowledged. It also queues the key's invalidation for the other members' near caches,
 * when the cache has one.
 *
 * <p>Versions: a state's version is above the one it replaces and at least its ring's epoch in
 * the high bits, so an owner that gained a key at a later epoch always writes newer versions than
 * the owner before it.
 */
final class Replicator<K> implements Replication<K> {

  private static final System.Logger LOG = System.getLogger(Replicator.class.getName());
  /** Bits of a version below the epoch: over sixteen million writes of one key within one epoch. */
  private static final int EPOCH_SHIFT = 24;
  /** First pause before asking again for a backup that failed; doubles up to {@link #MAX_PAUSE_MILLIS}. */
  private static final long FIRST_PAUSE_MILLIS = 20;
  /** Ring changes arrive within a lease TTL; polling faster than this gains nothing. */
  private static final long MAX_PAUSE_MILLIS = 250;

  private final Peers peers;
  private final Ownership ownership;
  /** Sends what need not hold up any caller: expiry times that reads moved. */
  private final ScheduledExecutorService background;
  private final String cache;
  private final Copies<K> copies;
  private final int backups;
  /** Null unless the cache has a near cache, whose copies on other members a change makes stale. */
  private final NearInvalidations invalidations;
  private final ClusterMetrics metrics;
  /** Keys whose expiry a read moved, not yet sent to their backups. */
  private final Set<K> touched = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean touching = new AtomicBoolean();
  /** How often moved expiry times go to the backups: reads of a hot key cost one copy per period. */
  static final long TOUCH_MILLIS = 100;
  /**
   * Copies per backup request of a batch: a few hundred already make the round trip a small share
   * of the cost, and a refused request is retried key by key, so it should not be huge.
   */
  static final int COPIES_PER_REQUEST = 512;

  Replicator(Peers peers, Ownership ownership, ScheduledExecutorService background, String cache, Copies<K> copies,
      int backups, NearInvalidations invalidations, ClusterMetrics metrics) {
    this.peers = peers;
    this.ownership = ownership;
    this.background = background;
    this.cache = cache;
    this.copies = copies;
    this.backups = backups;
    this.invalidations = invalidations;
    this.metrics = metrics;
  }

  int backups() {
    return backups;
  }

  @Override
  public long changing(K key, Object stored, long expiresAt, long now, long previous) {
    Ownership.Claim claim = ownership.checkChange();
    HashRing ring = claim == null ? peers.ring() : claim.ring;
    long version = Math.max(previous + 1, ring.epoch() << EPOCH_SHIFT);
    if (backups == 0 && invalidations == null) {
      ownership.changed(claim);
      return version;
    }
    byte[] keyBytes = claim != null && claim.onlyKey != null ? claim.onlyKey : peers.codec().encode(key);
    if (invalidations != null) {
      invalidations.changed(cache, keyBytes);
    }
    if (backups > 0) {
      Copy copy = message(peers.codec(), keyBytes, copies.view(stored), Copies.ttl(expiresAt, now), version);
      long deadline = claim != null ? claim.deadline : System.nanoTime() + peers.config().timeout.toNanos();
      replicate(claim, keyBytes, copy, deadline);
      ownership.checkLease();
    }
    ownership.changed(claim);
    return version;
  }

  /** See {@link Ownership#awaitClaim}: only a lapsed lease proof is worth waiting out. */
  @Override
  public boolean awaitChangeable() {
    return ownership.awaitClaim();
  }

  /**
   * Queues the key for its backups to learn its new expiry time. The queue is sent every
   * {@link #TOUCH_MILLIS}, so while the owner lives its backups' expiry lags by at most that plus
   * a round trip; the copies carry the entry's version, so they never undo a newer write.
   */
  @Override
  public void accessed(K key) {
    if (backups > 0 && touched.add(key) && touching.compareAndSet(false, true)) {
      background.schedule(this::sendTouched, TOUCH_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** Sends the touched keys' copies, in one request per backup member and batch rather than one per key. */
  private void sendTouched() {
    touching.set(false);
    HashRing ring = peers.ring();
    Map<HashRing.Member, List<Copy>> byBackup = new LinkedHashMap<>();
    for (K key : List.copyOf(touched)) {
      touched.remove(key);
      Copies.Copy<K> copy = copies.readOwned(key);
      byte[] keyBytes = peers.codec().encode(key);
      HashRing.Member owner = ring.owner(keyBytes);
      if (copy == null || owner == null || !owner.id().equals(peers.memberId())) {
        continue;
      }
      Copy message = message(peers.codec(), keyBytes, copy.value, copy.ttlNanos, copy.version);
      for (HashRing.Member target : ring.backups(keyBytes, backups)) {
        if (!target.id().equals(peers.memberId())) {
          byBackup.computeIfAbsent(target, t -> new ArrayList<>()).add(message);
        }
      }
    }
    if (byBackup.isEmpty()) {
      return; // every touched key moved to another owner meanwhile
    }
    CopyRequest template = CopyRequest.newBuilder()
        .setHeader(Header.newBuilder().setCache(cache).setEpoch(peers.epoch()).setSender(peers.memberId())).build();
    byBackup.forEach((target, messages) -> {
      // Best effort, so never a warning: a lost expiry time only shortens the copy's life, and the
      // next read of the key or the next sweep sends it again.
      List<Copy> taken = CopyBatches.send(target.toString(), template, messages, message -> message,
          request -> peers.stub(target).backup(request), () -> peers.ring() == ring, () -> false, new ArrayList<>());
      metrics.backupsWritten(taken.size());
    });
  }

  @Override
  public void copied(K key, Object stored, long expiresAt, long now, long version) {
    if (backups == 0) {
      return;
    }
    byte[] keyBytes = peers.codec().encode(key);
    Copy copy = message(peers.codec(), keyBytes, copies.view(stored), Copies.ttl(expiresAt, now), version);
    HashRing ring = peers.ring();
    for (HashRing.Member target : ring.backups(keyBytes, backups)) {
      if (!target.id().equals(peers.memberId()) && !send(target, ring, copy, System.nanoTime()
          + peers.config().timeout.toNanos())) {
        // Best effort: the next sweep copies every owned entry to its backups again.
        LOG.log(System.Logger.Level.DEBUG, "copying a handed-over entry to backup {0} failed", target);
      }
    }
  }

  @Override
  public void copiedAll(List<Taken<K>> handed) {
    if (backups == 0) {
      return;
    }
    List<byte[]> keys = new ArrayList<>(handed.size());
    List<Copy> messages = new ArrayList<>(handed.size());
    for (Taken<K> taken : handed) {
      byte[] keyBytes = peers.codec().encode(taken.key());
      keys.add(keyBytes);
      messages.add(message(peers.codec(), keyBytes, copies.view(taken.stored()), taken.ttlNanos(), taken.version()));
    }
    Set<Integer> missed = sendToBackups(peers.ring(), keys, messages, System.nanoTime() + peers.config().timeout.toNanos());
    if (!missed.isEmpty()) {
      // Best effort, as copied(): the next sweep copies every owned entry to its backups again.
      LOG.log(System.Logger.Level.DEBUG, "{0} of {1} handed-over entries did not reach a backup", missed.size(),
          handed.size());
    }
  }

  /**
   * Puts each message on its key's backups in {@code ring}, one request per backup member (in
   * slices of at most {@link #COPIES_PER_REQUEST} copies or half the message limit, which leaves
   * room for the request's framing). Returns the indexes of the messages some backup did not take:
   * its request failed, or it refused the key because it owns it in its own view.
   */
  private Set<Integer> sendToBackups(HashRing ring, List<byte[]> keys, List<Copy> messages, long deadline) {
    Map<HashRing.Member, List<Integer>> byTarget = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      for (HashRing.Member target : ring.backups(keys.get(i), backups)) {
        if (!target.id().equals(peers.memberId())) {
          byTarget.computeIfAbsent(target, t -> new ArrayList<>()).add(i);
        }
      }
    }
    long budget = peers.config().maxMessageBytes / 2;
    Set<Integer> missed = new TreeSet<>();
    for (Map.Entry<HashRing.Member, List<Integer>> target : byTarget.entrySet()) {
      List<Integer> slice = new ArrayList<>();
      long bytes = 0;
      for (int index : target.getValue()) {
        int size = messages.get(index).getSerializedSize();
        if (!slice.isEmpty() && (slice.size() == COPIES_PER_REQUEST || bytes + size > budget)) {
          sendSlice(target.getKey(), messages, slice, deadline, missed);
          slice = new ArrayList<>();
          bytes = 0;
        }
        slice.add(index);
        bytes += size;
      }
      sendSlice(target.getKey(), messages, slice, deadline, missed);
    }
    return missed;
  }

  /** Sends one request; the indexes of what {@code target} did not take are added to {@code missed}. */
  private void sendSlice(HashRing.Member target, List<Copy> messages, List<Integer> slice, long deadline,
      Set<Integer> missed) {
    List<Copy> sent = new ArrayList<>(slice.size());
    for (int index : slice) {
      sent.add(messages.get(index));
    }
    Set<ByteString> refused = new HashSet<>();
    if (sendOrRefusal(target, sent, deadline, refused, false) != null) {
      missed.addAll(slice);
      return;
    }
    for (int index : slice) {
      if (refused.contains(messages.get(index).getKey())) {
        missed.add(index);
      }
    }
  }

  @Override
  public Batch<K> batch() {
    return new CopyBatch();
  }

  /**
   * A bulk write's copies, sent as one request per backup member ({@link #sendToBackups}). What a
   * backup did not take goes again key by key through {@link #replicate}, with its retries on
   * newer rings.
   */
  private final class CopyBatch implements Batch<K> {
    private final List<byte[]> keys = new ArrayList<>();
    private final List<Copy> messages = new ArrayList<>();
    /** The bulk operation's claim: the same for every key, as one request carries them all. */
    private Ownership.Claim claim;

    @Override
    public long prepare(K key, Object stored, long expiresAt, long now, long previous) {
      claim = ownership.checkChange();
      ownership.keyByKey(claim);
      HashRing ring = claim == null ? peers.ring() : claim.ring;
      long version = Math.max(previous + 1, ring.epoch() << EPOCH_SHIFT);
      if (backups == 0 && invalidations == null) {
        return version;
      }
      byte[] keyBytes = peers.codec().encode(key);
      if (invalidations != null) {
        invalidations.changed(cache, keyBytes);
      }
      if (backups > 0) {
        keys.add(keyBytes);
        messages.add(message(peers.codec(), keyBytes, copies.view(stored), Copies.ttl(expiresAt, now), version));
      }
      return version;
    }

    @Override
    public void send() {
      if (messages.isEmpty()) {
        return;
      }
      long deadline = claim != null ? claim.deadline : System.nanoTime() + peers.config().timeout.toNanos();
      for (int index : sendToBackups(claim == null ? peers.ring() : claim.ring, keys, messages, deadline)) {
        replicate(claim, keys.get(index), messages.get(index), deadline);
      }
      ownership.checkLease();
    }

    @Override
    public void committing() {
      ownership.changed(ownership.checkChange());
    }
  }

  /** Puts {@code copy} on every backup of the key, replacing backups that fail by a newer ring's. */
  private void replicate(Ownership.Claim claim, byte[] keyBytes, Copy copy, long deadline) {
    HashRing ring = claim == null ? peers.ring() : claim.ring;
    Set<String> done = new HashSet<>();
    String lastRefusal = null;
    long pause = FIRST_PAUSE_MILLIS;
    while (true) {
      HashRing.Member failed = null;
      List<HashRing.Member> targets = ring.backups(keyBytes, backups);
      for (HashRing.Member target : targets) {
        if (target.id().equals(peers.memberId()) || done.contains(target.id() + "@" + target.incarnation())) {
          continue;
        }
        String refusal = sendOrRefusal(target, ring, copy, deadline);
        if (refusal == null) {
          done.add(target.id() + "@" + target.incarnation());
          continue;
        }
        if (failed == null) {
          failed = target;
        }
        if (refusal != NO_TIME_LEFT) {
          lastRefusal = refusal;
        }
      }
      if (failed == null) {
        return;
      }
      if (System.nanoTime() - deadline >= 0) {
        // The backup's own reason, such as a class its allow-list refuses, is what the caller can act on.
        throw new Replication.Failed("cache '" + cache + "': the change could not be put on backup member "
            + failed + " within the request deadline, so it is not acknowledged (it may still take effect)"
            + (lastRefusal == null ? "" : "; the backup answered: " + lastRefusal), null);
      }
      sleep(pause);
      pause = Math.min(MAX_PAUSE_MILLIS, pause * 2);
      peers.refreshRing();
      if (peers.ring() != ring) {
        if (claim != null && !ownership.stillOwns(claim, keyBytes)) {
          throw new Replication.Failed("cache '" + cache + "': this member stopped owning the key while the"
              + " change went to its backups, so it is not acknowledged (it may still take effect)", null);
        }
        ring = peers.ring();
      }
    }
  }

  private boolean send(HashRing.Member target, HashRing ring, Copy copy, long deadline) {
    return sendOrRefusal(target, ring, copy, deadline) == null;
  }

  /** The refusal of a copy the deadline left no time to send: it says nothing about the backup. */
  private static final String NO_TIME_LEFT = "no time left";

  /** Puts {@code copy} on {@code target}: null once it is there, else why not. */
  private String sendOrRefusal(HashRing.Member target, HashRing ring, Copy copy, long deadline) {
    Set<ByteString> refused = new HashSet<>();
    String refusal = sendOrRefusal(target, List.of(copy), deadline, refused, true);
    if (refusal == null && !refused.isEmpty()) {
      LOG.log(System.Logger.Level.DEBUG, "backup on {0} refused: it owns the key", target);
      return "it owns the key in its view of the ring";
    }
    return refusal;
  }

  /**
   * Puts {@code copies} on {@code target} in one request: null once it answered, with the keys it
   * refused (it owns them in its view) added to {@code refused}; else why the request failed. One
   * key's copy goes on the backups stream ({@code ofOneKey}); a batch goes as a call of its own.
   */
  private String sendOrRefusal(HashRing.Member target, List<Copy> copies, long deadline, Set<ByteString> refused,
      boolean ofOneKey) {
    CopyRequest request = CopyRequest.newBuilder()
        .setHeader(Header.newBuilder().setCache(cache).setEpoch(peers.epoch()).setSender(peers.memberId()))
        .addAllCopies(copies).build();
    try {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return NO_TIME_LEFT;
      }
      // Bounded by the caller's deadline, not inherited from its call: a backup must not be
      // cancelled half-way because the caller gave up.
      DoneResponse response = Context.current().fork().call(() -> ofOneKey
          ? peers.stub(target, remaining).backupOfWrite(request) : peers.stub(target, remaining).backup(request));
      if (response.hasError()) {
        LOG.log(System.Logger.Level.DEBUG, "backup on {0} refused: {1}", target, response.getError().getMessage());
        return response.getError().getMessage();
      }
      refused.addAll(response.getRefusedKeysList());
      metrics.backupsWritten(copies.size() - response.getRefusedKeysCount());
      return null;
    } catch (StatusRuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "backup on {0} failed: {1}", target, e.getStatus());
      return e.getStatus().toString();
    } catch (Exception e) {
      LOG.log(System.Logger.Level.DEBUG, "backup on {0} failed: {1}", target, e.toString());
      return e.toString();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Replication.Failed("interrupted while waiting for a backup", e);
    }
  }

  /** One entry's state as it travels: key and value in codec bytes, time to live, version. */
  static Copy message(WireCodec codec, Object key, Object value, long ttlNanos, long version) {
    return message(codec, codec.encode(key), value, ttlNanos, version);
  }

  /** As above, with the key already encoded; the array is not changed afterwards, so it is not copied. */
  static Copy message(WireCodec codec, byte[] keyBytes, Object value, long ttlNanos, long version) {
    Copy.Builder copy = Copy.newBuilder().setKey(UnsafeByteOperations.unsafeWrap(keyBytes))
        .setTtlNanos(ttlNanos).setVersion(version);
    if (value != null) {
      copy.setValue(ByteString.copyFrom(codec.encode(value)));
    }
    return copy.build();
  }
}
