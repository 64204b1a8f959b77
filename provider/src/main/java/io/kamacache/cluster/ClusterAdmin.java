package io.kamacache.cluster;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kamacache.proto.v1.CacheRequest;
import io.kamacache.proto.v1.CacheSummary;
import io.kamacache.proto.v1.CachesResponse;
import io.kamacache.proto.v1.DrainResponse;
import io.kamacache.proto.v1.Header;
import io.kamacache.proto.v1.MemberStatus;
import io.kamacache.proto.v1.MembersResponse;
import io.kamacache.proto.v1.StatsResponse;
import io.kamacache.transport.PeerCalls;
import io.kamacache.transport.RemoteErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.cache.CacheException;

/**
 * What an operator asks the members of a cluster, through any node of it (the operations CLI
 * opens a client node for this): each member's status, its caches, a cache's statistics, and
 * the drain of one member. The members asked are those in this node's view, read afresh; each
 * answers for itself under the same TLS and authorization as every other call.
 *
 * <p>A member that cannot be reached appears with an error and no figures. A member that refuses
 * the caller (no proof, or not allowed) ends the call with {@link Refused}.
 */
public final class ClusterAdmin {

  /** A member refused this node's call: it proved nothing, or may not call the method. */
  public static final class Refused extends CacheException {
    private static final long serialVersionUID = 1L;
    private final boolean authenticated;

    Refused(String message, boolean authenticated) {
      super(message);
      this.authenticated = authenticated;
    }

    /** True when the caller was known but not allowed (PERMISSION_DENIED), false when unknown (UNAUTHENTICATED). */
    public boolean authenticated() {
      return authenticated;
    }
  }

  /** One member as it describes itself; {@code error} is null unless it could not be asked. */
  public record Member(String id, String address, String role, String state, long epoch, String incarnation,
      String error) {}

  /** One cache as one member holds it: its entries there and its configuration. */
  public record CacheInfo(String name, long entries, long capacity, String expiry, int backups, boolean statistics,
      boolean storeByValue, long nearCapacity, boolean readThrough, boolean writeThrough) {}

  /** One member's caches; {@code error} is null unless it could not be asked. */
  public record MemberCaches(String member, String address, List<CacheInfo> caches, String error) {}

  /** One member's JSR-107 statistics for a cache and its cluster counters; {@code error} as above. */
  public record Statistics(String member, boolean enabled, long hits, long misses, long gets, long puts,
      long removals, long evictions, float averageGetMicros, float averagePutMicros, float averageRemoveMicros,
      long entries, Map<String, Long> cluster, String error) {}

  /** The outcome of a drain: the member's state after it, and whether every entry reached its new owner. */
  public record Drained(String member, String state, boolean handedOver) {}

  /** A drain hands every entry over first: it may take a few request timeouts. */
  private static final int DRAIN_TIMEOUTS = 3;

  private final Peers peers;

  ClusterAdmin(Peers peers) {
    this.peers = peers;
  }

  private List<HashRing.Member> members() {
    peers.refreshRing();
    return new ArrayList<>(new TreeMap<>(peers.ring().members()).values());
  }

  private CacheRequest request(String cache) {
    return CacheRequest.newBuilder().setHeader(Header.newBuilder().setCache(cache).setEpoch(peers.epoch())
        .setSender(peers.memberId())).build();
  }

  /** Every member in this node's view, as each describes itself, by id. */
  public List<Member> listMembers() {
    List<Member> members = new ArrayList<>();
    for (HashRing.Member member : members()) {
      String error = null;
      MemberStatus self = null;
      try {
        MembersResponse response = peers.stub(member).members(request(""));
        if (response.hasError()) {
          error = response.getError().getMessage();
        } else {
          self = response.getSelf();
        }
      } catch (StatusRuntimeException e) {
        error = unreachable(member, e);
      }
      members.add(self == null
          ? new Member(member.id(), member.address(), "member", "UNREACHABLE", 0, member.incarnation(), error)
          : new Member(self.getId(), self.getAddress(), self.getRole(), self.getState(), self.getEpoch(),
              self.getIncarnation(), null));
    }
    return members;
  }

