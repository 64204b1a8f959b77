package io.kamacache.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between one member and etcd that can hold everything both ways, as a link whose
 * packets stop for a while: bytes sent meanwhile wait and go on, in order, once it is let go.
 * Connections are still accepted while it holds.
 */
final class HeldLink implements AutoCloseable {

  private final URI target;
  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Object gate = new Object();
  private boolean held;
  private volatile boolean closed;

  HeldLink(String endpoint) {
    this.target = URI.create(endpoint);
    try {
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread acceptor = new Thread(this::accept, "held-link-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The endpoint to give the member instead of etcd's. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  void hold() {
    synchronized (gate) {
      held = true;
    }
  }

  void letGo() {
    synchronized (gate) {
      held = false;
      gate.notifyAll();
    }
  }

  private void accept() {
    while (!closed) {
      Socket in;
      try {
        in = server.accept();
      } catch (IOException e) {
        return; // the link closed
      }
      try {
        Socket out = new Socket(target.getHost(), target.getPort());
        sockets.add(in);
        sockets.add(out);
        pump(in, out);
        pump(out, in);
      } catch (IOException e) {
        // etcd refused this connection: closing the member's side makes its client connect again
        // at once, where an open socket left dangling would keep it waiting for bytes.
        closeQuietly(in);
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread pump = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int read;
        while ((read = in.read(buffer)) >= 0) {
          awaitLetGo();
          out.write(buffer, 0, read);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // the other side closed, or the link did
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "held-link-pump");
    pump.setDaemon(true);
    pump.start();
  }

  private void awaitLetGo() throws InterruptedException {
    synchronized (gate) {
      while (held && !closed) {
        gate.wait();
      }
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    letGo();
    closeQuietly(server);
    sockets.forEach(HeldLink::closeQuietly);
  }

  private static void closeQuietly(ServerSocket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
