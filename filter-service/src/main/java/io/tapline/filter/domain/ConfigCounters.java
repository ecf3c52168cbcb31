package io.tapline.filter.domain;

/**
 * The counters of one compiled configuration's sessions and rules, addressed by session index
 * and rule slot (as {@link CompiledInterfaceConfig} numbers them), created when the configuration
 * is compiled. The {@link PacketEvaluator} sums per packet and reports the sums here when it is
 * flushed (once per captured batch). Implementations must not allocate. Bytes are frame bytes as
 * captured, except where said.
 */
public interface ConfigCounters {

  /** Packets reached session {@code session} in priority order (a session passed over for amazon-dns did not). */
  void sessionEvaluated(int session, long packets, long bytes);

  /** Session {@code session} mirrored the packets; {@code bytesKept} after truncation. */
  void sessionMirrored(int session, long packets, long bytesKept);

  /** A reject rule of session {@code session} decided. */
  void sessionRejected(int session, long packets, long bytes);

  /** No rule of session {@code session} matched. */
  void sessionNotMatched(int session, long packets, long bytes);

  /** Session {@code session} cut mirrored packets to its packet length, dropping {@code bytesCut}. */
  void sessionTruncated(int session, long packets, long bytesCut);

  /** The rule in {@code slot} of {@code direction} was the first match of its session. */
  void ruleDecided(Direction direction, int slot, long packets, long bytes);

  ConfigCounters NONE = new ConfigCounters() {
    @Override public void sessionEvaluated(int session, long packets, long bytes) {}
    @Override public void sessionMirrored(int session, long packets, long bytesKept) {}
    @Override public void sessionRejected(int session, long packets, long bytes) {}
    @Override public void sessionNotMatched(int session, long packets, long bytes) {}
    @Override public void sessionTruncated(int session, long packets, long bytesCut) {}
    @Override public void ruleDecided(Direction direction, int slot, long packets, long bytes) {}
  };
}
