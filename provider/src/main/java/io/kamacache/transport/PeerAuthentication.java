package io.kamacache.transport;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingClientCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who may call a member, and what. With mutual TLS a caller is who its certificate says
 * ({@link PeerIdentity#of}); otherwise it names an id and proves it knows the cluster's secret,
 * which only members and clients of the cluster can read from etcd. A call that proves nothing is
 * closed with UNAUTHENTICATED before any of its bytes are decoded, and a client calling a
 * member-only method gets PERMISSION_DENIED. Whether a member caller is in the ring is for the
 * service to check, once it has caught up with the caller's view.
 */
public final class PeerAuthentication {

  static final Metadata.Key<String> ID = Metadata.Key.of("kamacache-id", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> PROOF = Metadata.Key.of("kamacache-proof", Metadata.ASCII_STRING_MARSHALLER);

  /** Ids are names; anything longer or stranger is not one of ours. */
  private static final int MAX_ID_LENGTH = 256;
  private static final Pattern ID_FORMAT = Pattern.compile("[A-Za-z0-9._-]+");
  /** Proofs already checked, by id: far more callers than a cluster has; past it the memory starts over. */
  private static final int MAX_REMEMBERED = 10_000;

  private final String cluster;
  private final byte[] secret;
  private final boolean certificates;
  private final Set<String> memberOnly;
  /** Methods for members and admins only (issue 14: Drain). */
  private final Set<String> adminOnly;
  /** The proof of each id that has proven itself: checking against it saves an HMAC per call. */
  private final Map<String, byte[]> proven = new ConcurrentHashMap<>();

  /**
   * @param cluster the cluster's name, for error messages
   * @param secret the cluster's secret, which proves membership without certificates
   * @param certificates whether callers present client certificates (mutual TLS); then only they count
   * @param memberOnly bare names of the methods only members may call
   */
  public PeerAuthentication(String cluster, byte[] secret, boolean certificates, Set<String> memberOnly) {
    this(cluster, secret, certificates, memberOnly, Set.of());
  }

  /** As above; {@code adminOnly} are the bare names of the methods only members and admins may call. */
  public PeerAuthentication(String cluster, byte[] secret, boolean certificates, Set<String> memberOnly,
      Set<String> adminOnly) {
    this.cluster = cluster;
    this.secret = secret.clone();
    this.certificates = certificates;
    this.memberOnly = Set.copyOf(memberOnly);
    this.adminOnly = Set.copyOf(adminOnly);
  }

  /** The proof a caller named {@code id} sends: an HMAC of its id under the cluster's secret. */
  public String proof(String id) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(id.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  /** Adds this caller's id and proof to every call. */
  public ClientInterceptor client(String id) {
    String proof = proof(id);
    return new ClientInterceptor() {
      @Override
      public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<A> listener, Metadata headers) {
            headers.put(ID, id);
            headers.put(PROOF, proof);
            super.start(listener, headers);
          }
        };
      }
    };
  }

  /** Authenticates every call, and refuses clients the member-only methods. */
  public ServerInterceptor server() {
    return new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
          ServerCallHandler<Q, A> next) {
        PeerIdentity identity;
        try {
          identity = certificates ? fromCertificate(call) : fromSecret(headers);
        } catch (IllegalArgumentException e) {
          return refuse(call, Status.UNAUTHENTICATED.withDescription(e.getMessage()));
        }
        String method = call.getMethodDescriptor().getBareMethodName();
        if (identity.role() != PeerIdentity.Role.MEMBER && memberOnly.contains(method)) {
          return refuse(call, Status.PERMISSION_DENIED.withDescription(identity + " may not call " + method
              + ": only members of cluster '" + cluster + "' may (a member's certificate has OU="
              + PeerIdentity.MEMBER_UNIT + ")"));
        }
        if (identity.role() == PeerIdentity.Role.CLIENT && adminOnly.contains(method)) {
          return refuse(call, Status.PERMISSION_DENIED.withDescription(identity + " may not call " + method
              + ": only members and admins of cluster '" + cluster + "' may (a certificate with OU="
              + PeerIdentity.ADMIN_UNIT + " or OU=" + PeerIdentity.MEMBER_UNIT + "; see docs/security.md)"));
        }
        return Contexts.interceptCall(Context.current().withValue(PeerIdentity.CURRENT, identity), call, headers, next);
      }
    };
  }

  private static <Q, A> ServerCall.Listener<Q> refuse(ServerCall<Q, A> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }

  private PeerIdentity fromCertificate(ServerCall<?, ?> call) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session == null) {
      throw new IllegalArgumentException("this member of cluster '" + cluster + "' takes calls over mutual TLS only");
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate)) {
        throw new IllegalArgumentException("the caller presented no X.509 certificate");
      }
      return PeerIdentity.of((X509Certificate) chain[0]);
    } catch (SSLPeerUnverifiedException e) {
      throw new IllegalArgumentException("the caller presented no verified certificate", e);
    }
  }

  private PeerIdentity fromSecret(Metadata headers) {
    String id = headers.get(ID);
    String proof = headers.get(PROOF);
    if (id == null || proof == null) {
      throw new IllegalArgumentException("this port serves the members and clients of cluster '" + cluster
          + "' only: the call carries no proof that its sender is one");
    }
    // Every call is checked: an id that has proven itself before skips the format check and the HMAC.
    byte[] expected = proven.get(id);
    boolean fresh = expected == null;
    if (fresh) {
      if (id.isEmpty() || id.length() > MAX_ID_LENGTH || !ID_FORMAT.matcher(id).matches()) {
        throw new IllegalArgumentException("the caller's id is not a KamaCache member or client id");
      }
      expected = proof(id).getBytes(StandardCharsets.US_ASCII);
    }
    if (!MessageDigest.isEqual(expected, proof.getBytes(StandardCharsets.US_ASCII))) {
      throw new IllegalArgumentException("the caller's proof does not match cluster '" + cluster + "''s secret");
    }
    if (fresh) {
      if (proven.size() >= MAX_REMEMBERED) {
        proven.clear();
      }
      proven.put(id, expected);
    }
    return new PeerIdentity(id, PeerIdentity.Role.MEMBER, false);
  }

}
