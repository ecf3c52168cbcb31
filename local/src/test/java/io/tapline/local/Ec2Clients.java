package io.tapline.local;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** Real AWS SDK v2 EC2 clients pointed at a local stack's gateway. */
final class Ec2Clients {

  private Ec2Clients() {}

  static Ec2Client forStack(LocalStack stack) {
    return forStack(stack, stack.credentials().accessKeyId(), stack.credentials().secretAccessKey());
  }

  static Ec2Client forStack(LocalStack stack, String accessKey, String secretKey) {
    return Ec2Client.builder()
        .endpointOverride(URI.create(stack.apiEndpoint()))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).apiCallTimeout(Duration.ofSeconds(30)))
        .build();
  }
}
