// One OpenSearch node of the test cluster (single-node discovery) in this JVM: the server as the distribution
// runs it, with the modules verify's calls need loaded from the classpath (HTTP over Netty 4; reindex, which
// serves _delete_by_query). Without the security plugin: TLS and basic authentication are played in front of it.
//
//   java -cp <opensearch libs>:<classes> SimOpenSearch <home> <address> <http port> <transport port>
//
// Starts the node, prints "@@ready" once it serves HTTP, and stops when stdin closes (the parent went away).
// The node's own log goes where log4j2's configuration says (a file); stdout carries only that line.
import java.nio.file.Path;
import java.util.List;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.Node;
import org.opensearch.transport.Netty4Plugin;

public class SimOpenSearch {
  /** Node's constructor with classpath plugins (the distribution loads these from its modules folder). */
  static class EmbeddedNode extends Node {
    EmbeddedNode(Settings settings) {
      super(new Environment(settings, null), List.of(Netty4Plugin.class, ReindexPlugin.class), true);
    }
  }

  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]);
    Settings settings = Settings.builder()
        .put("cluster.name", "logclaw-opensearch")
        .put("node.name", "logclaw-opensearch-0")
        .put("path.home", home.toString())
        .put("path.data", home.resolve("data").toString())
        .put("path.logs", home.resolve("logs").toString())
        .put("network.host", args[1])
        .put("http.port", args[2])
        .put("transport.port", args[3])
        .put("discovery.type", "single-node")
        .put("http.type", "netty4")
        .put("transport.type", "netty4")
        // a test machine's disk: no watermark makes the indices read-only
        .put("cluster.routing.allocation.disk.threshold_enabled", false)
        .put("node.store.allow_mmap", false)
        .build();
    Node node = new EmbeddedNode(settings);
    node.start();
    System.out.println("@@ready");
    System.out.flush();
    while (System.in.read() >= 0) {
      // the parent holds stdin open while it wants the node
    }
    node.close();
    System.exit(0);
  }
}
