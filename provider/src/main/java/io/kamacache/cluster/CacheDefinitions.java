package io.kamacache.cluster;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.kamacache.codec.WireCodec;
import io.kamacache.group.Group;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;
import javax.cache.configuration.CompleteConfiguration;

/**
 * The cluster's cache definitions in etcd, under {@code /<prefix>/<cluster>/caches/}: stored with
 * create-if-absent, removed on destroy, and acted on here as they appear and go (the cache is
 * created or destroyed on this member through its {@link CacheHost}).
 */
final class CacheDefinitions implements AutoCloseable {

  /**
   * Logs under {@link ClusterNode}'s name, as before it was split off, so operators' log settings still
   * apply; the name is spelled out because a class literal would make this class depend on it.
   */
  private static final System.Logger LOG = System.getLogger("io.kamacache.cluster.ClusterNode");

  private final Client client;
  private final ClusterConfig config;
  private final CacheHost host;
  private final WireCodec codec;
  private final ViewRefreshes refreshes;
  private final PrefixView definitions;
  private final String definitionsPrefix;
  /**
   * The definitions this member has acted on, by name, with the etcd revision that created each:
   * one created again under the same name is a cache destroyed and created again, while one
   * written over in place is not something KamaCache does, and is ignored.
   */
  private final Map<String, PrefixView.Entry> known = new ConcurrentHashMap<>();
  /** Definitions this member refused, by name, with the revision it warned about: one warning per write. */
  private final Map<String, Long> refused = new ConcurrentHashMap<>();
  /** Re-reads of the definitions that requests for caches unknown here ask for; they share them. */
  private final Coalesced unknownCacheRereads;

  CacheDefinitions(Client client, ClusterConfig config, CacheHost host, WireCodec codec, ViewRefreshes refreshes) {
    this.client = client;
    this.config = config;
    this.host = host;
    this.codec = codec;
    this.refreshes = refreshes;
    this.definitionsPrefix = config.etcdKey("caches/");
    this.definitions = new PrefixView(client, definitionsPrefix, this::onDefinitions);
    this.unknownCacheRereads = new Coalesced(() -> {
      try {
        definitions.reread(config.timeout.toMillis());
      } catch (Exception e) {
        LOG.log(System.Logger.Level.DEBUG, "re-reading cache definitions failed: {0}", e.toString());
      }
    });
  }

  /** Reads the definitions, creating their caches here, and follows them. */
  void start() throws Exception {
    definitions.start(config.timeout.toMillis());
  }

  /** Reads the definitions again now. */
  void reread() throws Exception {
    definitions.reread(config.timeout.toMillis());
  }

  /**
   * Reads the definitions again for a request naming a cache unknown here: the definition may
   * have been written after our watch last spoke. Concurrent callers share one read.
   */
  void rereadForUnknownCache() {
    unknownCacheRereads.run();
  }

  /**
   * Stores a cache definition unless one exists. Returns the definition the cluster now has: ours,
   * or the one that was there before.
   */
  byte[] define(String name, byte[] bytes) {
    ByteSequence key = PrefixView.bytes(definitionsPrefix + name);
    PrefixView.Entry stored;
    boolean wrote;
    try {
      TxnResponse response = client.getKVClient().txn()
          .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
          .Then(Op.put(key, ByteSequence.from(bytes), PutOption.DEFAULT))
          .Else(Op.get(key, GetOption.DEFAULT))
          .commit().get(config.timeout.toMillis(), TimeUnit.MILLISECONDS);
      wrote = response.isSucceeded();
      if (wrote) {
        long created = response.getHeader().getRevision();
        stored = new PrefixView.Entry(bytes, 0, 1, created, created);
      } else {
        List<KeyValue> existing = response.getGetResponses().get(0).getKvs();
        if (existing.isEmpty()) {
          throw new IllegalStateException("the definition changed while it was being stored; try again");
        }
        stored = PrefixView.Entry.of(existing.get(0));
      }
    } catch (Exception e) {
      throw new CacheException("cannot store the definition of cache '" + name + "' in etcd: " + e, e);
    }
    if (stored.version() > 1) {
      throw new CacheException("cache '" + name + "' has a definition in etcd (" + definitionsPrefix + name
          + ") that was written over in place (version " + stored.version() + "), which KamaCache never does;"
          + " members ignore it. Find out who wrote it, then destroy the cache and create it again.");
    }
    known.put(name, stored);
    if (wrote) {
      refreshes.everywhere();
    }
    return stored.value();
  }

  void undefine(String name) {
    try {
      known.remove(name);
      client.getKVClient().delete(PrefixView.bytes(definitionsPrefix + name))
          .get(config.timeout.toMillis(), TimeUnit.MILLISECONDS);
      refreshes.everywhere();
    } catch (Exception e) {
      throw new CacheException("cannot remove the definition of cache '" + name + "' from etcd: " + e, e);
    }
  }

  /** Decodes a cache definition; the bytes come from etcd, so they pass the allow-list. */
  Object decodeDefinition(byte[] bytes) {
    return codec.decode(bytes, host.classLoader());
  }

