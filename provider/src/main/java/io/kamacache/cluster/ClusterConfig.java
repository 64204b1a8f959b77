package io.kamacache.cluster;

import io.kamacache.codec.WireCodec;
import io.kamacache.configuration.ConfigurationSources;
import io.kamacache.transport.PeerIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * A member's cluster settings, read and checked: etcd, the cluster and member names, the
 * addresses, the lease, TLS, the server's limits and the deserialization limits. They come from a
 * settings file, environment variables and system properties ({@link SettingsSources}); without
 * {@code kamacache.etcd.endpoints} the manager stays embedded. A bad setting fails with an error
 * that names it.
 */
public final class ClusterConfig {

  public static final String ENDPOINTS = "kamacache.etcd.endpoints";
  public static final String ETCD_USER = "kamacache.etcd.user";
  public static final String ETCD_PASSWORD = "kamacache.etcd.password";
  /** Lets the etcd user and password go to {@code http://} endpoints, in clear text; off by default. */
  public static final String ETCD_ALLOW_PLAINTEXT_PASSWORD = "kamacache.etcd.allow-plaintext-password";
  /** The CA that signed etcd's certificate, for https endpoints. */
  public static final String ETCD_TLS_TRUST = "kamacache.etcd.tls.trust";
  /** This member's client certificate and PKCS#8 key, for an etcd that asks for one. */
  public static final String ETCD_TLS_CERT = "kamacache.etcd.tls.cert";
  public static final String ETCD_TLS_KEY = "kamacache.etcd.tls.key";
  public static final String CLUSTER = "kamacache.cluster.name";
  public static final String PREFIX = "kamacache.cluster.prefix";
  public static final String MEMBER_ID = "kamacache.member.id";
  public static final String ROLE = "kamacache.member.role";
  public static final String BIND_HOST = "kamacache.bind.host";
  public static final String BIND_PORT = "kamacache.bind.port";
  public static final String ADVERTISE_HOST = "kamacache.advertise.host";
  public static final String ADVERTISE_PORT = "kamacache.advertise.port";
  public static final String LEASE_TTL = "kamacache.lease.ttl-seconds";
  public static final String VIRTUAL_NODES = "kamacache.ring.virtual-nodes";
  public static final String TIMEOUT = "kamacache.request.timeout-ms";
  public static final String MAX_MESSAGE = "kamacache.request.max-message-bytes";
  public static final String SPIN = "kamacache.request.spin-us";
  public static final String RETRIES = "kamacache.routing.retries";
  /**
   * The longest an owner keeps a key locked for an entry processor running on its caller (one that
   * cannot be sent to the owner); a caller that dies or pauses holds the key no longer than this.
   */
  public static final String LOCK_LEASE = "kamacache.lock.lease-ms";
  public static final String TLS_CERT = "kamacache.tls.cert";
  public static final String TLS_KEY = "kamacache.tls.key";
  public static final String TLS_TRUST = "kamacache.tls.trust";
  public static final String TLS_CLIENT_AUTH = "kamacache.tls.client-auth";
  public static final String SERIALIZATION_ALLOW = WireCodec.ALLOW_SETTING;
  /**
   * The one opt-in that lets a member serve a non-loopback address without mutual TLS: for a
   * development cluster on a network nobody else can reach. It logs a warning at start.
   */
  public static final String INSECURE_PLAINTEXT = "kamacache.security.insecure-plaintext";
  /** Threads per pool that run peer calls (one pool for callers' operations, one for members' own). */
  public static final String SERVER_THREADS = "kamacache.server.threads";
  /** Calls that may wait for a thread, per pool; more are refused with RESOURCE_EXHAUSTED. */
  public static final String SERVER_QUEUE = "kamacache.server.queue";
  /** Calls one connection may have open at once; more wait on the caller's side. */
  public static final String CALLS_PER_CONNECTION = "kamacache.server.max-calls-per-connection";
  /** The largest key, in codec bytes, a member accepts from a peer. */
  public static final String MAX_KEY = "kamacache.request.max-key-bytes";
  /** The member jar's HTTP port for metrics and health probes; unset serves none, 0 takes any free port. */
  public static final String HTTP_PORT = "kamacache.http.port";
  /** Where the member jar's HTTP side listens; the gRPC bind host unless set. */
  public static final String HTTP_HOST = "kamacache.http.host";
  /** How deep the objects of a Java-serialized key or value from a peer may nest. */
  public static final String SERIALIZATION_MAX_DEPTH = WireCodec.MAX_DEPTH_SETTING;
  /** How much hashing a Java-serialized key or value from a peer may cause while it is decoded. */
  public static final String SERIALIZATION_MAX_HASH_WORK = WireCodec.MAX_HASH_WORK_SETTING;

