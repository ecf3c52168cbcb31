package io.tapline.control.domain;

import java.util.regex.Pattern;

/**
 * The provider's id formats: a prefix and 8 (older ids) or 17 lower-case hex digits. A malformed
 * id is refused before any lookup with the provider's {@code .Malformed} code where EC2 has one
 * (network interfaces, subnets, VPC endpoints) and {@code InvalidParameterValue} for the Traffic
 * Mirroring ids, for which EC2 documents no such code; a well-formed unknown id is {@code .NotFound}.
 */
public enum ResourceIds {
  NETWORK_INTERFACE("eni-", "InvalidNetworkInterfaceID.Malformed"),
  SUBNET("subnet-", "InvalidSubnetID.Malformed"),
  VPC_ENDPOINT("vpce-", "InvalidVpcEndpointId.Malformed"),
  TARGET("tmt-", ErrorCodes.INVALID_PARAMETER_VALUE),
  FILTER("tmf-", ErrorCodes.INVALID_PARAMETER_VALUE),
  RULE("tmfr-", ErrorCodes.INVALID_PARAMETER_VALUE),
  SESSION("tms-", ErrorCodes.INVALID_PARAMETER_VALUE);

  private final String prefix;
  private final String malformedCode;
  private final Pattern pattern;

  ResourceIds(String prefix, String malformedCode) {
    this.prefix = prefix;
    this.malformedCode = malformedCode;
    this.pattern = Pattern.compile(Pattern.quote(prefix) + "([0-9a-f]{8}|[0-9a-f]{17})");
  }

  public String prefix() {
    return prefix;
  }

  public String malformedCode() {
    return malformedCode;
  }

  public boolean isWellFormed(String id) {
    return id != null && id.length() <= prefix.length() + 17 && pattern.matcher(id).matches();
  }

  /** The id, or the provider's malformed-id error naming the parameter. */
  public String require(String id, String parameter) {
    if (!isWellFormed(id)) {
      throw new ApiErrorException(malformedCode, "Value (" + Params.shown(id) + ") for parameter " + parameter
          + " is invalid. Expected '" + prefix + "' followed by 8 or 17 lower-case hexadecimal characters.");
    }
    return id;
  }

  /** The kind of a well-formed or malformed id by its prefix, or null (tmfr- is checked before tmf-). */
  static ResourceIds byPrefix(String id) {
    if (id == null) {
      return null;
    }
    for (ResourceIds kind : new ResourceIds[] {RULE, FILTER, TARGET, SESSION, NETWORK_INTERFACE, SUBNET, VPC_ENDPOINT}) {
      if (id.startsWith(kind.prefix)) {
        return kind;
      }
    }
    return null;
  }
}