  /**
   * Refuses, before it is stored in etcd, a configuration that every member would refuse: one
   * with a {@code FactoryBuilder.ClassFactory} of a class that {@value WireCodec#ALLOW_SETTING}
   * does not allow (see {@link DefinitionFactories}).
   *
   * @throws CacheException naming the cache, the factory, the class and the setting
   */
  void checkDefinition(String name, CompleteConfiguration<?, ?> configuration) {
    String refusal = new DefinitionFactories(config.serializationAllow, host.classLoader()).refusal(configuration);
    if (refusal != null) {
      throw new CacheException("cache '" + name + "' cannot be created in cluster '" + config.cluster + "': " + refusal
          + ". Members create a clustered cache from its definition in etcd and instantiate by name only the classes"
          + " that " + WireCodec.ALLOW_SETTING + " allows: add the class or its package (pkg.** for it and its"
          + " subpackages) to " + WireCodec.ALLOW_SETTING + " on every member and client, or use a factory instance"
          + " (FactoryBuilder.factoryOf(instance)) of an allowed class.");
    }
  }

  /** Why a definition read from etcd may not be acted on here, or null if it may. */
  private String refusal(byte[] bytes) {
    Object decoded;
    try {
      decoded = decodeDefinition(bytes);
    } catch (RuntimeException e) {
      return "it cannot be decoded here: " + e.getMessage();
    }
    if (!(decoded instanceof CompleteConfiguration)) {
      return "it is not a cache configuration but a " + (decoded == null ? "null" : decoded.getClass().getName());
    }
    String refusal = new DefinitionFactories(config.serializationAllow, host.classLoader())
        .refusal((CompleteConfiguration<?, ?>) decoded);
    return refusal == null ? null : refusal + ". Members instantiate by name only the classes that "
        + WireCodec.ALLOW_SETTING + " allows, so it was written by a member with other settings or by someone"
        + " else with write access to etcd; if the class is meant to run here, add it to " + WireCodec.ALLOW_SETTING
        + " on every member and client, then destroy the cache and create it again";
  }

  /**
   * Acts on the cluster's definitions: creates the caches defined since, and destroys here those
   * destroyed (deleted, possibly created again since). KamaCache only ever creates a definition
   * (create-if-absent) and deletes it, so one written over in place, or one that asks for a class
   * the allow-list does not admit, is refused with a warning: it neither creates a cache nor
   * clears one that exists.
   */
  private synchronized void onDefinitions(Map<String, PrefixView.Entry> current, long revision) {
    for (Map.Entry<String, PrefixView.Entry> entry : current.entrySet()) {
      String name = entry.getKey();
      PrefixView.Entry now = entry.getValue();
      PrefixView.Entry before = known.get(name);
      if (before != null && before.createRevision() == now.createRevision()) {
        if (before.modRevision() != now.modRevision()) {
          refuse(name, now, "it was written over in place (version " + now.version() + " of the key created at"
              + " revision " + now.createRevision() + "), which KamaCache never does; the cache keeps the"
              + " configuration and the entries it has");
        }
        continue;
      }
      if (before != null) {
        known.remove(name);
        destroyed(name, revision, "was deleted and defined again");
      }
      if (Long.valueOf(now.modRevision()).equals(refused.get(name))) {
        continue;
      }
      String refusal = now.version() > 1
          ? "it was written over in place (version " + now.version() + "), which KamaCache never does"
          : refusal(now.value());
      if (refusal != null) {
        refuse(name, now, refusal + "; the cache is not created here");
        continue;
      }
      known.put(name, now);
      try {
        host.defined(name, now.value());
      } catch (RuntimeException e) {
        known.remove(name); // so that the next read tries again
        LOG.log(System.Logger.Level.WARNING, "cannot create cache ''" + name + "'' defined in the cluster", e);
      }
    }
    for (String name : Set.copyOf(known.keySet())) {
      PrefixView.Entry mine = known.get(name);
      // A definition this member stored after the view's revision is missing from the view
      // because the view is older, not because it was deleted: several caches created in a row
      // (Hibernate's regions at start-up) each outrun the watch's news of the one before.
      if (!current.containsKey(name) && mine != null && mine.createRevision() <= revision) {
        known.remove(name);
        destroyed(name, revision, "was deleted");
      }
    }
    refused.keySet().retainAll(current.keySet());
  }

  private void refuse(String name, PrefixView.Entry definition, String why) {
    Long warned = refused.put(name, definition.modRevision());
    if (warned == null || warned != definition.modRevision()) {
      LOG.log(System.Logger.Level.WARNING, "ignoring the definition of cache ''{0}'' in etcd ({1}{0}, revision {2}):"
          + " {3}", name, definitionsPrefix, String.valueOf(definition.modRevision()), why);
    }
  }

  /** destroyCache somewhere in the cluster: cluster-wide, as JSR-107 has it, so the cache goes here too. */
  private void destroyed(String name, long revision, String how) {
    Group<Object, Object> group = host.group(name);
    long entries = group == null ? 0 : group.store().size();
    host.undefined(name);
    LOG.log(System.Logger.Level.INFO, "cache ''{0}'' {1} in etcd (seen at revision {2}): destroyed in the cluster,"
        + " so it is destroyed here too, dropping the {3} entries this member held", name, how, String.valueOf(revision),
        String.valueOf(entries));
  }

  @Override
  public void close() {
    definitions.close();
  }
}
