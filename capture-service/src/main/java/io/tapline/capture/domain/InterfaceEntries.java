package io.tapline.capture.domain;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses the interface list of {@code tapline.capture.interfaces}: entries separated by {@code ;},
 * each a comma-separated list of {@code key=value} items.
 *
 * <pre>
 * eni-0123456789abcdef0,replay=/data/web.pcap,mac=02:00:00:00:00:01,ip=10.0.0.1,speed=max,loop=false
 * name=web,replay=web.pcapng,ip=10.0.0.1,ip=fd00::1,speed=1000pps,loop=true
 * </pre>
 *
 * <table>
 *   <tr><th>key</th><th>meaning</th></tr>
 *   <tr><td>(first item without '=')</td><td>an {@code eni-} id, or else the interface name</td></tr>
 *   <tr><td>id</td><td>interface id, eni- and 8 or 17 hex digits; default derived from host and name</td></tr>
 *   <tr><td>name</td><td>interface name; default the replay file's name or the device</td></tr>
 *   <tr><td>replay</td><td>pcap or pcapng file to replay (Ethernet)</td></tr>
 *   <tr><td>device</td><td>device for live capture through libpcap (eth0)</td></tr>
 *   <tr><td>mac</td><td>the interface's MAC, decides ingress and egress</td></tr>
 *   <tr><td>ip</td><td>an address of the interface, repeatable; the first is the primary</td></tr>
 *   <tr><td>speed</td><td>replay pacing: recorded (default), max, or N pps</td></tr>
 *   <tr><td>loop</td><td>replay again from the start at the end: true or false (default)</td></tr>
 *   <tr><td>timestamps</td><td>replay (default: the time of replay) or original (the file's)</td></tr>
 *   <tr><td>description</td><td>free text for the registration</td></tr>
 *   <tr><td>snaplen</td><td>live: bytes kept per frame (64-262144, default 262144)</td></tr>
 *   <tr><td>promisc</td><td>live: promiscuous mode, true (default) or false</td></tr>
 *   <tr><td>kernel-buffer</td><td>live: kernel ring size in bytes (default 16 MiB, at least 1 MiB)</td></tr>
 * </table>
 *
 * Every problem of every entry is reported, each naming its entry.
 */
public final class InterfaceEntries {

  public static final String ENTRY_SEPARATOR = ";";
  public static final String ITEM_SEPARATOR = ",";
  static final Set<String> KEYS = Set.of("id", "name", "replay", "device", "mac", "ip", "speed", "loop", "timestamps",
      "description", "snaplen", "promisc", "kernel-buffer");
  private static final Set<String> REPLAY_ONLY_KEYS = Set.of("speed", "loop", "timestamps");
  private static final Set<String> LIVE_ONLY_KEYS = Set.of("snaplen", "promisc", "kernel-buffer");
  /** Linux interface names: at most 15 bytes, no '/', no white space (IFNAMSIZ - 1). */
  private static final Pattern DEVICE_NAME = Pattern.compile("[A-Za-z0-9_.:@-]{1,15}");

  /** Parsed interfaces, or the problems that stopped them; empty problems means success. */
  public record Parsed(List<InterfaceSpec> interfaces, List<String> problems) {}

  private InterfaceEntries() {}

  /** Parses {@code text}; {@code host} seeds the default interface ids. */
  public static Parsed parse(String text, String host) {
    List<InterfaceSpec> interfaces = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return new Parsed(List.of(), List.of());
    }
    String[] entries = text.split(ENTRY_SEPARATOR, -1);
    Set<String> ids = new HashSet<>();
    Set<String> names = new HashSet<>();
    int number = 0;
    for (String entry : entries) {
      if (entry.isBlank()) {
        continue;
      }
      number++;
      List<String> entryProblems = new ArrayList<>();
      InterfaceSpec spec = parseEntry(entry.strip(), host, entryProblems);
      String label = "interface entry " + number + " '" + entry.strip() + "': ";
      if (spec != null && entryProblems.isEmpty()) {
        if (!ids.add(spec.networkInterfaceId())) {
          entryProblems.add("interface id " + spec.networkInterfaceId() + " appears twice");
        }
        if (!names.add(spec.name())) {
          entryProblems.add("interface name " + spec.name() + " appears twice");
        }
      }
      if (entryProblems.isEmpty()) {
        interfaces.add(spec);
      } else {
        entryProblems.forEach(p -> problems.add(label + p));
      }
    }
    return new Parsed(List.copyOf(interfaces), List.copyOf(problems));
  }

  private static InterfaceSpec parseEntry(String entry, String host, List<String> problems) {
    Map<String, String> single = new LinkedHashMap<>();
    List<String> ips = new ArrayList<>();
    String[] items = entry.split(ITEM_SEPARATOR, -1);
    for (int i = 0; i < items.length; i++) {
      String item = items[i].strip();
      int equals = item.indexOf('=');
      String key;
      String value;
      if (equals < 0) {
        if (i != 0 || item.isEmpty()) {
          problems.add("item '" + item + "' is not key=value (only the first item may be a bare id or name)");
          continue;
        }
        key = item.startsWith("eni-") ? "id" : "name";
        value = item;
      } else {
        key = item.substring(0, equals).strip().toLowerCase(Locale.ROOT);
        value = item.substring(equals + 1).strip();
      }
      if (!KEYS.contains(key)) {
        problems.add("unknown key '" + key + "' (known: " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
        continue;
      }
      if (value.isEmpty()) {
        problems.add("key '" + key + "' has no value");
        continue;
      }
      if (key.equals("ip")) {
        ips.add(value);
      } else if (single.putIfAbsent(key, value) != null) {
        problems.add("key '" + key + "' given twice");
      }
    }

    SourceSpec source = source(single, problems);
    String name = single.get("name");
    if (name == null && source instanceof SourceSpec.Replay replay) {
      name = replay.file().getFileName() == null ? replay.file().toString() : replay.file().getFileName().toString();
    } else if (name == null && source instanceof SourceSpec.Live live) {
      name = live.device();
    }
    String id = single.get("id");
    if (id != null && !NetworkInterfaceIds.isValid(id)) {
      problems.add("id '" + id + "' is invalid: expected eni- and 8 or 17 lower-case hex digits");
    }
    MacAddress mac = null;
    if (single.containsKey("mac")) {
      try {
        mac = MacAddress.parse(single.get("mac"));
      } catch (IllegalArgumentException e) {
        problems.add("mac: " + e.getMessage());
      }
    }
    IpAddresses addresses = IpAddresses.none();
    try {
      addresses = IpAddresses.parse(ips);
    } catch (IllegalArgumentException e) {
      problems.add("ip: " + e.getMessage());
    }
    if (!problems.isEmpty() || source == null || name == null) {
      return null;
    }
    if (id == null) {
      id = NetworkInterfaceIds.derive(host, name);
    }
    return new InterfaceSpec(id, name, mac, addresses, single.get("description"), source);
  }

  private static SourceSpec source(Map<String, String> single, List<String> problems) {
    String replay = single.get("replay");
    String device = single.get("device");
    if ((replay == null) == (device == null)) {
      problems.add("expected exactly one source: replay=<pcap file> or device=<interface>");
      return null;
    }
    if (device != null) {
      return live(device, single, problems);
    }
    for (String key : LIVE_ONLY_KEYS) {
      if (single.containsKey(key)) {
        problems.add("key '" + key + "' only applies to device=");
      }
    }
    Path file;
    try {
      file = Path.of(replay);
    } catch (InvalidPathException e) {
      problems.add("replay: '" + replay + "' is not a valid path");
      return null;
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      problems.add("replay: " + file.toAbsolutePath() + " is not a readable file");
    }
    ReplaySpeed speed = ReplaySpeed.RECORDED;
    if (single.containsKey("speed")) {
      try {
        speed = ReplaySpeed.parse(single.get("speed"));
      } catch (IllegalArgumentException e) {
        problems.add("speed: " + e.getMessage());
      }
    }
    boolean loop = bool(single, "loop", false, problems);
    boolean original = false;
    String timestamps = single.getOrDefault("timestamps", "replay").toLowerCase(Locale.ROOT);
    switch (timestamps) {
      case "replay" -> original = false;
      case "original" -> original = true;
      default -> problems.add("timestamps: expected replay or original, got '" + timestamps + "'");
    }
    return new SourceSpec.Replay(file, speed, loop, original);
  }

  private static SourceSpec.Live live(String device, Map<String, String> single, List<String> problems) {
    for (String key : REPLAY_ONLY_KEYS) {
      if (single.containsKey(key)) {
        problems.add("key '" + key + "' only applies to replay=");
      }
    }
    if (!DEVICE_NAME.matcher(device).matches()) {
      problems.add("device: '" + device + "' is not an interface name (1-15 of letters, digits, _ . : @ -)");
    }
    int snapLength = integer(single, "snaplen", SourceSpec.Live.DEFAULT_SNAP_LENGTH, SourceSpec.Live.MIN_SNAP_LENGTH,
        SourceSpec.Live.DEFAULT_SNAP_LENGTH, problems);
    int kernelBuffer = integer(single, "kernel-buffer", SourceSpec.Live.DEFAULT_KERNEL_BUFFER_BYTES,
        SourceSpec.Live.MIN_KERNEL_BUFFER_BYTES, Integer.MAX_VALUE, problems);
    boolean promiscuous = bool(single, "promisc", true, problems);
    if (!problems.isEmpty()) {
      return null;
    }
    return new SourceSpec.Live(device, snapLength, promiscuous, kernelBuffer);
  }

  private static int integer(Map<String, String> single, String key, int defaultValue, int min, int max,
      List<String> problems) {
    String value = single.get(key);
    if (value == null) {
      return defaultValue;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(key + ": expected a whole number " + min + "-" + max + ", got '" + value + "'");
    return defaultValue;
  }

  private static boolean bool(Map<String, String> single, String key, boolean defaultValue, List<String> problems) {
    String value = single.get(key);
    if (value == null) {
      return defaultValue;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> {
        problems.add(key + ": expected true or false, got '" + value + "'");
        yield defaultValue;
      }
    };
  }
}
