package io.kamacache.configuration;

import java.util.regex.Pattern;

/**
 * A template's cache-name pattern: {@code *} matches any run of characters, everything else
 * itself. The more literal characters a pattern has, the more specific it is.
 */
record NamePattern(String text, Pattern regex, int literals) {

  static NamePattern of(String text) {
    String[] parts = text.split("\\*", -1);
    StringBuilder regex = new StringBuilder();
    int literals = 0;
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(parts[i]));
      literals += parts[i].length();
    }
    return new NamePattern(text, Pattern.compile(regex.toString(), Pattern.DOTALL), literals);
  }

  boolean matches(String name) {
    return regex.matcher(name).matches();
  }
}
