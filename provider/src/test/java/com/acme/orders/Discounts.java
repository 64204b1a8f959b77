package com.acme.orders;

import java.io.Serializable;
import java.util.function.LongUnaryOperator;

/** Serializable lambdas captured in a class outside io.kamacache, which the default allow-list refuses. */
public final class Discounts {

  private Discounts() {}

  /** A price rule that survives serialization. */
  public interface Rule extends LongUnaryOperator, Serializable {}

  /** A rule that takes {@code percent} off; the lambda's capturing class is Discounts. */
  public static Rule percentOff(long percent) {
    return cents -> cents * (100 - percent) / 100;
  }
}
