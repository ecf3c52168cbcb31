package io.tapline.control.domain;

import java.util.List;

/**
 * The mirror configuration of one source interface: its sessions by ascending session number.
 * {@code updatedAtMillis} is the version; {@link #sameContent} compares everything else.
 */
public record InterfaceMirror(String networkInterfaceId, String accountId, List<SessionMirror> sessions,
    long updatedAtMillis) {
  public InterfaceMirror {
    sessions = List.copyOf(sessions);
  }

  public boolean sameContent(InterfaceMirror other) {
    return other != null && networkInterfaceId.equals(other.networkInterfaceId)
        && accountId.equals(other.accountId) && sessions.equals(other.sessions);
  }

  public InterfaceMirror withUpdatedAt(long millis) {
    return new InterfaceMirror(networkInterfaceId, accountId, sessions, millis);
  }
}
