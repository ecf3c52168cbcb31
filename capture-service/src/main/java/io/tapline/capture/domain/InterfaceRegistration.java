package io.tapline.capture.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of the RegisterNetworkInterface command an agent sends for each interface it
 * serves: an upsert of a capture-capable interface, in the Query-parameter style of the EC2 API.
 */
public final class InterfaceRegistration {

  public static final String ACTION = "RegisterNetworkInterface";

  private InterfaceRegistration() {}

  public static Map<String, String> parameters(InterfaceSpec spec, String host, String zone) {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("NetworkInterfaceId", spec.networkInterfaceId());
    parameters.put("Host", host);
    parameters.put("InterfaceName", spec.name());
    if (spec.mac() != null) {
      parameters.put("MacAddress", spec.mac().toString());
    }
    List<String> addresses = spec.addresses().texts();
    for (int i = 0; i < addresses.size(); i++) {
      parameters.put("PrivateIpAddress." + (i + 1), addresses.get(i));
    }
    parameters.put("AvailabilityZone", zone);
    parameters.put("Description", spec.description() != null ? spec.description()
        : "Tapline capture of " + spec.name() + " on " + host + " (" + spec.source() + ")");
    return parameters;
  }
}
