package io.kamacache.chaos.history;

/**
 * An operation on one key, whose value is a {@code Long} register (absent reads as null).
 *
 * <ul>
 *   <li>{@link #PUT}(arg): the register becomes arg; no result.
 *   <li>{@link #GET}: the result is the register (null if absent).
 *   <li>{@link #CAS}(expected, arg): {@code Cache.replace(k, expected, arg)}: if the register is
 *       present and equals expected it becomes arg and the result is 1, else the result is 0.
 *   <li>{@link #GET_AND_PUT}(arg): the result is the old register (null if absent); it becomes arg.
 *   <li>{@link #INCR}: an entry processor: the register becomes (absent ? 0 : register) + 1, and
 *       the result is that new value.
 *   <li>{@link #REMOVE}: {@code Cache.remove(k)}: the result is 1 if the register was present (it
 *       becomes absent), else 0.
 * </ul>
 */
public enum Fn {
  PUT,
  GET,
  CAS,
  GET_AND_PUT,
  INCR,
  REMOVE
}
