package com.acme.orders;

import java.io.Serializable;
import java.util.Objects;

/** An application value outside io.kamacache, so the default allow-list refuses it. */
public final class Order implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String id;
  private final long cents;

  public Order(String id, long cents) {
    this.id = id;
    this.cents = cents;
  }

  @Override public boolean equals(Object other) {
    return other instanceof Order && ((Order) other).id.equals(id) && ((Order) other).cents == cents;
  }

  @Override public int hashCode() {
    return Objects.hash(id, cents);
  }

  @Override public String toString() {
    return "Order " + id + " " + cents;
  }
}
