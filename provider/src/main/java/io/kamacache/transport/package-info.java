/**
 * gRPC between members: the server with its limits, one channel per peer, how callers wait for
 * answers, who may call what (certificates or the cluster secret), and exceptions across the wire.
 */
package io.kamacache.transport;
