package io.kamacache.chaos;

import java.util.HashMap;
import java.util.Map;

/** Command-line arguments as {@code --name value}, {@code --name=value} or a bare {@code --flag}. */
public final class NamedArgs {

  private NamedArgs() {}

  /** The arguments by name; mutable, so that callers can remove what they read and reject the rest. */
  public static Map<String, String> parse(String... args) {
    Map<String, String> named = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("expected --name, was '" + arg + "'");
      }
      if (arg.contains("=")) {
        named.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        named.put(arg, args[++i]);
      } else {
        named.put(arg, "true");
      }
    }
    return named;
  }
}
