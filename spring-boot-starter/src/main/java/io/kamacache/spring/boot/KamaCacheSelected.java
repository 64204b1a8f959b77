package io.kamacache.spring.boot;

import io.kamacache.jcache.KamaCachingProvider;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless {@code spring.cache.jcache.provider} names another JCache provider: with it unset,
 * Boot takes the only provider on the class path, which with this starter is KamaCache.
 */
class KamaCacheSelected extends SpringBootCondition {

  static final String PROVIDER = "spring.cache.jcache.provider";

  @Override
  public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
    String provider = context.getEnvironment().getProperty(PROVIDER);
    if (provider == null || provider.isBlank() || provider.trim().equals(KamaCachingProvider.class.getName())) {
      return ConditionOutcome.match(PROVIDER + " is " + (provider == null ? "not set" : provider));
    }
    return ConditionOutcome.noMatch(PROVIDER + " names another provider: " + provider);
  }
}
