package io.kamacache.testsupport;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a real etcd on free loopback ports before a test class and stops it, deleting its data,
 * afterwards. Use it as {@code @RegisterExtension static final EtcdExtension etcd = ...}.
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback {

  private EtcdProcess etcd;

  @Override
  public void beforeAll(ExtensionContext context) {
    etcd = EtcdProcess.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (etcd != null) {
      etcd.close();
    }
  }

  /** The running etcd, to stop and start it again within a test. */
  public EtcdProcess process() {
    return etcd;
  }

  /** The etcd's client URL. */
  public String endpoint() {
    return etcd.endpoint();
  }
}
