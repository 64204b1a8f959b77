/**
 * The fault-injection suite: runs etcd and member JVMs, injects one fault at a time while
 * clients record their operations, and checks the recorded histories.
 */
package io.kamacache.chaos;
