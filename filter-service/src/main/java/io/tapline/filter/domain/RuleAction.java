package io.tapline.filter.domain;

/** What a filter rule does with a packet it matches. */
public enum RuleAction {
  ACCEPT,
  REJECT
}
