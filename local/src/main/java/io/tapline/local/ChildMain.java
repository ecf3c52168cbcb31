package io.tapline.local;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of every service JVM the launcher starts: it runs the service's own main and exits
 * when its standard input closes, that is when the launcher is gone, even after a kill -9 of the
 * launcher. Services started by hand (or by docker-compose) run their main directly.
 */
public final class ChildMain {

  private ChildMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: ChildMain <service main class> [args...]");
      System.exit(2);
    }
    Thread.ofPlatform().daemon().name("launcher-watchdog").start(() -> {
      try {
        while (System.in.read() != -1) {
          // the launcher never writes; -1 means its end of the pipe closed
        }
      } catch (java.io.IOException e) {
        // broken pipe: the launcher is gone
      }
      System.exit(0); // runs the service's shutdown hook
    });
    Method main = Class.forName(args[0]).getMethod("main", String[].class);
    main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
  }
}
