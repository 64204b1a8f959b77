package io.kamacache.chaos;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The command line of {@link ChaosMember}: {@code --settings F --history DIR --workers N --keys K
 * --seed S --tag T [--think-ms MS] [--incarnation I]}.
 *
 * @param tag the first worker's unique tag; worker {@code i} uses {@code tag + i}, so written values
 *     stay unique across every member and incarnation of a run when the orchestrator spaces tags
 */
record MemberArgs(Path settings, Path historyDir, int workers, int keys, long seed, long tag, int thinkMillis,
    int incarnation) {

  /** Tags above this would push {@code tag * 1e9 + seq * 1000} past a long. */
  static final long MAX_TAG = 9_000_000L;

  MemberArgs {
    if (workers < 0 || workers >= Workload.TAGS_PER_MEMBER) {
      throw new IllegalArgumentException("--workers must be between 0 and " + (Workload.TAGS_PER_MEMBER - 1));
    }
    if (keys < 1) {
      throw new IllegalArgumentException("--keys must be at least 1");
    }
    if (tag < 1 || tag + workers > MAX_TAG) {
      throw new IllegalArgumentException("--tag must be between 1 and " + (MAX_TAG - workers));
    }
    if (thinkMillis < 0 || incarnation < 0) {
      throw new IllegalArgumentException("--think-ms and --incarnation must not be negative");
    }
  }

  static MemberArgs parse(String... args) {
    Map<String, String> named = NamedArgs.parse(args);
    Path settings = Path.of(required(named, "--settings"));
    Path history = Path.of(required(named, "--history"));
    int workers = Integer.parseInt(required(named, "--workers"));
    int keys = Integer.parseInt(required(named, "--keys"));
    long seed = Long.parseLong(required(named, "--seed"));
    long tag = Long.parseLong(required(named, "--tag"));
    int think = Integer.parseInt(take(named, "--think-ms", "10"));
    int incarnation = Integer.parseInt(take(named, "--incarnation", "0"));
    if (!named.isEmpty()) {
      throw new IllegalArgumentException("unknown arguments: " + named.keySet());
    }
    return new MemberArgs(settings, history, workers, keys, seed, tag, think, incarnation);
  }

  /** The arguments that give these values back through {@link #parse}. */
  String[] toArgs() {
    return new String[] {"--settings", settings.toString(), "--history", historyDir.toString(),
        "--workers", String.valueOf(workers), "--keys", String.valueOf(keys), "--seed", String.valueOf(seed),
        "--tag", String.valueOf(tag), "--think-ms", String.valueOf(thinkMillis),
        "--incarnation", String.valueOf(incarnation)};
  }

  static String required(Map<String, String> named, String name) {
    String value = named.remove(name);
    if (value == null) {
      throw new IllegalArgumentException("missing " + name);
    }
    return value;
  }

  static String take(Map<String, String> named, String name, String fallback) {
    String value = named.remove(name);
    return value == null ? fallback : value;
  }
}
