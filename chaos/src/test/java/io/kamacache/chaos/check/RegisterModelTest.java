package io.kamacache.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.chaos.check.RegisterModel.State;
import org.junit.jupiter.api.Test;

class RegisterModelTest {

  @Test void valueNoOperationComparesWithIsDead() {
    RegisterModel model = new RegisterModel(new long[] {5, 100}, 0);
    assertThat(model.of(5).kind()).isEqualTo(RegisterModel.VALUE);
    assertThat(model.of(7).kind()).isEqualTo(RegisterModel.DEAD);
  }

  @Test void valueIncrementsCanCarryToAComparedValueIsNotDead() {
    RegisterModel model = new RegisterModel(new long[] {10}, 3);
    assertThat(model.of(7).kind()).isEqualTo(RegisterModel.VALUE);
    assertThat(model.of(6).kind()).isEqualTo(RegisterModel.DEAD);
    assertThat(model.of(11).kind()).isEqualTo(RegisterModel.DEAD);
  }

  @Test void valuesNearTheTopOfTheRangeDoNotOverflow() {
    RegisterModel model = new RegisterModel(new long[] {Long.MIN_VALUE}, 5);
    assertThat(model.of(Long.MAX_VALUE - 1).kind()).isEqualTo(RegisterModel.DEAD);
  }

  @Test void deadStatesAreEqualWhateverValueTheyStandFor() {
    RegisterModel model = new RegisterModel(new long[] {1}, 0);
    assertThat(model.of(7)).isEqualTo(model.of(8)).hasSameHashCodeAs(model.of(8));
    assertThat(new State(RegisterModel.VALUE, 7)).isNotEqualTo(new State(RegisterModel.VALUE, 8));
    assertThat(model.of(7).toString()).contains("7");
  }
}
