// Publishes dossier events to Kafka with the official CloudEvents Java SDK
// (io.cloudevents:cloudevents-kafka + cloudevents-json-jackson), so that the
// e2e tests can check our ingest against events made by a client no one here
// wrote. Run as a single-file Java program with the jars fetched by fetch.sh:
//
//   java -cp "$(test/clients/java/fetch.sh)/*" test/clients/java/CloudEventsSend.java \
//     <bootstrap> <topic> <binary|structured> <ndjson-file>
//
// The NDJSON file holds one JSON object per line. Blank lines and lines whose
// `type` does not start with "vn.gov.tthc.dossier." (e.g. an agency registry
// line) are skipped. Every other line is a CloudEvents 1.0 envelope (specversion,
// id, source, type, subject, time, optional datacontenttype, data), rebuilt with
// CloudEventBuilder.v1() and sent with the SDK's CloudEventSerializer in the
// chosen content mode. The record key is set by the SDK's
// PartitionKeyExtensionInterceptor from the `partitionkey` extension (= subject).
// Prints `sent <n> <mode>` on stdout; errors go to stderr with a non-zero exit.
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.CloudEventSerializer;
import io.cloudevents.kafka.PartitionKeyExtensionInterceptor;
import java.io.BufferedReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

public class CloudEventsSend {
  static final String TYPE_PREFIX = "vn.gov.tthc.dossier.";
  static final String USAGE =
      "usage: java -cp '<libs>/*' CloudEventsSend.java <bootstrap> <topic> <binary|structured> <ndjson-file>";

  /** A bad input line: reported with its line number, exit status 1. */
  static final class InputError extends Exception {
    InputError(String msg) { super(msg); }
  }

  public static void main(String[] args) {
    if (args.length != 4) {
      System.err.println(USAGE);
      System.exit(2);
    }
    String bootstrap = args[0], topic = args[1], mode = args[2];
    Path file = Path.of(args[3]);
    Encoding encoding;
    switch (mode) {
      case "binary": encoding = Encoding.BINARY; break;
      case "structured": encoding = Encoding.STRUCTURED; break;
      default:
        System.err.println("cloudevents-send: mode must be binary or structured, got '" + mode + "'");
        System.err.println(USAGE);
        System.exit(2);
        return;
    }
    try {
      List<CloudEvent> events = readEvents(file);
      int sent = send(bootstrap, topic, encoding, events);
      System.out.println("sent " + sent + " " + mode);
    } catch (InputError e) {
      System.err.println("cloudevents-send: " + e.getMessage());
      System.exit(1);
    } catch (Exception e) {
      System.err.println("cloudevents-send: " + e);
      for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
        System.err.println("  caused by: " + c);
      }
      System.exit(1);
    }
  }

  /** Reads the NDJSON file; every kept line becomes one CloudEvent, in file order. */
  static List<CloudEvent> readEvents(Path file) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    List<CloudEvent> events = new ArrayList<>();
    int lineNo = 0, skipped = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; ) {
        lineNo++;
        if (line.isBlank()) continue;
        JsonNode obj;
        try {
          obj = mapper.readTree(line);
        } catch (JsonProcessingException e) {
          throw new InputError(file + ":" + lineNo + ": not JSON: " + e.getOriginalMessage());
        }
        if (obj == null || !obj.isObject()) {
          throw new InputError(file + ":" + lineNo + ": not a JSON object");
        }
        JsonNode type = obj.get("type");
        if (type == null || !type.isTextual() || !type.asText().startsWith(TYPE_PREFIX)) {
          skipped++;
          continue;
        }
        try {
          events.add(toEvent(mapper, obj));
        } catch (InputError e) {
          throw new InputError(file + ":" + lineNo + ": " + e.getMessage());
        } catch (RuntimeException e) { // bad URI, bad time, builder validation
          throw new InputError(file + ":" + lineNo + ": " + e);
        }
      }
    }
    if (skipped > 0) {
      System.err.println("cloudevents-send: skipped " + skipped + " line(s) that are not " + TYPE_PREFIX + "* events");
    }
    return events;
  }

  static CloudEvent toEvent(ObjectMapper mapper, JsonNode obj) throws Exception {
    String specversion = text(obj, "specversion");
    if (!"1.0".equals(specversion)) {
      throw new InputError("specversion must be \"1.0\", got \"" + specversion + "\"");
    }
    String subject = text(obj, "subject");
    CloudEventBuilder b = CloudEventBuilder.v1()
        .withId(text(obj, "id"))
        .withSource(URI.create(text(obj, "source")))
        .withType(text(obj, "type"))
        .withSubject(subject)
        .withTime(OffsetDateTime.parse(text(obj, "time")))
        .withExtension("partitionkey", subject);
    JsonNode data = obj.get("data");
    if (data != null && !data.isNull()) {
      b.withData("application/json", mapper.writeValueAsBytes(data));
    }
    return b.build();
  }

  static String text(JsonNode obj, String field) throws InputError {
    JsonNode v = obj.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw new InputError("missing or non-string \"" + field + "\"");
    }
    return v.asText();
  }

  /** Sends every event (null key: the interceptor sets it), flushes, closes. */
  static int send(String bootstrap, String topic, Encoding encoding, List<CloudEvent> events)
      throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CloudEventSerializer.class.getName());
    p.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, PartitionKeyExtensionInterceptor.class.getName());
    p.put(CloudEventSerializer.ENCODING_CONFIG, encoding);
    if (encoding == Encoding.STRUCTURED) {
      p.put(CloudEventSerializer.EVENT_FORMAT_CONFIG, JsonFormat.CONTENT_TYPE);
    }
    // Each dossier keeps its order: idempotent producer, one request in flight.
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "tthc-cloudevents-java-send");
    // Fail in seconds, not minutes, when the broker is not there.
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");

    AtomicInteger acked = new AtomicInteger();
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(p)) {
      for (CloudEvent ev : events) {
        if (failure.get() != null) break; // e.g. no broker: do not wait max.block.ms per event
        producer.send(new ProducerRecord<String, CloudEvent>(topic, null, ev), (md, err) -> {
          if (err != null) failure.compareAndSet(null, err);
          else acked.incrementAndGet();
        });
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new Exception("send failed (" + acked.get() + " of " + events.size() + " acknowledged)", failure.get());
    }
    if (acked.get() != events.size()) {
      throw new Exception("only " + acked.get() + " of " + events.size() + " events acknowledged");
    }
    return acked.get();
  }
}
