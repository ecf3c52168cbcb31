package io.tapline.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** The repository's deployment files (docker-compose*.yml, Dockerfile, deploy/) and the tools that check them. */
final class DeployFiles {

  private DeployFiles() {}

  /** The repository root: the first folder up from the test's working folder that has docker-compose.yml. */
  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("docker-compose.yml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no docker-compose.yml above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  static Path file(String relative) {
    return root().resolve(relative);
  }

  static String read(String relative) {
    try {
      return Files.readString(file(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One YAML document as maps and lists (anchors and merge keys resolved). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(String text) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(200);
    return (Map<String, Object>) new Yaml(options).load(text);
  }

  /** Every document of a multi-document YAML stream (kubectl kustomize output). */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> yamlAll(String text) {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new Yaml(new LoaderOptions()).loadAll(text)) {
      if (doc != null) {
        docs.add((Map<String, Object>) doc);
      }
    }
    return docs;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object node, String key) {
    Object value = ((Map<String, Object>) node).get(key);
    return value == null ? Map.of() : (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object node, String key) {
    Object value = ((Map<String, Object>) node).get(key);
    return value == null ? List.of() : (List<Object>) value;
  }

  /** Whether an executable is on PATH. */
  static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  /** Output and exit code of a command run in the repository root. */
  record Result(int exitCode, String output) {}

  static Result run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).directory(root().toFile()).redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(300, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(command + " did not finish in 300 s");
      }
      return new Result(process.exitValue(), new String(out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
