package io.kamacache.benchmarks.simulator;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.tukaani.xz.XZInputStream;

/**
 * Reads the cache2k trace format: an xz stream of big-endian signed 32-bit keys, one per access.
 */
public final class TraceReader {

  private TraceReader() {}

  public static int[] read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in);
    }
  }

  public static int[] read(InputStream compressed) throws IOException {
    // XZInputStream reads in small pieces; a buffer below DataInputStream keeps the decode cheap.
    DataInputStream in = new DataInputStream(new BufferedInputStream(
        new XZInputStream(new BufferedInputStream(compressed, 1 << 16)), 1 << 16));
    int[] keys = new int[1 << 16];
    int count = 0;
    while (true) {
      int key;
      try {
        key = in.readInt();
      } catch (EOFException end) {
        break;
      }
      if (count == keys.length) {
        keys = Arrays.copyOf(keys, keys.length * 2);
      }
      keys[count++] = key;
    }
    return Arrays.copyOf(keys, count);
  }
}