  /** Every member's caches, by member id. */
  public List<MemberCaches> listCaches() {
    return ask(request(""), (stub, request) -> stub.caches(request), (member, response) -> {
      List<CacheInfo> caches = new ArrayList<>();
      for (CacheSummary cache : response.getCachesList()) {
        caches.add(new CacheInfo(cache.getName(), cache.getEntries(), cache.getCapacity(), cache.getExpiry(),
            cache.getBackups(), cache.getStatistics(), cache.getStoreByValue(), cache.getNearCapacity(),
            cache.getReadThrough(), cache.getWriteThrough()));
      }
      return new MemberCaches(member.id(), member.address(), caches, null);
    }, CachesResponse::hasError, response -> response.getError().getMessage(),
        (member, error) -> new MemberCaches(member.id(), member.address(), List.of(), error));
  }

  /** Every member's statistics for {@code cache}, by member id. */
  public List<Statistics> statistics(String cache) {
    return ask(request(cache), (stub, request) -> stub.stats(request), (member, s) -> new Statistics(member.id(),
            s.getEnabled(), s.getHits(), s.getMisses(), s.getGets(), s.getPuts(), s.getRemovals(), s.getEvictions(),
            s.getAverageGetMicros(), s.getAveragePutMicros(), s.getAverageRemoveMicros(), s.getEntries(),
            new TreeMap<>(s.getClusterMap()), null),
        StatsResponse::hasError, response -> response.getError().getMessage(),
        (member, error) -> new Statistics(member.id(), false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), error));
  }

  /**
   * Drains the member {@code memberId}; see {@link ClusterNode#drain}. Returns once it is out of
   * the ring.
   *
   * @throws IllegalArgumentException if no member of that id is in this node's view
   * @throws IllegalStateException if the member refuses (it is the only one left, say)
   * @throws Refused if this node may not drain members (only members and admins may)
   * @throws CacheException if the member cannot be reached
   */
  public Drained drain(String memberId) {
    List<HashRing.Member> members = members();
    HashRing.Member target = null;
    List<String> ids = new ArrayList<>();
    for (HashRing.Member member : members) {
      ids.add(member.id());
      if (member.id().equals(memberId)) {
        target = member;
      }
    }
    if (target == null) {
      throw new IllegalArgumentException("no member '" + memberId + "' in cluster '" + peers.config().cluster
          + "' (members now: " + String.join(", ", ids) + ")");
    }
    DrainResponse response;
    try {
      response = peers.stub(target, DRAIN_TIMEOUTS * peers.config().timeout.toNanos()).drain(request(""));
    } catch (StatusRuntimeException e) {
      throw new CacheException(unreachable(target, e), e);
    }
    if (response.hasError()) {
      throw RemoteErrors.toException(response.getError());
    }
    return new Drained(target.id(), response.getState(), response.getHandedOver());
  }

  private interface Call<R> {
    R call(PeerCalls stub, CacheRequest request);
  }

  private interface Answer<R, T> {
    T of(HashRing.Member member, R response);
  }

  private <R, T> List<T> ask(CacheRequest request, Call<R> call, Answer<R, T> answer,
      Predicate<R> failed, Function<R, String> error,
      BiFunction<HashRing.Member, String, T> unreachable) {
    List<T> answers = new ArrayList<>();
    for (HashRing.Member member : members()) {
      try {
        R response = call.call(peers.stub(member), request);
        answers.add(failed.test(response) ? unreachable.apply(member, error.apply(response))
            : answer.of(member, response));
      } catch (StatusRuntimeException e) {
        answers.add(unreachable.apply(member, unreachable(member, e)));
      }
    }
    return answers;
  }

  /**
   * The message for a call that failed at the transport; a refusal ends the whole command, since
   * every member would refuse it alike.
   */
  private static String unreachable(HashRing.Member member, StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    if (code == Status.Code.PERMISSION_DENIED || code == Status.Code.UNAUTHENTICATED) {
      throw new Refused("member '" + member.id() + "' at " + member.address() + " refused the call ("
          + code + "): " + e.getStatus().getDescription(), code == Status.Code.PERMISSION_DENIED);
    }
    return "cannot reach member '" + member.id() + "' at " + member.address() + ": " + code
        + (e.getStatus().getDescription() == null ? "" : " (" + e.getStatus().getDescription() + ")");
  }
}
