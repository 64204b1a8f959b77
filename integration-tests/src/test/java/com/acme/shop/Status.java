package com.acme.shop;

/** An application enum outside io.kamacache, which the default allow-list refuses. */
public enum Status {
  DRAFT, PUBLISHED
}
