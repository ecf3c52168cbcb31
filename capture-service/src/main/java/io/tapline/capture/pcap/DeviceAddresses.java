package io.tapline.capture.pcap;

import io.tapline.capture.domain.InterfaceSpec;
import io.tapline.capture.domain.IpAddresses;
import io.tapline.capture.domain.MacAddress;
import io.tapline.capture.domain.SourceSpec;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills in what a live entry leaves out: the device's MAC (from {@code /sys/class/net/<dev>/address})
 * and its addresses (from the JDK's NetworkInterface: IPv4 first, then IPv6 without link-local
 * ones). They decide direction and are registered, so an entry {@code device=eth0} is enough.
 */
public final class DeviceAddresses {

  private static final Logger LOG = LoggerFactory.getLogger(DeviceAddresses.class);
  static final Path SYS_CLASS_NET = Path.of("/sys/class/net");
  private static final String NO_MAC = "00:00:00:00:00:00";

  private DeviceAddresses() {}

  /** {@code spec} with MAC and addresses read from the device when the entry gave none. */
  public static InterfaceSpec complete(InterfaceSpec spec) {
    if (!(spec.source() instanceof SourceSpec.Live live)) {
      return spec;
    }
    MacAddress mac = spec.mac() != null ? spec.mac() : mac(live.device());
    IpAddresses addresses = spec.addresses().isEmpty() ? addresses(live.device()) : spec.addresses();
    if (mac != spec.mac() || addresses != spec.addresses()) {
      LOG.info("{}: {} has MAC {} and addresses {}", spec.networkInterfaceId(), live.device(),
          mac == null ? "-" : mac, addresses);
    }
    return new InterfaceSpec(spec.networkInterfaceId(), spec.name(), mac, addresses, spec.description(), spec.source());
  }

  static MacAddress mac(String device) {
    Path file = SYS_CLASS_NET.resolve(device).resolve("address");
    try {
      String text = Files.readString(file).strip();
      if (text.isEmpty() || text.equals(NO_MAC)) {
        return null;
      }
      return MacAddress.parse(text);
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("cannot read the MAC of {} from {} ({}): direction is decided by IP address", device, file,
          e.toString());
      return null;
    }
  }

  static IpAddresses addresses(String device) {
    try {
      NetworkInterface nic = NetworkInterface.getByName(device);
      if (nic == null) {
        return IpAddresses.none();
      }
      List<String> v4 = new ArrayList<>();
      List<String> v6 = new ArrayList<>();
      for (InetAddress address : nic.inetAddresses().toList()) {
        if (address instanceof Inet4Address) {
          v4.add(address.getHostAddress());
        } else if (address instanceof Inet6Address && !address.isLinkLocalAddress()) {
          String text = address.getHostAddress();
          int scope = text.indexOf('%');
          v6.add(scope < 0 ? text : text.substring(0, scope));
        }
      }
      v4.addAll(v6);
      return IpAddresses.parse(v4);
    } catch (SocketException | IllegalArgumentException e) {
      LOG.warn("cannot read the addresses of {} ({})", device, e.toString());
      return IpAddresses.none();
    }
  }
}
