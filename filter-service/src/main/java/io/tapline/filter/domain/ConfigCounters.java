package io.tapline.filter.domain;

/**
 * The counters of one compiled configuration's sessions and rules, addressed by session index
 * and rule slot (as {@link CompiledInterfaceConfig} numbers them), created when the configuration
 * is compiled so the per-packet path only indexes arrays. Implementations must not allocate.
 * Bytes are frame bytes as captured, except where said.
 */
public interface ConfigCounters {

  /** The packet reached session {@code session} in priority order (a session passed over for amazon-dns did not). */
  void sessionEvaluated(int session, int bytes);

  /** Session {@code session} mirrors the packet; {@code bytesKept} after truncation. */
  void sessionMirrored(int session, int bytesKept);

  /** A reject rule of session {@code session} decided. */
  void sessionRejected(int session, int bytes);

  /** No rule of session {@code session} matched. */
  void sessionNotMatched(int session, int bytes);

  /** Session {@code session} cut the mirrored packet to its packet length, dropping {@code bytesCut}. */
  void sessionTruncated(int session, int bytesCut);

  /** The rule in {@code slot} of {@code direction} was the first match of its session. */
  void ruleDecided(Direction direction, int slot, int bytes);

  ConfigCounters NONE = new ConfigCounters() {
    @Override public void sessionEvaluated(int session, int bytes) {}
    @Override public void sessionMirrored(int session, int bytesKept) {}
    @Override public void sessionRejected(int session, int bytes) {}
    @Override public void sessionNotMatched(int session, int bytes) {}
    @Override public void sessionTruncated(int session, int bytesCut) {}
    @Override public void ruleDecided(Direction direction, int slot, int bytes) {}
  };
}
