package io.kamacache.cluster;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * The keys under one etcd prefix, kept current: one read, then a watch that starts at the
 * revision after that read, so no change falls into the gap. A delete is identified by its key
 * (etcd sends no value with it). Each change hands the listener an immutable snapshot, keyed by
 * the part of the key after the prefix, with the revision it reflects. Each key comes with its
 * lease and revisions, so that a listener can tell a key written under a live lease from one
 * written without, and a key created once from one written over in place.
 */
final class PrefixView implements KeyView {

  private final Client client;
  private final String prefix;
  private final BiConsumer<Map<String, Entry>, Long> listener;
  private final Map<String, Entry> entries = new TreeMap<>();
  private long revision;
  private Watch.Watcher watcher;
  private volatile boolean closed;

  /**
   * One key as etcd last showed it: its value, the lease it was written under (0 for none), how
   * many times it has been written since it was created ({@code version}, 1 after one put), and
   * the revisions that created it and last changed it.
   */
  record Entry(byte[] value, long lease, long version, long createRevision, long modRevision) {
    static Entry of(KeyValue kv) {
      return new Entry(kv.getValue().getBytes(), kv.getLease(), kv.getVersion(), kv.getCreateRevision(),
          kv.getModRevision());
    }

    String text() {
      return new String(value, StandardCharsets.UTF_8);
    }
  }

  /** {@code prefix} must end with '/', so that "members/a" never matches "members-old/a". */
  PrefixView(Client client, String prefix, BiConsumer<Map<String, Entry>, Long> listener) {
    if (!prefix.endsWith("/")) {
      throw new IllegalArgumentException("a watched prefix must end with '/': " + prefix);
    }
    this.client = client;
    this.prefix = prefix;
    this.listener = listener;
  }

  /** Reads the prefix and starts watching from the revision after the read. */
  @Override
  public void start(long timeoutMillis) throws ExecutionException, InterruptedException, TimeoutException {
    long read = reread(timeoutMillis);
    synchronized (this) {
      startWatch(read + 1);
    }
  }

  /**
   * Reads the prefix again, linearizably, and publishes it if it is newer than what we have. The
   * read is waited for outside this view's lock: the watch delivers on etcd's client threads,
   * which must never wait for a caller that is itself waiting for etcd.
   */
  @Override
  public long reread(long timeoutMillis) throws ExecutionException, InterruptedException, TimeoutException {
    return reread(client, timeoutMillis);
  }

  @Override
  public long reread(Client via, long timeoutMillis) throws ExecutionException, InterruptedException, TimeoutException {
    GetResponse response = via.getKVClient()
        .get(bytes(prefix), GetOption.builder().isPrefix(true).build())
        .get(timeoutMillis, TimeUnit.MILLISECONDS);
    long read = response.getHeader().getRevision();
    synchronized (this) {
      if (read >= revision) {
        entries.clear();
        for (KeyValue kv : response.getKvs()) {
          entries.put(suffix(kv.getKey()), Entry.of(kv));
        }
        revision = read;
        publish();
      }
    }
    return read;
  }

  private void startWatch(long fromRevision) {
    WatchOption option = WatchOption.builder().isPrefix(true).withRevision(fromRevision).build();
    watcher = client.getWatchClient().watch(bytes(prefix), option,
        Watch.listener(this::onWatch, this::onWatchError));
  }

  private synchronized void onWatch(WatchResponse response) {
    if (closed) {
      return;
    }
    boolean changed = false;
    for (WatchEvent event : response.getEvents()) {
      KeyValue kv = event.getKeyValue();
      if (kv.getModRevision() <= revision) {
        continue; // already seen in a re-read
      }
      String key = suffix(kv.getKey());
      if (event.getEventType() == WatchEvent.EventType.DELETE) {
        changed |= entries.remove(key) != null;
      } else if (event.getEventType() == WatchEvent.EventType.PUT) {
        entries.put(key, Entry.of(kv));
        changed = true;
      }
      revision = Math.max(revision, kv.getModRevision());
    }
    if (changed) {
      publish();
    }
  }

  private void onWatchError(Throwable error) {
    // jetcd resumes a watch by itself after transient errors; this is the case it gives up on
    // (a compacted revision, say). Start again from a fresh read.
    if (closed) {
      return;
    }
    System.getLogger(PrefixView.class.getName()).log(System.Logger.Level.WARNING,
        "watch on " + prefix + " failed; reading it again", error);
    Thread restart = new Thread(() -> {
      while (!closed) {
        try {
          long read = reread(5_000);
          synchronized (this) {
            if (watcher != null) {
              watcher.close();
            }
            startWatch(read + 1);
          }
          return;
        } catch (Exception e) {
          try {
            Thread.sleep(1_000);
          } catch (InterruptedException interrupted) {
            return;
          }
        }
      }
    }, "kamacache-watch-restart");
    restart.setDaemon(true);
    restart.start();
  }

  private void publish() {
    listener.accept(Map.copyOf(entries), revision);
  }

  synchronized long revision() {
    return revision;
  }

  private String suffix(ByteSequence key) {
    return key.toString(StandardCharsets.UTF_8).substring(prefix.length());
  }

  static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (watcher != null) {
      watcher.close();
    }
  }
}
