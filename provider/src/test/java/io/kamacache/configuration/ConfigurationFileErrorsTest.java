package io.kamacache.configuration;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** A bad file fails with the file, the line and column, the key's path, and what is wrong. */
class ConfigurationFileErrorsTest {

  private static final String F = "io.kamacache.configuration.Fixtures$";

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(String text) {
    return assertThatThrownBy(() -> YamlFiles.parse(text, "bad.yaml", ConfigurationFileErrorsTest.class.getClassLoader()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aMisspeltKeyIsPlacedAndGetsTheKeyItMeant() {
    refused("""
        caches:
          customers:
            capacity: 10
            expiry:
              acessed: 30m
        """).hasMessage("bad.yaml, line 5, column 7: caches.customers.expiry.acessed: unknown key 'acessed';"
            + " did you mean 'accessed'?");
    refused("caches:\n  c:\n    capasity: 1\n")
        .hasMessageContaining("line 3, column 5: caches.c.capasity").hasMessageContaining("did you mean 'capacity'?");
    refused("cache:\n  c: {}\n").hasMessageContaining("line 1, column 1: cache:").hasMessageContaining("'caches'");
    refused("templates:\n  t:\n    listeners:\n      - listener-factroy: x\n")
        .hasMessageContaining("line 4, column 9: templates.t.listeners[0].listener-factroy")
        .hasMessageContaining("did you mean 'listener-factory'?");
  }

  @Test
  void aKeyFarFromEveryKnownOneListsThemInstead() {
    refused("caches:\n  c:\n    colour: blue\n").hasMessageContaining("caches.c.colour")
        .hasMessageContaining("the known keys here are [key-type, value-type, capacity");
  }

  @Test
  void aValueOfTheWrongTypeIsRefused() {
    refused("caches:\n  c:\n    capacity: lots\n")
        .hasMessage("bad.yaml, line 3, column 15: caches.c.capacity: must be a whole number, was 'lots'");
    refused("caches:\n  c:\n    statistics: yes\n")
        .hasMessageContaining("line 3, column 17: caches.c.statistics: must be true or false, was 'yes'");
    refused("caches:\n  c:\n    capacity: [1, 2]\n").hasMessageContaining("caches.c.capacity: expected a single value");
    refused("caches:\n  c: 5\n").hasMessageContaining("line 2, column 6: caches.c: expected a mapping");
    refused("caches:\n  c:\n    capacity:\n").hasMessageContaining("line 3, column 5: caches.c.capacity: needs a value");
    refused("caches:\n  c:\n    listeners: x\n").hasMessageContaining("caches.c.listeners: expected a list");
  }

  @Test
  void numbersOutOfRangeAreRefused() {
    refused("caches:\n  c:\n    capacity: -1\n")
        .hasMessageContaining("line 3, column 15: caches.c.capacity: must be at least 1, was -1");
    refused("caches:\n  c:\n    capacity: 0\n").hasMessageContaining("must be at least 1, was 0");
    refused("caches:\n  c:\n    backups: 7\n").hasMessageContaining("caches.c.backups: must be between 0 and 6, was 7");
    refused("caches:\n  c:\n    near-cache: -5\n").hasMessageContaining("caches.c.near-cache: must be at least 0");
  }

  @Test
  void durationsNeedAUnit() {
    refused("caches:\n  c:\n    expiry: { created: 10 }\n")
        .hasMessageContaining("line 3, column 24: caches.c.expiry.created: must be a whole number with a unit, one of"
            + " ms (milliseconds), s, m, h or d (for example 10m or 500ms), was '10'");
    refused("caches:\n  c:\n    near-cache-max-age: 1w\n").hasMessageContaining("caches.c.near-cache-max-age");
    refused("caches:\n  c:\n    expiry: { created: 0s }\n").hasMessageContaining("must be longer than zero");
  }

  @Test
  void expiryTakesExactlyOneKind() {
    refused("caches:\n  c:\n    expiry: { created: 1m, accessed: 2m }\n")
        .hasMessageContaining("line 3, column 13: caches.c.expiry: give exactly one of [created, accessed, modified,"
            + " touched], found [created, accessed]");
    refused("caches:\n  c:\n    expiry: {}\n").hasMessageContaining("found none");
    refused("caches:\n  c:\n    expiry: forever\n").hasMessageContaining("expected 'eternal' or one of");
    refused("caches:\n  c:\n    expiry: eternal\n    expiry-policy-factory: " + F + "TenMinutesFactory\n")
        .hasMessageContaining("line 4, column 5: caches.c.expiry-policy-factory: give either expiry or"
            + " expiry-policy-factory, not both (expiry is at bad.yaml, line 3, column 5)");
  }

  @Test
  void anUnknownClassIsRefused() {
    refused("caches:\n  c:\n    value-type: com.acme.Nope\n")
        .hasMessageContaining("line 3, column 17: caches.c.value-type: no class 'com.acme.Nope' on the cache manager's"
            + " class loader");
    refused("caches:\n  c:\n    loader-factory: com.acme.Nope\n").hasMessageContaining("caches.c.loader-factory");
  }

  @Test
  void aClassOfTheWrongKindIsRefused() {
    refused("caches:\n  c:\n    writer-factory: " + F + "LoaderFactory\n")
        .hasMessageContaining("caches.c.writer-factory: " + F + "LoaderFactory is a Factory of"
            + " javax.cache.integration.CacheLoader, not of javax.cache.integration.CacheWriter");
    refused("caches:\n  c:\n    writer-factory: " + F + "NotAWriter\n")
        .hasMessageContaining(F + "NotAWriter is not a javax.cache.configuration.Factory<CacheWriter> or a"
            + " javax.cache.integration.CacheWriter");
    refused("caches:\n  c:\n    loader-factory: " + F + "NeedsArgument\n")
        .hasMessageContaining("has no public no-argument constructor");
    refused("caches:\n  c:\n    loader-factory: javax.cache.integration.CacheLoader\n").hasMessageContaining("abstract");
    refused("caches:\n  c:\n    listeners:\n      - filter-factory: " + F + "OnlyVip\n")
        .hasMessageContaining("caches.c.listeners[0]: a listener needs listener-factory");
  }

  @Test
  void aDuplicateKeyIsRefusedWithBothPlaces() {
    refused("caches:\n  c:\n    capacity: 1\n    capacity: 2\n")
        .hasMessage("bad.yaml, line 4, column 5: caches.c.capacity: duplicate key 'capacity' (first at bad.yaml,"
            + " line 3, column 5)");
    refused("caches:\n  c: {}\n  c: {}\n").hasMessageContaining("line 3, column 3: caches.c: duplicate key 'c'");
    refused("kamacache:\n  etcd:\n    endpoints: a\n  etcd.endpoints: b\n")
        .hasMessageContaining("line 4, column 3: kamacache.etcd.endpoints: set twice (first at bad.yaml, line 3,"
            + " column 5)");
  }

  @Test
  void aSyntaxErrorGivesTheParsersLine() {
    refused("caches:\n  c:\n    capacity: 1\n   bad indent: [\n").hasMessageStartingWith("bad.yaml, line ")
        .hasMessageContaining("not valid YAML");
    refused("caches: {c: [}\n").hasMessageStartingWith("bad.yaml, line 1, column ");
  }

  @Test
  void aDocumentThatIsNotAMappingIsRefused() {
    refused("- a\n- b\n").hasMessageContaining("bad.yaml, line 1, column 1: expected a mapping");
  }

  @Test
  void anAliasThatRefersToItselfIsRefusedNotFollowedForever() {
    refused("kamacache: &self\n  etcd: *self\n").hasMessageContaining("nested more than 8 levels deep");
  }

  @Test
  void tooManyAliasesAreRefused() {
    StringBuilder text = new StringBuilder("kamacache:\n  x: &a [v, v]\n");
    for (int i = 0; i < 60; i++) {
      text.append("  y").append(i).append(": *a\n");
    }
    refused(text.toString()).hasMessageContaining("not valid YAML");
  }
}
