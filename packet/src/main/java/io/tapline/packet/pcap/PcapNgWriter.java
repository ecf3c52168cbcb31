package io.tapline.packet.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Writes a pcapng stream (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-03.html) in
 * little-endian order: one Section Header Block (section length unknown, so the stream can go to a
 * pipe), then Interface Description Blocks added as the caller meets new interfaces, and Enhanced
 * Packet Blocks with an optional comment and direction flags. Timestamps are microseconds
 * ({@code if_tsresol} 6). Wireshark, tshark, capinfos and {@link PcapNgReader} read it.
 *
 * <p>Nothing is buffered beyond one block; the writer owns and closes the stream.
 */
public final class PcapNgWriter implements AutoCloseable {

  /** {@code epb_flags} inbound/outbound bits (the two low bits of the flags word). */
  public static final int FLAGS_INBOUND = 0b01;
  public static final int FLAGS_OUTBOUND = 0b10;

  private static final int OPTION_END = 0;
  private static final int OPTION_COMMENT = 1;
  private static final int OPTION_SHB_USERAPPL = 4;
  private static final int OPTION_IF_NAME = 2;
  private static final int OPTION_IF_DESCRIPTION = 3;
  private static final int OPTION_IF_TSRESOL = 9;
  private static final int OPTION_EPB_FLAGS = 2;
  private static final int MICROSECONDS = 6;
  private static final int MAX_OPTION_LENGTH = 0xFFFF;

  private final OutputStream out;
  private ByteBuffer block = ByteBuffer.allocate(64 * 1024 + 1024).order(ByteOrder.LITTLE_ENDIAN);
  private int interfaces;
  private long packets;

  /**
   * Writes the Section Header Block at once.
   *
   * @param application written as {@code shb_userappl}; null for none
   */
  public PcapNgWriter(OutputStream out, String application) throws IOException {
    this.out = Objects.requireNonNull(out, "out");
    block.clear();
    block.putInt(PcapNgReader.SECTION_HEADER_BLOCK);
    block.putInt(0); // length, set by finish
    block.putInt(PcapNgReader.BYTE_ORDER_MAGIC);
    block.putShort((short) 1);  // major version
    block.putShort((short) 0);  // minor version
    block.putLong(-1L);         // section length: not specified
    if (application != null) {
      putOption(OPTION_SHB_USERAPPL, application.getBytes(StandardCharsets.UTF_8));
    }
    endOptions(application != null);
    finish();
  }

  /**
   * Adds an Interface Description Block and returns its id (0, 1, ... in the order added).
   *
   * @param linkType    link-layer header type, {@link LinkType#ETHERNET} for Ethernet frames
   * @param snapLength  largest captured length of the interface's packets; 0 for no limit
   * @param name        {@code if_name}, for example the ENI id; null for none
   * @param description {@code if_description}; null for none
   */
  public int addInterface(int linkType, int snapLength, String name, String description) throws IOException {
    if (linkType < 0 || linkType > 0xFFFF) {
      throw new IllegalArgumentException("link type must be 0-65535: " + linkType);
    }
    if (snapLength < 0) {
      throw new IllegalArgumentException("snap length must not be negative: " + snapLength);
    }
    block.clear();
    block.putInt(PcapNgReader.INTERFACE_DESCRIPTION_BLOCK);
    block.putInt(0);
    block.putShort((short) linkType);
    block.putShort((short) 0); // reserved
    block.putInt(snapLength);
    if (name != null) {
      putOption(OPTION_IF_NAME, name.getBytes(StandardCharsets.UTF_8));
    }
    if (description != null) {
      putOption(OPTION_IF_DESCRIPTION, description.getBytes(StandardCharsets.UTF_8));
    }
    putOption(OPTION_IF_TSRESOL, new byte[] {MICROSECONDS});
    endOptions(true);
    finish();
    return interfaces++;
  }

