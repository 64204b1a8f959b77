package io.kamacache.chaos.history;

/** Temporary stand-in for the checker branch's type, so the harness compiles before the merge. */
public enum Fn { PUT, GET, CAS, GET_AND_PUT, INCR, REMOVE }
