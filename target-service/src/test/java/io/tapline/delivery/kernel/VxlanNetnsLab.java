package io.tapline.delivery.kernel;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A throw-away network namespace that stands in for a traffic mirror target host: joined to the
 * root namespace by a veth pair on a link-local /30 of 169.254.77.0/24, with a kernel {@code vxlan}
 * device {@code vx0} inside that decapsulates the datagrams sent to its address on port 4789.
 *
 * <pre>
 *   root namespace                          namespace tapline-kvx-XXXXXX
 *   veth tlkXXXXXXh 169.254.77.(4k+1)/30 <-> veth tlkXXXXXXn 169.254.77.(4k+2)/30
 *                                            vx0: vxlan id VNI dstport 4789 local 169.254.77.(4k+2) nolearning
 * </pre>
 *
 * <p>Both veth ends get MTU {@link #LINK_MTU} so that jumbo inner frames arrive unfragmented.
 * {@code vx0} gets no IPv6 link-local address ({@code addrgenmode none}), so it sends nothing of
 * its own. Names carry a random suffix and the /30 is one no address of this host uses yet, so
 * concurrent runs do not collide. {@link #close()} deletes the namespace, which removes both veth
 * ends and {@code vx0} with it.
 */
final class VxlanNetnsLab implements AutoCloseable {

  /** MTU of both veth ends: room for a VXLAN datagram with an 8950-byte inner frame. */
  static final int LINK_MTU = 9000;
  static final String VXLAN_DEVICE = "vx0";
  private static final String SUBNET_PREFIX = "169.254.77.";
  private static final int BLOCKS = 64; // /30 blocks in the /24

  private final String netns;
  private final String hostVeth;
  private final String netnsVeth;
  private final String hostAddress;
  private final String netnsAddress;
  private final List<String> steps = new ArrayList<>();

  private VxlanNetnsLab(String suffix, int block) {
    this.netns = "tapline-kvx-" + suffix;
    this.hostVeth = "tlk" + suffix + "h";
    this.netnsVeth = "tlk" + suffix + "n";
    this.hostAddress = SUBNET_PREFIX + (block * 4 + 1);
    this.netnsAddress = SUBNET_PREFIX + (block * 4 + 2);
  }

  /**
   * Why this host cannot run the lab (not Linux, not root, a tool missing), or null when it can.
   * Creating a namespace may still fail (a container without CAP_SYS_ADMIN): {@link #create}
   * reports that as {@link LabUnavailableException}.
   */
  static String unavailableReason() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      return "network namespaces need Linux";
    }
    Commands.Result uid = Commands.run("id", "-u");
    if (!uid.ok() || !uid.output().strip().equals("0")) {
      return "needs root to create network namespaces (id -u: " + uid.output().strip() + ")";
    }
    for (String[] probe : List.of(new String[] {"ip", "-V"}, new String[] {"tcpdump", "--version"},
        new String[] {"tshark", "--version"})) {
      Commands.Result result = Commands.run(probe);
      if (!result.ok()) {
        return probe[0] + " is not available: " + result.output().strip();
      }
    }
    return null;
  }

  /** Builds the namespace, veth pair and vxlan device for {@code vni}. */
  static VxlanNetnsLab create(int vni) {
    String suffix = HexFormat.of().formatHex(new byte[] {
        (byte) ThreadLocalRandom.current().nextInt(), (byte) ThreadLocalRandom.current().nextInt(),
        (byte) ThreadLocalRandom.current().nextInt()});
    VxlanNetnsLab lab = new VxlanNetnsLab(suffix, freeBlock());
    Commands.Result added = Commands.run("ip", "netns", "add", lab.netns);
    if (!added.ok()) {
      throw new LabUnavailableException("ip netns add failed: " + added.output().strip());
    }
    try {
      lab.build(vni);
      return lab;
    } catch (RuntimeException e) {
      lab.close();
      // no veth or vxlan support in this kernel or container: the host cannot run the test
      throw new LabUnavailableException("cannot build the lab: " + e.getMessage());
    }
  }

  private void build(int vni) {
    String mtu = Integer.toString(LINK_MTU);
    step("ip", "link", "add", hostVeth, "mtu", mtu, "type", "veth", "peer", "name", netnsVeth, "mtu", mtu,
        "netns", netns);
    step("ip", "addr", "add", hostAddress + "/30", "dev", hostVeth);
    step("ip", "link", "set", hostVeth, "up");
    inNetns("ip", "link", "set", "lo", "up");
    inNetns("ip", "addr", "add", netnsAddress + "/30", "dev", netnsVeth);
    inNetns("ip", "link", "set", netnsVeth, "up");
    inNetns("ip", "link", "add", VXLAN_DEVICE, "type", "vxlan", "id", Integer.toString(vni), "dstport", "4789",
        "local", netnsAddress, "nolearning");
    inNetns("ip", "link", "set", VXLAN_DEVICE, "addrgenmode", "none");
    inNetns("ip", "link", "set", VXLAN_DEVICE, "up");
  }

  /** A /30 block of 169.254.77.0/24 none of whose addresses this host has. */
  private static int freeBlock() {
    String used = Commands.run("ip", "-4", "-o", "addr", "show").orThrow().output();
    int start = ThreadLocalRandom.current().nextInt(BLOCKS);
    for (int i = 0; i < BLOCKS; i++) {
      int block = (start + i) % BLOCKS;
      boolean taken = false;
      for (int host = 0; host < 4; host++) {
        taken |= used.contains(" " + SUBNET_PREFIX + (block * 4 + host) + "/");
      }
      if (!taken) {
        return block;
      }
    }
    throw new LabUnavailableException("every /30 of " + SUBNET_PREFIX + "0/24 is in use on this host");
  }

  private void step(String... command) {
    steps.add(String.join(" ", command));
    Commands.run(command).orThrow();
  }

  /** Runs a command inside the namespace; throws when it fails. */
  Commands.Result inNetns(String... command) {
    String[] argv = new String[command.length + 4];
    argv[0] = "ip";
    argv[1] = "netns";
    argv[2] = "exec";
    argv[3] = netns;
    System.arraycopy(command, 0, argv, 4, command.length);
    steps.add(String.join(" ", argv));
    return Commands.run(argv).orThrow();
  }

  String netns() {
    return netns;
  }

  /** The namespace's end of the veth pair, where the outer (encapsulated) packets arrive. */
  String netnsVeth() {
    return netnsVeth;
  }

  /** Address of the vxlan device's host: where target-service sends. */
  String netnsAddress() {
    return netnsAddress;
  }

  /** Address of the root namespace's veth end: the outer source address. */
  String hostAddress() {
    return hostAddress;
  }

  /** The commands that built the lab, for failure messages. */
  List<String> steps() {
    return List.copyOf(steps);
  }

  /** Deletes the namespace (and so vx0 and both veth ends); the host veth is removed too if it lingers. */
  @Override
  public void close() {
    Commands.run("ip", "netns", "del", netns);
    if (Commands.run("ip", "link", "show", hostVeth).ok()) {
      Commands.run("ip", "link", "del", hostVeth);
    }
  }

  @Override
  public String toString() {
    return netns + " (" + hostVeth + " " + hostAddress + " <-> " + netnsVeth + " " + netnsAddress + ")";
  }

  /** The host cannot build the lab: the test is skipped, not failed. */
  static final class LabUnavailableException extends RuntimeException {
    LabUnavailableException(String message) {
      super(message);
    }
  }
}
