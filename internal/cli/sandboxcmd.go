package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

func (a *app) kafkaSandboxCmd() *cobra.Command {
	var (
		port       int
		topic      string
		partitions int32
		every      time.Duration
	)
	cmd := &cobra.Command{
		Use:   "kafka-sandbox",
		Short: "Run a throw-away Kafka broker on this machine to try the Kafka sink",
		Long: `kafka-sandbox starts a small in-process Kafka-compatible broker on 127.0.0.1,
creates the topic, and reports the records it receives, until you stop it with
Ctrl-C. Point stream at it from another terminal to see the Kafka sink work
without installing Kafka. It keeps what it receives in memory and is meant for
trying things out, not for volume: use a real cluster (or Event Hubs' Kafka
endpoint) for that.`,
		Example: `  retail-datagen kafka-sandbox
  # in another terminal:
  retail-datagen stream --scale tiny -o retail --sink kafka://127.0.0.1:9092/retail-events --max-events 100000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(port), kfake.SeedTopics(partitions, topic))
			if err != nil {
				return fmt.Errorf("starting the sandbox broker on 127.0.0.1:%d: %w (is the port in use? pick another with --port)", port, err)
			}
			defer cluster.Close()
			addr := cluster.ListenAddrs()[0]
			fmt.Fprintf(a.stderr, "Kafka sandbox on %s, topic %q with %d partitions. Stream to it with:\n  retail-datagen stream ... --sink kafka://%s/%s\nCtrl-C stops it.\n",
				addr, topic, partitions, addr, topic)
			cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.ConsumeTopics(topic))
			if err != nil {
				return fmt.Errorf("sandbox consumer: %w", err)
			}
			defer cl.Close()
			ctx := cmd.Context()
			var total, since int64
			keys := map[string]bool{}
			last := time.Now()
			for ctx.Err() == nil {
				fs := cl.PollFetches(ctx)
				fs.EachRecord(func(r *kgo.Record) {
					total++
					since++
					keys[string(r.Key)] = true
				})
				if now := time.Now(); now.Sub(last) >= every && since > 0 {
					fmt.Fprintf(a.stdout, "received %d records (%.0f/s), %d partition keys\n", total, float64(since)/now.Sub(last).Seconds(), len(keys))
					since, last = 0, now
				}
			}
			fmt.Fprintf(a.stdout, "received %d records, %d partition keys\n", total, len(keys))
			return nil
		},
	}
	fs := cmd.Flags()
	fs.IntVar(&port, "port", 9092, "port to listen on, on 127.0.0.1")
	fs.StringVar(&topic, "topic", "retail-events", "topic to create")
	fs.Int32Var(&partitions, "partitions", 8, "partitions of the topic")
	fs.DurationVar(&every, "report-every", 5*time.Second, "how often to report the records received")
	return cmd
}
