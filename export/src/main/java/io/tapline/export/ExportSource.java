package io.tapline.export;

import io.tapline.schemas.Topics;
import io.tapline.schemas.codec.CapturedBatchReader;
import io.tapline.schemas.codec.MirroredBatchReader;
import io.tapline.schemas.codec.PacketBatchReader;

/**
 * What is exported: the packets one source interface captured ({@code tapline.packets.captured})
 * or the packets one session mirrored ({@code tapline.packets.mirrored}).
 */
public sealed interface ExportSource {

  /** The interface or session id. */
  String id();

  /** The topic its packets are on. */
  String topic();

  /** A reader of that topic's batches, reused batch after batch. */
  PacketBatchReader newReader();

  /** Whether the batch the reader last read belongs to this source. */
  boolean owns(PacketBatchReader reader);

  /** The source interface of the batch the reader last read. */
  String interfaceOf(PacketBatchReader reader);

  /** The session of the batch the reader last read, null for captured packets. */
  String sessionOf(PacketBatchReader reader);

  /** The packets of a source interface as captured, whatever any session mirrors. */
  record Interface(String id) implements ExportSource {
    public Interface {
      if (id == null || !id.matches("eni-[0-9a-zA-Z]{1,64}")) {
        throw ExportException.badParameter("'" + id + "' is not a network interface id (eni-...)");
      }
    }

    @Override
    public String topic() {
      return Topics.PACKETS_CAPTURED.name();
    }

    @Override
    public PacketBatchReader newReader() {
      return new CapturedBatchReader();
    }

    @Override
    public boolean owns(PacketBatchReader reader) {
      return id.equals(((CapturedBatchReader) reader).networkInterfaceId());
    }

    @Override
    public String interfaceOf(PacketBatchReader reader) {
      return ((CapturedBatchReader) reader).networkInterfaceId();
    }

    @Override
    public String sessionOf(PacketBatchReader reader) {
      return null;
    }
  }

  /** The packets a traffic mirror session mirrored, cut to its PacketLength, with its source interfaces. */
  record Session(String id) implements ExportSource {
    public Session {
      if (id == null || !id.matches("tms-[0-9a-zA-Z]{1,64}")) {
        throw ExportException.badParameter("'" + id + "' is not a traffic mirror session id (tms-...)");
      }
    }

    @Override
    public String topic() {
      return Topics.PACKETS_MIRRORED.name();
    }

    @Override
    public PacketBatchReader newReader() {
      return new MirroredBatchReader();
    }

    @Override
    public boolean owns(PacketBatchReader reader) {
      return id.equals(((MirroredBatchReader) reader).trafficMirrorSessionId());
    }

    @Override
    public String interfaceOf(PacketBatchReader reader) {
      return ((MirroredBatchReader) reader).networkInterfaceId();
    }

    @Override
    public String sessionOf(PacketBatchReader reader) {
      return id;
    }
  }
}
