package io.kamacache.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test certificates: a CA and the member and client certificates it signs, made by
 * scripts/make-certs.sh (so the tests check the script users run), plus, with the openssl command
 * line, certificates of other shapes and a rogue self-signed certificate the CA never saw.
 */
public final class Certificates implements AutoCloseable {

  private static final String SCRIPT = "scripts/make-certs.sh";

  private final Path dir;
  private final Path caCert;

  private Certificates(Path dir) {
    this.dir = dir;
    this.caCert = dir.resolve("ca.crt");
  }

  /** A fresh CA in a temporary directory, deleted on close. */
  public static Certificates create() {
    try {
      Certificates certificates = new Certificates(Files.createTempDirectory("kamacache-tls"));
      certificates.script("--days", "2");
      return certificates;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A member's certificate for {@code name}, signed by the CA. Returns {cert, key}. */
  public Path[] signed(String name) {
    script("--days", "2", "--member", name);
    return new Path[] {dir.resolve(name + ".crt"), dir.resolve(name + ".key")};
  }

  /** A client's certificate for {@code name}, signed by the CA: it may call only javax.cache operations. */
  public Path[] client(String name) {
    script("--days", "2", "--client", name);
    return new Path[] {dir.resolve(name + ".crt"), dir.resolve(name + ".key")};
  }

  /** A certificate for {@code name} signed by the CA, with {@code units} (e.g. "/OU=x") in its subject. */
  public Path[] signed(String name, String units) {
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
        "-subj", units + "/CN=" + name);
    write(name + ".ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
    return new Path[] {dir.resolve(name + ".crt"), dir.resolve(name + ".key")};
  }

  /** A self-signed certificate that no member trusts. Returns {cert, key}. */
  public Path[] rogue(String name) {
    write(name + ".ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".crt",
        "-days", "2", "-subj", "/CN=" + name, "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
    return new Path[] {dir.resolve(name + ".crt"), dir.resolve(name + ".key")};
  }

  /** The CA's certificate, for trust stores. */
  public Path caCert() {
    return caCert;
  }

  @Override
  public void close() {
    TempDirs.delete(dir);
  }

  private void write(String file, String text) {
    try {
      Files.writeString(dir.resolve(file), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void script(String... args) {
    List<String> command = new ArrayList<>();
    command.add(script().toString());
    command.add(dir.toString());
    command.addAll(List.of(args));
    run(command);
  }

  /**
   * The repository's make-certs.sh, found from the working directory upwards: Maven runs each
   * module's tests in that module's directory, and modules sit at different depths.
   */
  private static Path script() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path script = dir.resolve(SCRIPT);
      if (Files.isRegularFile(script)) {
        return script;
      }
    }
    throw new IllegalStateException(SCRIPT + " is not in " + Path.of("").toAbsolutePath() + " or above it");
  }

  private void openssl(String... args) {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    run(command);
  }

  private void run(List<String> command) {
    String args = String.join(" ", command);
    try {
      Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (process.waitFor() != 0) {
        throw new IllegalStateException(args + " failed:\n" + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("the TLS tests need the openssl command (apt-get install -y openssl)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
