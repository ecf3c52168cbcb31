package io.tapline.export;

import io.tapline.packet.pcap.CaptureFileReader;
import io.tapline.schemas.avro.NetworkInterface;
import io.tapline.schemas.avro.ResourceState;
import io.tapline.schemas.avro.TrafficMirrorSession;
import java.util.function.Function;

/** Checks that what is exported exists (for the caller's account) and finds its snap length. */
public final class ExportTargets {

  private ExportTargets() {}

  /**
   * @param lookup    the resource state by id (null when unknown)
   * @param accountId the caller's account, or null to accept any account (the operator's command line)
   * @return the snap length for the file's interface descriptions: the session's PacketLength when
   *     it has one, else the largest captured length
   * @throws ExportException (not found) when the resource does not exist, is of another kind or
   *     belongs to another account
   */
  public static int check(ExportSource source, Function<String, ResourceState> lookup, String accountId) {
    ResourceState state = lookup.apply(source.id());
    boolean visible = state != null && (accountId == null || accountId.equals(state.getAccountId()));
    switch (source) {
      case ExportSource.Interface eni -> {
        if (!visible || !(state.getResource() instanceof NetworkInterface)) {
          throw new ExportException(ExportException.Kind.NOT_FOUND, "The network interface '" + eni.id()
              + "' does not exist" + (accountId == null ? "" : " in account " + accountId)
              + " (describe-network-interfaces lists those Tapline knows)");
        }
        return CaptureFileReader.MAX_CAPTURED_LENGTH;
      }
      case ExportSource.Session session -> {
        if (!visible || !(state.getResource() instanceof TrafficMirrorSession mirror)) {
          throw new ExportException(ExportException.Kind.NOT_FOUND, "The traffic mirror session '" + session.id()
              + "' does not exist" + (accountId == null ? "" : " in account " + accountId)
              + " (describe-traffic-mirror-sessions lists them; a deleted session cannot be exported)");
        }
        Integer length = mirror.getPacketLength();
        return length == null || length <= 0 ? CaptureFileReader.MAX_CAPTURED_LENGTH : length;
      }
    }
  }
}
