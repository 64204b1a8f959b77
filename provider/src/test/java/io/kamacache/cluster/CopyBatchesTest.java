package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.kamacache.proto.v1.Copy;
import io.kamacache.proto.v1.CopyRequest;
import io.kamacache.proto.v1.DoneResponse;
import io.kamacache.proto.v1.Error;
import io.kamacache.replication.Copies;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class CopyBatchesTest {

  private static final CopyRequest TEMPLATE = CopyRequest.getDefaultInstance();
  private static final Function<Copies.Copy<Object>, Copy> MESSAGE =
      copy -> Copy.newBuilder().setKey(ByteString.copyFromUtf8(copy.key.toString())).setVersion(copy.version).build();

  private final List<CopyRequest> sent = new ArrayList<>();

  private static List<Copies.Copy<Object>> copies(int count) {
    List<Copies.Copy<Object>> copies = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      copies.add(new Copies.Copy<>("key-" + i, "value", Copies.NEVER, 1));
    }
    return copies;
  }

  private CopyBatches.Call answering(Function<CopyRequest, DoneResponse> answer) {
    return request -> {
      sent.add(request);
      return answer.apply(request);
    };
  }

  @Test
  void everyCopyGoesInBatchesAndIsTakenWhenTheTargetTakesIt() {
    List<Copies.Copy<Object>> copies = copies(CopyBatches.SIZE * 2 + 3);
    List<Copies.Copy<Object>> taken = CopyBatches.send("m", TEMPLATE, copies, MESSAGE,
        answering(request -> DoneResponse.getDefaultInstance()), () -> true, () -> true, new ArrayList<>());
    assertThat(taken).containsExactlyElementsOf(copies);
    assertThat(sent).extracting(CopyRequest::getCopiesCount).containsExactly(CopyBatches.SIZE, CopyBatches.SIZE, 3);
  }

  @Test
  void aFailedCallStopsTheBatchesAfterIt() {
    List<Copies.Copy<Object>> copies = copies(CopyBatches.SIZE * 4);
    List<Copies.Copy<Object>> taken = CopyBatches.send("m", TEMPLATE, copies, MESSAGE, answering(request -> {
      if (sent.size() == 2) {
        throw Status.DEADLINE_EXCEEDED.withDescription("partitioned").asRuntimeException();
      }
      return DoneResponse.getDefaultInstance();
    }), () -> true, () -> true, new ArrayList<>());
    assertThat(sent).as("no batch is tried after the one that failed").hasSize(2);
    assertThat(taken).containsExactlyElementsOf(copies.subList(0, CopyBatches.SIZE));
  }

  @Test
  void aRingChangeStopsTheBatchesAfterIt() {
    AtomicBoolean unchanged = new AtomicBoolean(true);
    List<Copies.Copy<Object>> copies = copies(CopyBatches.SIZE * 3);
    List<Copies.Copy<Object>> taken = CopyBatches.send("m", TEMPLATE, copies, MESSAGE, answering(request -> {
      unchanged.set(false); // a new ring arrives while the first batch is on its way
      return DoneResponse.getDefaultInstance();
    }), unchanged::get, () -> true, new ArrayList<>());
    assertThat(sent).hasSize(1);
    assertThat(taken).containsExactlyElementsOf(copies.subList(0, CopyBatches.SIZE));
  }

  @Test
  void keysTheTargetRefusesAreNotTaken() {
    List<Copies.Copy<Object>> copies = copies(3);
    List<Copies.Copy<Object>> taken = CopyBatches.send("m", TEMPLATE, copies, MESSAGE,
        answering(request -> DoneResponse.newBuilder().addRefusedKeys(request.getCopies(1).getKey()).build()),
        () -> true, () -> true, new ArrayList<>());
    assertThat(taken).containsExactly(copies.get(0), copies.get(2));
  }

  @Test
  void aJoiningTargetsRefusalIsSentAgainLaterButAnUnknownCacheIsHopeless() {
    List<Copies.Copy<Object>> copies = copies(CopyBatches.SIZE + 1);
    List<Copies.Copy<Object>> hopeless = new ArrayList<>();
    List<Copies.Copy<Object>> taken = CopyBatches.send("m", TEMPLATE, copies, MESSAGE, answering(request -> {
      Error.Code code = sent.size() == 1 ? Error.Code.NOT_OWNER : Error.Code.UNKNOWN_CACHE;
      return DoneResponse.newBuilder().setError(Error.newBuilder().setCode(code).setMessage("no")).build();
    }), () -> true, () -> true, hopeless);
    assertThat(sent).as("a refusal is an answer, not a failure: the next batch still goes").hasSize(2);
    assertThat(taken).isEmpty();
    assertThat(hopeless).containsExactly(copies.get(CopyBatches.SIZE));
  }
}
