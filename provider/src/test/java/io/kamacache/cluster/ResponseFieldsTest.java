package io.kamacache.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Message;
import io.kamacache.proto.v1.DoneResponse;
import io.kamacache.proto.v1.EntriesResponse;
import io.kamacache.proto.v1.Error;
import io.kamacache.proto.v1.FlagResponse;
import io.kamacache.proto.v1.InvokeAllResponse;
import io.kamacache.proto.v1.KeysResponse;
import io.kamacache.proto.v1.Stats;
import io.kamacache.proto.v1.ValueResponse;
import io.kamacache.proto.v1.ValuesResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseFieldsTest {

  private static final Error ERROR = Error.newBuilder().setCode(Error.Code.CODEC).setMessage("m").build();
  private static final Stats STATS = Stats.newBuilder().setHits(3).build();

  @Test
  void everyResponseTheServiceBuildsCarriesItsErrorAndItsStatisticsWhereItHasThem() {
    for (Message.Builder response : List.<Message.Builder>of(ValueResponse.newBuilder(), FlagResponse.newBuilder(),
        EntriesResponse.newBuilder(), DoneResponse.newBuilder(), InvokeAllResponse.newBuilder())) {
      ResponseFields.error(response, ERROR);
      ResponseFields.stats(response, STATS);
      Message built = response.build();
      assertThat(built.getField(built.getDescriptorForType().findFieldByName("error"))).isEqualTo(ERROR);
      assertThat(built.getField(built.getDescriptorForType().findFieldByName("stats"))).isEqualTo(STATS);
    }
    for (Message.Builder response : List.<Message.Builder>of(ValuesResponse.newBuilder(), KeysResponse.newBuilder())) {
      ResponseFields.stats(response, STATS); // these count per key, or nothing
      ResponseFields.error(response, ERROR);
      Message built = response.build();
      assertThat(built.getField(built.getDescriptorForType().findFieldByName("error"))).isEqualTo(ERROR);
    }
  }

  @Test
  void aResponseKindItDoesNotKnowIsAnErrorNotASilentDrop() {
    assertThatThrownBy(() -> ResponseFields.error(io.kamacache.proto.v1.Header.newBuilder(), ERROR))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Header");
  }
}
