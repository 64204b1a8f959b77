package io.kamacache.chaos.history;

/** Temporary stand-in for the checker branch's type, so the harness compiles before the merge. */
public enum Status { OK, FAIL, UNKNOWN }
