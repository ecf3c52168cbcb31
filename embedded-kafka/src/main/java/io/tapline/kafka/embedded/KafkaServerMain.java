package io.tapline.kafka.embedded;

/**
 * Entry point of the broker's child JVM: runs {@code kafka.Kafka} on the given server.properties.
 * It exists so the child's command line names Tapline (visible in ps) and so the parent's death
 * also stops the broker: when standard input closes (the parent is gone), the JVM exits.
 */
public final class KafkaServerMain {

  private KafkaServerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: KafkaServerMain <server.properties>");
      System.exit(2);
    }
    Thread watchdog = Thread.ofPlatform().daemon().name("parent-watchdog").start(() -> {
      try {
        while (System.in.read() != -1) {
          // the parent never writes; read() returns -1 when its end of the pipe closes
        }
      } catch (java.io.IOException e) {
        // pipe broken: the parent is gone
      }
      System.exit(0); // runs Kafka's shutdown hook: a clean, fast stop
    });
    kafka.Kafka.main(args);
  }
}
