package io.kamacache.chaos.harness;

import java.nio.file.Path;

/**
 * What one run needs besides its scenario.
 *
 * @param members members at the start
 * @param workers client threads per member
 * @param keys keys {@code k0..k(keys-1)}
 * @param thinkMillis mean pause between a worker's operations
 * @param classPath the class path of the member JVMs
 * @param workRoot where runs make their directories
 * @param keepPassing keep a passing run's directory too, to look at a run that went well
 */
record RunOptions(long seed, Timing timing, int members, int workers, int keys, int thinkMillis, String classPath,
    Path workRoot, boolean keepPassing) {

  /** Three members keep two cores sane; 20 keys give every key hundreds of operations per run. */
  static RunOptions defaults(long seed, boolean quick, String classPath, Path workRoot) {
    return new RunOptions(seed, quick ? Timing.quick() : Timing.full(), 3, 2, 20, 10, classPath, workRoot, false);
  }

}
