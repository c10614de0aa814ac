package stream

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/retail-datagen/retail-datagen/internal/civil"
)

// BenchmarkStreamToFiles streams the small chain, all event types, as fast
// as possible into rotating files on one core (one worker): simulation,
// envelopes and writing. It reports events/s.
func BenchmarkStreamToFiles(b *testing.B) {
	start := civil.DaysFromCivil(2025, 4, 1)
	m := newModel(b, map[string]string{"scale": "small", "disruptions.enabled": "false"}, start, start+400)
	eng, err := NewEngine(m, initial(m), nil, 1)
	if err != nil {
		b.Fatal(err)
	}
	sink, err := NewFileSink(b.TempDir(), 1_000_000)
	if err != nil {
		b.Fatal(err)
	}
	defer sink.Close()
	per := int64(200_000)
	pos := Position{Day: start}
	cpu0 := cpuSeconds(b)
	b.ResetTimer()
	var total int64
	for b.Loop() {
		res, err := Run(context.Background(), eng, sink, pos, Options{MaxEvents: per, BatchSize: 1024}, Hooks{})
		if err != nil {
			b.Fatal(err)
		}
		total += res.Events
		// Run resumes with a fresh engine in real use; here the engine has
		// already simulated the stopped day, so start after it.
		pos = Position{Day: res.Stopped.Day}
		if res.Stopped.Sent > 0 {
			pos.Day++
		}
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(total)/(cpuSeconds(b)-cpu0), "events/cpu-s")
}

// cpuSeconds is the CPU time the process used so far (user + system).
func cpuSeconds(b *testing.B) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// BenchmarkStreamToKafka is BenchmarkStreamToFiles into an in-process
// Kafka cluster (kfake), acknowledged by the broker.
func BenchmarkStreamToKafka(b *testing.B) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(8, "bench"))
	if err != nil {
		b.Fatal(err)
	}
	defer cluster.Close()
	start := civil.DaysFromCivil(2025, 4, 1)
	m := newModel(b, map[string]string{"scale": "small", "disruptions.enabled": "false"}, start, start+400)
	eng, err := NewEngine(m, initial(m), nil, 1)
	if err != nil {
		b.Fatal(err)
	}
	sink, err := NewKafkaSink(KafkaConfig{Brokers: cluster.ListenAddrs(), Topic: "bench"}, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer sink.Close()
	pos := Position{Day: start}
	var total int64
	cpu0 := cpuSeconds(b)
	b.ResetTimer()
	for b.Loop() {
		res, err := Run(context.Background(), eng, sink, pos, Options{MaxEvents: 100_000, BatchSize: 4096}, Hooks{})
		if err != nil {
			b.Fatal(err)
		}
		total += res.Events
		pos = Position{Day: res.Stopped.Day}
		if res.Stopped.Sent > 0 {
			pos.Day++
		}
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(total)/(cpuSeconds(b)-cpu0), "events/cpu-s")
}
