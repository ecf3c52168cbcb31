package io.tapline.gateway;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** Real AWS SDK EC2 clients pointed at a local endpoint, without retries (tests see every answer). */
public final class Ec2Clients {

  /** The gateway tests' own key of account {@link States#ACCOUNT}; the gateway has no built-in one. */
  public static final String ACCESS_KEY = "AKIAGATEWAYIT0000001";
  public static final String SECRET_KEY = "gateway-it-secret-key-00000000000000001";

  private Ec2Clients() {}

  public static Ec2Client client(URI endpoint) {
    return client(endpoint, ACCESS_KEY, SECRET_KEY);
  }

  public static Ec2Client client(URI endpoint, String accessKey, String secretKey) {
    return Ec2Client.builder()
        .endpointOverride(endpoint)
        .region(Region.EU_CENTRAL_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }
}
