package io.kamacache.chaos.history;

/** Temporary stand-in for the checker branch's type, so the harness compiles before the merge. */
public record Op(String process, long id, String key, Fn fn, Long arg, Long expected, Long result, Status status,
    long start, long end) {}
