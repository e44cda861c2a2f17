// One Apache Kafka broker of the test cluster (KRaft, combined broker + controller) in this JVM, and the
// operators' side of it: what Strimzi's topic and user operators do (topics, SCRAM-SHA-512 credentials,
// ACLs) through the Admin client, plus a producer (the Vector stand-in's Kafka sink) and mirrors that copy a
// topic's records to a file (what the OpenSearch and ticketing-agent stand-ins read).
//
//   java -cp <kafka libs>:<classes> SimKafka <server.properties> <cluster id> <admin user> <admin password> <admin bootstrap>
//
// Formats the log directory when it is new (kafka-storage format, with the admin's SCRAM credential), starts
// the broker, waits for the admin listener, prints "@@ready", then answers one command per stdin line, each
// "<id>\t<verb>\t<args...>" (tab-separated), with "@@<id>\tok[\t<text>]" or "@@<id>\terr\t<message>":
//   topic NAME PARTITIONS REPLICAS [key=value ...]     create (an existing topic: partitions raised, configs set)
//   deltopic NAME
//   user NAME PASSWORD                                  upsert its SCRAM-SHA-512 credential
//   deluser NAME                                        credential and ACLs removed
//   acls NAME TYPE:NAME:PATTERN:OP,OP ...                replace the user's ACLs (allow) with these
//   produce TOPIC VALUE                                 one record, acknowledged
//   mirror TOPIC FILE                                   append every record (from the beginning) to FILE
// The broker's own log goes where log4j2's configuration says (a file); stdout carries only the lines above.
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileWriter;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public final class SimKafka {
  private static final PrintStream OUT = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
  private static final Map<String, Thread> MIRRORS = new ConcurrentHashMap<>();
  private static Properties clientProps;
  private static volatile boolean stopping;

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: SimKafka <server.properties> <cluster id> <admin user> <admin password> <admin bootstrap>");
      System.exit(2);
    }
    String config = args[0], clusterId = args[1], adminUser = args[2], adminPassword = args[3], adminBootstrap = args[4];
    // stdout is the protocol: whatever else writes to System.out goes to stderr
    System.setOut(System.err);
    Properties server = new Properties();
    try (FileInputStream in = new FileInputStream(config)) {
      server.load(in);
    }
    Path meta = Path.of(server.getProperty("log.dirs"), "meta.properties");
    if (!Files.exists(meta)) {
      int rc = kafka.tools.StorageTool.execute(new String[] {
          "format", "--config", config, "--cluster-id", clusterId, "--ignore-formatted",
          "--add-scram", "SCRAM-SHA-512=[name=" + adminUser + ",password=" + adminPassword + "]" }, System.err);
      if (rc != 0) {
        System.err.println("kafka-storage format failed with " + rc);
        System.exit(1);
      }
    }
    Thread broker = new Thread(() -> kafka.Kafka.main(new String[] { config }), "kafka-main");
    broker.start();

    clientProps = new Properties();
    clientProps.put("bootstrap.servers", adminBootstrap);
    clientProps.put("security.protocol", "SASL_PLAINTEXT");
    clientProps.put("sasl.mechanism", "SCRAM-SHA-512");
    clientProps.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + adminUser + "\" password=\"" + adminPassword + "\";");

    Admin admin = Admin.create(clientProps);
    long deadline = System.currentTimeMillis() + 120_000;
    for (;;) {
      try {
        admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
        break;
      } catch (Exception e) {
        if (System.currentTimeMillis() > deadline || !broker.isAlive()) {
          System.err.println("the broker did not answer on " + adminBootstrap + ": " + e);
          System.exit(1);
        }
        Thread.sleep(200);
      }
    }
    Properties pp = new Properties();
    pp.putAll(clientProps);
    pp.put("key.serializer", StringSerializer.class.getName());
    pp.put("value.serializer", StringSerializer.class.getName());
    pp.put("linger.ms", "0");
    pp.put("max.block.ms", "5000");
    pp.put("delivery.timeout.ms", "15000");
    pp.put("request.timeout.ms", "10000");
    KafkaProducer<String, String> producer = new KafkaProducer<>(pp);
    OUT.println("@@ready");

    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] f = line.split("\t", -1);
      if (f.length < 2) continue;
      String id = f[0];
      if (f[1].equals("produce")) {
        // answered when the broker acknowledges (or refuses) it; the next commands do not wait
        try {
          producer.send(new ProducerRecord<>(f[2], f[3]), (md, e) -> {
            if (e == null) OUT.println("@@" + id + "\tok\t" + md.partition() + "@" + md.offset());
            else OUT.println("@@" + id + "\terr\t" + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' '));
          });
        } catch (Exception e) {
          OUT.println("@@" + id + "\terr\t" + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' '));
        }
        continue;
      }
      try {
        String text = run(admin, producer, f);
        OUT.println("@@" + id + "\tok" + (text.isEmpty() ? "" : "\t" + text));
      } catch (Exception e) {
        Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        OUT.println("@@" + id + "\terr\t" + c.getClass().getSimpleName() + ": " + String.valueOf(c.getMessage()).replace('\n', ' '));
      }
    }
    // stdin closed: the simulator is gone
    stopping = true;
    producer.close(Duration.ofSeconds(2));
    admin.close(Duration.ofSeconds(2));
    Runtime.getRuntime().halt(0);
  }

  private static <T> T get(KafkaFuture<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  private static String run(Admin admin, KafkaProducer<String, String> producer, String[] f) throws Exception {
    switch (f[1]) {
      case "topic": {
        String name = f[2];
        int partitions = Integer.parseInt(f[3]);
        short replicas = Short.parseShort(f[4]);
        Map<String, String> configs = new HashMap<>();
        for (int i = 5; i < f.length; i++) {
          int eq = f[i].indexOf('=');
          if (eq > 0) configs.put(f[i].substring(0, eq), f[i].substring(eq + 1));
        }
        try {
          get(admin.createTopics(List.of(new NewTopic(name, partitions, replicas).configs(configs))).all());
          return "created";
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) throw e;
        }
        int have = get(admin.describeTopics(List.of(name)).allTopicNames()).get(name).partitions().size();
        if (partitions > have) get(admin.createPartitions(Map.of(name, NewPartitions.increaseTo(partitions))).all());
        if (!configs.isEmpty()) {
          List<AlterConfigOp> ops = new ArrayList<>();
          for (Map.Entry<String, String> c : configs.entrySet()) ops.add(new AlterConfigOp(new ConfigEntry(c.getKey(), c.getValue()), AlterConfigOp.OpType.SET));
          get(admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, name), ops)).all());
        }
        return "exists";
      }
      case "deltopic": {
        try {
          get(admin.deleteTopics(List.of(f[2])).all());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) throw e;
        }
        return "";
      }
      case "user": {
        get(admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(f[2], new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), f[3]))).all());
        return "";
      }
      case "deluser": {
        try {
          get(admin.alterUserScramCredentials(List.of(new UserScramCredentialDeletion(f[2], ScramMechanism.SCRAM_SHA_512))).all());
        } catch (ExecutionException e) {
          if (!String.valueOf(e.getCause().getMessage()).contains("not found") && !e.getCause().getClass().getSimpleName().equals("ResourceNotFoundException")) throw e;
        }
        deleteAcls(admin, f[2]);
        return "";
      }
      case "acls": {
        String principal = "User:" + f[2];
        deleteAcls(admin, f[2]);
        List<AclBinding> bindings = new ArrayList<>();
        for (int i = 3; i < f.length; i++) {
          String[] a = f[i].split(":", 4);
          ResourceType type = ResourceType.fromString(a[0].toUpperCase());
          PatternType pattern = a[2].equalsIgnoreCase("prefix") ? PatternType.PREFIXED : PatternType.LITERAL;
          String name = a[1];
          for (String op : a[3].split(",")) {
            AclOperation operation = AclOperation.fromString(op.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase());
            bindings.add(new AclBinding(new ResourcePattern(type, name, pattern), new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
          }
        }
        if (!bindings.isEmpty()) get(admin.createAcls(bindings).all());
        return String.valueOf(bindings.size());
      }
      case "mirror": {
        String topic = f[2], file = f[3];
        MIRRORS.computeIfAbsent(topic + "\t" + file, k -> {
          Thread t = new Thread(() -> mirror(topic, file), "mirror-" + topic);
          t.setDaemon(true);
          t.start();
          return t;
        });
        return "";
      }
      default:
        throw new IllegalArgumentException("unknown verb " + f[1]);
    }
  }

  private static void deleteAcls(Admin admin, String user) throws Exception {
    AclBindingFilter filter = new AclBindingFilter(ResourcePatternFilter.ANY, new AccessControlEntryFilter("User:" + user, null, AclOperation.ANY, AclPermissionType.ANY));
    get(admin.deleteAcls(List.of(filter)).all());
  }

  /** Every record of the topic's partitions, from the beginning, appended to the file (one line each); no group. */
  private static void mirror(String topic, String file) {
    Properties cp = new Properties();
    cp.putAll(clientProps);
    cp.put("key.deserializer", StringDeserializer.class.getName());
    cp.put("value.deserializer", StringDeserializer.class.getName());
    cp.put("enable.auto.commit", "false");
    cp.put("auto.offset.reset", "earliest");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp); FileWriter out = new FileWriter(file, StandardCharsets.UTF_8, true)) {
      List<TopicPartition> assigned = Collections.emptyList();
      while (!stopping) {
        List<org.apache.kafka.common.PartitionInfo> parts;
        try {
          parts = consumer.partitionsFor(topic, Duration.ofSeconds(5));
        } catch (Exception e) {
          Thread.sleep(500);
          continue;
        }
        if (parts != null && parts.size() != assigned.size()) {
          List<TopicPartition> tps = new ArrayList<>();
          for (var p : parts) tps.add(new TopicPartition(topic, p.partition()));
          Collection<TopicPartition> added = new ArrayList<>(tps);
          added.removeAll(assigned);
          consumer.assign(tps);
          consumer.seekToBeginning(added);
          assigned = tps;
        }
        if (assigned.isEmpty()) {
          Thread.sleep(200);
          continue;
        }
        org.apache.kafka.clients.consumer.ConsumerRecords<String, String> records;
        try {
          records = consumer.poll(Duration.ofMillis(200));
        } catch (Exception e) {
          Thread.sleep(500);
          continue;
        }
        for (ConsumerRecord<String, String> r : records) {
          out.write(r.value() == null ? "" : r.value().replace('\n', ' '));
          out.write('\n');
        }
        out.flush();
      }
    } catch (Exception e) {
      if (!stopping) System.err.println("mirror " + topic + " → " + file + " ended: " + e);
    }
  }
}