  /**
   * Writes one Enhanced Packet Block.
   *
   * @param interfaceId    an id {@link #addInterface} returned
   * @param originalLength the frame's length on the wire, at least {@code length}
   * @param flags          {@code epb_flags} ({@link #FLAGS_INBOUND}, {@link #FLAGS_OUTBOUND}); 0 for none
   * @param comment        {@code opt_comment}; null for none
   */
  public void writePacket(int interfaceId, long timestampMicros, byte[] data, int offset, int length,
      int originalLength, int flags, String comment) throws IOException {
    writePacket(interfaceId, timestampMicros, data, offset, length, originalLength, flags,
        comment == null ? null : comment.getBytes(StandardCharsets.UTF_8));
  }

  /** As {@link #writePacket(int, long, byte[], int, int, int, int, String)} with the comment in UTF-8, for callers that reuse it. */
  public void writePacket(int interfaceId, long timestampMicros, byte[] data, int offset, int length,
      int originalLength, int flags, byte[] commentBytes) throws IOException {
    Objects.checkFromIndexSize(offset, length, data.length);
    if (interfaceId < 0 || interfaceId >= interfaces) {
      throw new IllegalArgumentException("interface " + interfaceId + " was not added (" + interfaces + " are)");
    }
    if (originalLength < length) {
      throw new IllegalArgumentException("original length " + originalLength + " is below the captured length " + length);
    }
    if (timestampMicros < 0) {
      throw new IllegalArgumentException("timestamp " + timestampMicros + " µs is before 1970");
    }
    int needed = 32 + pad(length) + (commentBytes == null ? 0 : 4 + pad(commentBytes.length)) + 8 + 4 + 4;
    if (block.capacity() < needed) {
      block = ByteBuffer.allocate(needed).order(ByteOrder.LITTLE_ENDIAN);
    }
    block.clear();
    block.putInt(PcapNgReader.ENHANCED_PACKET_BLOCK);
    block.putInt(0);
    block.putInt(interfaceId);
    block.putInt((int) (timestampMicros >>> 32));
    block.putInt((int) timestampMicros);
    block.putInt(length);
    block.putInt(originalLength);
    block.put(data, offset, length);
    padTo4();
    boolean options = false;
    if (commentBytes != null) {
      putOption(OPTION_COMMENT, commentBytes);
      options = true;
    }
    if (flags != 0) {
      block.putShort((short) OPTION_EPB_FLAGS).putShort((short) 4).putInt(flags);
      options = true;
    }
    endOptions(options);
    finish();
    packets++;
  }

  /** Interfaces added so far. */
  public int interfaceCount() {
    return interfaces;
  }

  /** Packets written so far. */
  public long packetCount() {
    return packets;
  }

  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  private void putOption(int code, byte[] value) {
    if (value.length > MAX_OPTION_LENGTH - 3) {
      throw new IllegalArgumentException("option " + code + " of " + value.length + " bytes is too long");
    }
    if (block.remaining() < 4 + pad(value.length) + 8) {
      ByteBuffer larger = ByteBuffer.allocate(block.capacity() + 4 + pad(value.length) + 1024)
          .order(ByteOrder.LITTLE_ENDIAN);
      block.flip();
      larger.put(block);
      block = larger;
    }
    block.putShort((short) code).putShort((short) value.length).put(value);
    padTo4();
  }

  private void endOptions(boolean any) {
    if (any) {
      block.putShort((short) OPTION_END).putShort((short) 0);
    }
  }

  private void padTo4() {
    while ((block.position() & 3) != 0) {
      block.put((byte) 0);
    }
  }

  /** Appends the trailing length, sets the leading one and writes the block. */
  private void finish() throws IOException {
    int length = block.position() + 4;
    block.putInt(length);
    block.putInt(4, length);
    out.write(block.array(), 0, length);
  }

  private static int pad(int length) {
    return (length + 3) & ~3;
  }
}
