package stream

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
)

// KafkaSink produces events to a Kafka topic: the record key is the
// partition key (so a store's events stay in order on one partition) and
// the value the event's JSON envelope. A batch is acknowledged when every
// record is (acks=all, idempotent producer).
//
// Delivery is at least once. The client's own retries never duplicate a
// record, but a batch that fails (the broker unreachable or not answering
// for the delivery timeout) may have been partly written before it failed;
// the resilience layer sends it again, so a consumer can see an event
// twice, with the same event_id, and dedupes by it.
type KafkaSink struct {
	cl    *kgo.Client
	topic string
	now   func() time.Time
	recs  []*kgo.Record
}

// KafkaConfig locates the brokers.
type KafkaConfig struct {
	Brokers []string
	Topic   string
	TLS     bool
	// SASL PLAIN credentials (Event Hubs' Kafka endpoint: user
	// "$ConnectionString", password the connection string).
	User, Password string
	// DeliveryTimeout bounds how long the client retries a record before
	// the batch fails and the resilience layer takes over (default 30 s,
	// at least 1 s).
	DeliveryTimeout time.Duration
}

// ParseKafkaURL reads kafka://BROKER[,BROKER]/TOPIC[?tls=true&sasl=plain|eventhubs].
// sasl=plain takes the user and password from RETAIL_DATAGEN_KAFKA_USER and
// RETAIL_DATAGEN_KAFKA_PASSWORD; sasl=eventhubs authenticates to Event
// Hubs' Kafka endpoint with the connection string of connString.
func ParseKafkaURL(raw string, getenv func(string) string, connString string) (KafkaConfig, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "kafka" || u.Host == "" {
		return KafkaConfig{}, fmt.Errorf("--sink %q: a Kafka sink is kafka://BROKER[,BROKER]/TOPIC", raw)
	}
	topic := strings.Trim(u.Path, "/")
	if topic == "" || strings.Contains(topic, "/") {
		return KafkaConfig{}, fmt.Errorf("--sink %q: name one topic after the brokers, e.g. kafka://localhost:9092/retail-events", raw)
	}
	c := KafkaConfig{Brokers: strings.Split(u.Host, ","), Topic: topic}
	q := u.Query()
	c.TLS = q.Get("tls") == "true" || q.Get("tls") == "1"
	switch q.Get("sasl") {
	case "":
	case "plain":
		c.User, c.Password = getenv("RETAIL_DATAGEN_KAFKA_USER"), getenv("RETAIL_DATAGEN_KAFKA_PASSWORD")
		if c.User == "" {
			return KafkaConfig{}, errors.New("sasl=plain: set RETAIL_DATAGEN_KAFKA_USER and RETAIL_DATAGEN_KAFKA_PASSWORD")
		}
	case "eventhubs":
		if connString == "" {
			return KafkaConfig{}, errors.New("sasl=eventhubs: set AZURE_EVENTHUB_CONNECTION_STRING (or realtime.azure_connection_string)")
		}
		c.User, c.Password, c.TLS = "$ConnectionString", connString, true
	default:
		return KafkaConfig{}, fmt.Errorf("--sink %q: sasl must be plain or eventhubs", raw)
	}
	return c, nil
}

// NewKafkaSink connects to the brokers.
func NewKafkaSink(c KafkaConfig, batchBytes int32) (*KafkaSink, error) {
	timeout := cmp.Or(c.DeliveryTimeout, 30*time.Second)
	opts := []kgo.Opt{
		kgo.SeedBrokers(c.Brokers...),
		kgo.DefaultProduceTopic(c.Topic),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerLinger(5 * time.Millisecond),
		kgo.ClientID("retail-datagen"),
		kgo.RecordDeliveryTimeout(timeout),
		// A request whose answer never came (the connection dropped, or
		// the broker answered REQUEST_TIMED_OUT) may or may not have been
		// written. By default the idempotent producer then fails its
		// records neither on the delivery timeout nor when ctx ends: Send
		// would block for as long as the broker is down, the resilience
		// layer would never see the outage, and the stream could not even
		// be stopped. Failing them is what at-least-once delivery needs
		// (the client bumps its producer epoch before producing again).
		kgo.AllowIdempotentProduceCancellation(),
		// After a lost connection or a leadership error the client
		// retries on its next metadata refresh, and only then checks the
		// delivery timeout; refreshing at most every 5 s (the default)
		// would stretch a short timeout to 5 s, and recovery after an
		// outage with it.
		kgo.MetadataMinAge(min(5*time.Second, timeout/4)),
	}
	if batchBytes > 0 {
		opts = append(opts, kgo.ProducerBatchMaxBytes(batchBytes))
	}
	if c.TLS {
		opts = append(opts, kgo.DialTLSConfig(&tls.Config{MinVersion: tls.VersionTLS12}))
	}
	if c.User != "" {
		opts = append(opts, kgo.SASL(plain.Auth{User: c.User, Pass: c.Password}.AsMechanism()))
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("kafka: %w", err)
	}
	return &KafkaSink{cl: cl, topic: c.Topic, now: time.Now}, nil
}

// Send produces the batch and waits for every acknowledgement.
func (s *KafkaSink) Send(ctx context.Context, batch []*Event) error {
	ingest := IngestTime(s.now())
	s.recs = s.recs[:0]
	for _, e := range batch {
		s.recs = append(s.recs, &kgo.Record{
			Key:   e.AppendPartitionKey(nil),
			Value: e.AppendJSON(nil, ingest),
		})
	}
	if err := s.cl.ProduceSync(ctx, s.recs...).FirstErr(); err != nil {
		var ke *kerr.Error
		if errors.As(err, &ke) && !ke.Retriable {
			// The broker rejects these records (too large, invalid...):
			// retrying cannot help.
			return &PermanentError{Err: fmt.Errorf("kafka: %s rejected the batch: %w", s.topic, err)}
		}
		return fmt.Errorf("kafka: producing to %s: %w", s.topic, err)
	}
	return nil
}

// Close flushes and disconnects.
func (s *KafkaSink) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := s.cl.Flush(ctx)
	s.cl.Close()
	return err
}

// SendRaw produces encoded events.
func (s *KafkaSink) SendRaw(ctx context.Context, recs []RawRecord) error {
	s.recs = s.recs[:0]
	for _, r := range recs {
		s.recs = append(s.recs, &kgo.Record{Key: r.Key, Value: r.Value})
	}
	if err := s.cl.ProduceSync(ctx, s.recs...).FirstErr(); err != nil {
		return fmt.Errorf("kafka: producing to %s: %w", s.topic, err)
	}
	return nil
}
