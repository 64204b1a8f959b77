/**
 * Launchers for tests and harnesses: a real etcd ({@link io.kamacache.testsupport.EtcdProcess},
 * {@link io.kamacache.testsupport.EtcdExtension}), member JVMs
 * ({@link io.kamacache.testsupport.MemberProcess}), test certificates, free ports and temporary
 * directories. Nothing here depends on the provider: these classes start and stop processes and
 * leave what runs inside them to the caller.
 */
package io.kamacache.testsupport;
