package io.kamacache.benchmarks.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/** Plain LRU, the baseline LRU-2 has to beat on every trace and size. */
public final class LruPolicy implements Policy {
  private final Map<Integer, Boolean> map;

  public LruPolicy(int capacity) {
    map = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  @Override
  public boolean access(Integer key) {
    if (map.get(key) != null) {
      return true;
    }
    map.put(key, Boolean.TRUE);
    return false;
  }
}
