package io.tapline.bench;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a JMH {@code @Benchmark} method as a row of the bench report. {@link JmhStep} turns each
 * of its results into a row named {@link #value()} (with {@code {param}} replaced by the JMH
 * parameter's value) and, when {@link #baseline()} names another benchmark method of the same
 * class, puts that method's score for the same parameters in the baseline column. Methods without
 * this annotation (baselines) are measured but get no row of their own.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Figure {

  /** The figure's name, e.g. "VXLAN encapsulate, {frameSize}-byte frame". */
  String value();

  /** Name of the benchmark method measured as this figure's baseline, or empty. */
  String baseline() default "";

  /** Extra words for the note column (the score's error is added). */
  String note() default "";
}
