package io.tapline.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The AWS CLI walkthrough (api-gateway/walkthrough.sh, every operation) against the real gateway
 * and control service, run twice in a row: the second run finds the same resources through their
 * ClientTokens, and deleting what is gone already is handled.
 */
@EnabledIf("cliAvailable")
class ControlPlaneWalkthroughIT {

  private static final Path AWS_CLI = Path.of("/usr/bin/aws");
  private static final Path SCRIPT = Path.of("..", "api-gateway", "walkthrough.sh").toAbsolutePath().normalize();

  static boolean cliAvailable() {
    return Files.isExecutable(AWS_CLI) && Files.isRegularFile(SCRIPT);
  }

  record Run(int exitCode, String output) {
    String idsLine() {
      return output.lines().filter(l -> l.startsWith("ids: ")).reduce((a, b) -> b).orElse("(no ids line)");
    }
  }

  @Test
  void theWalkthroughRunsTwiceWithTheSameIdsThenTearsDown() throws Exception {
    // Given the control plane and the walkthrough's own account
    ControlPlaneApiIT.ControlPlane plane = ControlPlaneApiIT.ControlPlane.shared();

    // When the script runs twice in a row
    Run first = run(plane);
    Run second = run(plane);

    // Then both succeed and the second found the first run's resources again
    assertEquals(0, first.exitCode(), first.output());
    assertEquals(0, second.exitCode(), second.output());
    assertTrue(first.idsLine().matches("ids: source=eni-\\S+ ids=eni-\\S+ target=tmt-\\S+ filter=tmf-\\S+ "
        + "rules=tmfr-\\S+,tmfr-\\S+ session=tms-\\S+"), first.idsLine());
    assertEquals(first.idsLine(), second.idsLine());
    assertTrue(second.output().contains("already deleted (NotFound)"), second.output());
    assertTrue(second.output().contains("DryRunOperation"), second.output());
    assertTrue(second.output().contains("TrafficMirrorFilterInUse: deleting it would fail"), second.output());

    // When it runs a third time with --teardown (each CLI call starts a Python process: ~1 s a call)
    Run teardown = run(plane, "--teardown");
    assertEquals(0, teardown.exitCode(), teardown.output());
    assertEquals(first.idsLine(), teardown.idsLine(), "the teardown run still found the same resources first");
    try (var ec2 = plane.client(ControlPlaneApiIT.ControlPlane.WALKTHROUGH)) {
      assertEquals(List.of(), ec2.describeTrafficMirrorSessions(r -> { }).trafficMirrorSessions());
      assertEquals(List.of(), ec2.describeTrafficMirrorFilters(r -> { }).trafficMirrorFilters());
      assertEquals(List.of(), ec2.describeNetworkInterfaces(r -> { }).networkInterfaces());
    }
  }

  private static Run run(ControlPlaneApiIT.ControlPlane plane, String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("TAPLINE_ENDPOINT", plane.endpoint().toString());
    builder.environment().put("AWS_CLI", AWS_CLI.toString());
    builder.environment().put("AWS_ACCESS_KEY_ID", ControlPlaneApiIT.ControlPlane.WALKTHROUGH.accessKey());
    builder.environment().put("AWS_SECRET_ACCESS_KEY", ControlPlaneApiIT.ControlPlane.WALKTHROUGH.secret());
    builder.environment().put("AWS_DEFAULT_REGION", "eu-west-1");
    builder.environment().put("AWS_CONFIG_FILE", "/dev/null");
    builder.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the walkthrough did not finish within 120 s:\n"
          + new String(output, StandardCharsets.UTF_8));
    }
    String text = new String(output, StandardCharsets.UTF_8);
    System.out.println(text);
    return new Run(process.exitValue(), text);
  }
}
