// Tiny end-to-end check of a running broker, run by smoke.sh as a single-file
// Java program (java -cp '<kafka jars>/*' KafkaSmoke.java <bootstrap> <topic>):
// creates the topic (3 partitions) if missing, produces one record with a
// unique value, and consumes it back with a fresh consumer group.
import java.time.Duration;
import java.util.*;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.*;

public class KafkaSmoke {
  public static void main(String[] args) throws Exception {
    String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:9092";
    String topic = args.length > 1 ? args[1] : "tthc-smoke";
    String value = "smoke-" + UUID.randomUUID();
    long t0 = System.nanoTime();

    Properties common = new Properties();
    common.put("bootstrap.servers", bootstrap);
    common.put("request.timeout.ms", "10000");
    common.put("default.api.timeout.ms", "20000");

    try (Admin admin = Admin.create(common)) {
      try {
        admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        System.err.println("smoke: created topic " + topic);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) throw e;
        System.err.println("smoke: topic " + topic + " exists");
      }
    }

    Properties p = new Properties();
    p.putAll(common);
    p.put("acks", "all");
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    RecordMetadata md;
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      md = producer.send(new ProducerRecord<>(topic, "k", value)).get();
    }
    System.err.printf("smoke: produced to %s-%d@%d%n", md.topic(), md.partition(), md.offset());

    Properties c = new Properties();
    c.putAll(common);
    c.put("group.id", "tthc-smoke-" + UUID.randomUUID());
    c.put("auto.offset.reset", "earliest");
    c.put("enable.auto.commit", "false");
    c.put("key.deserializer", StringDeserializer.class.getName());
    c.put("value.deserializer", StringDeserializer.class.getName());
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          if (value.equals(r.value())) {
            System.err.printf("smoke: consumed it back from %s-%d@%d in %.1fs total%n",
                r.topic(), r.partition(), r.offset(), (System.nanoTime() - t0) / 1e9);
            System.out.println("OK");
            return;
          }
        }
      }
    }
    System.err.println("smoke: FAILED, record not consumed within 30s");
    System.exit(1);
  }
}
