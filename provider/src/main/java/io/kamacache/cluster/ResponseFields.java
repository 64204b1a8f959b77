package io.kamacache.cluster;

import com.google.protobuf.Message;
import io.kamacache.proto.v1.CachesResponse;
import io.kamacache.proto.v1.DoneResponse;
import io.kamacache.proto.v1.DrainResponse;
import io.kamacache.proto.v1.EntriesResponse;
import io.kamacache.proto.v1.Error;
import io.kamacache.proto.v1.FlagResponse;
import io.kamacache.proto.v1.InvokeAllResponse;
import io.kamacache.proto.v1.KeysResponse;
import io.kamacache.proto.v1.MembersResponse;
import io.kamacache.proto.v1.SizeResponse;
import io.kamacache.proto.v1.Stats;
import io.kamacache.proto.v1.StatsResponse;
import io.kamacache.proto.v1.SyncResponse;
import io.kamacache.proto.v1.ValueResponse;
import io.kamacache.proto.v1.ValuesResponse;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * How the peer service puts the statistics and the error into each kind of response, through
 * the generated setters: a field renamed in peer.proto breaks the build here, rather than
 * silently dropping what the caller should have heard.
 */
final class ResponseFields {

  private record Setters<B>(BiConsumer<B, Stats> stats, BiConsumer<B, Error> error) {}

  private static final Map<Class<?>, Setters<?>> BY_TYPE = Map.of(
      ValueResponse.Builder.class, new Setters<ValueResponse.Builder>(ValueResponse.Builder::setStats,
          ValueResponse.Builder::setError),
      FlagResponse.Builder.class, new Setters<FlagResponse.Builder>(FlagResponse.Builder::setStats,
          FlagResponse.Builder::setError),
      EntriesResponse.Builder.class, new Setters<EntriesResponse.Builder>(EntriesResponse.Builder::setStats,
          EntriesResponse.Builder::setError),
      DoneResponse.Builder.class, new Setters<DoneResponse.Builder>(DoneResponse.Builder::setStats,
          DoneResponse.Builder::setError),
      InvokeAllResponse.Builder.class, new Setters<InvokeAllResponse.Builder>(InvokeAllResponse.Builder::setStats,
          InvokeAllResponse.Builder::setError),
      // Batches count per key, in each result; keys, sizes and barriers count nothing.
      ValuesResponse.Builder.class, new Setters<ValuesResponse.Builder>(null, ValuesResponse.Builder::setError),
      KeysResponse.Builder.class, new Setters<KeysResponse.Builder>(null, KeysResponse.Builder::setError),
      SizeResponse.Builder.class, new Setters<SizeResponse.Builder>(null, SizeResponse.Builder::setError),
      SyncResponse.Builder.class, new Setters<SyncResponse.Builder>(null, SyncResponse.Builder::setError));

  // ---- admin responses (issue 14): they count nothing, and carry only an error.
  private static final Map<Class<?>, Setters<?>> ADMIN = Map.of(
      MembersResponse.Builder.class, new Setters<MembersResponse.Builder>(null, MembersResponse.Builder::setError),
      CachesResponse.Builder.class, new Setters<CachesResponse.Builder>(null, CachesResponse.Builder::setError),
      StatsResponse.Builder.class, new Setters<StatsResponse.Builder>(null, StatsResponse.Builder::setError),
      DrainResponse.Builder.class, new Setters<DrainResponse.Builder>(null, DrainResponse.Builder::setError));

  private ResponseFields() {}

  /** Sets the statistics of {@code response}, if its kind carries any. */
  static void stats(Message.Builder response, Stats stats) {
    BiConsumer<Message.Builder, Stats> setter = setters(response).stats();
    if (setter != null) {
      setter.accept(response, stats);
    }
  }

  static void error(Message.Builder response, Error error) {
    setters(response).error().accept(response, error);
  }

  @SuppressWarnings("unchecked")
  private static Setters<Message.Builder> setters(Message.Builder response) {
    Setters<?> setters = BY_TYPE.get(response.getClass());
    if (setters == null) {
      setters = ADMIN.get(response.getClass());
    }
    if (setters == null) {
      throw new IllegalStateException("no response fields known for " + response.getClass().getName());
    }
    return (Setters<Message.Builder>) setters;
  }
}
