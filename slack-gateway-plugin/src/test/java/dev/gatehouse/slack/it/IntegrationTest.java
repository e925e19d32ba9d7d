package dev.gatehouse.slack.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class that runs the packaged plugin jar in a real host (failsafe, after
 * {@code package}). The tag, not the class name, keeps these out of surefire: a {@code -Dtest}
 * pattern overrides surefire's includes and excludes, but not its JUnit tag filter.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("integration")
@Inherited
@interface IntegrationTest {
}
