package stream

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/retail-datagen/retail-datagen/internal/civil"
)

// TestKafkaSink streams into an in-process Kafka cluster and consumes
// everything back: every event once, keyed by partition key, and the
// events of each store in event-time order.
func TestKafkaSink(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, "retail-events"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	start := civil.DaysFromCivil(2025, 8, 4)
	m := newModel(t, nil, start, start+2)
	eng, err := NewEngine(m, initial(m), nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseKafkaURL("kafka://"+cluster.ListenAddrs()[0]+"/retail-events", func(string) string { return "" }, "")
	if err != nil {
		t.Fatal(err)
	}
	sink, err := NewKafkaSink(cfg, 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const n = 20000
	res, err := Run(ctx, eng, sink, Position{Day: start}, Options{MaxEvents: n, BatchSize: 500}, Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	if res.Events != n {
		t.Fatalf("%d events produced", res.Events)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...), kgo.ConsumeTopics("retail-events"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	seen := map[string]bool{}
	last := map[string]string{}
	partOf := map[string]int32{}
	for len(seen) < n {
		fs := cl.PollFetches(ctx)
		if err := fs.Err0(); err != nil {
			t.Fatalf("consuming: %v (after %d events)", err, len(seen))
		}
		fs.EachRecord(func(r *kgo.Record) {
			var e struct {
				ID  string `json:"event_id"`
				Key string `json:"partition_key"`
				TS  string `json:"event_ts"`
			}
			if err := json.Unmarshal(r.Value, &e); err != nil {
				t.Fatalf("record value: %v", err)
			}
			if string(r.Key) != e.Key {
				t.Fatalf("record key %q, partition_key %q", r.Key, e.Key)
			}
			if seen[e.ID] {
				t.Fatalf("event %s twice", e.ID)
			}
			seen[e.ID] = true
			if p, ok := partOf[e.Key]; ok && p != r.Partition {
				t.Fatalf("%s on partitions %d and %d", e.Key, p, r.Partition)
			}
			partOf[e.Key] = r.Partition
			if e.TS < last[e.Key] {
				t.Fatalf("%s: %s after %s", e.Key, e.TS, last[e.Key])
			}
			last[e.Key] = e.TS
		})
	}
	parts := map[int32]bool{}
	for _, p := range partOf {
		parts[p] = true
	}
	if len(parts) < 2 {
		t.Errorf("all keys on %d partition(s)", len(parts))
	}
}

// TestParseKafkaURL reads brokers, topic and authentication.
func TestParseKafkaURL(t *testing.T) {
	env := func(k string) string {
		return map[string]string{"RETAIL_DATAGEN_KAFKA_USER": "u", "RETAIL_DATAGEN_KAFKA_PASSWORD": "p"}[k]
	}
	c, err := ParseKafkaURL("kafka://a:9092,b:9092/retail?tls=true&sasl=plain", env, "")
	if err != nil || len(c.Brokers) != 2 || c.Topic != "retail" || !c.TLS || c.User != "u" || c.Password != "p" {
		t.Errorf("%+v %v", c, err)
	}
	c, err = ParseKafkaURL("kafka://ns.servicebus.windows.net:9093/hub?sasl=eventhubs", env, "Endpoint=sb://x/;SharedAccessKey=k")
	if err != nil || c.User != "$ConnectionString" || !c.TLS {
		t.Errorf("%+v %v", c, err)
	}
	for _, bad := range []string{"kafka://", "kafka://a:1", "kafka://a:1/t/u", "http://a/t", "kafka://a:1/t?sasl=scram"} {
		if _, err := ParseKafkaURL(bad, env, ""); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := ParseKafkaURL("kafka://a:1/t?sasl=eventhubs", env, ""); err == nil {
		t.Error("eventhubs without a connection string accepted")
	}
}
