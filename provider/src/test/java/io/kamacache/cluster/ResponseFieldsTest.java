package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.kamacache.proto.v1.Error;
import io.kamacache.proto.v1.Header;
import io.kamacache.proto.v1.PeerGrpc;
import io.kamacache.proto.v1.Stats;
import io.kamacache.proto.v1.StreamedResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseFieldsTest {

  private static final Error ERROR = Error.newBuilder().setCode(Error.Code.CODEC).setMessage("m").build();
  private static final Stats STATS = Stats.newBuilder().setHits(3).build();

  /** Every method's response, from the service descriptor: a new method without its row here fails. */
  @Test
  void everyResponseOfThePeerServiceCarriesItsErrorAndItsStatisticsWhereItHasThem() {
    for (MethodDescriptor<?, ?> method : PeerGrpc.getServiceDescriptor().getMethods()) {
      for (Message prototype : responsesOf(method)) {
        assertCarriesErrorAndStats(method, prototype);
      }
    }
  }

  /**
   * The method's response; for a stream of requests standing for unary calls, each response it
   * may carry, which is where their errors go.
   */
  private static List<Message> responsesOf(MethodDescriptor<?, ?> method) {
    Message prototype = (Message) ((MethodDescriptor.PrototypeMarshaller<?>) method.getResponseMarshaller())
        .getMessagePrototype();
    if (!(prototype instanceof StreamedResponse)) {
      return List.of(prototype);
    }
    List<Message> carried = new ArrayList<>();
    for (Descriptors.FieldDescriptor field : StreamedResponse.getDescriptor().getOneofs().get(0).getFields()) {
      carried.add((Message) prototype.getField(field));
    }
    assertThat(carried).as(method.getBareMethodName()).isNotEmpty();
    return carried;
  }

  private static void assertCarriesErrorAndStats(MethodDescriptor<?, ?> method, Message prototype) {
    Message.Builder response = prototype.newBuilderForType();
    ResponseFields.error(response, ERROR);
    ResponseFields.stats(response, STATS); // a no-op where responses count per key, or nothing
    Message built = response.build();
    Descriptors.Descriptor type = built.getDescriptorForType();
    assertThat(built.getField(type.findFieldByName("error"))).as(method.getBareMethodName()).isEqualTo(ERROR);
    if (type.findFieldByName("stats") != null) {
      assertThat(built.getField(type.findFieldByName("stats"))).as(method.getBareMethodName()).isEqualTo(STATS);
    }
  }

  @Test
  void aResponseKindItDoesNotKnowIsAnErrorNotASilentDrop() {
    assertThatThrownBy(() -> ResponseFields.error(Header.newBuilder(), ERROR))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Header");
  }
}
