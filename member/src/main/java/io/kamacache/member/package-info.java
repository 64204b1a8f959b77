/**
 * The dedicated cache member: the main class of {@code kamacache-member.jar}, which joins the
 * cluster a settings file names and serves its caches until it is stopped.
 */
package io.kamacache.member;
