// Tiny admin CLI for the local dev broker, run by kafka.sh with Java's single-file source
// launcher against the cached kafka-clients jar (the kafka-tools artifact with kafka-topics.sh's
// TopicCommand is not part of the kafka_2.13 dependency tree).
//
//   java -cp '<libs>/*' LocalKafkaAdmin.java <bootstrap> ready
//   java -cp '<libs>/*' LocalKafkaAdmin.java <bootstrap> list
//   java -cp '<libs>/*' LocalKafkaAdmin.java <bootstrap> create <topic> [partitions]
//   java -cp '<libs>/*' LocalKafkaAdmin.java <bootstrap> delete <topic>
//   java -cp '<libs>/*' LocalKafkaAdmin.java <bootstrap> groups
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

public class LocalKafkaAdmin {
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: LocalKafkaAdmin <bootstrap> ready|list|create <topic> [partitions]|delete <topic>|groups");
      System.exit(2);
    }
    Properties p = new Properties();
    p.put("bootstrap.servers", args[0]);
    p.put("request.timeout.ms", "5000");
    p.put("default.api.timeout.ms", "10000");
    int rc = 0;
    try (Admin admin = Admin.create(p)) {
      switch (args[1]) {
        case "ready" -> {
          var c = admin.describeCluster();
          int nodes = c.nodes().get(10, TimeUnit.SECONDS).size();
          System.out.println("cluster " + c.clusterId().get() + ", " + nodes + " node(s), controller " + c.controller().get());
          rc = nodes > 0 ? 0 : 1;
        }
        case "list" -> new TreeSet<>(admin.listTopics().names().get()).forEach(System.out::println);
        case "create" -> {
          int partitions = args.length > 3 ? Integer.parseInt(args[3]) : 3;
          try {
            admin.createTopics(List.of(new NewTopic(args[2], partitions, (short) 1))).all().get();
            System.out.println("created " + args[2] + " (" + partitions + " partitions)");
          } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) throw e;
            System.out.println("exists " + args[2]);
          }
        }
        case "delete" -> {
          admin.deleteTopics(List.of(args[2])).all().get();
          System.out.println("deleted " + args[2]);
        }
        case "groups" -> admin.listGroups().all().get()
            .forEach(g -> System.out.println(g.groupId() + " type=" + g.type().map(Object::toString).orElse("?")
                + " protocol=" + g.protocol() + " state=" + g.groupState().map(Object::toString).orElse("?")));
        default -> {
          System.err.println("unknown command " + args[1]);
          rc = 2;
        }
      }
    } catch (Exception e) {
      System.err.println("LocalKafkaAdmin: " + (e.getCause() != null ? e.getCause() : e));
      rc = 1;
    }
    System.exit(rc);
  }
}
