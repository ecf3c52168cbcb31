package io.tapline.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapline.control.ControlFactory;
import io.tapline.control.domain.CommandHandler;
import io.tapline.control.domain.Limits;
import io.tapline.gateway.api.CommandAnswers;
import io.tapline.gateway.domain.Ec2Actions;
import io.tapline.gateway.domain.QueryParameters;
import io.tapline.gateway.elbv2.Elbv2ApiService;
import io.tapline.schemas.api.Action;
import io.tapline.schemas.avro.CommandResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The one action list, {@link Action}, against the three places that use it: every command has a
 * control handler (registered as the control service registers them), every action the gateway serves
 * is known there and has an answer, and every served action has a row in the API tables of the READMEs.
 */
class ActionCoverageTest {

  private static final Path EC2_README = Path.of("..", "api-gateway", "README.md");
  private static final Path ELBV2_README = Path.of("..", "api-gateway", "ELBV2.md");

  @Test
  void everyCommandHasExactlyTheControlHandlerTheServiceRegisters() {
    CommandHandler handler = ControlFactory.commandHandler(Limits.providerDefaults(), new SplittableRandom(1));
    Set<Action> commands = Arrays.stream(Action.values()).filter(Action::isCommand)
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(Action.class)));
    assertEquals(commands, handler.actions(), "control handlers vs the command actions of Action");
  }

  @Test
  void theGatewayServesEveryActionExceptTheInternalOnes() {
    for (Action action : Action.values()) {
      boolean served = action.api() == Action.Api.EC2 ? Ec2Actions.isKnown(action.wireName())
          : Elbv2ApiService.isKnown(action.wireName());
      assertEquals(action.servedByGateway(), served, action.wireName());
    }
  }

  @Test
  void everyMutatingEc2ActionHasAGatewayAnswer() {
    // an empty result: a rendered action fails for want of the resource or a parameter, never as unknown
    CommandResult empty = CommandResult.newBuilder().setCommandId("c").setAccountId("a").setAction("x").build();
    for (Action action : Action.values()) {
      if (action.api() != Action.Api.EC2 || !action.isMutating()) {
        continue;
      }
      try {
        CommandAnswers.render(action.wireName(), new QueryParameters(Map.of()), empty, "r");
      } catch (IllegalArgumentException e) {
        throw new AssertionError(action.wireName() + " has no answer in CommandAnswers", e);
      } catch (RuntimeException expected) {
        // the case exists; the empty result does not satisfy it
      }
    }
  }

  @Test
  void everyServedActionHasAReadmeRow() throws IOException {
    List<String> ec2Rows = tableRows(EC2_README);
    List<String> elbRows = tableRows(ELBV2_README);
    for (Action action : Action.values()) {
      if (!action.servedByGateway()) {
        continue;
      }
      List<String> rows = action.api() == Action.Api.EC2 ? ec2Rows : elbRows;
      String name = "`" + action.wireName() + "`";
      assertTrue(rows.stream().anyMatch(row -> row.contains(name)),
          () -> action.wireName() + " has no row in the API table of " + (action.api() == Action.Api.EC2
              ? EC2_README : ELBV2_README));
    }
    assertFalse(ec2Rows.isEmpty());
  }

  private static List<String> tableRows(Path file) throws IOException {
    return Files.readAllLines(file).stream().filter(line -> line.startsWith("|")).toList();
  }
}