  /** Whether this member owns keys and serves peers, or only routes its own calls. */
  public enum Role { MEMBER, CLIENT }

  final List<URI> endpoints;
  final String etcdUser;
  final String etcdPassword;
  final String cluster;
  final String prefix;
  final String memberId;
  final Role role;
  final String bindHost;
  final int bindPort;
  final String advertiseHost;
  final int advertisePort;
  final Duration leaseTtl;
  final int virtualNodes;
  final Duration timeout;
  final int maxMessageBytes;
  final int spinMicros;
  final int retries;
  final Duration lockLease;
  final Path etcdTlsTrust;
  final Path etcdTlsCert;
  final Path etcdTlsKey;
  final Path tlsCert;
  final Path tlsKey;
  final Path tlsTrust;
  final boolean tlsClientAuth;
  final List<String> serializationAllow;
  final boolean insecurePlaintext;
  final int serverThreads;
  final int serverQueue;
  final int callsPerConnection;
  final int maxKeyBytes;
  final int serializationMaxDepth;
  final long serializationMaxHashWork;
  final String httpHost;
  final int httpPort;

  private ClusterConfig(Settings s) {
    endpoints = s.uris(ENDPOINTS);
    etcdUser = s.string(ETCD_USER, null);
    etcdPassword = s.string(ETCD_PASSWORD, null);
    if ((etcdUser == null) != (etcdPassword == null)) {
      throw new IllegalArgumentException(ETCD_USER + " and " + ETCD_PASSWORD + " must be set together");
    }
    etcdTlsTrust = s.path(ETCD_TLS_TRUST);
    etcdTlsCert = s.path(ETCD_TLS_CERT);
    etcdTlsKey = s.path(ETCD_TLS_KEY);
    if ((etcdTlsCert == null) != (etcdTlsKey == null)) {
      throw new IllegalArgumentException(ETCD_TLS_CERT + " and " + ETCD_TLS_KEY + " must be set together");
    }
    boolean https = endpoints.stream().anyMatch(uri -> "https".equalsIgnoreCase(uri.getScheme()));
    if ((etcdTlsTrust != null || etcdTlsCert != null) && !https) {
      throw new IllegalArgumentException(ETCD_TLS_TRUST + " and " + ETCD_TLS_CERT + " need https:// endpoints in "
          + ENDPOINTS + ", which has " + endpoints);
    }
    plaintextPassword(s, endpoints, etcdUser != null);
    cluster = s.name(CLUSTER, "default");
    prefix = s.name(PREFIX, "kamacache");
    role = Role.valueOf(s.choice(ROLE, "member", "member", "client").toUpperCase(Locale.ROOT));
    bindHost = s.string(BIND_HOST, "127.0.0.1");
    bindPort = s.integer(BIND_PORT, 0, 0, 65535);
    advertiseHost = s.string(ADVERTISE_HOST, bindHost);
    advertisePort = s.integer(ADVERTISE_PORT, 0, 0, 65535);
    leaseTtl = Duration.ofSeconds(s.integer(LEASE_TTL, 10, 2, 3600));
    // Fewer positions per member leave the members' shares of the keys noticeably uneven.
    virtualNodes = s.integer(VIRTUAL_NODES, 128, 128, 4096);
    timeout = Duration.ofMillis(s.integer(TIMEOUT, 5000, 1, 600_000));
    maxMessageBytes = s.integer(MAX_MESSAGE, 16 * 1024 * 1024, 1024, Integer.MAX_VALUE);
    // A loopback round trip between member JVMs takes about 80 µs; see transport.Awaiting.
    spinMicros = s.integer(SPIN, 200, 0, 10_000);
    retries = s.integer(RETRIES, 20, 0, 1000);
    // Long enough for a Spring @Cacheable method that queries a slow service; a dead caller blocks
    // its key at most this long.
    lockLease = Duration.ofMillis(s.integer(LOCK_LEASE, 30_000, 1, 3_600_000));
    tlsCert = s.path(TLS_CERT);
    tlsKey = s.path(TLS_KEY);
    tlsTrust = s.path(TLS_TRUST);
    // With its own certificate and a CA to check others by, a member asks callers for theirs.
    tlsClientAuth = s.bool(TLS_CLIENT_AUTH, tlsCert != null && tlsTrust != null);
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException(TLS_CERT + " and " + TLS_KEY + " must be set together");
    }
    if (tlsClientAuth && (tlsCert == null || tlsTrust == null)) {
      throw new IllegalArgumentException(TLS_CLIENT_AUTH + " needs " + TLS_CERT + ", " + TLS_KEY + " and " + TLS_TRUST);
    }
    memberId = memberId(s, tlsClientAuth ? tlsCert : null, role);
    serializationAllow = s.list(SERIALIZATION_ALLOW);
    insecurePlaintext = s.bool(INSECURE_PLAINTEXT, false);
    if (role == Role.MEMBER && !tlsClientAuth && !insecurePlaintext && !loopback(bindHost)) {
      throw new IllegalArgumentException(BIND_HOST + "=" + bindHost + " is not a loopback address, so this member"
          + " would serve the network: it needs mutual TLS. Set " + TLS_CERT + ", " + TLS_KEY + " and " + TLS_TRUST
          + " (scripts/make-certs.sh makes a CA and certificates; see docs/security.md), or bind 127.0.0.1. Only"
          + " for a development cluster on a network nobody else can reach, set " + INSECURE_PLAINTEXT + "=true.");
    }
    // Enough for loaders and writers that block for a while; a flood past it is refused, not queued without end.
    serverThreads = s.integer(SERVER_THREADS, 64, 2, 4096);
    // About a second's worth of calls at the throughput one member reaches on 2 cores.
    serverQueue = s.integer(SERVER_QUEUE, 1024, 0, 1_000_000);
    // Callers keep far fewer in flight (one get stream, a few dozen threads' calls); see docs/security.md.
    callsPerConnection = s.integer(CALLS_PER_CONNECTION, 256, 1, 100_000);
    // Keys are identifiers; a larger one is a mistake or an attack, and every member hashes and stores it.
    maxKeyBytes = s.integer(MAX_KEY, 64 * 1024, 16, Integer.MAX_VALUE);
    serializationMaxDepth = s.integer(SERIALIZATION_MAX_DEPTH, WireCodec.DEFAULT_MAX_DEPTH, 1,
        WireCodec.MAX_MAX_DEPTH);
    serializationMaxHashWork = s.integer(SERIALIZATION_MAX_HASH_WORK,
        (int) WireCodec.DEFAULT_MAX_HASH_WORK, 1, Integer.MAX_VALUE);
    httpHost = s.string(HTTP_HOST, bindHost);
    // -1: off. Probes on a fixed port would collide when several members share a host, so none is assumed.
    httpPort = s.integer(HTTP_PORT, -1, 0, 65535);
  }

  /**
   * Where the member jar serves metrics and health probes ({@link #HTTP_HOST}, {@link #HTTP_PORT}),
   * or empty when {@link #HTTP_PORT} is not set. The provider itself serves no HTTP.
   */
  public Optional<InetSocketAddress> probeAddress() {
    return httpPort < 0 ? Optional.empty() : Optional.of(new InetSocketAddress(httpHost, httpPort));
  }

  /** The etcd key of {@code path} in this cluster: {@code /<prefix>/<cluster>/<path>}. */
  String etcdKey(String path) {
    return "/" + prefix + "/" + cluster + "/" + path;
  }

  /**
   * The member id: with mutual TLS, its certificate's common name, which is what peers will see;
   * a set {@code kamacache.member.id} must agree with it.
   */
  private static String memberId(Settings s, Path certificate, Role role) {
    if (certificate == null) {
      return s.name(MEMBER_ID, UUID.randomUUID().toString());
    }
    PeerIdentity identity;
    try (InputStream in = Files.newInputStream(certificate)) {
      X509Certificate x509 = (X509Certificate)
          CertificateFactory.getInstance("X.509").generateCertificate(in);
      identity = PeerIdentity.of(x509);
    } catch (IOException | CertificateException | IllegalArgumentException e) {
      throw new IllegalArgumentException(TLS_CERT + ": cannot read the member's identity from " + certificate + ": "
          + e.getMessage(), e);
    }
    String id = s.name(MEMBER_ID, identity.id());
    if (!id.equals(identity.id())) {
      throw new IllegalArgumentException(MEMBER_ID + "=" + id + " differs from the common name (CN) of " + certificate
          + ", '" + identity.id() + "', which is the id peers see; leave " + MEMBER_ID + " unset or make them agree");
    }
    if (role == Role.MEMBER && identity.role() != PeerIdentity.Role.MEMBER) {
      throw new IllegalArgumentException(TLS_CERT + ": " + certificate + " is not a member's certificate (its subject"
          + " needs OU=" + PeerIdentity.MEMBER_UNIT + "); a client's certificate needs "
          + ROLE + "=client");
    }
    s.name(MEMBER_ID, id); // the same rules as any id
    return id;
  }

  private static boolean loopback(String host) {
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(BIND_HOST + ": unknown host '" + host + "'", e);
    }
  }

  /**
   * Refuses to send the etcd password where anyone on the path can read it, unless told to; etcd
   * access is control of the cluster (see docs/security.md).
   */
  private static void plaintextPassword(Settings s, List<URI> endpoints, boolean password) {
    boolean allowed = s.bool(ETCD_ALLOW_PLAINTEXT_PASSWORD, false);
    List<URI> plain = endpoints.stream().filter(uri -> "http".equalsIgnoreCase(uri.getScheme())).toList();
    if (!password || plain.isEmpty()) {
      return;
    }
    if (!allowed) {
      throw new IllegalArgumentException(ETCD_USER + " and " + ETCD_PASSWORD + " would go in clear text to the http://"
          + " endpoints " + plain + " in " + ENDPOINTS + ", where anyone on the network path can read them and"
          + " then control the cluster. Use https:// endpoints (with " + ETCD_TLS_TRUST + "), or, on a network you"
          + " trust, set " + ETCD_ALLOW_PLAINTEXT_PASSWORD + "=true");
    }
    System.getLogger(ClusterConfig.class.getName()).log(System.Logger.Level.WARNING, "{0}=true: the etcd password"
        + " ({1}) goes in clear text to {2}; anyone on the network path can read it", ETCD_ALLOW_PLAINTEXT_PASSWORD,
        ETCD_PASSWORD, plain);
  }

  /**
   * The cluster settings for a cache manager, or null when it is embedded. Settings apply to the
   * provider's default manager and to managers whose URI names a file
   * ({@link ConfigurationSources#appliesSettings}); a manager with any other URI is a separate,
   * embedded namespace, as JSR-107 expects of distinct URIs.
   *
   * @throws IllegalArgumentException naming the setting that is wrong
   */
  public static ClusterConfig forManager(ConfigurationSources sources) {
    return forManager(sources, Map.of());
  }

  /**
   * As {@link #forManager(ConfigurationSources)}, with {@code overrides} above every source: a
   * tool's command-line options.
   */
  public static ClusterConfig forManager(ConfigurationSources sources, Map<String, String> overrides) {
    if (!sources.appliesSettings()) {
      return null;
    }
    Properties system = new Properties();
    system.putAll(System.getProperties());
    overrides.forEach(system::setProperty);
    return from(SettingsSources.merge(sources, System.getenv(), system));
  }

  /** The settings in {@code properties} alone, or null when they name no etcd endpoints. */
  public static ClusterConfig from(Properties properties) {
    Settings settings = new Settings(properties);
    return settings.string(ENDPOINTS, null) == null ? null : new ClusterConfig(settings);
  }
}
